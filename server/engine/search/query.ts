/**
 * The search query language, shared by the editor's Search Archive box and `vault-archiver
 * search`:
 *
 *   word            a whole word (case and diacritics folded: "cafe" finds "Café")
 *   "two words"     a phrase: the words next to each other, in this order
 *   pre*            words starting with "pre" (at least 2 letters before the star)
 *   in:<chat>       notes whose chat, channel or topic title contains this (in:"Makers Forum")
 *   from:<name>     messages whose author's name contains this
 *   before:YYYY-MM-DD, after:YYYY-MM-DD   messages dated before that day / on or after it
 *   has:photo|file|link|poll              messages carrying one
 *
 * Every part must match (AND). Anything else with a colon ("http://x", "10:30") is text.
 * A mistake throws QuerySyntaxError, a UserError whose message says what to write instead.
 */
import { UserError } from '../errors';
import { terms } from './fold';

export type HasKind = 'photo' | 'file' | 'link' | 'poll';
export const HAS_KINDS: readonly HasKind[] = ['photo', 'file', 'link', 'poll'];

/** One part of the text to find: folded terms; `prefix` on the last term of a word part. */
export interface TextPart {
  readonly kind: 'word' | 'phrase' | 'prefix';
  readonly terms: readonly string[];
}

export interface ParsedQuery {
  readonly text: readonly TextPart[];
  /** Folded substrings of chat / topic titles (any of them; each `in:` narrows further). */
  readonly inChats: readonly string[];
  readonly fromNames: readonly string[];
  /** "YYYY-MM-DD": messages dated before this day / on this day or later. */
  readonly before?: string;
  readonly after?: string;
  readonly has: readonly HasKind[];
}

export class QuerySyntaxError extends UserError {
  override readonly name = 'QuerySyntaxError';
}

const FILTER = /^(in|from|before|after|has):/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HELP = 'Search for words, "a phrase", prefix*, and filters in:<chat> from:<name> before:YYYY-MM-DD after:YYYY-MM-DD has:photo|file|link|poll.';

/** Splits the query into raw tokens: quoted strings stay whole (with their quotes). */
function lex(query: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < query.length) {
    while (i < query.length && /\s/.test(query[i]!)) i++;
    if (i >= query.length) break;
    let tok = '';
    while (i < query.length && !/\s/.test(query[i]!)) {
      if (query[i] === '"') {
        const close = query.indexOf('"', i + 1);
        if (close < 0) throw new QuerySyntaxError(`The quote at position ${i + 1} is not closed: close the phrase with another ". ${HELP}`);
        tok += query.slice(i, close + 1);
        i = close + 1;
      } else tok += query[i++];
    }
    out.push(tok);
  }
  return out;
}

const unquote = (s: string): string => s.replace(/"/g, '');

function validDate(day: string, key: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (!DATE.test(day) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day) {
    throw new QuerySyntaxError(`${key}: needs a date as YYYY-MM-DD, such as ${key}:2024-03-01 (got "${day}").`);
  }
  return day;
}

export function parseQuery(query: string): ParsedQuery {
  const text: TextPart[] = [];
  const inChats: string[] = [];
  const fromNames: string[] = [];
  const has: HasKind[] = [];
  let before: string | undefined;
  let after: string | undefined;
  for (const tok of lex(query)) {
    const filter = FILTER.exec(tok);
    if (filter) {
      const key = filter[1]!.toLowerCase();
      const value = unquote(tok.slice(filter[0].length)).trim();
      if (!value) throw new QuerySyntaxError(`${key}: needs a value right after the colon (no space), such as ${example(key)}.`);
      if (key === 'in') inChats.push(foldedName(value));
      else if (key === 'from') fromNames.push(foldedName(value));
      else if (key === 'before') before = minDate(before, validDate(value, key));
      else if (key === 'after') after = maxDate(after, validDate(value, key));
      else {
        const kind = value.toLowerCase() as HasKind;
        if (!HAS_KINDS.includes(kind)) throw new QuerySyntaxError(`has: takes ${HAS_KINDS.join(', ')} (got "${value}").`);
        if (!has.includes(kind)) has.push(kind);
      }
      continue;
    }
    text.push(...textParts(tok));
  }
  if (!text.length && !inChats.length && !fromNames.length && !before && !after && !has.length) throw new QuerySyntaxError(`Nothing to search for. ${HELP}`);
  if (before && after && before <= after) throw new QuerySyntaxError(`No day is before:${before} and also after:${after} (after: includes its day, before: does not).`);
  return { text, inChats, fromNames, before, after, has };
}

/** A raw token that is not a filter: phrases in quotes, words, a trailing star for a prefix. */
function textParts(tok: string): TextPart[] {
  const parts: TextPart[] = [];
  // `say"hello world"` or `"a b"c`: quoted pieces are phrases, the rest words
  for (const piece of tok.split(/("[^"]*")/)) {
    if (!piece) continue;
    if (piece.startsWith('"')) {
      const ts = terms(piece.slice(1, -1));
      if (ts.length === 1) parts.push({ kind: 'word', terms: ts });
      else if (ts.length > 1) parts.push({ kind: 'phrase', terms: ts });
      continue;
    }
    const prefix = piece.endsWith('*');
    const ts = terms(piece);
    if (!ts.length) {
      if (prefix) throw new QuerySyntaxError(`"${piece}": a prefix needs at least 2 letters before the *, such as photo*.`);
      continue;
    }
    if (prefix) {
      const last = ts[ts.length - 1]!;
      if ([...last].length < 2 && !/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(last)) {
        throw new QuerySyntaxError(`"${piece}": a prefix needs at least 2 letters before the *, such as photo*.`);
      }
    }
    // "e-mail" or "東京": several terms in one word are a phrase, as they stand side by side in the text
    if (ts.length > 1) parts.push({ kind: prefix ? 'prefix' : 'phrase', terms: ts });
    else parts.push({ kind: prefix ? 'prefix' : 'word', terms: ts });
  }
  return parts;
}

function foldedName(value: string): string {
  return terms(value).join(' ');
}

function example(key: string): string {
  return key === 'in' ? 'in:"Makers Forum"' : key === 'from' ? 'from:alice' : key === 'has' ? 'has:photo' : `${key}:2024-03-01`;
}

const minDate = (a: string | undefined, b: string): string => (a === undefined || b < a ? b : a);
const maxDate = (a: string | undefined, b: string): string => (a === undefined || b > a ? b : a);
