/** Text forms of the worker's metrics; pure so they are unit-tested without VS Code. */
import { formatBytes, formatCount } from '../shared/format';
import type { Metrics } from '../shared/types';

export { formatBytes };

/** Messages and videos this window archived that were not in the vault before. */
export function newItems(m: Metrics): number {
  return Math.max(0, m.itemsProcessed - m.duplicatesPrevented);
}

/**
 * Short form for the status bar. While a job runs: its speed (and, while files download, their
 * speed). Afterwards: what this window
 * archived and how many identical files it stored once. Before any job: just the name.
 */
export function statusText(m: Metrics): string {
  // Quota shows once half of it is gone: before that it is nothing to think about.
  const share = quotaShare(m);
  const quota = share !== undefined && share >= 0.5 ? ` · quota ${Math.floor(share * 100)}%` : '';
  if (m.activeJobs > 0) return `${formatRate(m.itemsPerSecond)} items/s${m.bytesPerSecond > 0 ? ` · ${formatBytes(m.bytesPerSecond)}/s` : ''}${quota}`;
  if (!m.itemsProcessed) return `Vault Archiver${quota}`;
  const parts = [`${formatCount(newItems(m))} archived`];
  if (m.mediaDeduplicated) parts.push(`${formatCount(m.mediaDeduplicated)} file${m.mediaDeduplicated === 1 ? '' : 's'} deduplicated`);
  return parts.join(' · ') + quota;
}

/** Share of today's YouTube quota spent (0–1), when YouTube was used in this window. */
export function quotaShare(m: Metrics): number | undefined {
  if (m.youtubeQuotaUsedToday === undefined || !m.youtubeQuotaLimit) return undefined;
  return m.youtubeQuotaUsedToday / m.youtubeQuotaLimit;
}

/** Full table, for the tooltip and the Show Metrics view. Each row names what it counts. */
export function metricsTable(m: Metrics): string {
  const checks = m.cacheHits + m.cacheMisses;
  const rows: [string, string][] = [];
  if (m.activeJobs > 0) rows.push(['Speed now', `${formatRate(m.itemsPerSecond)} items/s`]);
  rows.push(
    ['Items read', formatCount(m.itemsProcessed)],
    ['Archived (new to the vault)', formatCount(newItems(m))],
    ['Already in the vault, skipped', formatCount(m.duplicatesPrevented)],
    ['Files copied', `${formatCount(m.mediaCopied)} (${formatBytes(m.bytesCopied)})`],
    ['Duplicate files stored once', `${formatCount(m.mediaDeduplicated)} (${formatBytes(m.bytesSaved)} saved)`],
  );
  // Files whose size and date match the last run are not hashed again: the content store remembers them.
  if (checks) rows.push(['Unchanged files not re-read', `${formatCount(m.cacheHits)} of ${formatCount(checks)}`]);
  rows.push(['Note writes', formatCount(m.noteWrites)]);
  if (m.apiRequests) {
    // YouTube's and Telegram's requests together: each is a round trip, and what rate limits count.
    rows.push(['Requests to YouTube and Telegram', formatCount(m.apiRequests) + (m.notModified ? ` (${formatCount(m.notModified)} unchanged answers reused)` : '')]);
  }
  if (m.filesDownloaded) rows.push(['Files downloaded from Telegram', `${formatCount(m.filesDownloaded)} (${formatBytes(m.bytesDownloaded)})`]);
  if (m.activeJobs > 0 && m.bytesPerSecond > 0) rows.push(['Download speed now', `${formatBytes(m.bytesPerSecond)}/s`]);
  // Each wait once, however many requests it held back; the seconds are how long they were held.
  if (m.floodWaits) rows.push(["Waits for Telegram's flood limit", formatCount(m.floodWaits) + (m.floodWaitSeconds > 0 ? ` (${formatWaited(m.floodWaitSeconds)} waited)` : '')]);
  const share = quotaShare(m);
  if (share !== undefined) {
    rows.push(['YouTube quota today (Pacific day)', `${formatCount(m.youtubeQuotaUsedToday!)} of ${formatCount(m.youtubeQuotaLimit!)} units (${(share * 100).toFixed(1)}%)`]);
  }
  rows.push(['Jobs running', String(m.activeJobs)]);
  return ['| Since this window opened | |', '| --- | ---: |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

/** Seconds waited, as a person says it: "23 s", "4 min", "2.5 h". */
export function formatWaited(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function formatRate(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}
