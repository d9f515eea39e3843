import assert from 'node:assert/strict';
import { ThroughputHistory } from '../../../client/throughput';
import { emptyMetrics } from '../../../shared/types';

const push = (itemsProcessed: number, activeJobs = 1) => ({ ...emptyMetrics, activeJobs, itemsProcessed });

describe('throughput history', () => {
  it('says nothing ran before the first job', () => {
    const h = new ThroughputHistory();
    h.record(push(0, 0), 0);
    assert.equal(h.latest(), undefined);
    assert.match(h.markdown(), /No job has run/);
  });

  it('counts a job shorter than one push interval from its start and end pushes', () => {
    const h = new ThroughputHistory();
    h.record(push(0), 1000);
    h.record(push(301, 0), 1120);
    assert.deepEqual(h.latest(), { items: 301, seconds: 0.12, perSecond: [301], running: false });
    assert.match(h.markdown(), /^\*\*Latest job\*\*: 301 items in 0\.1 s, 2,508 items\/s on average\.$/);
  });

  it('draws items per second, with empty seconds as the lowest bar, relative to the peak', () => {
    const h = new ThroughputHistory();
    h.record(push(1000), 0); // totals from earlier jobs are not this job's
    h.record(push(1100), 500);
    h.record(push(1400), 1000);
    h.record(push(1400), 2500);
    h.record(push(2100, 0), 3200);
    const job = h.latest()!;
    assert.deepEqual(job.perSecond, [100, 300, 0, 700]);
    assert.equal(job.items, 1100);
    assert.match(h.markdown(), /peak 700\):\n\n`▂▄▁█`$/);
  });

  it('starts over with the next job, stays bounded, and says when a job is still running', () => {
    const h = new ThroughputHistory(4);
    for (let i = 0; i <= 10; i++) h.record(push(i * 10), i * 1000);
    assert.equal(h.latest()!.perSecond.length, 4);
    assert.match(h.markdown(), /^\*\*Running job\*\*/);
    h.record(push(100, 0), 11_000);
    h.record(push(100), 20_000);
    h.record(push(107), 20_400);
    assert.deepEqual(h.latest()!.perSecond, [7]);
  });
});
