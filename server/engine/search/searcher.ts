/**
 * Runs a parsed query against the index. Ranking, in tiers, each newest first:
 *   1. the query's words standing together as typed (`hello world` as the phrase "hello world"),
 *   2. every word and phrase as a whole word (a prefix `photo*` as the word "photo"),
 *   3. everything the query matches (prefixes as prefixes).
 * A tier holds only what the tiers before it did not. Each is an FTS5 MATCH with
 * `ORDER BY rowid DESC LIMIT n` (rowids are date-ordered): SQLite reads the newest matches and
 * stops, whatever the number of matches. The total is the broadest tier's matches up to
 * TOTAL_CAP, read together with its hits when they are needed.
 */
import { HAS_TERMS } from './blockText';
import { type DocRow, type IndexStore, dateSeconds, docRow, rowidOfSeconds } from './indexStore';
import type { ParsedQuery, TextPart } from './query';

/** Totals above this are reported as this number (counting every match of "the" costs too much). */
export const TOTAL_CAP = 1000;

const quoteTerms = (terms: readonly string[]): string => `"${terms.join(' ')}"`;

function partExpr(p: TextPart, exact: boolean): string {
  return p.kind === 'prefix' && !exact ? `${quoteTerms(p.terms)} *` : quoteTerms(p.terms);
}

/** The MATCH expressions of the tiers, narrowest first, without repeats. */
export function tierExpressions(text: readonly TextPart[]): string[] {
  if (!text.length) return [];
  const tiers: string[] = [];
  const allTerms = text.flatMap((p) => p.terms);
  if (text.length > 1 && text.every((p) => p.kind !== 'prefix')) tiers.push(quoteTerms(allTerms));
  tiers.push(text.map((p) => partExpr(p, true)).join(' AND '));
  tiers.push(text.map((p) => partExpr(p, false)).join(' AND '));
  return tiers.filter((t, i) => tiers.indexOf(t) === i);
}

interface Filter {
  /** Conditions on the docs table (chat, author); '' when none. */
  readonly docsSql: string;
  /** Rowids (date-ordered) from, inclusive, and to, exclusive: date filters as a rowid range. */
  readonly fromId?: number;
  readonly toId?: number;
  /** No document can match (an in: or from: that names nothing in the index). */
  readonly none: boolean;
}

function filterOf(store: IndexStore, q: ParsedQuery): Filter {
  const parts: string[] = [];
  for (const chat of q.inChats) {
    const ids = store.notesMatching([chat]);
    if (!ids.length) return { docsSql: '', none: true };
    parts.push(`d.note_id IN (${ids.join(',')})`);
  }
  for (const name of q.fromNames) {
    const ids = store.authorsMatching([name]);
    if (!ids.length) return { docsSql: '', none: true };
    parts.push(`d.author_id IN (${ids.join(',')})`);
  }
  return {
    docsSql: parts.join(' AND '),
    ...(q.after ? { fromId: rowidOfSeconds(dateSeconds(q.after)) } : {}),
    ...(q.before ? { toId: rowidOfSeconds(dateSeconds(q.before)) } : {}),
    none: false,
  };
}

/** `col >= from AND col < to` for the filter's dates ('' without dates), and its arguments. */
function rangeSql(col: string, f: Filter): { sql: string; args: number[] } {
  const parts: string[] = [];
  const args: number[] = [];
  if (f.fromId !== undefined) {
    parts.push(`${col} >= ?`);
    args.push(f.fromId);
  }
  if (f.toId !== undefined) {
    parts.push(`${col} < ?`);
    args.push(f.toId);
  }
  return { sql: parts.map((p) => ` AND ${p}`).join(''), args };
}

export interface Found {
  readonly rows: DocRow[];
  readonly total: number;
}

/**
 * The newest `n` rowids matching a MATCH expression and the filter, newest first. The date range
 * is a constraint on FTS5's rowid, so FTS5 starts at the range's end instead of walking every
 * newer match; the docs table is joined only for the filters that need it.
 */
function matchIds(store: IndexStore, match: string, f: Filter, n: number): number[] {
  const range = rangeSql('fts.rowid', f);
  const from = f.docsSql ? `fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH ?${range.sql} AND ${f.docsSql}` : `fts WHERE fts MATCH ?${range.sql}`;
  const row = store.db.get(`SELECT group_concat(id) AS ids FROM (SELECT fts.rowid AS id FROM ${from} ORDER BY fts.rowid DESC LIMIT ?)`, [match, ...range.args, n]);
  return idList(row?.ids);
}

/** How many documents match, counted up to TOTAL_CAP. */
function matchCount(store: IndexStore, match: string, f: Filter): number {
  const range = rangeSql('fts.rowid', f);
  const from = f.docsSql ? `fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH ?${range.sql} AND ${f.docsSql}` : `fts WHERE fts MATCH ?${range.sql}`;
  return Number(store.db.get(`SELECT count(*) AS n FROM (SELECT 1 FROM ${from} LIMIT ${TOTAL_CAP})`, [match, ...range.args])!.n);
}

/** group_concat's ids, newest first (sorted here rather than trusting the aggregate's order). */
function idList(v: unknown): number[] {
  if (v === null || v === undefined || v === '') return [];
  return String(v)
    .split(',')
    .map(Number)
    .sort((a, b) => b - a);
}

function rowsOf(store: IndexStore, ids: readonly number[]): DocRow[] {
  if (!ids.length) return [];
  const byId = new Map(store.db.all(`SELECT * FROM docs WHERE id IN (${ids.join(',')})`).map((r) => [Number(r.id), docRow(r)]));
  return ids.map((id) => byId.get(id)).filter((r): r is DocRow => r !== undefined);
}

/** The tiers with the query's has: filters, which are terms of the index (blockText.ts HAS_TERMS). */
export function matchTiers(q: ParsedQuery): string[] {
  const has = q.has.map((h) => `"${HAS_TERMS[h]}"`).join(' AND ');
  const tiers = tierExpressions(q.text);
  if (!has) return tiers;
  return tiers.length ? tiers.map((t) => `(${t}) AND ${has}`) : [has];
}

export function runQuery(store: IndexStore, q: ParsedQuery, limit: number): Found {
  const filter = filterOf(store, q);
  if (filter.none) return { rows: [], total: 0 };
  const tiers = matchTiers(q);
  if (!tiers.length) return filtersOnly(store, filter, limit);
  // Tiers are nested (each matches everything the one before it does), so a tier's new hits are its
  // newest matches not already taken; and a tier that leaves the page unfilled was read whole, so
  // every one of its matches is taken. No `NOT` of the tier before: FTS5 would evaluate it again.
  const ids: number[] = [];
  const taken = new Set<number>();
  for (let i = 0; i < tiers.length - 1 && ids.length < limit; i++) {
    for (const id of matchIds(store, tiers[i]!, filter, limit - ids.length + taken.size)) {
      if (taken.has(id)) continue;
      taken.add(id);
      if (ids.length < limit) ids.push(id);
    }
  }
  const broadest = tiers[tiers.length - 1]!;
  let total: number;
  if (ids.length < limit) {
    // the broadest tier read once for both its hits and the total (up to TOTAL_CAP)
    const all = matchIds(store, broadest, filter, Math.max(TOTAL_CAP, limit + taken.size));
    for (const id of all) if (ids.length < limit && !taken.has(id)) ids.push(id);
    total = Math.min(all.length, TOTAL_CAP);
  } else total = matchCount(store, broadest, filter);
  return { rows: rowsOf(store, ids), total: Math.max(total, ids.length) };
}

/** A query of filters only: the docs table, newest first. */
function filtersOnly(store: IndexStore, filter: Filter, limit: number): Found {
  const range = rangeSql('d.id', filter);
  const where = `WHERE 1${filter.docsSql ? ` AND ${filter.docsSql}` : ''}${range.sql}`;
  const rows = store.db.all(`SELECT d.* FROM docs d ${where} ORDER BY d.id DESC LIMIT ?`, [...range.args, limit]).map(docRow);
  if (rows.length < limit) return { rows, total: rows.length };
  const total = Number(store.db.get(`SELECT count(*) AS n FROM (SELECT 1 FROM docs d ${where} LIMIT ${TOTAL_CAP})`, range.args)!.n);
  return { rows, total };
}
