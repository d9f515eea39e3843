/**
 * (b) UI test: the packaged .vsix installed into code-server and used as a person would,
 * through Chromium: the activity-bar icon, the welcome view, the command palette, the
 * folder picker (the web workbench's simple file dialog, a quick input that takes a typed
 * path), the Sources tree, the status bar and a generated note. Screenshots go to
 * test-results/ (look at them: they are what a user sees).
 *
 * Steps run in order and each depends on the one before; after the first failure the rest
 * are reported as skipped, and a screenshot plus the workbench's logs are saved.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { openBrowser, type BrowserSession } from './lib/browser';
import { collectLogs, installExtension, startCodeServer, type CodeServer } from './lib/codeServer';
import type { Tools } from './lib/tools';
import { copyDir, listFiles, makeTempDir, removeDir, type Tally } from './lib/util';
import { expectedChats, type ExpectedChat } from './suite/sample';

export interface UiOptions {
  tools: Tools;
  /** The packaged extension to install. */
  vsix: string;
  /** The Telegram Desktop export to import (copied first). */
  sampleExport: string;
  resultsDir: string;
  keep?: boolean;
}

const CONTAINER_TITLE = 'Vault Archiver';
const IMPORT_COMMAND = 'Vault Archiver: Import Telegram Desktop Export';
const STATUS_ITEM_ID = 'vault-archiver.vault-archiver.vaultArchiver.metrics';
/**
 * The toast that says the import is done (not the "Importing …" progress toast). No leading
 * \b: Playwright matches the toast's textContent, where the buttons' labels run straight
 * into the message ("Show LogImport finished").
 */
const FINISHED_TOAST = /import(ed\b|\s+finished)/i;
const WELCOME_BUTTONS = ['Import Telegram Desktop Export', 'Add Telegram Chat', 'Add YouTube Channel'];

export const SCREENSHOTS = {
  welcome: '01-welcome.png',
  tree: '02-sources-tree.png',
  notification: '03-import-finished.png',
  statusBar: '04-status-bar.png',
  statusTooltip: '05-status-tooltip.png',
  note: '06-note.png',
  preview: '07-note-preview.png',
} as const;

interface Step {
  name: string;
  run(): Promise<void>;
}

export async function runUi(options: UiOptions): Promise<Tally> {
  const tally: Tally = { passed: 0, failed: 0, skipped: 0 };
  const log = (line: string): void => console.log(`[ui] ${line}`);
  const tmp = makeTempDir('ui');
  const workspace = path.join(tmp, 'workspace');
  const exportCopy = path.join(tmp, 'telegram-export');
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  fs.mkdirSync(workspace, { recursive: true });
  fs.mkdirSync(options.resultsDir, { recursive: true });
  const shot = (name: string): string => path.join(options.resultsDir, name);

  let server: CodeServer | undefined;
  let browser: BrowserSession | undefined;
  let page!: Page;
  let expected: ExpectedChat[] = [];
  /** A line of words near the top of the note opened in the editor. */
  let noteWords = '';
  const sidebar = (): Locator => page.locator('.part.sidebar');

  const steps: Step[] = [
    {
      name: 'installs the packaged .vsix with code-server --install-extension',
      async run() {
        if (!fs.existsSync(options.vsix)) throw new Error(`no package at ${options.vsix} (run npm run package)`);
        if (!fs.existsSync(path.join(options.sampleExport, 'result.json'))) {
          throw new Error(`no sample export at ${options.sampleExport}`);
        }
        copyDir(options.sampleExport, exportCopy);
        expected = expectedChats(exportCopy);
        if (!expected.length) throw new Error('the sample export holds no named chat with messages');
        const output = installExtension(options.tools, userDataDir, extensionsDir, options.vsix);
        if (!/successfully installed/i.test(output)) throw new Error(`unexpected install output:\n${output}`);
      },
    },
    {
      name: 'opens the workbench on an empty workspace folder',
      async run() {
        server = await startCodeServer({ tools: options.tools, userDataDir, extensionsDir });
        browser = await openBrowser(options.tools);
        page = browser.page;
        await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded' });
        await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
        await page.locator(`.activitybar [aria-label*="${CONTAINER_TITLE}"]`).first().waitFor({ timeout: 60_000 });
      },
    },
    {
      name: 'clicking the "Vault Archiver" activity-bar icon shows the welcome content',
      async run() {
        await page.locator(`.activitybar [aria-label*="${CONTAINER_TITLE}"]`).first().click();
        const welcome = sidebar().locator('.welcome-view-content');
        await welcome.waitFor({ timeout: 30_000 });
        await widenSidebar(page, 460);
        await welcome.waitFor({ timeout: 30_000 });
        for (const label of WELCOME_BUTTONS) {
          await welcome.getByRole('button', { name: label }).waitFor({ timeout: 10_000 });
        }
        await expectStatusItem();
        await page.screenshot({ path: shot(SCREENSHOTS.welcome) });
      },
    },
    {
      name: `runs "${IMPORT_COMMAND}" from the palette and picks the export folder`,
      async run() {
        await page.keyboard.press('F1');
        const input = page.locator('.quick-input-widget input.input');
        await input.waitFor({ timeout: 10_000 });
        await input.fill(`>${IMPORT_COMMAND}`);
        await page
          .locator('.quick-input-widget .monaco-list-row', { hasText: IMPORT_COMMAND })
          .first()
          .waitFor({ timeout: 10_000 });
        await page.keyboard.press('Enter');
        // The folder picker: the simple file dialog shows the current folder as a path.
        await waitForInputValue(input, (value) => value.startsWith('/'), 'the folder picker');
        // The dialog fills in its start folder asynchronously; typing before its list is
        // populated gets overwritten, so wait for the list, and check the value stuck.
        await page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ timeout: 15_000 });
        const typed = `${exportCopy}/`;
        const widget = page.locator('.quick-input-widget');
        for (let attempt = 1; ; attempt++) {
          await input.fill(typed);
          // Typing a path ending in "/" makes the dialog navigate there; Enter accepts it.
          await page.waitForTimeout(750);
          const value = await input.inputValue();
          if (value === typed) {
            await page.keyboard.press('Enter');
            const closed = await widget
              .waitFor({ state: 'hidden', timeout: 10_000 })
              .then(() => true, () => false);
            if (closed) break;
          }
          if (attempt === 3) throw new Error(`the folder picker did not accept ${typed} (input: "${value}")`);
        }
      },
    },
    {
      name: 'the import finishes with a notification',
      async run() {
        const toast = page.locator('.notifications-toasts .notification-toast', { hasText: FINISHED_TOAST }).first();
        await toast.waitFor({ timeout: 120_000 });
        // The "Importing …" progress toast must go away once the job is done.
        await page
          .locator('.notifications-toasts .notification-toast', { hasText: /Importing/ })
          .waitFor({ state: 'hidden', timeout: 15_000 });
        // Let the fade-in finish, or the picture shows a ghost of the toast.
        await page
          .locator('.notification-toast.notification-fade-in-done', { hasText: FINISHED_TOAST })
          .waitFor({ timeout: 3_000 })
          .catch(() => page.waitForTimeout(1_000));
        await page.screenshot({ path: shot(SCREENSHOTS.notification) });
      },
    },
    {
      name: 'the Sources tree lists every imported chat',
      async run() {
        const rows = sidebar().locator('.monaco-list-row');
        // The group row: top level, labelled "Telegram" (its description, a count, follows).
        const telegram = sidebar().locator('.monaco-list-row[aria-level="1"]', { hasText: /^\s*Telegram/ }).first();
        await telegram.waitFor({ timeout: 30_000 });
        if ((await telegram.getAttribute('aria-expanded')) === 'false') await telegram.click();
        for (const chat of expected) {
          const row = rows.filter({ hasText: chat.title }).first();
          await row.waitFor({ timeout: 15_000 });
          const text = await row.innerText();
          if (!/\d+ messages?/.test(text)) throw new Error(`row "${chat.title}" shows "${text}", no message count`);
        }
        await page.mouse.move(700, 450); // no hover highlight on a row in the picture
        await page.screenshot({ path: shot(SCREENSHOTS.tree) });
      },
    },
    {
      name: 'the status bar item shows the metrics and explains them on hover',
      async run() {
        const item = await expectStatusItem();
        const text = (await item.innerText()).trim();
        if (!/cache/.test(text) || !/dup/.test(text)) throw new Error(`status bar item reads "${text}"`);
        await page.locator('.part.statusbar').screenshot({ path: shot(SCREENSHOTS.statusBar) });
        await item.hover();
        const hover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: /\S/ }).first();
        await hover.waitFor({ timeout: 10_000 });
        await page.screenshot({ path: shot(SCREENSHOTS.statusTooltip) });
        await page.mouse.move(700, 450);
      },
    },
    {
      name: 'a generated note opens from Quick Open and shows the chat',
      async run() {
        await runPaletteCommand(page, 'Notifications: Clear All Notifications');
        const chat = expected[0];
        const notes = listFiles(path.join(workspace, 'Archive')).filter((f) => f.endsWith('.md'));
        const note = notes.find((f) => f.includes(chat.title)) ?? notes[0];
        if (!note) throw new Error(`no notes under ${path.join(workspace, 'Archive')}`);
        await page.keyboard.press('Control+P');
        const input = page.locator('.quick-input-widget input.input');
        await input.waitFor({ timeout: 10_000 });
        await input.fill(path.relative(workspace, note));
        await page
          .locator('.quick-input-widget .monaco-list-row', { hasText: path.basename(note) })
          .first()
          .waitFor({ timeout: 15_000 });
        await page.keyboard.press('Enter');
        const tab = page.locator('.tabs-container .tab', { hasText: path.basename(note) }).first();
        await tab.waitFor({ timeout: 15_000 });
        // The editor draws only the lines in view, so look for the note's first line of
        // words (after any front matter) as read from disk.
        const firstWords = fs
          .readFileSync(note, 'utf8')
          .split('\n')
          .slice(0, 40)
          .map((line) => line.trim())
          .find((line) => /\p{L}{3,}/u.test(line));
        if (!firstWords) throw new Error(`note ${note} has no line of text near the top`);
        noteWords = firstWords;
        const lines = page.locator('.editor-instance .monaco-editor .view-lines').first();
        await lines.filter({ hasText: firstWords.slice(0, 40) }).waitFor({ timeout: 15_000 });
        await page.mouse.move(700, 450);
        await settle(page);
        await page.screenshot({ path: shot(SCREENSHOTS.note) });
      },
    },
    {
      name: 'the note renders in the Markdown preview',
      async run() {
        await runPaletteCommand(page, 'Markdown: Open Preview to the Side');
        // The preview is a webview: nested iframes; look for a word of the note in any frame.
        const word = noteWords.match(/\p{L}{4,}/u)?.[0] ?? noteWords;
        const deadline = Date.now() + 30_000;
        for (;;) {
          let found = false;
          for (const frame of page.frames()) {
            if (!frame.url().includes('/webview/')) continue;
            const text = await frame.locator('body').innerText({ timeout: 1_000 }).catch(() => '');
            if (text.includes(word)) found = true;
          }
          if (found) break;
          if (Date.now() > deadline) throw new Error(`the preview never showed "${word}"`);
          await page.waitForTimeout(250);
        }
        await page.mouse.move(700, 450);
        await settle(page);
        await page.screenshot({ path: shot(SCREENSHOTS.preview) });
      },
    },
  ];

  async function expectStatusItem(): Promise<Locator> {
    const item = page.locator(`.statusbar-item[id="${STATUS_ITEM_ID}"]`);
    await item.waitFor({ timeout: 30_000 });
    return item;
  }

  let failedAt: string | undefined;
  try {
    for (const step of steps) {
      if (failedAt) {
        tally.skipped++;
        log(`  - ${step.name} (skipped)`);
        continue;
      }
      const started = Date.now();
      try {
        await step.run();
        tally.passed++;
        log(`  ✔ ${step.name} (${Date.now() - started} ms)`);
      } catch (error) {
        tally.failed++;
        failedAt = step.name;
        log(`  ✖ ${step.name}\n${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      }
    }
  } finally {
    if (failedAt) {
      if (browser) {
        await page.screenshot({ path: shot('ui-failure.png'), timeout: 10_000 }).catch(() => undefined);
      }
      if (server) {
        const logDir = path.join(options.resultsDir, 'ui-logs');
        fs.mkdirSync(logDir, { recursive: true });
        if (browser) fs.writeFileSync(path.join(logDir, 'browser-console.log'), browser.console().join('\n'));
        console.log(collectLogs(server, logDir));
      }
      log(`failed at "${failedAt}"; screenshot and logs in ${options.resultsDir}`);
    }
    await browser?.close();
    await server?.stop();
    if (options.keep) log(`kept ${tmp}`);
    else removeDir(tmp);
  }
  return tally;
}

/** F1, the command's palette title, Enter: as a person runs a command. */
async function runPaletteCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

/**
 * Before a screenshot: wait (bounded) until the status bar no longer says extensions are
 * activating, so the picture shows the steady state a user sees a moment later.
 */
async function settle(page: Page): Promise<void> {
  await page
    .locator('.part.statusbar', { hasText: /Activating Extensions/ })
    .waitFor({ state: 'hidden', timeout: 10_000 })
    .catch(() => undefined);
  await page.waitForTimeout(300);
}

/**
 * Drags the sidebar's edge so tree rows show their descriptions in full (the default width
 * cuts "87 messages · just now"), as a person reading the tree would.
 */
async function widenSidebar(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const edge = box.x + box.width;
  const y = box.y + box.height / 2;
  await page.mouse.move(edge + 1, y);
  await page.mouse.down();
  await page.mouse.move(edge + 1 + (width - box.width), y, { steps: 8 });
  await page.mouse.up();
  await page.mouse.move(box.x + width + 300, y);
}

async function waitForInputValue(
  input: Locator,
  accept: (value: string) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await input.inputValue().catch(() => '');
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (input: "${value}")`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
