/**
 * The YAML side of note properties: reads any frontmatter a person or Obsidian wrote with a real
 * YAML parser (eemeli/yaml, Document API, comments kept), cuts it into top-level entries that
 * keep their exact source text, and puts a rewritten frontmatter together from our own entries
 * and the user's.
 *
 * Why source slices and not the library's printer: a person's formatting (quoting, flow or block
 * lists, comments, blank lines) must survive a rewrite byte for byte, and the printer would
 * re-format everything it prints. The library decides what is valid and where each value ends;
 * the text between values is copied as it is.
 *
 * Where a comment goes: a comment line at the start of a line belongs to the key below it (as in
 * Obsidian and most YAML tools), so it moves with that key; a comment on the same line as a value
 * or indented below it belongs to that value; comments after the last key stay at the end.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';

/** Duplicate keys are a person's business (Obsidian warns about them); they must not make a note unreadable. */
const PARSE_OPTIONS = { uniqueKeys: false, prettyErrors: false } as const;

/** Put before lines that were not valid YAML; they are kept as comments, never dropped. */
export const INVALID_YAML_NOTE = '# Vault Archiver: the lines below were not valid YAML; kept as comments';

/** One top-level `key: value` of a frontmatter, as written. */
export interface YamlEntry {
  /** The key as a string (scalar keys); undefined for a key that is not a scalar. */
  readonly key: string | undefined;
  /** Blank and comment lines between the previous entry and this one. */
  readonly prefix: string;
  /** The entry's own lines (key, value, the comments on and under the value); ends with "\n". */
  readonly text: string;
  /** What follows the value inside `text`: the rest of its last line and comment lines under it. */
  readonly trailing: string;
  /** The parsed value (a yaml node), undefined when the key has none. */
  readonly value: unknown;
}

export interface YamlLayout {
  readonly entries: readonly YamlEntry[];
  /** Blank and comment lines after the last entry. */
  readonly tail: string;
}

interface Located {
  range?: readonly [number, number, number] | null;
}

function withFinalNewline(text: string): string {
  const lf = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  return lf === '' || lf.endsWith('\n') ? lf : lf + '\n';
}

/** Offset of the first alias whose anchor is not defined before it, or -1. */
function unresolvedAliasAt(doc: Document): number {
  const anchors = new Set<string>();
  let at = -1;
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        if (!anchors.has(node.source)) {
          at = node.range?.[0] ?? 0;
          return visit.BREAK;
        }
      } else if (node.anchor) anchors.add(node.anchor);
      return undefined;
    },
  });
  return at;
}

/**
 * The first problem that keeps `text` from being a frontmatter we can keep entry by entry: a
 * YAML error, an unresolved alias, or a top level that is not a block mapping whose keys start
 * their lines. Returns the offset of the problem, -1 when there is none.
 */
function problemAt(text: string, doc: Document): number {
  if (doc.errors.length) return doc.errors[0].pos[0];
  const aliasAt = unresolvedAliasAt(doc);
  if (aliasAt >= 0) return aliasAt;
  const contents = doc.contents;
  if (contents === null) return -1;
  if (!isMap(contents) || contents.flow) return (contents as Located).range?.[0] ?? 0;
  for (const pair of contents.items) {
    const start = (pair.key as Located | null)?.range?.[0] ?? (pair.value as Located | null)?.range?.[0];
    if (start === undefined) return 0;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    // Indented top-level keys would not line up with ours; `? ` (explicit key), anchors and tags may come first.
    if (/^[ \t]+$/.test(text.slice(lineStart, start))) return lineStart;
  }
  return -1;
}

/** Cuts a valid frontmatter into entries; undefined when it is not one (see problemAt). */
export function layoutOf(yamlText: string): YamlLayout | undefined {
  const text = withFinalNewline(yamlText);
  const doc = parseDocument(text, PARSE_OPTIONS);
  if (problemAt(text, doc) >= 0) return undefined;
  const contents = doc.contents;
  if (!isMap(contents)) return { entries: [], tail: text };
  const entries: YamlEntry[] = [];
  let pos = 0;
  for (const pair of contents.items) {
    const key = pair.key as Located | null;
    const value = pair.value as Located | null;
    const start = key?.range?.[0] ?? value!.range![0];
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    if (lineStart < pos) return undefined; // two entries on one line: not a block mapping after all
    const valueEnd = Math.max(value?.range?.[1] ?? 0, key?.range?.[1] ?? 0);
    let end = text[valueEnd - 1] === '\n' ? valueEnd : lineEndAfter(text, valueEnd);
    // Comment lines indented under the value are the value's; the next key's own start at column 0.
    while (end < text.length && /^[ \t]+#/.test(text.slice(end, end + 256))) end = lineEndAfter(text, end);
    entries.push({
      key: isScalar(pair.key) ? String(pair.key.value) : undefined,
      prefix: text.slice(pos, lineStart),
      text: text.slice(lineStart, end),
      trailing: text.slice(Math.min(valueEnd, end), end),
      value: pair.value ?? undefined,
    });
    pos = end;
  }
  return { entries, tail: text.slice(pos) };
}

function lineEndAfter(text: string, at: number): number {
  const nl = text.indexOf('\n', at);
  return nl < 0 ? text.length : nl + 1;
}

/** `text` (whole lines) as YAML comments, every byte kept after the `# `; under INVALID_YAML_NOTE unless `noted` already. */
export function commentedOut(text: string, noted = false): string {
  const lines = withFinalNewline(text).split('\n');
  lines.pop();
  const commented = lines.map((l) => (l === '' ? '#' : `# ${l}`));
  return (noted ? commented : [INVALID_YAML_NOTE, ...commented]).join('\n') + '\n';
}

/** A line that starts a new top-level entry (or is a document marker or directive, never valid inside). */
const TOP_LEVEL_START = /^(?![-#\]}]|\s|$)|^-(?=\S)|^---|^\.\.\./;
const MARKER_OR_DIRECTIVE = /^(---|\.\.\.)(?=[ \t]|$)|^%/;

/**
 * Makes invalid YAML valid without losing a byte of it: the text is cut into top-level groups
 * (a line at column 0 that is not a comment or a list item starts one); each group that is not a
 * valid block mapping on its own is commented out (INVALID_YAML_NOTE, then `# ` + each line).
 * What is left is checked as a whole, and whatever the parser still points at is commented out.
 */
export function salvage(yamlText: string): string {
  const lines = withFinalNewline(yamlText).split('\n');
  lines.pop();
  const groups: { text: string; ok: boolean }[] = [];
  let current: string[] = [];
  const close = () => {
    if (!current.length) return;
    const text = current.join('\n') + '\n';
    const doc = parseDocument(text, PARSE_OPTIONS);
    groups.push({ text, ok: !MARKER_OR_DIRECTIVE.test(text) && problemAt(text, doc) < 0 });
    current = [];
  };
  for (const line of lines) {
    if (TOP_LEVEL_START.test(line)) close();
    current.push(line);
  }
  close();
  // One note above each run of commented-out groups.
  const shown = (g: { text: string; ok: boolean }, i: number) => (g.ok ? g.text : commentedOut(g.text, i > 0 && !groups[i - 1].ok));
  const assemble = () => groups.map(shown).join('');
  // Each round comments out the group the parser points at; a handful is plenty for real notes.
  for (let round = 0; round < 16; round++) {
    const text = assemble();
    const at = problemAt(text, parseDocument(text, PARSE_OPTIONS));
    if (at < 0) return text;
    let offset = 0;
    const culprit = groups.find((g, i) => {
      offset += shown(g, i).length;
      return g.ok && at < offset;
    });
    if (!culprit) break;
    culprit.ok = false;
  }
  return commentedOut(yamlText);
}

/** A scalar's text as written (numbers keep all their digits), '' for null, undefined for anything else. */
export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  return typeof node.source === 'string' ? node.source : String(v);
}

/** The tags a `tags` value holds: a list's non-empty scalar items, or one scalar; [] for none. */
export function tagsOf(node: unknown): string[] {
  if (isSeq(node)) return node.items.map(scalarText).filter((t): t is string => t !== undefined && t !== '');
  const one = scalarText(node);
  return one ? [one] : [];
}

/** One of our keys, as we render it ('' when absent). */
export interface OwnPiece {
  readonly key: string;
  readonly text: string;
}

/** Our line(s) for a key, with the comments the user wrote on and under the value put back. */
function withTrailing(piece: string, trailing: string): string {
  if (!/\S/.test(trailing)) return piece;
  const nl = trailing.indexOf('\n');
  const sameLine = nl < 0 ? trailing : trailing.slice(0, nl);
  const below = nl < 0 ? '' : trailing.slice(nl + 1);
  if (piece === '') return (sameLine.trim() ? `${sameLine.trim()}\n` : '') + below;
  return piece.slice(0, -1) + sameLine + '\n' + below;
}

/**
 * A frontmatter body: our pieces in our order, each under the comments the user put above that
 * key (and with the comments on its value), then the user's entries in their order, then the
 * trailing comments. `keepsUserText(key, value)` says when the user's own text may stand for ours
 * (their `tags`, when they still hold what we would write). `keptLines` is YAML text without
 * its last line break (NoteMeta.extraYaml). The result is always valid YAML; never throws.
 */
export function mergeFrontmatter(pieces: readonly OwnPiece[], keptLines: string, keepsUserText: (key: string, value: unknown) => boolean): string {
  const canonical = pieces.map((p) => p.text).join('');
  const kept = keptLines + '\n'; // lines without the last line break (a kept `|+` block may end with blank lines)
  try {
    const layout = layoutOf(kept) ?? layoutOf(salvage(kept));
    if (layout) {
      const merged = neutralizeMarkers(mergeLayout(pieces, layout, keepsUserText));
      if (layoutOf(merged)) return merged;
      const repaired = salvage(neutralizeMarkers(mergeLayout(pieces, layout, () => false)));
      if (layoutOf(repaired)) return repaired;
    }
  } catch {
    // fall through: the user's text is kept as comments below ours
  }
  return canonical + commentedOut(kept);
}

function mergeLayout(pieces: readonly OwnPiece[], layout: YamlLayout, keepsUserText: (key: string, value: unknown) => boolean): string {
  const own = new Set(pieces.map((p) => p.key));
  const above = new Map<string, string>();
  const ownText = new Map<string, string>();
  let user = '';
  for (const e of layout.entries) {
    if (e.key === undefined || !own.has(e.key)) {
      user += e.prefix + e.text;
      continue;
    }
    above.set(e.key, (above.get(e.key) ?? '') + e.prefix);
    if (ownText.has(e.key)) continue; // a duplicate of one of our keys: its comments are kept, its value is ours
    ownText.set(e.key, keepsUserText(e.key, e.value) ? e.text : withTrailing(pieces.find((p) => p.key === e.key)!.text, e.trailing));
  }
  let out = '';
  for (const p of pieces) out += (above.get(p.key) ?? '') + (ownText.get(p.key) ?? p.text);
  return out + user + layout.tail;
}

/** Document markers and directives cannot stand inside a frontmatter (`---` would end it): comment them. */
function neutralizeMarkers(text: string): string {
  return /^(---|\.\.\.|%)/m.test(text) ? text.replace(/^(?=(---|\.\.\.)(?:[ \t]|$)|%)/gm, '# ') : text;
}
