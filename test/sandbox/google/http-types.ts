import type { IncomingHttpHeaders } from 'node:http';

/** The Google account behind the sandbox's OAuth client (refresh token and static access token). */
export const SANDBOX_USER = 'sandbox-user';

/**
 * Who made a request: an API key, or an OAuth bearer token standing for a principal (the
 * sandbox user, or a service account's email).
 */
export type Caller = { kind: 'key' } | { kind: 'token'; user: string; /** Scopes the token was granted; absent: unrestricted (the static test token). */ scopes?: readonly string[] };

/**
 * Query parameters as Google reads them. Array parameters arrive repeated (`id=a&id=b`, what
 * the Node client sends) or comma-joined (`id=a,b`, what the docs show): both are accepted.
 */
export class Query {
  constructor(readonly params: URLSearchParams) {}

  has(name: string): boolean {
    return this.params.has(name);
  }

  /** The first value, or undefined. */
  string(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }

  /** All values, repeated and comma-separated forms merged, blanks dropped. */
  list(name: string): string[] {
    return this.params
      .getAll(name)
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '');
  }

  /** Every value given, repeated form only, never split (Sheets' `ranges` are passed whole). */
  all(name: string): string[] {
    return this.params.getAll(name);
  }

  bool(name: string): boolean | undefined {
    const v = this.params.get(name);
    if (v === null) return undefined;
    return v === 'true' || v === '1';
  }
}

export interface RequestContext {
  route: string;
  method: string;
  url: URL;
  query: Query;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (POST/PUT), undefined for GET. */
  body: unknown;
  /** Decoded path parameters in order (spreadsheetId, range). */
  pathParams: string[];
  caller: Caller;
}

export interface RouteResult {
  status?: number;
  body: unknown;
  /** A strong validator for the response; GETs with a matching If-None-Match get a 304. */
  etag?: string;
  /** A file instead of JSON (captions.download): sent as is, with this Content-Type. */
  raw?: { contentType: string; data: Buffer };
}
