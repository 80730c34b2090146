import { readStorage, removeStorage, STORAGE_KEYS, writeStorage } from "../lib/storage";

export function getLastSpaceId(): string | null {
  return readStorage(STORAGE_KEYS.lastSpace);
}

export function setLastSpaceId(spaceId: string): void {
  writeStorage(STORAGE_KEYS.lastSpace, spaceId);
}

/** Forget the last-used workspace if it is `spaceId` (after leaving it). */
export function forgetLastSpaceId(spaceId: string): void {
  if (getLastSpaceId() === spaceId) removeStorage(STORAGE_KEYS.lastSpace);
}
