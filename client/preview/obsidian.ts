/**
 * A markdown-it plugin that makes VS Code's Markdown preview read Obsidian notes as Obsidian
 * shows them: wikilinks and block links clickable, embeds shown, block ids and `%%` comments
 * hidden, and (in a vault) single line breaks kept. The notes themselves are not changed.
 *
 * Pure: no `vscode` import, so it is unit-tested with plain markdown-it. The client passes the
 * one thing that needs the file system, where a document's vault starts (see `./vaultRoot`).
 *
 * What is rendered how:
 * - `[[Note]]`, `[[Note|alias]]`, `[[Note#Heading]]`, `[[Note#^m42]]`, `[[#^m42|message 42]]`:
 *   links. `Note` is a file name without `.md`; a path with a `/` is a path from the vault root
 *   (as the importer writes them), a bare name is a note in the document's own folder (the notes
 *   of a chat live together), `./` and `../` are relative to the document. VS Code opens the
 *   relative link in the preview and scrolls to its fragment.
 * - A block id `^m42` (a paragraph of its own after a block, or at the end of a block's last
 *   line) is hidden and becomes the HTML id `m42` of that block, so `[[#^m42]]` becomes
 *   `href="#m42"`. The id has no `^`: VS Code's preview looks a fragment up URI-encoded, and
 *   `%5Em42` would never match.
 * - `![[x.jpg]]`, `![[x.jpg|128]]`, `![[x.jpg|alt|100x50]]`: `<img>`; audio and video files:
 *   `<audio>`/`<video>` with controls; other files and notes: a link.
 * - `%%…%%`: hidden, inline or across lines (an unclosed `%%` stays text).
 * - Single line breaks: `<br>` in documents inside a vault (Obsidian's "strict line breaks" is off
 *   by default); elsewhere VS Code's `markdown.preview.breaks` setting decides, as before.
 *
 * Everything that comes from the note is HTML-escaped here, whatever sanitizing the preview does.
 */
import * as path from 'node:path';
import type MarkdownIt from 'markdown-it';
import type { Options, Renderer, StateBlock, StateCore, StateInline, Token } from 'markdown-it';

/** The document being rendered, as VS Code passes it in the render env (a `vscode.Uri`). */
export interface DocumentRef {
  readonly scheme?: string;
  /** Slash-separated path of the document (a URI path). */
  readonly path: string;
  readonly fsPath?: string;
}

export interface ObsidianPreviewOptions {
  /**
   * How many folders above the document's own folder its vault starts (0: the document's folder
   * is the vault), or undefined when the document is in no vault. Called once per render.
   */
  vaultDepth?: (doc: DocumentRef) => number | undefined;
}

/** A parsed `[[target#fragment|alias]]`. */
export interface WikiLink {
  /** File path or name as written, without a leading `/`; empty for a link into the same note. */
  readonly path: string;
  /** What follows the first `#`, without it: `^m42` or a heading. */
  readonly fragment?: string;
  /** What follows the first `|`. */
  readonly alias?: string;
}

type EmbedKind = 'image' | 'audio' | 'video' | 'file' | 'note';

const IMAGE = new Set(['png', 'jpg', 'jpeg', 'gif', 'bmp', 'svg', 'webp', 'avif']);
const AUDIO = new Set(['mp3', 'wav', 'm4a', 'ogg', 'oga', 'opus', 'flac', '3gp']);
const VIDEO = new Set(['mp4', 'webm', 'ogv', 'mov', 'mkv', 'm4v']);

/** Obsidian block ids: letters, digits and dashes. */
const BLOCK_ID = /^\^([A-Za-z0-9-]+)$/;
/** A block id closing a paragraph, after a space or on its own last line (`text ^m42`). */
const TRAILING_BLOCK_ID = /[ \t\n]+\^([A-Za-z0-9-]+)$/;
const SIZE = /^(\d+)(?:x(\d+))?$/;

interface RenderContext {
  /** Path of the document's folder, when the render names a document. */
  readonly docDir?: string;
  readonly docName?: string;
  /** Levels from the document's folder up to its vault root, when it is in a vault. */
  readonly vaultDepth?: number;
}

export function obsidianPreview(md: MarkdownIt, options: ObsidianPreviewOptions = {}): void {
  const escape = md.utils.escapeHtml;
  const contexts = new WeakMap<object, RenderContext>();

  /** Worked out once per render: VS Code passes a fresh env to each. */
  const contextOf = (env: unknown): RenderContext => {
    if (!env || typeof env !== 'object') return {};
    const known = contexts.get(env);
    if (known) return known;
    const doc = (env as { currentDocument?: DocumentRef }).currentDocument;
    let context: RenderContext = {};
    if (doc && typeof doc.path === 'string') {
      let depth: number | undefined;
      try {
        depth = options.vaultDepth?.(doc);
      } catch {
        depth = undefined;
      }
      context = { docDir: path.posix.dirname(doc.path), docName: path.posix.basename(doc.path), vaultDepth: depth };
    }
    contexts.set(env, context);
    return context;
  };

  md.block.ruler.before('fence', 'obsidian_comment', commentBlock, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
  md.inline.ruler.before('backticks', 'obsidian_comment', commentInline);
  md.inline.ruler.before('link', 'obsidian_wikilink', wikiLinkInline);
  md.core.ruler.after('block', 'obsidian_block_ids', blockIds);
  md.core.ruler.after('inline', 'obsidian_block_links', blockLinkFragments);

  md.renderer.rules.obsidian_comment = () => '';
  md.renderer.rules.obsidian_anchor = (tokens, idx, _options, _env, self) => `<span${self.renderAttrs(tokens[idx])}></span>\n`;

  md.renderer.rules.obsidian_link = (tokens, idx, _options, env) => {
    const link = tokens[idx].meta as WikiLink;
    const href = hrefOf(link, contextOf(env), true);
    return `<a href="${escape(href)}" class="obsidian-link">${escape(link.alias ?? linkText(link))}</a>`;
  };

  md.renderer.rules.obsidian_embed = (tokens, idx, _options, env) => {
    const link = tokens[idx].meta as WikiLink;
    const kind = embedKind(link.path);
    const context = contextOf(env);
    if (kind === 'note') {
      return `<a href="${escape(hrefOf(link, context, true))}" class="obsidian-link obsidian-embed">${escape(link.alias ?? linkText(link))}</a>`;
    }
    const src = escape(hrefOf({ path: link.path }, context, false));
    const name = path.posix.basename(link.path);
    const { text, width, height } = embedOptions(link.alias);
    const size = `${width ? ` width="${width}"` : ''}${height ? ` height="${height}"` : ''}`;
    switch (kind) {
      case 'image':
        return `<img src="${src}" alt="${escape(text ?? name)}"${size} class="obsidian-embed">`;
      case 'audio':
        return `<audio controls preload="metadata" src="${src}" title="${escape(text ?? name)}" class="obsidian-embed"></audio>`;
      case 'video':
        return `<video controls preload="metadata" src="${src}" title="${escape(text ?? name)}"${size} class="obsidian-embed"></video>`;
      default:
        return `<a href="${src}" class="obsidian-link obsidian-embed">${escape(text ?? name)}</a>`;
    }
  };

  const softbreak = md.renderer.rules.softbreak;
  md.renderer.rules.softbreak = (tokens: Token[], idx: number, opts: Options, env: unknown, self: Renderer) => {
    if (contextOf(env).vaultDepth !== undefined) return opts.xhtmlOut ? '<br />\n' : '<br>\n';
    return softbreak ? softbreak(tokens, idx, opts, env, self) : opts.breaks ? '<br>\n' : '\n';
  };
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** `%%` at the start of a block, closed by `%%` at the end of a line: the whole span is hidden. */
function commentBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  if (state.sCount[startLine] - state.blkIndent >= 4) return false;
  const start = state.bMarks[startLine] + state.tShift[startLine];
  if (!state.src.startsWith('%%', start)) return false;
  let line = startLine;
  let from = start + 2;
  for (;;) {
    const end = state.eMarks[line];
    const close = state.src.slice(from, end).indexOf('%%');
    if (close >= 0) {
      // Text after the comment on its closing line: a paragraph, whose inline rule hides the comment.
      if (state.src.slice(from + close + 2, end).trim() !== '') return false;
      break;
    }
    line++;
    if (line >= endLine) return false;
    // a line outside the container (or a lazy continuation) ends the search: `%%` stays text
    if (!state.isEmpty(line) && state.sCount[line] < state.blkIndent) return false;
    from = state.bMarks[line] + state.tShift[line];
  }
  if (silent) return true;
  const token = state.push('obsidian_comment', '', 0);
  token.block = true;
  token.map = [startLine, line + 1];
  state.line = line + 1;
  return true;
}

/** `%%…%%` inside a paragraph (it may span its lines); an unclosed `%%` stays text. */
function commentInline(state: StateInline, silent: boolean): boolean {
  const { src, pos } = state;
  if (src.charCodeAt(pos) !== 0x25 || src.charCodeAt(pos + 1) !== 0x25) return false;
  const close = src.indexOf('%%', pos + 2);
  if (close < 0 || close + 2 > state.posMax) return false;
  if (!silent) {
    // A comment closing a line takes the blanks before it along (`date %%album: m18%%`).
    if (close + 2 === state.posMax || src.charCodeAt(close + 2) === 0x0a) state.pending = state.pending.replace(/[ \t]+$/, '');
    state.push('obsidian_comment', '', 0);
  }
  state.pos = close + 2;
  return true;
}

/** `[[…]]` and `![[…]]` on one line. */
function wikiLinkInline(state: StateInline, silent: boolean): boolean {
  const { src } = state;
  let pos = state.pos;
  const embed = src.charCodeAt(pos) === 0x21; /* ! */
  if (embed) pos++;
  if (src.charCodeAt(pos) !== 0x5b || src.charCodeAt(pos + 1) !== 0x5b) return false;
  const close = src.indexOf(']]', pos + 2);
  if (close < 0 || close + 2 > state.posMax) return false;
  const link = parseWikiLink(src.slice(pos + 2, close));
  if (!link) return false;
  if (!silent) {
    const token = state.push(embed ? 'obsidian_embed' : 'obsidian_link', '', 0);
    token.meta = link;
    token.content = src.slice(state.pos, close + 2);
  }
  state.pos = close + 2;
  return true;
}

/** The parts of what stands between `[[` and `]]`, or undefined when it is no link. */
export function parseWikiLink(inner: string): WikiLink | undefined {
  if (/[\n[\]]/.test(inner)) return undefined;
  // `\|` separates too: that is how a wikilink is written inside a table
  const bar = /\\?\|/.exec(inner);
  const target = (bar ? inner.slice(0, bar.index) : inner).trim();
  const alias = bar ? inner.slice(bar.index + bar[0].length).trim() : undefined;
  const hash = target.indexOf('#');
  const file = (hash < 0 ? target : target.slice(0, hash)).trim().replace(/^\/+/, '');
  const fragment = hash < 0 ? undefined : target.slice(hash + 1).trim();
  if (!file && !fragment) return undefined;
  return { path: file, ...(fragment ? { fragment } : {}), ...(alias ? { alias } : {}) };
}

/**
 * Block ids: a paragraph that is only `^id` is removed and names the block before it; `^id` at
 * the end of a paragraph's last line is cut off and names that paragraph (its list item in a list).
 * Runs before inline parsing, so the id never reaches the text.
 */
function blockIds(state: StateCore): void {
  const tokens = state.tokens;
  for (let i = 1; i < tokens.length; i++) {
    const inline = tokens[i];
    if (inline.type !== 'inline' || tokens[i - 1].type !== 'paragraph_open') continue;
    const only = BLOCK_ID.exec(inline.content.trim());
    if (only) {
      const open = i - 1;
      tokens.splice(open, 3);
      anchor(state, tokens, open, only[1]);
      i = open;
      continue;
    }
    const trailing = TRAILING_BLOCK_ID.exec(inline.content);
    if (trailing) {
      inline.content = inline.content.slice(0, trailing.index);
      const item = tokens[i - 2]?.type === 'list_item_open' ? tokens[i - 2] : tokens[i - 1];
      if (!item.attrGet('id')) item.attrSet('id', trailing[1]);
    }
  }
}

/** Gives `id` to the block that ends just before `at`, or to an empty anchor there. */
function anchor(state: StateCore, tokens: Token[], at: number, id: string): void {
  let before = at - 1;
  while (before >= 0 && tokens[before].type === 'obsidian_comment') before--;
  const prev = tokens[before];
  let target: number | undefined;
  if (prev?.nesting === -1) {
    for (let j = before - 1; j >= 0; j--) {
      if (tokens[j].level === prev.level && tokens[j].nesting === 1) {
        target = j;
        break;
      }
    }
  } else if (prev?.nesting === 0 && prev.block && prev.type !== 'front_matter') {
    target = before;
  }
  const block = target === undefined ? undefined : tokens[target];
  // Headings get their id from VS Code's slugs, which would replace this one.
  if (block && block.type !== 'heading_open' && !block.attrGet('id')) {
    block.attrSet('id', id);
    return;
  }
  const span = new state.Token('obsidian_anchor', 'span', 0);
  span.block = true;
  span.attrSet('id', id);
  if (block?.map) span.map = [block.map[0], block.map[0] + 1];
  span.level = block?.level ?? 0;
  tokens.splice(target ?? at, 0, span);
}

/** Markdown links to a block, `[x](Note.md#^m42)`, point at the block's id like wikilinks do. */
function blockLinkFragments(state: StateCore): void {
  for (const block of state.tokens) {
    for (const token of block.children ?? []) {
      if (token.type !== 'link_open') continue;
      const href = token.attrGet('href');
      const m = href ? /#(?:\^|%5e)([A-Za-z0-9-]+)$/i.exec(href) : null;
      if (href && m) token.attrSet('href', `${href.slice(0, m.index)}#${m[1]}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Links

/** The HTML id a `#fragment` of a wikilink points at: the block id, or VS Code's heading slug. */
export function fragmentId(fragment: string): string {
  const block = BLOCK_ID.exec(fragment);
  if (block) return block[1];
  // `Note#Heading#Subheading`: the last heading is the one to show
  const heading = fragment.split('#').pop() ?? '';
  return headingSlug(heading);
}

/** The id VS Code's preview gives a heading: lower case, punctuation dropped, spaces as dashes. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\s-]/gu, '')
    .replace(/\s/g, '-');
}

/**
 * The href of a link from the document being rendered: relative to its folder, percent-encoded
 * segment by segment, so a name can never turn into a scheme or leave the attribute.
 */
function hrefOf(link: WikiLink, context: RenderContext, note: boolean): string {
  const fragment = link.fragment ? `#${encodeURIComponent(fragmentId(link.fragment))}` : '';
  if (!link.path) return fragment || '#';
  const file = note ? withNoteExtension(link.path) : link.path;
  const relative = relativePath(file, context);
  if (fragment && relative === context.docName) return fragment;
  return relative.split('/').map(encodeSegment).join('/') + fragment;
}

function relativePath(file: string, context: RenderContext): string {
  if (file.startsWith('./') || file.startsWith('../')) return path.posix.normalize(file);
  if (!file.includes('/') || context.docDir === undefined || context.vaultDepth === undefined) return file;
  let root = context.docDir;
  for (let i = 0; i < context.vaultDepth; i++) root = path.posix.dirname(root);
  return path.posix.relative(context.docDir, path.posix.join(root, file));
}

function encodeSegment(segment: string): string {
  return segment === '..' || segment === '.' ? segment : encodeURIComponent(segment);
}

function extensionOf(file: string): string | undefined {
  // a file extension has a letter: "Tech Digest 2024.03" and "Mr. Smith" are note names
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(path.posix.basename(file));
  return m && /[A-Za-z]/.test(m[1]) ? m[1].toLowerCase() : undefined;
}

/** `Note` means `Note.md`, as in Obsidian; a name with a file extension is that file. */
function withNoteExtension(file: string): string {
  return extensionOf(file) === undefined ? `${file}.md` : file;
}

function embedKind(file: string): EmbedKind {
  const ext = extensionOf(file);
  if (ext === undefined || ext === 'md') return 'note';
  if (IMAGE.has(ext)) return 'image';
  if (AUDIO.has(ext)) return 'audio';
  if (VIDEO.has(ext)) return 'video';
  return 'file';
}

/** `alt|100x50`, `128`, `alt`: the text and the size of an embed. */
function embedOptions(alias: string | undefined): { text?: string; width?: string; height?: string } {
  if (alias === undefined) return {};
  const parts = alias.split('|');
  const size = SIZE.exec(parts[parts.length - 1].trim());
  if (size) parts.pop();
  const text = parts.join('|').trim();
  return { ...(text ? { text } : {}), ...(size ? { width: size[1], ...(size[2] ? { height: size[2] } : {}) } : {}) };
}

/** What Obsidian shows for a link without an alias: `Note > Heading`. */
function linkText(link: WikiLink): string {
  const fragment = link.fragment?.split('#').join(' > ');
  if (!link.path) return fragment ?? '';
  return fragment ? `${link.path} > ${fragment}` : link.path;
}
