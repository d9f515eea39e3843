/** The live sync's request scheduler on a fake clock: priority, limits, flood pauses, cancellation, no starvation. */
import assert from 'node:assert/strict';
import { MetricsRecorder } from '../../../server/engine/metrics';
import { FloodPaused, type Lane, RequestScheduler, type SchedulerLimits, getFileKey, schedulerLimits } from '../../../server/engine/connectors/telegram-live/scheduler';

/** Time moves only when the test says; sleeps fire in order of their end. */
class FakeClock {
  t = 1_000_000;
  private timers: { at: number; resolve: () => void }[] = [];
  now = (): number => this.t;
  sleep = (ms: number, signal: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = { at: this.t + ms, resolve };
      this.timers.push(timer);
      signal.addEventListener('abort', () => {
        this.timers = this.timers.filter((x) => x !== timer);
        reject(new Error('aborted'));
      });
    });
  get pending(): number {
    return this.timers.length;
  }
  async advance(ms: number): Promise<void> {
    this.t += ms;
    for (const timer of this.timers.filter((x) => x.at <= this.t)) {
      this.timers = this.timers.filter((x) => x !== timer);
      timer.resolve();
    }
    await settle();
  }
}

const settle = () => new Promise<void>((r) => setImmediate(r));

/** A request whose answer the test gives: `started` records the order requests went out in. */
class Harness {
  readonly clock = new FakeClock();
  readonly metrics = new MetricsRecorder({ clock: this.clock.now });
  readonly scheduler: RequestScheduler;
  readonly started: string[] = [];
  private readonly answers = new Map<string, { resolve: (v: string) => void; reject: (e: unknown) => void }>();

  constructor(limits: SchedulerLimits = { total: 4, sync: 2, media: 3 }) {
    this.scheduler = new RequestScheduler({ limits, clock: this.clock, metrics: this.metrics });
  }

  submit(name: string, lane: Lane, o: { key?: string; signal?: AbortSignal; maxWaitSeconds?: number; held?: number[] } = {}): Promise<string> {
    return this.scheduler.run(
      { lane, key: o.key ?? (lane === 'media' ? getFileKey(2) : 'messages.getHistory'), signal: o.signal, maxWaitSeconds: o.maxWaitSeconds ?? 60, cancelled: () => new Error(`${name} cancelled`), onHeld: (s) => o.held?.push(s) },
      () =>
        new Promise<string>((resolve, reject) => {
          this.started.push(name);
          this.answers.set(name, { resolve, reject });
        }),
    );
  }

  async answer(name: string, err?: unknown): Promise<void> {
    const a = this.answers.get(name);
    assert.ok(a, `${name} is in flight`);
    this.answers.delete(name);
    if (err) a.reject(err);
    else a.resolve(name);
    await settle();
  }

  get inFlight(): string[] {
    return [...this.answers.keys()];
  }
}

describe('live sync request scheduler', () => {
  it('sends a sync request before media parts queued ahead of it', async () => {
    const h = new Harness({ total: 3, sync: 2, media: 2 });
    const parts = ['p1', 'p2', 'p3', 'p4', 'p5'].map((p) => h.submit(p, 'media'));
    await settle();
    assert.deepEqual(h.started, ['p1', 'p2'], 'the media lane is full at 2');
    const page = h.submit('history', 'sync');
    await settle();
    // A slot is free for sync at once (the media lane never takes the last one): no wait for any part.
    assert.deepEqual(h.started, ['p1', 'p2', 'history']);
    await h.answer('p1');
    assert.deepEqual(h.started, ['p1', 'p2', 'history', 'p3']);
    // With every slot taken, a sync request queued after parts still goes first when one frees.
    const page2 = h.submit('history2', 'sync');
    const page3 = h.submit('history3', 'sync');
    await settle();
    assert.deepEqual(h.inFlight.sort(), ['history', 'p2', 'p3']);
    await h.answer('p2');
    assert.equal(h.started.at(-1), 'history2', 'the next free slot went to history, not to p4 queued before it');
    await h.answer('history');
    assert.equal(h.started.at(-1), 'history3');
    for (const name of ['p3', 'history2', 'history3']) await h.answer(name);
    for (const name of ['p4', 'p5']) await h.answer(name);
    assert.deepEqual(await Promise.all([page, page2, page3, ...parts]), ['history', 'history2', 'history3', 'p1', 'p2', 'p3', 'p4', 'p5']);
    assert.deepEqual(h.scheduler.stats.requests, { sync: 3, media: 5 });
    assert.equal(h.metrics.snapshot().apiRequests, 8);
  });

  it('keeps within the lane limits and the total, and serves each lane first come first served', async () => {
    const h = new Harness({ total: 4, sync: 2, media: 3 });
    const all = [...['s1', 's2', 's3'].map((n) => h.submit(n, 'sync')), ...['m1', 'm2', 'm3', 'm4'].map((n) => h.submit(n, 'media'))];
    await settle();
    assert.deepEqual(h.started, ['s1', 's2', 'm1', 'm2'], '2 sync (its limit) + 2 media = the total of 4');
    assert.equal(h.scheduler.inFlight, 4);
    assert.equal(h.scheduler.queued, 3);
    await h.answer('m1');
    assert.equal(h.started.at(-1), 'm3', 'sync is at its limit: the free slot goes to media');
    await h.answer('s1');
    assert.equal(h.started.at(-1), 's3');
    while (h.inFlight.length) await h.answer(h.inFlight[0]);
    await Promise.all(all);
    assert.deepEqual(h.started, ['s1', 's2', 'm1', 'm2', 'm3', 's3', 'm4']);
    assert.ok(h.scheduler.stats.inFlightPeak <= 4);
    // Lane limits as large as the total: each lane still leaves the other one slot.
    const tight = new Harness({ total: 2, sync: 2, media: 2 });
    const parts = ['p1', 'p2', 'p3'].map((n) => tight.submit(n, 'media'));
    await settle();
    assert.deepEqual(tight.started, ['p1']);
    const page = tight.submit('page', 'sync');
    await settle();
    assert.deepEqual(tight.started, ['p1', 'page']);
    while (tight.inFlight.length) await tight.answer(tight.inFlight[0]);
    await Promise.all([page, ...parts]);
  });

  it('no starvation: media keeps going under a steady stream of history, and history under a flood of parts', async () => {
    const h = new Harness(schedulerLimits(8));
    const done: Promise<string>[] = [];
    for (let i = 0; i < 40; i++) done.push(h.submit(`m${i}`, 'media'));
    let s = 0;
    // Always more history queued than its lane takes, for 30 rounds; each round answers what is in flight.
    for (let round = 0; round < 30; round++) {
      while (h.scheduler.queued < 60 && s < 200) done.push(h.submit(`s${s++}`, 'sync'));
      await settle();
      for (const name of h.inFlight) await h.answer(name);
    }
    const mediaStarted = h.started.filter((n) => n.startsWith('m')).length;
    assert.ok(mediaStarted >= 40, `media parts went out while history kept coming (${mediaStarted} of 40)`);
    assert.ok(h.started.filter((n) => n.startsWith('s')).length >= 30 * 2, 'history went out every round');
    while (h.inFlight.length || h.scheduler.queued) {
      await settle();
      for (const name of h.inFlight) await h.answer(name);
    }
    await Promise.all(done);
  });

  it('a flood wait pauses that key only, once for every caller, until the clock has moved', async () => {
    const h = new Harness();
    const held: number[] = [];
    const first = h.submit('h1', 'sync');
    const parts = h.submit('p1', 'media');
    await settle();
    const flood = Object.assign(new Error('FLOOD_WAIT_23'), { errorMessage: 'FLOOD_WAIT_23', seconds: 23 });
    const refused = assert.rejects(first, /FLOOD_WAIT_23/);
    await h.answer('h1', flood);
    await refused;
    // Two callers hear of the same wait (requests in flight together): it counts once.
    assert.equal(h.scheduler.floodWait('messages.getHistory', 23), true);
    assert.equal(h.scheduler.floodWait('messages.getHistory', 23), false);
    const retry = h.submit('h2', 'sync', { held });
    const other = h.submit('topics', 'sync', { key: 'channels.getForumTopics' });
    await settle();
    assert.deepEqual(held, [23], 'the retry says it is held, and for how long');
    assert.ok(!h.started.includes('h2'), 'nothing goes out for the paused method');
    assert.ok(h.started.includes('topics'), 'other methods go on');
    assert.equal(h.scheduler.pausedFor('messages.getHistory'), 23);
    await h.clock.advance(22_000);
    assert.ok(!h.started.includes('h2'), 'not a second early');
    await h.clock.advance(1_000);
    assert.ok(h.started.includes('h2'), 'sent once the wait is over');
    assert.deepEqual(held, [23, 0]);
    for (const name of ['h2', 'topics', 'p1']) await h.answer(name);
    assert.deepEqual(await Promise.all([retry, other, parts]), ['h2', 'topics', 'p1']);
    const m = h.metrics.snapshot();
    assert.equal(m.floodWaits, 1);
    assert.equal(m.floodWaitSeconds, 23);
    assert.equal(h.clock.pending, 0, 'no timer left');
  });

  it('a longer wait on the same key lengthens the pause and counts the extra seconds; getFile pauses per DC', async () => {
    const h = new Harness();
    assert.equal(h.scheduler.floodWait(getFileKey(2), 10), true);
    await h.clock.advance(4_000);
    assert.equal(h.scheduler.floodWait(getFileKey(2), 6), false, 'ends at the same time: the same wait');
    assert.equal(h.scheduler.floodWait(getFileKey(2), 20), true);
    const onDc2 = h.submit('dc2', 'media');
    const onDc4 = h.submit('dc4', 'media', { key: getFileKey(4) });
    await settle();
    assert.deepEqual(h.started, ['dc4']);
    await h.clock.advance(19_000);
    assert.deepEqual(h.started, ['dc4']);
    await h.clock.advance(1_000);
    assert.deepEqual(h.started, ['dc4', 'dc2']);
    await h.answer('dc2');
    await h.answer('dc4');
    await Promise.all([onDc2, onDc4]);
    assert.equal(h.metrics.snapshot().floodWaitSeconds, 10 + 14);
  });

  it('refuses at once what would wait longer than it accepts, queued or new, and sets no timer for it', async () => {
    const h = new Harness({ total: 2, sync: 1, media: 1 });
    const busy = h.submit('busy', 'sync', { key: 'messages.getReplies' });
    const queued = h.submit('queued', 'sync', { key: 'messages.getReplies', maxWaitSeconds: 60 });
    await settle();
    h.scheduler.floodWait('messages.getReplies', 3600);
    await assert.rejects(queued, (e: unknown) => e instanceof FloodPaused && e.seconds === 3600);
    await assert.rejects(h.submit('late', 'sync', { key: 'messages.getReplies' }), FloodPaused);
    assert.equal(h.clock.pending, 0, 'nobody waits for an hour');
    assert.ok(!h.started.includes('queued') && !h.started.includes('late'));
    await h.clock.advance(3_600_000);
    const after = h.submit('after', 'sync', { key: 'messages.getReplies' });
    await h.answer('busy');
    await settle();
    assert.ok(h.started.includes('after'), 'the pause is over with its time');
    await h.answer('after');
    await Promise.all([busy, after]);
  });

  it('cancellation drops queued work (never sent), leaves requests in flight to their caller, and close() refuses the rest', async () => {
    const h = new Harness({ total: 2, sync: 1, media: 1 });
    const ac = new AbortController();
    const a = h.submit('a', 'media', { signal: ac.signal });
    const b = h.submit('b', 'media', { signal: ac.signal });
    const c = h.submit('c', 'media');
    await settle();
    ac.abort();
    await assert.rejects(b, /b cancelled/);
    assert.equal(h.scheduler.queued, 1, 'b left the queue');
    await h.answer('a');
    assert.equal(await a, 'a', 'in flight when cancelled: answered as its caller decides');
    assert.deepEqual(h.started, ['a', 'c'], 'b was never sent');
    await assert.rejects(h.submit('d', 'sync', { signal: ac.signal }), /d cancelled/);
    h.scheduler.floodWait('messages.getHistory', 5);
    const e = h.submit('e', 'sync');
    assert.equal(h.clock.pending, 1);
    h.scheduler.close();
    await assert.rejects(e, /e cancelled/);
    assert.equal(h.clock.pending, 0, 'close() stops the pause timers');
    await h.answer('c');
    await c;
    await assert.rejects(h.submit('f', 'sync'), /f cancelled/);
  });

  it('a call that throws at once frees its slot', async () => {
    const h = new Harness({ total: 2, sync: 1, media: 1 });
    await assert.rejects(
      h.scheduler.run({ lane: 'sync', key: 'x', maxWaitSeconds: 1, cancelled: () => new Error('c') }, () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(h.scheduler.inFlight, 0);
    const next = h.submit('next', 'sync');
    await settle();
    await h.answer('next');
    assert.equal(await next, 'next');
  });
});
