import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counters } from './counters';
import { ifNoneMatchHits } from './etag';
import {
  ApiError,
  type InvalidKeyForm,
  oauthInvalidClient,
  oauthInvalidGrant,
  payloadTooLarge,
  sheetsAuthenticationRequired,
  sheetsCredentialsMissing,
  sheetsInvalidArgument,
  sheetsKeyInvalid,
  sheetsKeyMissing,
  sheetsRateLimited,
  sheetsRpcMethod,
  sheetsServerError,
  sheetsUnauthenticated,
  youtubeKeyInvalid,
  youtubeKeyMissing,
  youtubeQuotaExceeded,
  youtubeRateLimited,
  youtubeServerError,
  youtubeUnauthenticated,
} from './errors';
import { type FaultInjector, type InjectedError, type SlowBody } from './faults';
import { FieldSyntaxError, parseFields, selectFields } from './fields';
import { type Caller, Query, type RequestContext, type RouteResult, SANDBOX_USER } from './http-types';
import { type SheetsRateLimiter, type YouTubeQuota, YOUTUBE_METHOD_COSTS } from './quota';
import { JWT_BEARER_GRANT, type ServiceAccounts } from './service-accounts';
import * as sheetsApi from './sheets-api';
import type { SheetsModel } from './sheets-model';
import * as youtubeApi from './youtube-api';
import { captionsDownload, captionsList } from './youtube-captions';
import type { YouTubeModel } from './youtube-model';

/**
 * The HTTP side: one node:http server on 127.0.0.1 that answers both APIs at the paths the
 * Google Node clients use once a `rootUrl` is set (google.md: the client drops any path prefix
 * of a service-level rootUrl, so `/youtube/v3/...` and `/v4/...` live at the root), plus an
 * oauth2 token endpoint for refresh-token flows.
 *
 * Every request walks the same pipeline: route → body → injected faults → credentials → quota
 * → handler → ETag/304 → `fields` → JSON out. Each step that answers records the request in the
 * counters, so tests can assert what a sync cost from the server's side.
 */

type Api = 'youtube' | 'sheets' | 'oauth';

interface Route {
  name: string;
  api: Api;
  method: string;
  pattern: RegExp;
  /** Sheets per-minute quotas count reads and writes separately. */
  access: 'read' | 'write';
  handle: (ctx: RequestContext) => RouteResult;
}

export interface OAuthSettings {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** A token valid until `expireAllTokens()`; handy when a test does not want a refresh flow. */
  accessToken: string;
  /** Lifetime of tokens minted by the token endpoint. */
  tokenLifetimeSeconds: number;
  /**
   * The scopes the user granted with the refresh token (space-separated): what a refreshed token
   * carries and the token endpoint reports in `scope` ([DOC] OAuth 2.0 for web server apps).
   */
  grantedScope: string;
}

export interface ServerParts {
  youtube: YouTubeModel;
  sheets: SheetsModel;
  faults: FaultInjector;
  counters: Counters;
  quota: YouTubeQuota;
  sheetsRate: SheetsRateLimiter;
  apiKey: string;
  oauth: OAuthSettings;
  serviceAccounts: ServiceAccounts;
  now: () => Date;
}

export interface ServerSettings {
  invalidKeyForm: InvalidKeyForm;
  /** Bodies above this are refused (google.md: keep Sheets requests under ~2 MB; the hard cap is larger). */
  maxRequestBytes: number;
}

class BodyTooLarge extends Error {}

function decodePath(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Google's JSON is HTML-safe: `<`, `>`, `&`, `=` and `'` inside strings come out as \u escapes
 * ([REAL] `\u003ccode\u003e` in captured YouTube errors; the rest [UNSURE]). JSON readers see
 * the same strings either way.
 */
function googleJson(body: unknown, pretty: boolean): string {
  const text = pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body);
  return text.replace(/[<>&=']/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class SandboxHttpServer {
  readonly server: Server;
  readonly settings: ServerSettings = { invalidKeyForm: 'current', maxRequestBytes: 10 * 1024 * 1024 };
  private readonly routes: Route[];
  /** Bearer tokens minted by the token endpoint: whom they stand for, and their expiry (ms since epoch). */
  private readonly tokens = new Map<string, { user: string; expiresAt: number; scopes: string[] }>();
  private tokenCounter = 0;
  private staticTokenValid = true;
  private closing = false;

  constructor(private readonly parts: ServerParts) {
    const yt = parts.youtube;
    const sh = parts.sheets;
    const route = (name: string, api: Api, method: string, pattern: RegExp, access: 'read' | 'write', handle: Route['handle']): Route => ({
      name,
      api,
      method,
      pattern,
      access,
      handle,
    });
    this.routes = [
      route('youtube.channels.list', 'youtube', 'GET', /^\/youtube\/v3\/channels$/, 'read', (c) => youtubeApi.channelsList(yt, c)),
      route('youtube.playlistItems.list', 'youtube', 'GET', /^\/youtube\/v3\/playlistItems$/, 'read', (c) => youtubeApi.playlistItemsList(yt, c)),
      route('youtube.playlists.list', 'youtube', 'GET', /^\/youtube\/v3\/playlists$/, 'read', (c) => youtubeApi.playlistsList(yt, c)),
      route('youtube.videos.list', 'youtube', 'GET', /^\/youtube\/v3\/videos$/, 'read', (c) => youtubeApi.videosList(yt, c)),
      route('youtube.captions.list', 'youtube', 'GET', /^\/youtube\/v3\/captions$/, 'read', (c) => captionsList(yt, c)),
      route('youtube.captions.download', 'youtube', 'GET', /^\/youtube\/v3\/captions\/([^/]+)$/, 'read', (c) => captionsDownload(yt, c)),
      route('youtube.search.list', 'youtube', 'GET', /^\/youtube\/v3\/search$/, 'read', (c) => youtubeApi.searchList(yt, c)),
      route('sheets.spreadsheets.create', 'sheets', 'POST', /^\/v4\/spreadsheets$/, 'write', (c) => sheetsApi.spreadsheetsCreate(sh, c)),
      route('sheets.spreadsheets.get', 'sheets', 'GET', /^\/v4\/spreadsheets\/([^/:]+)$/, 'read', (c) => sheetsApi.spreadsheetsGet(sh, c)),
      route('sheets.spreadsheets.batchUpdate', 'sheets', 'POST', /^\/v4\/spreadsheets\/([^/:]+):batchUpdate$/, 'write', (c) => sheetsApi.spreadsheetsBatchUpdate(sh, c)),
      route('sheets.spreadsheets.values.batchGet', 'sheets', 'GET', /^\/v4\/spreadsheets\/([^/:]+)\/values:batchGet$/, 'read', (c) => sheetsApi.valuesBatchGet(sh, c)),
      route('sheets.spreadsheets.values.batchUpdate', 'sheets', 'POST', /^\/v4\/spreadsheets\/([^/:]+)\/values:batchUpdate$/, 'write', (c) => sheetsApi.valuesBatchUpdate(sh, c)),
      route('sheets.spreadsheets.values.batchClear', 'sheets', 'POST', /^\/v4\/spreadsheets\/([^/:]+)\/values:batchClear$/, 'write', (c) => sheetsApi.valuesBatchClear(sh, c)),
      route('sheets.spreadsheets.values.append', 'sheets', 'POST', /^\/v4\/spreadsheets\/([^/:]+)\/values\/(.+):append$/, 'write', (c) => sheetsApi.valuesAppend(sh, c)),
      route('sheets.spreadsheets.values.clear', 'sheets', 'POST', /^\/v4\/spreadsheets\/([^/:]+)\/values\/(.+):clear$/, 'write', (c) => sheetsApi.valuesClear(sh, c)),
      route('sheets.spreadsheets.values.get', 'sheets', 'GET', /^\/v4\/spreadsheets\/([^/:]+)\/values\/(.+)$/, 'read', (c) => sheetsApi.valuesGet(sh, c)),
      route('sheets.spreadsheets.values.update', 'sheets', 'PUT', /^\/v4\/spreadsheets\/([^/:]+)\/values\/(.+)$/, 'write', (c) => sheetsApi.valuesUpdate(sh, c)),
      route('oauth2.token', 'oauth', 'POST', /^\/token$/, 'write', (c) => this.tokenEndpoint(c)),
    ];
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        console.error('[google sandbox] unexpected failure', err);
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end('sandbox failure');
        }
      });
    });
    // Google's frontends keep connections open; so does gaxios (keep-alive agent).
    this.server.keepAliveTimeout = 10_000;
  }

  async listen(port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}/`;
  }

  async close(): Promise<void> {
    this.closing = true;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Every bearer token (minted or the static one) stops working; clients must refresh. */
  expireAllTokens(): void {
    this.tokens.clear();
    this.staticTokenValid = false;
  }

  // -------------------------------------------------------------- pipeline

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const route = this.routes.find((r) => r.method === method && r.pattern.test(url.pathname));
    const record = (status: number, quota = 0, bucket?: string) =>
      this.parts.counters.record({
        route: route?.name ?? 'unknown',
        method,
        url: `${url.pathname}${url.search.replace(/([?&]key=)[^&]*/, '$1…')}`,
        status,
        quota,
        bucket,
        at: this.parts.now(),
      });

    let raw: Buffer;
    try {
      raw = await this.readBody(req);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      record(400);
      const error = payloadTooLarge(this.settings.maxRequestBytes);
      res.setHeader('Connection', 'close');
      this.send(res, error.status, error.body, true);
      return;
    }

    if (!route) {
      record(404);
      // Google's frontends answer unknown paths with an HTML page, not JSON.
      const html = `<!DOCTYPE html>\n<html lang=en>\n<meta charset=utf-8>\n<title>Error 404 (Not Found)!!1</title>\n<p><b>404.</b> <ins>That's an error.</ins>\n<p>The requested URL <code>${url.pathname.replace(/[<>&]/g, '')}</code> was not found on this server. <ins>That's all we know.</ins>\n`;
      res.writeHead(404, { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': Buffer.byteLength(html) });
      res.end(html);
      return;
    }

    const plan = this.parts.faults.plan(route.name);
    if (plan.delayMs > 0) await sleep(plan.delayMs);
    if (this.closing) return;
    // Faults marked afterHandling strike once the request was carried out (below).
    const late = plan.error && 'afterHandling' in plan.error && plan.error.afterHandling ? plan.error : undefined;
    if (plan.error?.kind === 'reset' && !late) {
      record(0);
      req.socket.destroy();
      return;
    }
    if (plan.error && !late) {
      const error = this.injectedError(route.api, plan.error);
      record(error.status);
      await this.sendSlowly(res, error.status, error.body, url, error.headers, plan.slowBody);
      return;
    }

    const query = new Query(url.searchParams);
    const m = route.pattern.exec(url.pathname)!;
    let body: unknown;
    if (raw.length > 0 && route.api !== 'oauth') {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        record(400);
        const error = sheetsInvalidArgument('Invalid JSON payload received. Unexpected token.');
        this.send(res, error.status, error.body, true);
        return;
      }
    }

    let caller: Caller;
    try {
      caller = this.authenticate(route, req, query);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      record(err.status);
      await this.sendSlowly(res, err.status, err.body, url, err.headers, plan.slowBody);
      return;
    }

    let quota = 0;
    let bucket: string | undefined;
    if (route.api === 'youtube') {
      const cost = YOUTUBE_METHOD_COSTS[route.name];
      if (!this.parts.quota.tryCharge(cost.bucket, cost.cost)) {
        record(403);
        const error = youtubeQuotaExceeded();
        await this.sendSlowly(res, error.status, error.body, url, {}, plan.slowBody);
        return;
      }
      quota = cost.cost;
      bucket = cost.bucket;
    } else if (route.api === 'sheets') {
      const hit = this.parts.sheetsRate.tryAcquire(route.access, caller.kind === 'token' ? caller.user : undefined);
      if (hit) {
        record(429);
        const error = sheetsRateLimited(hit.kind, hit.scope, hit.limit);
        await this.sendSlowly(res, error.status, error.body, url, {}, plan.slowBody);
        return;
      }
    }

    const ctx: RequestContext = {
      route: route.name,
      method,
      url,
      query,
      headers: req.headers,
      body: route.api === 'oauth' ? raw.toString('utf8') : body,
      pathParams: m.slice(1).map(decodePath),
      caller,
    };
    let result: RouteResult;
    try {
      result = route.handle(ctx);
    } catch (err) {
      if (!(err instanceof ApiError)) {
        console.error(`[google sandbox] ${route.name} failed`, err);
        const error = route.api === 'youtube' ? youtubeServerError(500) : sheetsServerError(500);
        record(500, quota, bucket);
        this.send(res, error.status, error.body, true);
        return;
      }
      record(err.status, quota, bucket);
      await this.sendSlowly(res, err.status, err.body, url, err.headers, plan.slowBody);
      return;
    }
    if (late?.kind === 'reset') {
      record(0, quota, bucket);
      req.socket.destroy();
      return;
    }
    if (late) {
      const error = this.injectedError(route.api, late);
      record(error.status, quota, bucket);
      await this.sendSlowly(res, error.status, error.body, url, error.headers, plan.slowBody);
      return;
    }

    if (result.raw) {
      record(result.status ?? 200, quota, bucket);
      if (res.destroyed) return;
      res.writeHead(result.status ?? 200, { ...this.baseHeaders(), 'Content-Type': result.raw.contentType, 'Content-Length': String(result.raw.data.length) });
      res.end(result.raw.data);
      return;
    }
    const status = result.status ?? 200;
    const headers: Record<string, string> = {};
    if (result.etag) {
      // [UNSURE] whether Google quotes the header value; clients send back what they got.
      headers.ETag = `"${result.etag}"`;
      if (method === 'GET' && ifNoneMatchHits(req.headers['if-none-match'], result.etag)) {
        // A 304 still costs its unit (google.md); it has no body.
        record(304, quota, bucket);
        res.writeHead(304, { ...this.baseHeaders(), ...headers });
        res.end();
        return;
      }
    }

    let out = result.body;
    const fields = query.string('fields');
    if (fields !== undefined && route.api !== 'oauth') {
      try {
        out = selectFields(out, parseFields(fields));
      } catch (err) {
        if (!(err instanceof FieldSyntaxError)) throw err;
        const error =
          route.api === 'youtube'
            ? new ApiError(400, {
                error: {
                  code: 400,
                  message: err.message,
                  errors: [{ message: err.message, domain: 'global', reason: 'invalidParameter', location: 'fields', locationType: 'parameter' }],
                },
              })
            : sheetsInvalidArgument(err.message);
        record(400, quota, bucket);
        this.send(res, 400, error.body, true);
        return;
      }
    }
    record(status, quota, bucket);
    await this.sendSlowly(res, status, out, url, headers, plan.slowBody);
  }

  private readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let failed = false;
      req.on('data', (chunk: Buffer) => {
        if (failed) return;
        size += chunk.length;
        if (size > this.settings.maxRequestBytes) {
          failed = true;
          reject(new BodyTooLarge());
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (!failed) resolve(Buffer.concat(chunks));
      });
      req.on('error', (err) => {
        if (!failed) reject(err);
      });
    });
  }

  // -------------------------------------------------------------- credentials

  private bearer(req: IncomingMessage, query: Query): string | undefined {
    const header = req.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(.+)$/i.exec(header);
      return m ? m[1].trim() : header;
    }
    return query.string('access_token');
  }

  private tokenCaller(token: string): Caller | undefined {
    if (token === this.parts.oauth.accessToken && this.staticTokenValid) return { kind: 'token', user: SANDBOX_USER };
    const minted = this.tokens.get(token);
    if (minted !== undefined && minted.expiresAt > this.parts.now().getTime()) return { kind: 'token', user: minted.user, scopes: minted.scopes };
    return undefined;
  }

  private authenticate(route: Route, req: IncomingMessage, query: Query): Caller {
    if (route.api === 'oauth') return { kind: 'key' };
    const token = this.bearer(req, query);
    if (token !== undefined) {
      const caller = this.tokenCaller(token);
      if (!caller) throw route.api === 'youtube' ? youtubeUnauthenticated() : sheetsUnauthenticated();
      return caller;
    }
    const key = query.string('key') ?? (req.headers['x-goog-api-key'] as string | undefined);
    if (key === undefined || key === '') {
      if (route.api === 'youtube') throw youtubeKeyMissing();
      // Reads may be made with a key, so Google asks for one; writes need a principal (401).
      throw route.access === 'write' ? sheetsAuthenticationRequired(sheetsRpcMethod(route.name)) : sheetsKeyMissing();
    }
    if (key !== this.parts.apiKey) throw route.api === 'youtube' ? youtubeKeyInvalid(this.settings.invalidKeyForm) : sheetsKeyInvalid();
    if (route.api === 'sheets' && route.access === 'write') throw sheetsCredentialsMissing(sheetsRpcMethod(route.name));
    return { kind: 'key' };
  }

  /**
   * oauth2.googleapis.com/token: the refresh-token grant ([DOC] OAuth 2.0 for web server apps) and
   * the JWT-bearer grant of service accounts ([DOC] OAuth 2.0 for server to server applications;
   * see service-accounts.ts).
   */
  private tokenEndpoint(ctx: RequestContext): RouteResult {
    const text = String(ctx.body ?? '');
    let form: Record<string, string>;
    if (text.trim().startsWith('{')) form = JSON.parse(text) as Record<string, string>;
    else form = Object.fromEntries(new URLSearchParams(text));
    const { oauth } = this.parts;
    if (form.client_id !== undefined && (form.client_id !== oauth.clientId || (form.client_secret ?? '') !== oauth.clientSecret)) {
      throw oauthInvalidClient();
    }
    if (form.grant_type === JWT_BEARER_GRANT) {
      const { clientEmail, scope } = this.parts.serviceAccounts.verifyAssertion(form.assertion, this.parts.now().getTime());
      return { body: this.mint(clientEmail, scope) };
    }
    if (form.grant_type !== 'refresh_token') {
      throw new ApiError(400, { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${form.grant_type ?? ''}` });
    }
    if (form.refresh_token !== oauth.refreshToken) throw oauthInvalidGrant();
    return { body: this.mint(SANDBOX_USER, oauth.grantedScope) };
  }

  private mint(user: string, scope: string): Record<string, unknown> {
    const { oauth } = this.parts;
    const token = `ya29.sandbox-${++this.tokenCounter}-${Math.random().toString(36).slice(2, 10)}`;
    this.tokens.set(token, { user, expiresAt: this.parts.now().getTime() + oauth.tokenLifetimeSeconds * 1000, scopes: scope.split(/\s+/).filter(Boolean) });
    return { access_token: token, expires_in: oauth.tokenLifetimeSeconds, scope, token_type: 'Bearer' };
  }

  // -------------------------------------------------------------- responses

  private injectedError(api: Api, error: InjectedError): ApiError {
    switch (error.kind) {
      case 'serverError':
        return api === 'youtube' ? youtubeServerError(error.status ?? 500) : sheetsServerError(error.status ?? 500);
      case 'rateLimit':
        if (api === 'youtube') return youtubeRateLimited(error.status ?? 403, error.reason ?? 'rateLimitExceeded');
        return sheetsRateLimited('write', 'user', this.parts.sheetsRate.limits.writesPerMinutePerUser);
      case 'quotaExceeded':
        return api === 'youtube' ? youtubeQuotaExceeded() : sheetsRateLimited('read', 'project', this.parts.sheetsRate.limits.readsPerMinutePerProject);
      case 'custom':
        return new ApiError(error.status, error.body as Record<string, unknown>, error.headers);
      case 'reset':
        throw new Error('reset is handled before responses');
    }
  }

  private baseHeaders(): Record<string, string> {
    return {
      Date: this.parts.now().toUTCString(),
      Vary: 'Origin, X-Origin, Referer',
      'Cache-Control': 'private',
      Server: 'ESF',
      'X-XSS-Protection': '0',
      'X-Frame-Options': 'SAMEORIGIN',
      'X-Content-Type-Options': 'nosniff',
    };
  }

  private send(res: ServerResponse, status: number, body: unknown, pretty: boolean, headers: Record<string, string> = {}): void {
    if (res.destroyed) return;
    const text = googleJson(body, pretty);
    res.writeHead(status, {
      ...this.baseHeaders(),
      'Content-Type': 'application/json; charset=UTF-8',
      'Content-Length': String(Buffer.byteLength(text)),
      ...headers,
    });
    res.end(text);
  }

  private async sendSlowly(
    res: ServerResponse,
    status: number,
    body: unknown,
    url: URL,
    headers: Record<string, string>,
    slow: SlowBody | undefined,
  ): Promise<void> {
    // [DOC] system parameter prettyPrint: true by default.
    const pretty = url.searchParams.get('prettyPrint') !== 'false';
    if (!slow) {
      this.send(res, status, body, pretty, headers);
      return;
    }
    const bytes = Buffer.from(googleJson(body, pretty));
    res.writeHead(status, {
      ...this.baseHeaders(),
      'Content-Type': 'application/json; charset=UTF-8',
      'Content-Length': String(bytes.length),
      ...headers,
    });
    for (let at = 0; at < bytes.length; at += Math.max(1, slow.chunkBytes)) {
      if (res.destroyed || this.closing) return;
      res.write(bytes.subarray(at, at + Math.max(1, slow.chunkBytes)));
      if (at + slow.chunkBytes < bytes.length) await sleep(slow.chunkDelayMs);
    }
    res.end();
  }
}
