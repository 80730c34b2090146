import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach, vi } from "vitest";

// jsdom lacks these browser APIs that Semi components call.
if (!window.matchMedia) {
  Object.defineProperty(window, "matchMedia", {
    writable: true,
    value: (query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener: vi.fn(),
      removeListener: vi.fn(),
      addEventListener: vi.fn(),
      removeEventListener: vi.fn(),
      dispatchEvent: vi.fn(),
    }),
  });
}
if (!("ResizeObserver" in window)) {
  class ResizeObserverStub {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  Object.defineProperty(window, "ResizeObserver", { writable: true, value: ResizeObserverStub });
}

// Semi's barrel pulls in lottie-web, which draws on a canvas at import time; jsdom has no canvas.
const noop = () => undefined;
const fakeContext = new Proxy({}, { get: (_target, prop) => (prop === "canvas" ? document.createElement("canvas") : noop), set: () => true });
HTMLCanvasElement.prototype.getContext = (() => fakeContext) as unknown as HTMLCanvasElement["getContext"];

afterEach(() => {
  cleanup();
  window.localStorage.clear();
});
