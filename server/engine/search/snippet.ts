/**
 * A short excerpt of a hit's text around the first match, with every matched word marked:
 * [start, end) offsets into the excerpt. Matching uses the same folding as the index, so "cafe"
 * highlights "Café".
 */
import { positionedTerms } from './fold';
import type { TextPart } from './query';

export interface Snippet {
  readonly snippet: string;
  readonly highlights: [number, number][];
}

const WIDTH = 160;
const BEFORE = 40;

export function makeSnippet(text: string, parts: readonly TextPart[]): Snippet {
  const flat = text.replace(/\s+/g, ' ').trim();
  const words = new Set<string>();
  const prefixes: string[] = [];
  for (const p of parts) {
    p.terms.forEach((t, i) => (p.kind === 'prefix' && i === p.terms.length - 1 ? prefixes.push(t) : words.add(t)));
  }
  const marks = positionedTerms(flat).filter((t) => words.has(t.term) || prefixes.some((pre) => t.term.startsWith(pre)));
  const first = marks[0]?.start ?? 0;
  let start = Math.max(0, first - BEFORE);
  if (start > 0) {
    const space = flat.lastIndexOf(' ', start);
    start = space >= 0 && first - space < BEFORE * 2 ? space + 1 : start;
  }
  let end = Math.min(flat.length, start + WIDTH);
  if (end < flat.length) {
    const space = flat.indexOf(' ', end);
    end = space >= 0 && space - end < 20 ? space : end;
  }
  const lead = start > 0 ? '…' : '';
  const tail = end < flat.length ? '…' : '';
  const snippet = lead + flat.slice(start, end) + tail;
  const highlights = marks
    .filter((m) => m.start >= start && m.end <= end)
    .map((m): [number, number] => [m.start - start + lead.length, m.end - start + lead.length]);
  return { snippet, highlights };
}
