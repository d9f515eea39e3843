import assert from 'node:assert/strict';
import { hitText, resultTitle, shortDate, TypeAhead, type Timers } from '../../../client/searchItems';
import type { SearchRequests } from '../../../shared/protocol';

const hit = (over: Partial<SearchRequests.SearchHit>): SearchRequests.SearchHit => ({
  path: 'Telegram/Makers Forum/3D printing.md',
  line: 20,
  blockId: 'm9',
  source: 'Makers Forum',
  topic: '3D printing',
  author: 'Bob Stone',
  date: '2024-03-01T17:06:22',
  snippet: 'My first print warped at the corners.',
  highlights: [[9, 14]],
  kind: 'message',
  ...over,
});

/** Timers run by hand, so the test says when the pause in typing is over. */
class ManualTimers implements Timers {
  private next = 1;
  readonly pending = new Map<number, () => void>();
  setTimeout(fn: () => void): unknown {
    const id = this.next++;
    this.pending.set(id, fn);
    return id;
  }
  clearTimeout(id: unknown): void {
    this.pending.delete(id as number);
  }
  fire(): void {
    const fns = [...this.pending.values()];
    this.pending.clear();
    fns.forEach((f) => f());
  }
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Search Archive quick pick: items and type-ahead', () => {
  it('a message reads: author; chat › topic · date; the snippet on one line', () => {
    assert.deepEqual(hitText(hit({ snippet: 'My first\nprint  warped' })), {
      label: '$(comment) Bob Stone',
      description: 'Makers Forum › 3D printing · 2024-03-01 17:06',
      detail: 'My first print warped',
    });
  });

  it('a video reads by its channel and date; text from notes never becomes an icon', () => {
    assert.deepEqual(hitText(hit({ kind: 'video', source: 'Sandbox $(zap) Science', topic: undefined, author: undefined, blockId: undefined, date: '2024-05-02', snippet: 'costs $(gear)' })), {
      label: '$(device-camera-video) Sandbox $\u200B(zap) Science',
      description: '2024-05-02',
      detail: 'costs $\u200B(gear)',
    });
    assert.equal(hitText(hit({ kind: 'message', author: undefined, topic: undefined })).label, '$(comment) Makers Forum');
    assert.equal(shortDate('yesterday'), 'yesterday');
  });

  it('the title says how many matched and how far indexing is', () => {
    assert.equal(resultTitle(undefined), 'Search Archive');
    assert.equal(resultTitle({ hits: [], total: 0 }), 'Search Archive — no matches');
    assert.equal(resultTitle({ hits: [hit({})], total: 1 }), 'Search Archive — 1 match');
    assert.equal(resultTitle({ hits: [hit({}), hit({})], total: 120, indexing: 41.6 }), 'Search Archive — 2 of 120 matches — indexing 42%');
  });

  it('type-ahead: one request after typing pauses, the stale one cancelled, only the latest answer shown', async () => {
    const timers = new ManualTimers();
    const sent: { query: string; signal: AbortSignal; resolve: (r: string) => void }[] = [];
    const shown: string[] = [];
    const busy: boolean[] = [];
    const t = new TypeAhead<string>(
      (query, signal) => new Promise<string>((resolve) => sent.push({ query, signal, resolve })),
      (q, r) => shown.push(`${q}=${r}`),
      (q) => shown.push(`${q}!`),
      (b) => busy.push(b),
      150,
      timers,
    );
    t.input('p');
    t.input('pr');
    t.input('pri');
    timers.fire();
    assert.deepEqual(sent.map((s) => s.query), ['pri'], 'keystrokes within the pause send nothing');
    t.input('prin');
    assert.equal(sent[0]!.signal.aborted, true, 'the stale request is cancelled');
    sent[0]!.resolve('late');
    timers.fire();
    sent[1]!.resolve('hits');
    await tick();
    assert.deepEqual(shown, ['prin=hits'], 'the stale answer is never shown');
    t.input('');
    timers.fire();
    assert.equal(sent.length, 2, 'an empty query sends nothing');
    assert.equal(busy[busy.length - 1], false);
    t.input('x');
    timers.fire();
    t.dispose();
    assert.equal(sent[2]!.signal.aborted, true, 'closing the pick cancels what is in flight');
  });
});
