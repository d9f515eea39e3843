import assert from 'node:assert/strict';
import { formatBytes, metricsTable, statusText } from '../../../client/metricsText';
import { emptyMetrics } from '../../../shared/types';

describe('metrics text', () => {
  it('shows rate only while a job runs, then cache and duplicates (no YouTube quota until something measures it)', () => {
    assert.equal(statusText(emptyMetrics), 'cache – · 0 dup');
    const busy = { ...emptyMetrics, activeJobs: 1, itemsPerSecond: 1234.4, cacheHits: 9, cacheMisses: 1, duplicatesPrevented: 1400, mediaDeduplicated: 100 };
    assert.equal(statusText(busy), '1,234/s · 90% cache · 1,500 dup');
  });
  it('renders the full table with every metric', () => {
    const table = metricsTable({ ...emptyMetrics, bytesSaved: 3 * 1024 * 1024 });
    assert.match(table, /\| Bytes saved by dedup \| 3\.0 MB \|/);
    assert.doesNotMatch(table, /quota/i);
    assert.equal(table.split('\n').length, 2 + 10);
  });
  it('formats byte sizes', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1536), '1.5 KB');
  });
});
