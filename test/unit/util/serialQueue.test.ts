import assert from 'node:assert/strict';
import { SerialQueue } from '../../../server/engine/util/serialQueue';

describe('SerialQueue', () => {
  it('runs one piece at a time, in the order queued, and a failure rejects only its own caller', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    let running = 0;
    const piece = (name: string, ms: number, fail = false) =>
      q.run(async () => {
        assert.equal(running++, 0, 'two pieces ran at once');
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        running--;
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([piece('a', 15), piece('b', 1, true), piece('c', 5)]);
    assert.deepEqual(log, ['start a', 'start b', 'start c']);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.equal(q.size, 0);
  });

  it('idle() waits for what was queued and never rejects', async () => {
    const q = new SerialQueue();
    let done = false;
    void q.run(async () => { await new Promise((r) => setTimeout(r, 10)); done = true; throw new Error('x'); }).catch(() => undefined);
    await q.idle();
    assert.equal(done, true);
  });
});
