/**
 * Google's field-selection syntax, used twice:
 * - the `fields` query parameter of every method (partial responses, [DOC] "Performance tips:
 *   partial response"): `kind,items(id,snippet/title),nextPageToken`;
 * - the `fields` masks inside Sheets requests ([DOC] FieldMask in updateSheetProperties, repeatCell,
 *   updateCells…): `gridProperties.frozenRowCount`, `userEnteredFormat(backgroundColor,textFormat)`.
 * Both nest with parentheses; the query form separates path steps with `/`, masks with `.`;
 * the parser accepts either.
 */

export type FieldTree = Map<string, FieldTree | true>;

export class FieldSyntaxError extends Error {}

export function parseFields(text: string): FieldTree {
  let pos = 0;
  const tree: FieldTree = new Map();

  function parseList(into: FieldTree, closing: boolean): void {
    for (;;) {
      parseSelection(into);
      skipSpaces();
      if (pos >= text.length) {
        if (closing) throw new FieldSyntaxError(`Invalid field selection ${text}`);
        return;
      }
      const c = text[pos];
      if (c === ',') {
        pos++;
        continue;
      }
      if (c === ')' && closing) {
        pos++;
        return;
      }
      throw new FieldSyntaxError(`Invalid field selection ${text.slice(pos) || text}`);
    }
  }

  function skipSpaces(): void {
    while (pos < text.length && text[pos] === ' ') pos++;
  }

  function parseName(): string {
    skipSpaces();
    const start = pos;
    while (pos < text.length && /[A-Za-z0-9_@*$-]/.test(text[pos])) pos++;
    if (pos === start) throw new FieldSyntaxError(`Invalid field selection ${text.slice(start) || text}`);
    return text.slice(start, pos);
  }

  function parseSelection(into: FieldTree): void {
    const path = [parseName()];
    while (pos < text.length && (text[pos] === '/' || text[pos] === '.')) {
      pos++;
      path.push(parseName());
    }
    let leaf: FieldTree | true = true;
    if (text[pos] === '(') {
      pos++;
      leaf = new Map();
      parseList(leaf, true);
    }
    let node = into;
    for (let i = 0; i < path.length - 1; i++) {
      const existing = node.get(path[i]);
      if (existing === true) return; // a whole-object selection already covers this one
      let next = existing;
      if (!next) {
        next = new Map();
        node.set(path[i], next);
      }
      node = next;
    }
    const last = path[path.length - 1];
    const existing = node.get(last);
    if (existing === undefined || leaf === true) node.set(last, leaf);
    else if (existing !== true) for (const [k, v] of leaf) existing.set(k, v);
  }

  if (text.trim() === '') return tree;
  parseList(tree, false);
  return tree;
}

/** Keeps only the selected fields of `value` (arrays are selected element by element). */
export function selectFields(value: unknown, tree: FieldTree): unknown {
  if (Array.isArray(value)) return value.map((v) => selectFields(v, tree));
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const wildcard = tree.get('*');
  // Iterate the source's keys so the partial response keeps Google's field order.
  for (const key of Object.keys(source)) {
    const sub = tree.get(key) ?? wildcard;
    if (sub === undefined) continue;
    out[key] = sub === true ? source[key] : selectFields(source[key], sub);
  }
  return out;
}

/** The leaf paths of a mask: `a(b,c.d)` → [['a','b'], ['a','c','d']]. */
export function maskPaths(tree: FieldTree, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [key, sub] of tree) {
    if (sub === true) out.push([...prefix, key]);
    else out.push(...maskPaths(sub, [...prefix, key]));
  }
  return out;
}

/**
 * Applies a field mask: for each path, the target takes the source's value at that path, or loses
 * the field when the source has none ([DOC] "fields … the root is implied; a single * is a
 * shorthand for listing every field"). Values are deep-copied.
 */
export function applyMask(target: Record<string, unknown>, source: Record<string, unknown>, paths: string[][]): void {
  for (const path of paths) {
    if (path.length === 1 && path[0] === '*') {
      for (const key of Object.keys(target)) delete target[key];
      Object.assign(target, structuredClone(source));
      continue;
    }
    let t: Record<string, unknown> = target;
    let s: Record<string, unknown> | undefined = source;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i];
      const sNext: unknown = s?.[key];
      s = sNext !== null && typeof sNext === 'object' ? (sNext as Record<string, unknown>) : undefined;
      let tNext = t[key];
      if (tNext === null || typeof tNext !== 'object') {
        if (s === undefined) {
          tNext = undefined;
        } else {
          tNext = {};
          t[key] = tNext;
        }
      }
      if (tNext === undefined) {
        t = {};
        break;
      }
      t = tNext as Record<string, unknown>;
    }
    const last = path[path.length - 1];
    if (last === '*') {
      for (const key of Object.keys(t)) delete t[key];
      if (s) Object.assign(t, structuredClone(s));
    } else if (s !== undefined && s[last] !== undefined && s[last] !== null) {
      t[last] = structuredClone(s[last]);
    } else {
      delete t[last];
    }
  }
}
