/**
 * The Search Archive quick pick's pure parts (no `vscode` import, unit-tested): how a hit reads,
 * what the title says, and the type-ahead that sends a query after a pause in typing and
 * abandons the one before.
 */
import type { SearchRequests } from '../shared/protocol';

export interface HitText {
  readonly label: string;
  readonly description: string;
  readonly detail: string;
}

const ICONS: Record<SearchRequests.SearchHit['kind'], string> = { message: '$(comment)', video: '$(device-camera-video)', note: '$(note)' };

/** `2024-03-01T11:44:35` → `2024-03-01 11:44`; other text as it is. */
export function shortDate(date: string | undefined): string | undefined {
  if (!date) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?/.exec(date);
  return m ? [m[1], m[2]].filter(Boolean).join(' ') : date;
}

/** `$(` in text from a note would be read as an icon: kept as text. */
const noIcons = (s: string): string => s.replace(/\$\(/g, '$\u200B(');
const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** How a hit reads in the list: who (or the video's title), where and when, the snippet. */
export function hitText(hit: SearchRequests.SearchHit): HitText {
  const where = [hit.source, hit.topic].filter((s): s is string => !!s && s.trim() !== '').map(oneLine).join(' › ');
  const who = hit.kind === 'message' ? hit.author || where || hit.path : hit.kind === 'video' ? where || hit.path : hit.path.split('/').pop()!.replace(/\.md$/, '');
  return {
    label: `${ICONS[hit.kind] ?? ICONS.note} ${noIcons(oneLine(who))}`,
    description: noIcons([hit.kind === 'message' ? where : undefined, shortDate(hit.date)].filter(Boolean).join(' · ')),
    detail: noIcons(oneLine(hit.snippet)),
  };
}

/** The quick pick's title: what was found, and how far the index is while it is being built. */
export function resultTitle(result: SearchRequests.SearchResult | undefined): string {
  const parts = ['Search Archive'];
  if (result) {
    const n = result.total;
    parts.push(n === 0 ? 'no matches' : n > result.hits.length ? `${result.hits.length} of ${n} matches` : `${n} match${n === 1 ? '' : 'es'}`);
    if (result.indexing !== undefined) parts.push(`indexing ${Math.max(0, Math.min(100, Math.round(result.indexing)))}%`);
  }
  return parts.join(' — ');
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Sends `run(query)` once typing pauses for `delayMs`; a newer query aborts the one in flight,
 * and only the answer to the latest query is shown. An empty query sends nothing.
 */
export class TypeAhead<R> {
  private timer: unknown;
  private inFlight: AbortController | undefined;
  private seq = 0;

  constructor(
    private readonly run: (query: string, signal: AbortSignal) => Promise<R>,
    private readonly show: (query: string, result: R) => void,
    private readonly fail: (query: string, error: unknown) => void,
    private readonly onBusy: (busy: boolean) => void = () => undefined,
    private readonly delayMs = 150,
    private readonly timers: Timers = { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
  ) {}

  input(query: string): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.inFlight?.abort();
    this.inFlight = undefined;
    const seq = ++this.seq;
    if (query.trim() === '') {
      this.timer = undefined;
      this.onBusy(false);
      return; // nothing to ask: the caller clears the list
    }
    this.onBusy(true);
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.send(query, seq);
    }, this.delayMs);
  }

  private async send(query: string, seq: number): Promise<void> {
    const controller = new AbortController();
    this.inFlight = controller;
    try {
      const result = await this.run(query, controller.signal);
      if (seq === this.seq && !controller.signal.aborted) this.show(query, result);
    } catch (err) {
      if (seq === this.seq && !controller.signal.aborted) this.fail(query, err);
    } finally {
      if (seq === this.seq) {
        this.inFlight = undefined;
        this.onBusy(false);
      }
    }
  }

  dispose(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.inFlight?.abort();
    this.seq++;
  }
}
