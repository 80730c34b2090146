import { readStorage, STORAGE_KEYS, writeStorage } from "../lib/storage";

export function getLastSpaceId(): string | null {
  return readStorage(STORAGE_KEYS.lastSpace);
}

export function setLastSpaceId(spaceId: string): void {
  writeStorage(STORAGE_KEYS.lastSpace, spaceId);
}
