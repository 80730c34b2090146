// Accounts and signed-in pages for browser tests: each test gets its own browser context (its own cookies).
import { request, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";

export const password = "correct horse battery staple";
export const spacePage = /\/console\/enterprise\/personal\/space\/(\d+)/;

let userCount = 0;

export function uniqueEmail(kind: string): string {
  userCount += 1;
  return `${kind}-${Date.now()}-${userCount}@example.com`;
}

export function spaceIdOf(page: Page): string {
  const id = spacePage.exec(page.url())?.[1];
  if (!id) throw new Error(`not on a workspace page: ${page.url()}`);
  return id;
}

export class Sessions {
  private readonly contexts: BrowserContext[] = [];

  constructor(
    private readonly browser: () => Browser,
    private readonly baseUrl: string,
  ) {}

  async freshPage(): Promise<Page> {
    const context = await this.browser().newContext({ baseURL: this.baseUrl, viewport: { width: 1280, height: 800 } });
    this.contexts.push(context);
    return context.newPage();
  }

  /** A registered account, created over the API without touching any browser context. */
  async registeredEmail(kind = "user"): Promise<string> {
    const email = uniqueEmail(kind);
    const api = await request.newContext({ baseURL: this.baseUrl });
    const response = await api.post("/api/foundation/v1/users/register", { data: { email, password } });
    expect(response.status()).toBe(200);
    await api.dispose();
    return email;
  }

  /** A page whose context holds the user's session cookie, opened at their workspace's home. */
  async signedInPage(email: string): Promise<Page> {
    const page = await this.freshPage();
    const login = await page.request.post("/api/foundation/v1/users/login_by_password", { data: { email, password } });
    expect(login.status()).toBe(200);
    await page.goto("/");
    await page.waitForURL(spacePage);
    await page.getByRole("heading", { name: "Connect the SDK" }).waitFor();
    return page;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.contexts.splice(0).map((context) => context.close()));
  }
}
