import type { TestProject } from "vitest/node";

import { startStack, stopStack } from "./stack";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startStack();
  project.provide("baseUrl", stack.baseUrl);
  return async () => {
    await stopStack(stack);
  };
}
