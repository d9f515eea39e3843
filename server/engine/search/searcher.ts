/**
 * Runs a parsed query against the index. Ranking, in tiers, each newest first:
 *   1. the query's words standing together as typed (`hello world` as the phrase "hello world"),
 *   2. every word and phrase as a whole word (a prefix `photo*` as the word "photo"),
 *   3. everything the query matches (prefixes as prefixes).
 * A tier holds only what the tiers before it did not, so the query stays an FTS5 MATCH with
 * `ORDER BY rowid DESC LIMIT n` (rowids are date-ordered): SQLite reads the newest matches and
 * stops, whatever the number of matches. The total is counted up to TOTAL_CAP, and only when the
 * hits filled the page (otherwise they are all there is).
 */
import { HAS_BITS } from './blockText';
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
  readonly sql: string;
  readonly args: (number | string)[];
  /** No document can match (an in: or from: that names nothing in the index). */
  readonly none: boolean;
}

function filterSql(store: IndexStore, q: ParsedQuery): Filter {
  const parts: string[] = [];
  const args: (number | string)[] = [];
  for (const chat of q.inChats) {
    const ids = store.notesMatching([chat]);
    if (!ids.length) return { sql: '', args, none: true };
    parts.push(`d.note_id IN (${ids.join(',')})`);
  }
  for (const name of q.fromNames) {
    const ids = store.authorsMatching([name]);
    if (!ids.length) return { sql: '', args, none: true };
    parts.push(`d.author_id IN (${ids.join(',')})`);
  }
  if (q.before) {
    parts.push('d.id < ?');
    args.push(rowidOfSeconds(dateSeconds(q.before)));
  }
  if (q.after) {
    parts.push('d.id >= ?');
    args.push(rowidOfSeconds(dateSeconds(q.after)));
  }
  if (q.has.length) {
    const bits = q.has.reduce((b, h) => b | HAS_BITS[h], 0);
    parts.push(`(d.has & ${bits}) = ${bits}`);
  }
  return { sql: parts.join(' AND '), args, none: false };
}

export interface Found {
  readonly rows: DocRow[];
  readonly total: number;
}

export function runQuery(store: IndexStore, q: ParsedQuery, limit: number): Found {
  const filter = filterSql(store, q);
  if (filter.none) return { rows: [], total: 0 };
  const where = filter.sql ? ` AND ${filter.sql}` : '';
  const tiers = tierExpressions(q.text);
  if (!tiers.length) {
    const rows = store.db.all(`SELECT d.* FROM docs d WHERE 1${where} ORDER BY d.id DESC LIMIT ?`, [...filter.args, limit]).map(docRow);
    if (rows.length < limit) return { rows, total: rows.length };
    const total = Number(store.db.get(`SELECT count(*) AS n FROM (SELECT 1 FROM docs d WHERE 1${where} LIMIT ${TOTAL_CAP})`, filter.args)!.n);
    return { rows, total };
  }
  const rows: DocRow[] = [];
  for (let i = 0; i < tiers.length && rows.length < limit; i++) {
    const match = i === 0 ? tiers[0]! : `(${tiers[i]}) NOT (${tiers[i - 1]})`;
    const found = store.db
      .all(`SELECT d.* FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH ?${where} ORDER BY fts.rowid DESC LIMIT ?`, [match, ...filter.args, limit - rows.length])
      .map(docRow);
    rows.push(...found);
  }
  if (rows.length < limit) return { rows, total: rows.length };
  const broadest = tiers[tiers.length - 1]!;
  const total = Number(
    store.db.get(`SELECT count(*) AS n FROM (SELECT 1 FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH ?${where} LIMIT ${TOTAL_CAP})`, [broadest, ...filter.args])!.n,
  );
  return { rows, total: Math.max(total, rows.length) };
}
