/**
 * `vault-archiver search "<query>" --vault <dir> [--json] [--limit N]`: the same query language
 * and index as the editor's Search Archive. The index is brought up to date with the notes first
 * (built on the first search of a vault), with progress on stderr; then one block per hit
 * (source, date, author, the snippet, path:line), or with --json one `hit` event per hit and a
 * `summary` event.
 */
import { ArchiveSearch } from '../engine/search/archiveSearch';
import { QuerySyntaxError } from '../engine/search/query';
import { TOTAL_CAP } from '../engine/search/searcher';
import type { SearchRequests } from '../../shared/protocol';
import { UsageError } from './args';
import { Exit, type Output } from './output';

export const DEFAULT_CLI_LIMIT = 20;

export async function runSearch(vault: string, query: string, limit: number | undefined, out: Output): Promise<number> {
  const search = new ArchiveSearch({ vaultRoot: () => vault, waitMs: Infinity, checkEveryMs: 0 });
  try {
    const result = await search.search({ query, limit: limit ?? DEFAULT_CLI_LIMIT }).catch((err: unknown) => {
      if (err instanceof QuerySyntaxError) throw new UsageError(err.message);
      throw err;
    });
    if (out.json) {
      for (const hit of result.hits) out.event({ event: 'hit', ...hit });
      out.event({ event: 'summary', total: result.total, shown: result.hits.length });
    } else printHits(result, out);
    return Exit.ok;
  } finally {
    await search.close();
  }
}

function printHits(result: SearchRequests.SearchResult, out: Output): void {
  if (!result.hits.length) {
    out.line('No matches.');
    return;
  }
  for (const h of result.hits) {
    const where = h.topic ? `${h.source} › ${h.topic}` : h.source;
    const when = h.date ? h.date.replace('T', ' ') : '';
    out.line([where, when, h.author].filter(Boolean).join(' · '));
    out.line(`  ${marked(h.snippet, h.highlights)}`);
    out.line(`  ${h.path}:${h.line + 1}${h.blockId ? `#^${h.blockId}` : ''}`);
    out.line('');
  }
  const more = result.total > result.hits.length ? ` (showing ${result.hits.length}; --limit shows more)` : '';
  out.line(`${result.total >= TOTAL_CAP ? `At least ${TOTAL_CAP.toLocaleString('en-US')}` : result.total} ${result.total === 1 ? 'match' : 'matches'}${more}.`);
}

/** The snippet with matches in [brackets], readable without colours and in logs. */
function marked(snippet: string, highlights: SearchRequests.SearchHit['highlights']): string {
  let s = '';
  let at = 0;
  for (const [a, b] of highlights) {
    s += `${snippet.slice(at, a)}[${snippet.slice(a, b)}]`;
    at = b;
  }
  return s + snippet.slice(at);
}
