export const queryKeys = {
  session: ["session"] as const,
  spaces: ["spaces"] as const,
  space: (spaceId: string) => ["spaces", spaceId] as const,
  members: (spaceId: string) => ["spaces", spaceId, "members"] as const,
  tokens: ["tokens"] as const,
  prompts: (spaceId: string) => ["spaces", spaceId, "prompts"] as const,
  promptList: (spaceId: string, params: unknown) => ["spaces", spaceId, "prompts", "list", params] as const,
  prompt: (promptId: string) => ["prompt", promptId] as const,
  commits: (promptId: string) => ["prompt", promptId, "commits"] as const,
  labels: (spaceId: string) => ["spaces", spaceId, "prompt-labels"] as const,
  models: (spaceId: string) => ["spaces", spaceId, "models"] as const,
};
