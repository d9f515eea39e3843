import assert from 'node:assert/strict';
import { formatBytes, metricsTable, newItems, statusText } from '../../../client/metricsText';
import { emptyMetrics } from '../../../shared/types';

describe('metrics text', () => {
  it('status bar: just the name before any job', () => {
    assert.equal(statusText(emptyMetrics), 'Vault Archiver');
  });

  it('status bar: the speed while a job runs, and only then', () => {
    const busy = { ...emptyMetrics, activeJobs: 1, itemsPerSecond: 1234.4, itemsProcessed: 5000, duplicatesPrevented: 1400, mediaDeduplicated: 100 };
    assert.equal(statusText(busy), '1,234 items/s');
    // The rate window still holds a figure just after the job ended: it must not show.
    assert.equal(statusText({ ...busy, activeJobs: 0 }), '3,600 archived · 100 files deduplicated');
    // Live Telegram with files downloading: their speed too.
    assert.equal(statusText({ ...busy, itemsPerSecond: 320, bytesPerSecond: 3.5 * 1024 * 1024 }), '320 items/s · 3.5 MB/s');
    assert.equal(statusText({ ...busy, activeJobs: 0, bytesPerSecond: 1024 }), '3,600 archived · 100 files deduplicated');
  });

  it('status bar: what was archived, counting re-imported messages out', () => {
    assert.equal(statusText({ ...emptyMetrics, itemsProcessed: 301, duplicatesPrevented: 301 }), '0 archived');
    assert.equal(statusText({ ...emptyMetrics, itemsProcessed: 301, mediaDeduplicated: 1 }), '301 archived · 1 file deduplicated');
    assert.equal(newItems({ ...emptyMetrics, itemsProcessed: 3, duplicatesPrevented: 5 }), 0);
  });

  it('table: every row says what it counts; speed only while running; no quota until something measures it', () => {
    const idle = metricsTable({ ...emptyMetrics, itemsProcessed: 10, duplicatesPrevented: 4, bytesSaved: 3 * 1024 * 1024, mediaDeduplicated: 2 });
    assert.match(idle, /\| Archived \(new to the vault\) \| 6 \|/);
    assert.match(idle, /\| Already in the vault, skipped \| 4 \|/);
    assert.match(idle, /\| Duplicate files stored once \| 2 \(3\.0 MB saved\) \|/);
    assert.doesNotMatch(idle, /Speed now|quota|Unchanged files/i);
    const busy = metricsTable({ ...emptyMetrics, activeJobs: 1, itemsPerSecond: 50, cacheHits: 9, cacheMisses: 1 });
    assert.match(busy, /\| Speed now \| 50\.0 items\/s \|/);
    assert.match(busy, /\| Unchanged files not re-read \| 9 of 10 \|/);
  });

  it('YouTube: requests and today\'s quota in the table; the quota in the status bar once half is spent', () => {
    const some = { ...emptyMetrics, itemsProcessed: 10, apiRequests: 12, youtubeQuotaUsedToday: 1234, youtubeQuotaLimit: 10_000 };
    assert.match(metricsTable(some), /\| Requests to YouTube and Telegram \| 12 \|/);
    assert.match(metricsTable(some), /\| YouTube quota today \(Pacific day\) \| 1,234 of 10,000 units \(12\.3%\) \|/);
    assert.equal(statusText(some), '10 archived');
    assert.equal(statusText({ ...some, youtubeQuotaUsedToday: 8100 }), '10 archived · quota 81%');
    assert.doesNotMatch(metricsTable(emptyMetrics), /YouTube/);
  });

  it('live Telegram: files downloaded and flood waits, once there are any', () => {
    const some = { ...emptyMetrics, itemsProcessed: 5, filesDownloaded: 3, bytesDownloaded: 2 * 1024 * 1024, floodWaits: 1 };
    assert.match(metricsTable(some), /\| Files downloaded from Telegram \| 3 \(2\.0 MB\) \|/);
    assert.match(metricsTable(some), /\| Waits for Telegram's flood limit \| 1 \|/);
    assert.doesNotMatch(metricsTable(emptyMetrics), /Telegram/);
    const running = metricsTable({ ...some, activeJobs: 1, apiRequests: 420, bytesPerSecond: 5 * 1024 * 1024, floodWaits: 2, floodWaitSeconds: 31 });
    assert.match(running, /\| Requests to YouTube and Telegram \| 420 \|/);
    assert.match(running, /\| Download speed now \| 5\.0 MB\/s \|/);
    assert.match(running, /\| Waits for Telegram's flood limit \| 2 \(31 s waited\) \|/);
    assert.doesNotMatch(metricsTable({ ...some, bytesPerSecond: 100 }), /Download speed/, 'no speed once the job is over');
  });

  it('formats byte sizes', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1536), '1.5 KB');
  });
});
