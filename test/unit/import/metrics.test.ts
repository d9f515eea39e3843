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
      'bytesPerSecond',
      'bytesSaved',
      'cacheHits',
      'cacheMisses',
      'duplicatesPrevented',
      'filesDownloaded',
      'floodWaitSeconds',
      'floodWaits',
      'itemsPerSecond',
      'itemsProcessed',
      'mediaCopied',
      'mediaDeduplicated',
      'notModified',
      'noteWrites',
    ]);
  });

  it('computes items/s over a sliding window, the second in progress included', () => {
    let now = 10_000;
    const m = new MetricsRecorder({ clock: () => now, windowSeconds: 5 });
    assert.equal(m.itemsPerSecond(), 0);
    m.itemsProcessed(100); // second 10
    now = 10_500;
    m.itemsProcessed(100); // still second 10
    // Under a second of activity: averaged over one second, never read as thousands per second.
    assert.equal(m.itemsPerSecond(), 200);
    now = 11_000;
    assert.equal(m.itemsPerSecond(), 200); // 200 items in the 1 s since the first
    m.itemsProcessed(50); // second 11
    now = 12_000;
    assert.equal(m.itemsPerSecond(), 125); // (200 + 50) / 2 s
    now = 15_000;
    assert.equal(m.itemsPerSecond(), 250 / 5);
    now = 16_500; // the window is seconds 11 to 16.5: second 10 has fallen out
    assert.equal(m.itemsPerSecond(), 50 / 5.5);
    now = 40_000; // idle long after: 0, not a stale rate
    assert.equal(m.itemsPerSecond(), 0);
    assert.equal(m.snapshot().itemsProcessed, 250);
  });

  it('shows the rate of a small live sync while it runs: pages within one second are not 0.0 items/s', () => {
    // The bug: the second in progress was left out, so a sync whose messages all came within one
    // second showed 0.0 items/s for as long as it ran.
    let now = 50_200;
    const m = new MetricsRecorder({ clock: () => now });
    for (let page = 0; page < 3; page++) {
      m.itemsProcessed(100);
      now += 200; // a page every 200 ms: 500 messages/s
    }
    // 300 messages in 0.6 s, reported at 50.8 s (still second 50): within the first second, over 1 s.
    assert.equal(m.itemsPerSecond(), 300);
    for (let page = 0; page < 7; page++) {
      m.itemsProcessed(100);
      now += 200;
    }
    // 2 s of steady paging at 500/s: the rate is the rate.
    assert.equal(m.itemsPerSecond(), 500);
  });

  it('measures downloaded bytes per second the same way', () => {
    let now = 1_000;
    const m = new MetricsRecorder({ clock: () => now });
    m.add('bytesDownloaded', 4 * 1024 * 1024);
    now = 3_000;
    m.add('bytesDownloaded', 2 * 1024 * 1024);
    assert.equal(m.snapshot().bytesPerSecond, (6 * 1024 * 1024) / 2);
    assert.equal(m.snapshot().bytesDownloaded, 6 * 1024 * 1024);
    m.add('floodWaitSeconds', 23);
    assert.equal(m.snapshot().floodWaitSeconds, 23);
  });

  it('reuses ring buckets without leaking old counts', () => {
    let now = 0;
    const m = new MetricsRecorder({ clock: () => now, windowSeconds: 2 });
    for (let s = 0; s < 20; s++) {
      now = s * 1000;
      m.itemsProcessed(s);
    }
    now = 20_000;
    // Seconds 18, 19 and 20 (in progress, empty so far) are in the window: 2 s have passed.
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
