/**
 * UI steps for "Vault Archiver: Search Archive": a word of the imported sample export typed in
 * the quick pick, its hits read (author, chat, date, snippet), one accepted, and the editor
 * checked to show that note with the cursor on the message's header. Run by ui.ts after the
 * import; each step saves a screenshot to look at.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { listFiles } from './lib/util';

export const SEARCH_SCREENSHOTS = {
  searchHits: '27-search-hits.png',
  searchOpened: '28-search-opened.png',
} as const;

/** A word of the sample export found in several chats, one of them a forum topic (Makers Forum › Off-topic). */
const QUERY = 'trip';
/** The hit to open: a message in a forum topic, whose note is the topic's own. */
const TOPIC_HIT = /Makers Forum › Off-topic/;

export interface SearchUiContext {
  readonly page: () => Page;
  readonly workspace: string;
  readonly shot: (name: string) => string;
  readonly runPaletteCommand: (page: Page, title: string) => Promise<void>;
  readonly settle: (page: Page) => Promise<void>;
  readonly waitUntil: (check: () => Promise<boolean>, what: string, timeoutMs?: number) => Promise<void>;
}

export function searchSteps(ctx: SearchUiContext): { name: string; run(): Promise<void> }[] {
  const page = (): Page => ctx.page();
  const widget = (): Locator => page().locator('.quick-input-widget');
  const input = (): Locator => page().locator('.quick-input-widget input.input');
  const rows = (): Locator => widget().locator('.monaco-list-row');

  return [
    {
      name: `Search Archive finds "${QUERY}" in the imported chats: author, chat, date and snippet`,
      async run() {
        await ctx.runPaletteCommand(page(), 'View: Close All Editors');
        await ctx.runPaletteCommand(page(), 'Notifications: Clear All Notifications');
        await page().keyboard.press('F1');
        await input().waitFor({ timeout: 10_000 });
        await input().fill('>Vault Archiver: Search Archive');
        await widget().locator('.monaco-list-row', { hasText: 'Search Archive' }).first().waitFor({ timeout: 10_000 });
        await page().keyboard.press('Enter');
        await ctx.waitUntil(async () => /Words, "a phrase"/.test((await input().getAttribute('placeholder')) ?? ''), 'the search box');
        await input().fill(QUERY);
        // The index may still be catching up with the import: the title then says "indexing N%".
        await ctx.waitUntil(async () => (await rows().count()) > 1 && !/indexing/.test(await widget().innerText()), 'hits in the search pick', 60_000);
        const title = await widget().locator('.quick-input-title').innerText();
        if (!/Search Archive — \d+ match/.test(title)) throw new Error(`the pick's title reads "${title}"`);
        const first = rows().first();
        const label = (await first.locator('.label-name').first().innerText().catch(() => '')).trim();
        const all = (await first.innerText()).replace(/\s+/g, ' ');
        if (!label || /\$\(/.test(all)) throw new Error(`the first hit reads "${all}"`);
        if (!/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(all)) throw new Error(`the first hit shows no date: "${all}"`);
        if (!new RegExp(QUERY, 'i').test(all)) throw new Error(`the first hit's snippet lacks "${QUERY}": "${all}"`);
        if (/warning|not available/i.test(all)) throw new Error(`the pick shows an error: "${all}"`);
        // Hits from more than one chat, each row with its chat (a topic after "›") and date.
        const texts = (await rows().allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
        const descriptions = await rows().locator('.label-description').allInnerTexts();
        const chats = new Set(descriptions.map((d) => d.split(' · ')[0]!.split(' › ')[0]!.trim()).filter(Boolean));
        if (chats.size < 2) throw new Error(`the hits do not come from several chats:\n${descriptions.join('\n')}`);
        if (!texts.some((t) => TOPIC_HIT.test(t))) throw new Error(`no hit in a forum topic (${TOPIC_HIT.source}):\n${texts.join('\n')}`);
        await page().mouse.move(700, 450);
        await ctx.settle(page());
        await page().screenshot({ path: ctx.shot(SEARCH_SCREENSHOTS.searchHits) });
      },
    },
    {
      name: "accepting a hit in a forum topic opens the topic's note with the cursor on the message",
      async run() {
        const hit = rows().filter({ hasText: TOPIC_HIT }).first();
        const hitText = (await hit.innerText()).replace(/\s+/g, ' ');
        await hit.click();
        await widget().waitFor({ state: 'hidden', timeout: 10_000 });
        const tab = page().locator('.tabs-container .tab.active').first();
        await tab.waitFor({ timeout: 15_000 });
        const name = (await tab.innerText()).trim().split('\n')[0]!.trim();
        const note = listFiles(path.join(ctx.workspace, 'Archive')).find((f) => path.basename(f) === name || path.basename(f, '.md') === name);
        if (!note) throw new Error(`the tab "${name}" is no note of the vault`);
        const lines = fs.readFileSync(note, 'utf8').split('\n');
        let line = -1;
        await ctx.waitUntil(async () => {
          const status = await page().locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first().innerText({ timeout: 2_000 }).catch(() => '');
          line = Number(/Ln (\d+)/.exec(status)?.[1] ?? 0) - 1;
          return line > 0;
        }, 'the cursor position in the status bar');
        // The message at the cursor: its header line, then its lines up to the block id.
        const block: string[] = [];
        for (let i = line; i < lines.length && !/^\^m-?\d+$/.test(lines[i]!); i++) block.push(lines[i]!);
        const text = block.join('\n');
        if (!/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(lines[line]!)) throw new Error(`line ${line + 1} of ${name} is no message header: "${lines[line]}"`);
        if (!new RegExp(QUERY, 'i').test(text)) throw new Error(`the message at line ${line + 1} of ${name} lacks "${QUERY}":\n${text}`);
        if (!/Off-topic/.test(name)) throw new Error(`the hit "${hitText}" opened ${name}, not the topic's note`);
        const editor = page().locator('.editor-instance .monaco-editor .view-lines').first();
        await editor.filter({ hasText: new RegExp(QUERY, 'i') }).waitFor({ timeout: 10_000 });
        await page().mouse.move(700, 450);
        await ctx.settle(page());
        await page().screenshot({ path: ctx.shot(SEARCH_SCREENSHOTS.searchOpened) });
      },
    },
  ];
}
