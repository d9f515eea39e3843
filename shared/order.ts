/**
 * The one order of sources, used by the worker's list and so by the tree, the CLI's `status`
 * and every screenshot: by kind, then by title as a reader scans it. Punctuation and case are
 * ignored and numbers compare as numbers, so a title such as "../CON: <Design|Review>" files
 * under C rather than ahead of every letter, and "Chat 9" comes before "Chat 10".
 */
import type { SourceInfo } from './types';

const titleCollator = new Intl.Collator('en', { sensitivity: 'base', ignorePunctuation: true, numeric: true });

export function compareTitles(a: string, b: string): number {
  // Titles made only of punctuation compare equal under the collator: fall back to code points.
  return titleCollator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

export function compareSources(a: Pick<SourceInfo, 'kind' | 'title' | 'id'>, b: Pick<SourceInfo, 'kind' | 'title' | 'id'>): number {
  return a.kind.localeCompare(b.kind) || compareTitles(a.title, b.title) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
