/**
 * Test helper: checks a rendered note with a real CommonMark parser (markdown-it, with GFM tables
 * and strikethrough as Obsidian has them) and with scans for Obsidian's own syntax, which
 * markdown-it does not know.
 */
import { strict as assert } from 'node:assert';
import { bodyStart, parseBlocks } from '../../../server/engine/telegram-notes';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (preset: string) => { enable(r: string[]): unknown; parse(s: string, env: object): Token[] };

export interface Token {
  type: string;
  tag: string;
  level: number;
  content: string;
  markup: string;
  info: string;
  children: Token[] | null;
}

const md = new MarkdownIt('commonmark');
md.enable(['table', 'strikethrough']);

export function parseMarkdown(s: string): Token[] {
  return md.parse(s, {});
}

/** Block-level token types no message may produce anywhere (text never becomes these). */
const FORBIDDEN = new Set(['heading_open', 'hr', 'html_block', 'table_open', 'code_block', 'ordered_list_open']);

export interface BlockExpectation {
  ids: number[];
  /** Fenced code blocks the message really has (pre entities). */
  fences?: number;
  /** Lists the message really has (polls, to-do lists). */
  lists?: number;
}

/**
 * The note body is exactly: for each block, one blockquote followed by a paragraph holding only
 * "^m<id>". Nothing a message contains escapes its blockquote or creates headings, rules, HTML
 * blocks, tables or indented code.
 */
export function assertNoteStructure(note: string, expected: BlockExpectation[]): void {
  const parsed = parseBlocks(note);
  assert.deepEqual(parsed.map((b) => b.ids), expected.map((e) => e.ids), 'parseBlocks ids');
  const body = note.slice(bodyStart(note));
  const tokens = parseMarkdown(body);
  let i = 0;
  for (const e of expected) {
    assert.equal(tokens[i]?.type, 'blockquote_open', `block ${e.ids[0]}: starts with a quote (got ${tokens[i]?.type})`);
    let depth = 0;
    let fences = 0;
    let lists = 0;
    for (; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.type === 'blockquote_open') depth++;
      if (t.type === 'blockquote_close') depth--;
      assert.ok(!FORBIDDEN.has(t.type), `block ${e.ids[0]}: forbidden ${t.type} ${JSON.stringify(t.content || t.markup)}`);
      if (t.type === 'fence') fences++;
      if (t.type === 'bullet_list_open') lists++;
      if (depth === 0) break;
    }
    assert.equal(fences, e.fences ?? 0, `block ${e.ids[0]}: fenced code blocks`);
    assert.equal(lists, e.lists ?? 0, `block ${e.ids[0]}: lists`);
    i++;
    assert.equal(tokens[i]?.type, 'paragraph_open', `block ${e.ids[0]}: id paragraph`);
    assert.equal(tokens[i + 1]?.content, `^m${e.ids[0]}`, `block ${e.ids[0]}: id line`);
    assert.equal(tokens[i + 2]?.type, 'paragraph_close');
    i += 3;
  }
  assert.equal(i, tokens.length, 'nothing after the last block');
}

/** Offsets where `needle` occurs in `line` without a backslash escaping its first character. */
export function unescapedAt(line: string, needle: string): number[] {
  const out: number[] = [];
  for (let at = line.indexOf(needle); at >= 0; at = line.indexOf(needle, at + 1)) {
    let n = 0;
    for (let k = at - 1; k >= 0 && line[k] === '\\'; k--) n++;
    if (n % 2 === 0) out.push(at);
  }
  return out;
}

/**
 * Obsidian syntax markdown-it cannot see: in text that came from a message, none of these may
 * appear unescaped: wikilinks/embeds, comments, highlights, math, block ids, inline footnotes,
 * tags ("#" after a space or at the start, followed by a word character).
 */
export function assertNoObsidianSyntax(markdownLine: string, context: string): void {
  for (const needle of ['[[', '%%', '==', '$', '^']) {
    assert.deepEqual(unescapedAt(markdownLine, needle), [], `${context}: unescaped ${needle} in ${JSON.stringify(markdownLine)}`);
  }
  for (const at of unescapedAt(markdownLine, '#')) {
    const prev = markdownLine[at - 1];
    const next = markdownLine[at + 1];
    const tagLike = (prev === undefined || /\s/.test(prev)) && next !== undefined && /[\p{L}\p{N}_]/u.test(next);
    assert.ok(!tagLike, `${context}: tag-like # in ${JSON.stringify(markdownLine)}`);
  }
}

/** Plain text markdown-it renders for the paragraphs of a quote's content (soft breaks as "\n"). */
export function quoteText(tokens: Token[]): string {
  const paras: string[] = [];
  for (const t of tokens) {
    if (t.type !== 'inline') continue;
    let s = '';
    for (const c of t.children ?? []) {
      if (c.type === 'text' || c.type === 'code_inline') s += c.content;
      else if (c.type === 'softbreak' || c.type === 'hardbreak') s += '\n';
      else if (c.type === 'html_inline') s += c.content;
    }
    paras.push(s);
  }
  return paras.join('\n\n');
}
