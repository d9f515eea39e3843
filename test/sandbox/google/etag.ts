import { createHash } from 'node:crypto';

/**
 * ETags in the shape YouTube uses today: 27 characters of unpadded base64url, i.e. a 160-bit digest
 * ([REAL] `O0Ah8Wd5pUD2Gsv-n0A42RDRcX8` in home-assistant/core's captured fixtures). Deriving them
 * from the content makes them stable across calls and different whenever the content differs.
 */
export function contentEtag(value: unknown): string {
  return createHash('sha1').update(typeof value === 'string' ? value : JSON.stringify(value)).digest('base64url');
}

/**
 * True when an `If-None-Match` header names `etag`. Accepts the bare body value, the quoted HTTP
 * form, the weak `W/` form, comma-separated lists and `*` ([UNSURE] which of these Google
 * honours; the client sends back whatever the caller gives it, so the sandbox accepts them all).
 */
export function ifNoneMatchHits(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const raw = Array.isArray(header) ? header.join(',') : header;
  for (let candidate of raw.split(',')) {
    candidate = candidate.trim();
    if (candidate === '*') return true;
    if (candidate.startsWith('W/')) candidate = candidate.slice(2);
    if (candidate.startsWith('"') && candidate.endsWith('"') && candidate.length >= 2) candidate = candidate.slice(1, -1);
    if (candidate === etag) return true;
  }
  return false;
}
