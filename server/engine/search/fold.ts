/**
 * How text becomes search terms, the same way for the notes and for a query: case folded,
 * diacritics removed (é → e, Ё → е, ü → u; й stays й, as Russian readers expect), split on
 * anything that is not a letter, digit or combining mark, in every script. Scripts written
 * without spaces between words (Chinese, Japanese kana) become one term per character, so a
 * word of them is found as a phrase of characters.
 *
 * The index stores terms as a space-separated string for SQLite FTS5's `ascii` tokenizer
 * (which splits on ASCII separators only), so every decision about words is made here, in one
 * place, and FTS5 never folds differently from the query side.
 */

/** Combining diacritical marks (U+0300–U+036F) that folding drops. */
const DIACRITICS = /[\u0300-\u036f]/g;
/** и/И + combining breve (й/Й after NFD): kept, so "й" is not folded to "и". */
const SHORT_I = /([иИ])\u0306/g;
const SHORT_I_MARK = '\u0000';
// eslint-disable-next-line no-control-regex
const SHORT_I_BACK = /\u0000/g;
const NON_WORD = /[^\p{L}\p{N}\p{M}]+/gu;
/** Scripts written without spaces between words: one term per character. */
const CHAR_SCRIPTS = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])/gu;
const HAS_CHAR_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
// eslint-disable-next-line no-control-regex
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** Case and diacritics folded; the string keeps everything else (separators included). */
export function foldText(text: string): string {
  const lower = text.toLowerCase();
  if (ASCII_ONLY.test(lower)) return lower;
  return lower.normalize('NFD').replace(SHORT_I, `$1${SHORT_I_MARK}`).replace(DIACRITICS, '').replace(SHORT_I_BACK, '\u0306').normalize('NFC').replace(/ё/g, 'е');
}

/** A character outside ASCII that is part of a word (a letter, digit or mark). */
const NON_ASCII_WORD_CHAR = /(?=[^\p{ASCII}])[\p{L}\p{N}\p{M}]/u;

/** The terms of `text`, space separated, ready for the FTS5 `ascii` tokenizer. */
export function indexTerms(text: string): string {
  const lower = text.toLowerCase();
  // Text whose only characters outside ASCII are separators (emoji of reactions, "·", "—", "≠"):
  // the same terms as the general path gives (whose normalising and Unicode classes cost about
  // ten times more), since separators stay separators whatever their decomposition
  if (ASCII_ONLY.test(lower) || !NON_ASCII_WORD_CHAR.test(lower)) return lower.replace(/[^a-z0-9]+/g, ' ');
  let t = foldText(lower).replace(NON_WORD, ' ');
  if (HAS_CHAR_SCRIPT.test(t)) t = t.replace(CHAR_SCRIPTS, ' $1 ');
  return t;
}

/** The terms of `text` as a list (a query's word, a phrase). */
export function terms(text: string): string[] {
  return indexTerms(text).split(' ').filter((w) => w !== '');
}

export interface PositionedTerm {
  /** The folded term. */
  readonly term: string;
  /** [start, end) of the term in the original text (UTF-16 offsets). */
  readonly start: number;
  readonly end: number;
}

const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const CHAR_SCRIPT_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/**
 * Terms of `text` with where each stands in the original (for highlights). Folding never merges
 * or splits a word, so each word of the original maps to exactly one folded term (or, in the
 * scripts without spaces, one per character).
 */
export function positionedTerms(text: string): PositionedTerm[] {
  const out: PositionedTerm[] = [];
  for (const m of text.matchAll(WORD)) {
    const word = m[0];
    const at = m.index;
    if (!HAS_CHAR_SCRIPT.test(word)) {
      out.push({ term: foldText(word), start: at, end: at + word.length });
      continue;
    }
    // mixed runs such as "Tokyo東京": letters of other scripts stay one term, each Han/kana char is one
    let runStart = -1;
    let i = 0;
    for (const ch of word) {
      if (CHAR_SCRIPT_CHAR.test(ch)) {
        if (runStart >= 0) out.push({ term: foldText(word.slice(runStart, i)), start: at + runStart, end: at + i });
        runStart = -1;
        out.push({ term: foldText(ch), start: at + i, end: at + i + ch.length });
      } else if (runStart < 0) runStart = i;
      i += ch.length;
    }
    if (runStart >= 0) out.push({ term: foldText(word.slice(runStart)), start: at + runStart, end: at + word.length });
  }
  return out.filter((t) => t.term !== '');
}
