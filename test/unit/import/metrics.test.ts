import * as assert from 'node:assert/strict';
import { MetricsRecorder, isMetricsSink, nullMetrics } from '../../../server/engine/metrics';

describe('MetricsRecorder', () => {
  it('keeps gauges as set (last value wins) and reports them only once set', () => {
    const m = new MetricsRecorder({ clock: () => 0 });
    assert.equal('youtubeQuotaUsedToday' in m.snapshot(), false);
    m.gauge('youtubeQuotaUsedToday', 5);
    m.gauge('youtubeQuotaUsedToday', 3);
    m.gauge('youtubeQuotaLimit', Number.NaN); // ignored
    assert.equal(m.snapshot().youtubeQuotaUsedToday, 3);
    assert.equal('youtubeQuotaLimit' in m.snapshot(), false);
    m.reset();
    assert.equal('youtubeQuotaUsedToday' in m.snapshot(), false);
  });

  it('adds counters and reports them in the Metrics shape (minus the service-owned fields)', () => {
    const m = new MetricsRecorder({ clock: () => 0 });
    m.add('mediaCopied');
    m.add('mediaCopied', 2);
    m.add('bytesSaved', 1000);
    m.add('noteWrites', 0); // no-op
    m.add('cacheHits', -5); // ignored: counters only grow
    m.itemsProcessed(7);
    const s = m.snapshot();
    assert.equal(s.mediaCopied, 3);
    assert.equal(s.bytesSaved, 1000);
    assert.equal(s.noteWrites, 0);
    assert.equal(s.cacheHits, 0);
    assert.equal(s.itemsProcessed, 7);
    assert.deepEqual(Object.keys(s).sort(), [
      'apiRequests',
      'bytesCopied',
      'bytesDownloaded',
      'bytesSaved',
      'cacheHits',
      'cacheMisses',
      'duplicatesPrevented',
      'filesDownloaded',
      'floodWaits',
      'itemsPerSecond',
      'itemsProcessed',
      'mediaCopied',
      'mediaDeduplicated',
      'notModified',
      'noteWrites',
    ]);
  });

  it('computes items/s over the last complete seconds of a sliding window', () => {
    let now = 10_000;
    const m = new MetricsRecorder({ clock: () => now, windowSeconds: 5 });
    assert.equal(m.itemsPerSecond(), 0);
    m.itemsProcessed(100); // second 10
    now = 10_500;
    m.itemsProcessed(100); // still second 10
    // second 10 is in progress: not counted yet
    assert.equal(m.itemsPerSecond(), 0);
    now = 11_000;
    assert.equal(m.itemsPerSecond(), 200); // 200 items in 1 complete second
    m.itemsProcessed(50); // second 11
    now = 12_000;
    assert.equal(m.itemsPerSecond(), 125); // (200 + 50) / 2 s
    now = 15_000;
    assert.equal(m.itemsPerSecond(), 250 / 5);
    now = 16_000; // second 10 falls out of the window
    assert.equal(m.itemsPerSecond(), 50 / 5);
    now = 40_000; // idle long after: 0, not a stale rate
    assert.equal(m.itemsPerSecond(), 0);
    assert.equal(m.snapshot().itemsProcessed, 250);
  });

  it('reuses ring buckets without leaking old counts', () => {
    let now = 0;
    const m = new MetricsRecorder({ clock: () => now, windowSeconds: 2 });
    for (let s = 0; s < 20; s++) {
      now = s * 1000;
      m.itemsProcessed(s);
    }
    now = 20_000;
    assert.equal(m.itemsPerSecond(), (18 + 19) / 2);
  });

  it('reset clears everything; sink detection', () => {
    const m = new MetricsRecorder({ clock: () => 5000 });
    m.add('bytesCopied', 10);
    m.itemsProcessed(3);
    m.reset();
    assert.equal(m.snapshot().bytesCopied, 0);
    assert.equal(m.snapshot().itemsProcessed, 0);
    assert.ok(isMetricsSink(m));
    assert.ok(isMetricsSink(nullMetrics));
    assert.ok(!isMetricsSink({ snapshot() {} }));
    assert.ok(!isMetricsSink(undefined));
  });
});
