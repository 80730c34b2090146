export const queryKeys = {
  session: ["session"] as const,
  spaces: ["spaces"] as const,
  space: (spaceId: string) => ["spaces", spaceId] as const,
  members: (spaceId: string) => ["spaces", spaceId, "members"] as const,
  tokens: ["tokens"] as const,
};
