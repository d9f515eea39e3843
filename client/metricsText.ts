/** Text forms of the worker's metrics; pure so they are unit-tested without VS Code. */
import { formatBytes } from '../shared/format';
import type { Metrics } from '../shared/types';

export { formatBytes };

export function cacheHitRate(m: Metrics): number | undefined {
  const total = m.cacheHits + m.cacheMisses;
  return total ? m.cacheHits / total : undefined;
}

/** Short form for the status bar: rate while busy, then cache and duplicates. */
export function statusText(m: Metrics): string {
  const parts: string[] = [];
  if (m.activeJobs > 0) parts.push(`${formatRate(m.itemsPerSecond)}/s`);
  const rate = cacheHitRate(m);
  parts.push(rate === undefined ? 'cache –' : `${Math.round(rate * 100)}% cache`);
  // Both kinds of duplicate the user was spared: messages already archived and identical files.
  parts.push(`${(m.duplicatesPrevented + m.mediaDeduplicated).toLocaleString('en-US')} dup`);
  return parts.join(' · ');
}

/** Full table, for the tooltip and the Show Metrics view. */
export function metricsTable(m: Metrics): string {
  const rate = cacheHitRate(m);
  const rows: [string, string][] = [
    ['Items per second', formatRate(m.itemsPerSecond)],
    ['Items processed', m.itemsProcessed.toLocaleString('en-US')],
    ['Cache hit rate', rate === undefined ? '–' : `${(rate * 100).toFixed(1)}% (${m.cacheHits} of ${m.cacheHits + m.cacheMisses})`],
    ['Duplicates prevented', m.duplicatesPrevented.toLocaleString('en-US')],
    ['Media copied', m.mediaCopied.toLocaleString('en-US')],
    ['Media deduplicated', m.mediaDeduplicated.toLocaleString('en-US')],
    ['Bytes copied', formatBytes(m.bytesCopied)],
    ['Bytes saved by dedup', formatBytes(m.bytesSaved)],
    ['Note writes', m.noteWrites.toLocaleString('en-US')],
    ['Running jobs', String(m.activeJobs)],
  ];
  return ['| Metric | Value |', '| --- | ---: |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

function formatRate(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}
