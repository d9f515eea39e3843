import assert from 'node:assert/strict';
import { RateLimiter } from '../../../server/engine/util/rateLimiter';

/** A clock that only moves when the limiter sleeps. */
function fakeTime() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
    advance: (ms: number) => (now += ms),
  };
}

describe('RateLimiter', () => {
  it('lets a burst through at once, then one request per interval', async () => {
    const t = fakeTime();
    const limiter = new RateLimiter({ requests: 60, perMs: 60_000, burst: 3, clock: t.clock, sleep: t.sleep });
    for (let i = 0; i < 5; i++) await limiter.acquire();
    assert.deepEqual(t.sleeps, [1000, 1000]);
    assert.equal(limiter.waitedMs, 2000);
  });

  it('refills while idle, up to the burst', async () => {
    const t = fakeTime();
    const limiter = new RateLimiter({ requests: 10, perMs: 1000, burst: 2, clock: t.clock, sleep: t.sleep });
    await limiter.acquire();
    await limiter.acquire();
    t.advance(10_000);
    await limiter.acquire();
    await limiter.acquire();
    assert.deepEqual(t.sleeps, []);
    await limiter.acquire();
    assert.deepEqual(t.sleeps, [100]);
  });

  it('serves concurrent callers in order, never over the rate', async () => {
    const t = fakeTime();
    const limiter = new RateLimiter({ requests: 1, perMs: 100, burst: 1, clock: t.clock, sleep: t.sleep });
    const times: number[] = [];
    await Promise.all(Array.from({ length: 4 }, () => limiter.acquire().then(() => times.push(t.clock()))));
    assert.deepEqual(times, [0, 100, 200, 300]);
  });

  it('an aborted wait rejects and does not hold up the next caller', async () => {
    const t = fakeTime();
    const limiter = new RateLimiter({ requests: 1, perMs: 60_000, burst: 1, clock: t.clock, sleep: t.sleep });
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort();
    await assert.rejects(waiting);
    await limiter.acquire(); // goes after one interval, as if the aborted caller had never asked
    assert.deepEqual(t.sleeps, [60_000]);
  });
});
