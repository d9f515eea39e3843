/** Every request of a live sync has bounds: flood waits waited out or pausing the chat, capped retries, timeouts, cancellation. */
import assert from 'node:assert/strict';
import { LongFloodWait, type RequestPolicy, SyncCancelled, callTelegram, floodSeconds } from '../../../server/engine/connectors/telegram-live/sync/requests';
import { RequestScheduler, schedulerLimits } from '../../../server/engine/connectors/telegram-live/scheduler';

function flood(seconds: number): Error {
  // What GramJS hands over: an RPCError with errorMessage FLOOD_WAIT_X (FloodWaitError also has .seconds).
  return Object.assign(new Error(`A wait of ${seconds} seconds is required`), { code: 420, errorMessage: `FLOOD_WAIT_${seconds}`, seconds });
}

function policy(over: Partial<RequestPolicy> = {}) {
  const slept: number[] = [];
  const waits: number[] = [];
  const p: RequestPolicy = {
    signal: new AbortController().signal,
    shortWaitSeconds: 60,
    sleep: async (ms) => void slept.push(ms),
    // A clock that stands still while sleeps are only recorded: a pause lasts exactly its seconds.
    now: () => 0,
    onWait: (s) => void waits.push(s),
    ...over,
  };
  return { p, slept, waits };
}

describe('live sync requests (flood waits, retries, cancellation)', () => {
  it('waits out short flood waits, announcing each, then answers', async () => {
    const { p, slept, waits } = policy();
    let calls = 0;
    const v = await callTelegram('messages.getHistory', async () => (++calls < 3 ? Promise.reject(flood(23)) : 'page'), p);
    assert.equal(v, 'page');
    assert.deepEqual(slept, [23_000, 23_000]);
    assert.deepEqual(waits, [23, 0, 23, 0]);
  });

  it('turns a long flood wait into LongFloodWait without waiting', async () => {
    const { p, slept } = policy();
    await assert.rejects(callTelegram('messages.getReplies', () => Promise.reject(flood(3600)), p), (e: unknown) => e instanceof LongFloodWait && e.seconds === 3600 && /60 min/.test(e.message));
    assert.deepEqual(slept, []);
    assert.equal(floodSeconds(Object.assign(new Error('x'), { errorMessage: 'FLOOD_PREMIUM_WAIT_5' })), 5);
  });

  it('gives up after a fixed number of attempts, whatever Telegram keeps answering', async () => {
    const { p } = policy();
    let calls = 0;
    await assert.rejects(
      callTelegram('messages.getHistory', () => (++calls, Promise.reject(flood(1))), p),
      /failed 6 times; last: A wait of 1 seconds/,
    );
    assert.equal(calls, 6);
    calls = 0;
    await assert.rejects(callTelegram('messages.getHistory', () => (++calls, Promise.reject(Object.assign(new Error('Internal'), { code: 500 }))), p), /failed 6 times/);
    assert.equal(calls, 6);
  });

  it('does not retry what retrying cannot fix', async () => {
    const { p } = policy();
    let calls = 0;
    await assert.rejects(callTelegram('messages.getHistory', () => (++calls, Promise.reject(Object.assign(new Error('CHANNEL_PRIVATE'), { code: 400, errorMessage: 'CHANNEL_PRIVATE' }))), p), /CHANNEL_PRIVATE/);
    assert.equal(calls, 1);
  });

  it('abandons a request that never answers, and stops at once when cancelled mid-request', async () => {
    const { p } = policy({ timeoutMs: 20 });
    let calls = 0;
    await assert.rejects(callTelegram('messages.getHistory', () => (++calls, new Promise(() => undefined)), p), /no answer from Telegram/);
    assert.equal(calls, 6);
    const ac = new AbortController();
    const { p: p2 } = policy({ signal: ac.signal });
    const pending = callTelegram('messages.getHistory', () => new Promise(() => undefined), p2);
    setTimeout(() => ac.abort(), 10);
    await assert.rejects(pending, (e: unknown) => e instanceof SyncCancelled);
  });

  it('with a shared scheduler, one flood wait holds every caller of that method, and a long one refuses the others without asking', async () => {
    const slept: number[] = [];
    let wake: () => void = () => undefined;
    const scheduler = new RequestScheduler({
      limits: schedulerLimits(8),
      clock: { now: Date.now, sleep: (ms) => (slept.push(ms), new Promise<void>((r) => (wake = r))) },
    });
    const { p } = policy({ scheduler });
    const calls: string[] = [];
    let floods = 1;
    const ask = (who: string) => callTelegram('messages.getHistory', async () => (calls.push(who), floods-- > 0 ? Promise.reject(flood(5)) : who), p);
    const a = ask('a');
    await new Promise((r) => setImmediate(r));
    const b = ask('b');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(calls, ['a'], 'b waits in the queue: it does not ask into the flood wait');
    assert.deepEqual(slept, [5000], 'one timer for both');
    wake();
    assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
    assert.deepEqual(calls, ['a', 'a', 'b']);
    const long = callTelegram('messages.getReplies', () => Promise.reject(flood(3600)), p);
    await assert.rejects(long, LongFloodWait);
    let asked = false;
    await assert.rejects(
      callTelegram('messages.getReplies', async () => ((asked = true), 'x'), p),
      (e: unknown) => e instanceof LongFloodWait && e.seconds > 3500,
    );
    assert.equal(asked, false, 'the other chat is told at once, without a request');
  });
});
