/**
 * UI steps for finding one's way in the archive, served by the worker as a language server:
 * the outline of a chat note (messages by day), a hover on a reply link quoting the message,
 * go to definition landing on the replied message, and Ctrl+T finding a chat by title. Run by
 * ui.ts after the import, on the notes it wrote; each step saves a screenshot to look at.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { listFiles } from './lib/util';

export const NAVIGATION_SCREENSHOTS = {
  outline: '13-outline.png',
  hover: '14-hover-reply.png',
  definition: '15-go-to-definition.png',
  references: '15b-find-references.png',
  workspaceSymbols: '16-ctrl-t-chat.png',
} as const;

export interface NavigationContext {
  readonly page: () => Page;
  readonly workspace: string;
  readonly shot: (name: string) => string;
  readonly runPaletteCommand: (page: Page, title: string) => Promise<void>;
  readonly settle: (page: Page) => Promise<void>;
  readonly waitUntil: (check: () => Promise<boolean>, what: string, timeoutMs?: number) => Promise<void>;
}

interface ReplyNote {
  readonly file: string;
  /** What Ctrl+T calls the note: a forum topic's name, else the chat's title. */
  readonly title: string;
  /** 0-based line and column of a `[[#^m…` reply link, and of the replied message's header. */
  readonly link: { line: number; column: number };
  readonly targetLine: number;
  readonly firstDay: string;
}

/**
 * The note whose most-answered message has the most replies in it (a peek of references needs
 * two or more: with one, VS Code jumps straight to it), as the importer wrote it.
 */
function findReplyNote(vault: string): ReplyNote {
  let best: (ReplyNote & { replies: number }) | undefined;
  for (const file of listFiles(vault).filter((f) => f.endsWith('.md')).sort()) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const counts = new Map<string, number[]>();
    lines.forEach((l, i) => {
      const m = /^> ↩ Reply to \[\[#\^(m\d+)\|/.exec(l);
      if (m) counts.set(m[1]!, [...(counts.get(m[1]!) ?? []), i]);
    });
    const [id, replyLines] = [...counts].sort((a, b) => b[1].length - a[1].length)[0] ?? [];
    if (!id || !replyLines || (best && best.replies >= replyLines.length)) continue;
    // the block: its quote, a blank line, the id line; the header is the quote's first line
    let targetLine = lines.indexOf(`^${id}`) - 2;
    while (targetLine > 0 && lines[targetLine - 1]!.startsWith('>')) targetLine--;
    const head = lines.slice(0, 20).join('\n');
    const title = /^topic: "(.*)"$/m.exec(head)?.[1] ?? /^title: "(.*)"$/m.exec(head)?.[1] ?? path.basename(file, '.md');
    const firstDay = /(\d{4}-\d{2}-\d{2}) \d{2}:\d{2}:\d{2}/.exec(lines.find((l) => l.startsWith('> ')) ?? '')?.[1];
    if (!firstDay) continue;
    const line = replyLines[0]!;
    best = { file, title, link: { line, column: lines[line]!.indexOf('[[') + 4 }, targetLine, firstDay, replies: replyLines.length };
  }
  if (!best) throw new Error(`no note under ${vault} has a reply link`);
  return best;
}

export function navigationSteps(ctx: NavigationContext): { name: string; run(): Promise<void> }[] {
  let note: ReplyNote;
  const page = (): Page => ctx.page();
  const quickInput = (): Locator => page().locator('.quick-input-widget input.input');
  const editorLines = (): Locator => page().locator('.editor-instance .monaco-editor .view-lines').first();
  /** Ctrl+G, "line:column" (1-based), Enter. */
  const goTo = async (line: number, column: number): Promise<void> => {
    await page().keyboard.press('Control+G');
    await quickInput().waitFor({ timeout: 10_000 });
    await quickInput().fill(`:${line + 1}:${column + 1}`);
    await page().keyboard.press('Enter');
    await page().locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  };
  const cursorLine = async (): Promise<number | undefined> => {
    const text = await page().locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first().innerText({ timeout: 2_000 }).catch(() => '');
    const m = /Ln (\d+)/.exec(text);
    return m ? Number(m[1]) - 1 : undefined;
  };

  return [
    {
      name: "a chat note's outline lists its messages by day (served by the worker)",
      async run() {
        note = findReplyNote(path.join(ctx.workspace, 'Archive'));
        await ctx.runPaletteCommand(page(), 'View: Close All Editors');
        await page().keyboard.press('Control+P');
        await quickInput().waitFor({ timeout: 10_000 });
        await quickInput().fill(path.relative(ctx.workspace, note.file));
        // Click the row: Enter may still pick the editor history's first entry while the list updates.
        const row = page().locator('.quick-input-widget .monaco-list-row', { hasText: path.basename(note.file) }).first();
        await row.waitFor({ timeout: 15_000 });
        await row.click();
        await page().locator('.tabs-container .tab', { hasText: path.basename(note.file) }).first().waitFor({ timeout: 15_000 });
        await ctx.runPaletteCommand(page(), 'Explorer: Focus on Outline View');
        // Fold the Explorer's file tree so the outline has the sidebar's height (best effort: only the picture changes).
        const folders = page().locator('.part.sidebar .pane-header[aria-expanded="true"]', { hasText: /^\s*workspace\s*$/i }).first();
        if (await folders.count()) await folders.click().catch(() => undefined);
        const outline = page().locator('.outline-pane, [id="outline"]').first();
        const day = page().locator('.monaco-list-row', { hasText: note.firstDay }).first();
        await day.waitFor({ timeout: 30_000 });
        // Open the first day: its messages, by time and sender.
        if ((await day.getAttribute('aria-expanded')) === 'false') await day.locator('.monaco-tl-twistie').click();
        await ctx.waitUntil(async () => (await page().locator('.monaco-list-row', { hasText: /^\s*\d\d:\d\d / }).count()) > 1, 'the messages of the first day in the outline');
        await outline.waitFor({ timeout: 5_000 }).catch(() => undefined);
        await page().mouse.move(700, 450);
        await ctx.settle(page());
        await page().screenshot({ path: ctx.shot(NAVIGATION_SCREENSHOTS.outline) });
      },
    },
    {
      name: 'hovering a reply link quotes the message it answers',
      async run() {
        // Back to the editor, the cursor on the reply link, then "Show or Focus Hover".
        await page().locator('.editor-instance .monaco-editor').first().click({ position: { x: 200, y: 100 } });
        await goTo(note.link.line, note.link.column);
        await ctx.runPaletteCommand(page(), 'Show or Focus Hover');
        const hover = page().locator('.monaco-hover:visible', { hasText: /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/ }).first();
        await hover.waitFor({ timeout: 20_000 });
        const text = await hover.innerText();
        if (/\[\[|\^m\d/.test(text)) throw new Error(`the hover shows raw Obsidian syntax:\n${text}`);
        await ctx.settle(page());
        await page().screenshot({ path: ctx.shot(NAVIGATION_SCREENSHOTS.hover) });
        await page().keyboard.press('Escape');
      },
    },
    {
      name: 'go to definition on the reply link lands on the replied message',
      async run() {
        await goTo(note.link.line, note.link.column);
        await page().keyboard.press('F12');
        await ctx.waitUntil(async () => (await cursorLine()) === note.targetLine, `the cursor on line ${note.targetLine + 1} (the replied message's header)`);
        await editorLines().waitFor({ timeout: 5_000 });
        await ctx.settle(page());
        await page().screenshot({ path: ctx.shot(NAVIGATION_SCREENSHOTS.definition) });
      },
    },
    {
      name: "Find All References on the message's header lists the replies to it",
      async run() {
        // The cursor is on the replied message's header (the step before): Shift+F12 peeks its replies.
        await page().keyboard.press('Shift+F12');
        const peek = page().locator('.peek-view-widget, .zone-widget', { hasText: /reference/i }).first();
        await peek.waitFor({ timeout: 20_000 });
        const title = await peek.locator('.peekview-title').first().innerText().catch(() => '');
        // "References (4)": the message itself and its replies
        const count = Number(/References \((\d+)\)/i.exec(title + (await peek.innerText()))?.[1] ?? 0);
        if (count < 3) throw new Error(`the peek view does not list the message and its replies: ${title}`);
        await ctx.settle(page());
        await page().screenshot({ path: ctx.shot(NAVIGATION_SCREENSHOTS.references) });
        await page().keyboard.press('Escape');
      },
    },
    {
      name: 'Ctrl+T finds a chat by its title and opens its note',
      async run() {
        await ctx.runPaletteCommand(page(), 'View: Close All Editors');
        await page().keyboard.press('Control+T');
        const opened = await quickInput().waitFor({ timeout: 5_000 }).then(() => true, () => false);
        if (!opened) await page().keyboard.press('F1');
        const query = note.title.slice(0, Math.min(8, note.title.length));
        await quickInput().fill(`#${query}`);
        const row = page().locator('.quick-input-widget .monaco-list-row', { hasText: note.title }).first();
        await row.waitFor({ timeout: 20_000 });
        await ctx.settle(page());
        await page().screenshot({ path: ctx.shot(NAVIGATION_SCREENSHOTS.workspaceSymbols) });
        await row.click();
        await page().locator('.tabs-container .tab', { hasText: path.basename(note.file) }).first().waitFor({ timeout: 15_000 });
      },
    },
  ];
}
