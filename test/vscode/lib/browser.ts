/**
 * Debian's Chromium driven by playwright-core. The executable is always given explicitly:
 * no test tool may download a browser on these machines.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Tools } from './tools';

export interface BrowserSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Browser console lines and page errors, for the failure report. */
  console(): string[];
  close(): Promise<void>;
}

export async function openBrowser(tools: Tools): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: tools.chromium,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    timeout: 60_000,
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const lines: string[] = [];
  page.on('console', (message) => lines.push(`[browser ${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => lines.push(`[browser pageerror] ${error.message}`));
  return {
    browser,
    context,
    page,
    console: () => lines,
    async close() {
      await browser.close().catch(() => undefined);
    },
  };
}
