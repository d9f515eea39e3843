/**
 * UI steps for live Telegram, against the local Telegram sandbox DC that ui.ts starts (its
 * address reaches the worker through code-server's environment, VAULT_ARCHIVER_TELEGRAM_SERVER):
 * Sign In to Telegram from the palette (API id and hash, phone, code, each in an input box), then
 * again with a QR code (the code's tab, a scan by the sandbox's stand-in for a phone, the password),
 * Add Telegram Chat (the account's chats in a quick pick; the demo forum is picked), Sync Now
 * from the notification, then the tree (the chat with its count, its topics under it), the
 * status bar and a topic's note. Each step saves a screenshot to look at.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import type { TelegramSandbox } from '../sandbox/telegram';
import { listFiles } from './lib/util';

export const TELEGRAM_SCREENSHOTS = {
  telegramApiHash: '20-telegram-api-hash.png',
  telegramCode: '21-telegram-code.png',
  telegramSignedIn: '21b-telegram-signed-in.png',
  telegramQr: '21c-telegram-qr-code.png',
  telegramQrScanned: '21d-telegram-qr-scanned.png',
  telegramChats: '22-telegram-chats.png',
  telegramSyncing: '23-telegram-syncing.png',
  telegramTree: '24-telegram-tree.png',
  telegramNote: '25-telegram-topic-note.png',
  telegramPreview: '26-telegram-topic-preview.png',
} as const;

/** The demo data set's forum supergroup (test/sandbox/telegram/seed.ts): General plus five topics. */
const FORUM_TITLE = 'Sandbox Forum';
/** Its topics besides General, as the seed names them (one renamed to "Help & Support"). */
const FORUM_TOPICS = ['Announcements', 'Help & Support', 'Off-topic', 'Releases', 'Design'];

export interface TelegramUiContext {
  readonly page: () => Page;
  readonly workspace: string;
  readonly telegram: () => TelegramSandbox;
  readonly shot: (name: string) => string;
  readonly runPaletteCommand: (page: Page, title: string) => Promise<void>;
  readonly settle: (page: Page) => Promise<void>;
  readonly waitUntil: (check: () => Promise<boolean>, what: string, timeoutMs?: number) => Promise<void>;
  readonly showVaultView: () => Promise<void>;
  readonly statusItem: () => Promise<Locator>;
  /** The webview frame whose body shows `text` (waits for it). */
  readonly webviewText: (text: string, what: string) => Promise<Frame>;
}

export function telegramSteps(ctx: TelegramUiContext): { name: string; run(): Promise<void> }[] {
  const page = (): Page => ctx.page();
  const widget = (): Locator => page().locator('.quick-input-widget');
  const input = (): Locator => page().locator('.quick-input-widget input.input');
  const toast = (text: RegExp): Locator => page().locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  const sidebarRows = (): Locator => page().locator('.part.sidebar .monaco-list-row');
  /** F1, the command's title, Enter; the quick input stays open for the command's own questions. */
  const startCommand = async (title: string): Promise<void> => {
    await page().keyboard.press('F1');
    await input().waitFor({ timeout: 10_000 });
    await input().fill(`>${title}`);
    await widget().locator('.monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
    await page().keyboard.press('Enter');
  };
  /** Waits for the input box whose title or prompt matches, types the answer; Enter is the caller's. */
  const answer = async (asks: RegExp, value: string, what: string): Promise<void> => {
    await widget().filter({ hasText: asks }).waitFor({ timeout: 30_000 }).catch(async () => {
      throw new Error(`no input box asking for ${what}; the quick input reads "${(await widget().innerText().catch(() => '')).replace(/\s+/g, ' ')}"`);
    });
    await input().fill(value);
  };
  /** The first question of Sign In to Telegram: QR code or phone number. */
  const pickMethod = async (row: RegExp): Promise<void> => {
    const choice = widget().locator('.monaco-list-row', { hasText: row }).first();
    await choice.waitFor({ timeout: 15_000 });
    if ((await input().getAttribute('placeholder')) !== 'How do you want to sign in?') throw new Error('the sign-in does not ask how to sign in');
    await choice.click();
  };
  /** The forum's note folder, once synced: the folder holding a note per topic. */
  let topicNote = '';

  return [
    {
      name: 'signs in to Telegram from the palette: API id and hash, phone and code in input boxes',
      async run() {
        const sb = ctx.telegram();
        await ctx.runPaletteCommand(page(), 'View: Close All Editors');
        await ctx.showVaultView();
        await ctx.runPaletteCommand(page(), 'Notifications: Clear All Notifications');
        await startCommand('Vault Archiver: Sign In to Telegram');
        await pickMethod(/Phone number/);
        await answer(/API id/, String(sb.apiId), 'the API id');
        if ((await input().getAttribute('type')) === 'password') throw new Error('the API id box masks the id (it is not a secret)');
        await page().keyboard.press('Enter');
        await answer(/API hash/, sb.apiHash, 'the API hash');
        if ((await input().getAttribute('type')) !== 'password') throw new Error('the API hash box does not mask what is typed');
        await ctx.settle(page());
        await page().screenshot({ path: ctx.shot(TELEGRAM_SCREENSHOTS.telegramApiHash) });
        await page().keyboard.press('Enter');
        await answer(/phone number/i, `+${sb.model.self.phone!}`, 'the phone number');
        await page().keyboard.press('Enter');
        // The phone box's prompt says "country code" too: the code box is known by its placeholder.
        await ctx.waitUntil(async () => (await input().getAttribute('placeholder')) === '12345', 'the login code box');
        await input().fill(sb.model.loginCode);
        await ctx.settle(page());
        await page().screenshot({ path: ctx.shot(TELEGRAM_SCREENSHOTS.telegramCode) });
        await page().keyboard.press('Enter');
        const who = sb.model.self.firstName ?? '';
        const signedIn = toast(/Signed in to Telegram as/);
        await signedIn.waitFor({ timeout: 60_000 }).catch(async () => {
          const toasts = await page().locator('.notifications-toasts').innerText().catch(() => '');
          throw new Error(`no "Signed in" notification; toasts read: ${toasts.replace(/\s+/g, ' ')}`);
        });
        const text = await signedIn.innerText();
        if (who && !text.includes(who)) throw new Error(`the notification does not name the account ${who}: ${text}`);
        for (const secret of [sb.apiHash, sb.model.loginCode]) if (text.includes(secret)) throw new Error('the notification shows a secret');
        await page().locator('.notification-toast.notification-fade-in-done', { hasText: /Signed in to Telegram/ }).waitFor({ timeout: 3_000 }).catch(() => undefined);
        await page().mouse.move(700, 450);
        await page().screenshot({ path: ctx.shot(TELEGRAM_SCREENSHOTS.telegramSignedIn) });
      },
    },
    {
      name: 'signs in again with a QR code: the code in a tab with how to scan it, replaced by the password box after the scan',
      async run() {
        const sb = ctx.telegram();
        await ctx.runPaletteCommand(page(), 'Notifications: Clear All Notifications');
        sb.model.setPassword('ui qr password', 'ui hint');
        try {
          await startCommand('Vault Archiver: Sign In to Telegram');
          await pickMethod(/Scan a QR code/);
          // The API id and hash are stored since the first sign-in: the code comes at once.
          const frame = await ctx.webviewText('Link Desktop Device', 'the QR code tab');
          await frame.locator('.qr svg path').first().waitFor({ timeout: 15_000 });
          const tab = page().locator('.tabs-container .tab', { hasText: 'Sign In to Telegram' }).first();
          await tab.waitFor({ timeout: 5_000 });
          const shown = sb.waitingLoginTokens();
          if (shown.length !== 1) throw new Error(`expected one QR token waiting for a scan, the sandbox has ${shown.length}`);
          if (!/Code 1 of 10/.test(await frame.locator('body').innerText())) throw new Error('the tab does not say which code this is');
          await page().mouse.move(700, 450);
          await ctx.settle(page());
          await page().screenshot({ path: ctx.shot(TELEGRAM_SCREENSHOTS.telegramQr) });
          sb.scanLoginToken(shown[0]!);
          await answer(/hint: ui hint/, 'ui qr password', 'the two-step verification password');
          if ((await input().getAttribute('type')) !== 'password') throw new Error('the password box does not mask what is typed');
          await ctx.webviewText('Code scanned', 'the QR tab after the scan');
          await ctx.settle(page());
          await page().screenshot({ path: ctx.shot(TELEGRAM_SCREENSHOTS.telegramQrScanned) });
          await page().keyboard.press('Enter');
          await toast(/Signed in to Telegram as/).waitFor({ timeout: 60_000 });
          await ctx.waitUntil(async () => !(await tab.isVisible().catch(() => false)), 'the QR tab to close once signed in', 10_000);
        } finally {
          sb.model.passwords.delete(sb.model.selfId);
        }
      },
    },
    {
      name: "Add Telegram Chat lists the account's chats and adds the forum",
      async run() {
        const sb = ctx.telegram();
        await ctx.runPaletteCommand(page(), 'Notifications: Clear All Notifications');
        await startCommand('Vault Archiver: Add Telegram Chat');
        const rows = widget().locator('.monaco-list-row');
        const forumRow = rows.filter({ hasText: FORUM_TITLE }).first();
        await forumRow.waitFor({ timeout: 30_000 });
        // Every demo chat is offered (the list is the account's dialogs, a page of 50).
        const offered = (await rows.allInnerTexts()).join('\n');
        const missing = sb.demoChats().map((c) => c.title).filter((t) => !offered.includes(t));
        if (missing.length > 1) throw new Error(`the picker lacks chats: ${missing.join(', ')}\n${offered}`);
        if (!/forum/.test(await forumRow.innerText())) throw new Error(`the forum's row does not say forum: ${await forumRow.innerText()}`);
        await page().mouse.move(700, 450);
        await ctx.settle(page());
        await page().screenshot({ path: ctx.shot(TELEGRAM_SCREENSHOTS.telegramChats) });
        await forumRow.click();
        const added = toast(new RegExp(`Added ${FORUM_TITLE}`));
        await added.waitFor({ timeout: 30_000 });
        // Slow answers (sandbox latency on the history reads) so the sync lasts long enough for
        // the worker's state push (about once a second) to reach the tree: the "syncing" row is
        // checked and photographed, not just the finished state.
        sb.faults.latency(700, { method: ['messages.getReplies', 'messages.getHistory'] });
        try {
          await added.getByRole('button', { name: 'Sync Now' }).click();
          await page().mouse.move(700, 450); // off the button, or its tooltip is in the picture
          // Part-way: past General, not yet done (a forum's percent is of all its topics).
          const syncing = sidebarRows().filter({ hasText: new RegExp(`${FORUM_TITLE}\\s*syncing [1-9]\\d?%`) }).first();
          await syncing.waitFor({ timeout: 20_000 }).catch(async () => {
            const seen = await sidebarRows().filter({ hasText: FORUM_TITLE }).first().innerText().catch(() => '(no row)');
            throw new Error(`the forum's row never said "syncing N%" (1–99) while it synced; it reads "${seen.replace(/\s+/g, ' ')}"`);
          });
          if (!(await syncing.locator('.codicon-sync.codicon-modifier-spin').count())) throw new Error("the syncing row's icon does not spin");
          const item = await ctx.statusItem();
          await ctx.waitUntil(async () => /items\/s/.test(await item.innerText()), 'the status bar to show the throughput while syncing', 10_000);
          await page().locator('.notification-toast.notification-fade-in-done', { hasText: /Sync/ }).first().waitFor({ timeout: 3_000 }).catch(() => undefined);
          await page().screenshot({ path: ctx.shot(TELEGRAM_SCREENSHOTS.telegramSyncing) });
        } finally {
          sb.faults.clear();
        }
        const finished = toast(/Sync (finished|cancelled)|failed|could not/i);
        await finished.waitFor({ timeout: 120_000 });
        const text = await finished.innerText();
        if (!/Sync finished/.test(text)) throw new Error(`the sync did not finish: ${text}`);
      },
    },
    {
      name: 'the tree shows the synced forum with its count and its topics under it',
      async run() {
        const sb = ctx.telegram();
        const forum = sb.demoChats().find((c) => c.title === FORUM_TITLE);
        if (!forum) throw new Error(`the sandbox has no ${FORUM_TITLE}`);
        const row = sidebarRows().filter({ hasText: new RegExp(`${FORUM_TITLE}\\s*[\\d,]+ messages?`) }).first();
        await row.waitFor({ timeout: 20_000 }).catch(async () => {
          const seen = await sidebarRows().filter({ hasText: FORUM_TITLE }).first().innerText().catch(() => '(no row)');
          throw new Error(`the forum's row reads "${seen.replace(/\s+/g, ' ')}"`);
        });
        if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
        const level = Number(await row.getAttribute('aria-level'));
        const topics = page().locator(`.part.sidebar .monaco-list-row[aria-level="${level + 1}"]`);
        // Its five topics; General's messages go to the chat's own note, as an export's do (chatSync.ts).
        const topicTitles = FORUM_TOPICS;
        await ctx.waitUntil(async () => (await topics.count()) >= topicTitles.length, `the forum's ${topicTitles.length} topics under it`);
        const topicTexts = (await topics.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
        for (const t of topicTitles) {
          if (!topicTexts.some((r) => r.startsWith(t) && /\d+ messages?$/.test(r))) throw new Error(`no topic row "${t} N messages": ${topicTexts.join(' | ')}`);
        }
        // The chat's count covers its topics' and General's.
        const total = Number(/([\d,]+) messages?/.exec(await row.innerText())![1]!.replace(/,/g, ''));
        const sum = topicTexts.reduce((n, r) => n + Number(/([\d,]+) messages?$/.exec(r)?.[1]?.replace(/,/g, '') ?? 0), 0);
        if (total < sum || sum === 0) throw new Error(`the forum row says ${total} messages, its topics ${sum}`);
        await ctx.runPaletteCommand(page(), 'Notifications: Clear All Notifications');
        const item = await ctx.statusItem();
        if (!/\d+ archived/.test(await item.innerText())) throw new Error(`status bar item reads "${await item.innerText()}"`);
        await page().mouse.move(700, 450);
        await ctx.settle(page());
        await page().screenshot({ path: ctx.shot(TELEGRAM_SCREENSHOTS.telegramTree) });
        // A topic row opens its note.
        const help = topics.filter({ hasText: 'Help & Support' }).first();
        await help.click();
        const tab = page().locator('.tabs-container .tab', { hasText: /Help & Support/ }).first();
        await tab.waitFor({ timeout: 15_000 });
        topicNote = listFiles(path.join(ctx.workspace, 'Archive')).find((f) => f.endsWith('.md') && path.basename(f).includes('Help & Support')) ?? '';
        if (!topicNote) throw new Error('no note for the topic "Help & Support" under Archive/');
      },
    },
    {
      name: "a synced topic's note shows its messages, in the editor and the preview",
      async run() {
        const lines = fs.readFileSync(topicNote, 'utf8').split('\n');
        // A message line of the topic as the sandbox wrote it ("<topic title> #k").
        const message = lines.find((l) => /#\d+\s*$/.test(l) && !l.startsWith('#'));
        if (!message) throw new Error(`the note ${topicNote} holds no topic message:\n${lines.slice(0, 30).join('\n')}`);
        const editor = page().locator('.editor-instance .monaco-editor .view-lines').first();
        await editor.filter({ hasText: message.trim().slice(0, 30) }).waitFor({ timeout: 15_000 });
        await page().mouse.move(700, 450);
        await ctx.settle(page());
        await page().screenshot({ path: ctx.shot(TELEGRAM_SCREENSHOTS.telegramNote) });
        await ctx.runPaletteCommand(page(), 'Markdown: Open Preview to the Side');
        const word = message.trim().replace(/^>\s*/, '').replace(/\\(.)/g, '$1'); // as rendered: no quote mark, no escapes
        await ctx.waitUntil(async () => {
          for (const frame of page().frames()) {
            if (!frame.url().includes('/webview/')) continue;
            if ((await frame.locator('body').innerText({ timeout: 1_000 }).catch(() => '')).includes(word)) return true;
          }
          return false;
        }, `the preview to show "${word}"`, 30_000);
        await page().mouse.move(700, 450);
        await ctx.settle(page());
        await page().screenshot({ path: ctx.shot(TELEGRAM_SCREENSHOTS.telegramPreview) });
      },
    },
  ];
}
