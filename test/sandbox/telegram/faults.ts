// Scriptable misbehaviour and per-method counters. A rule matches API methods by TL name
// ('upload.getFile', as in the schema; GramJS class names like 'upload.GetFile' are accepted too)
// and fires a limited number of times (default once), so a test states exactly what Telegram does.

export function normalizeMethod(name: string): string {
  const i = name.lastIndexOf('.');
  const head = i >= 0 ? name.slice(0, i + 1) : '';
  const tail = i >= 0 ? name.slice(i + 1) : name;
  return head + tail.charAt(0).toLowerCase() + tail.slice(1);
}

export interface FaultScope {
  /** TL method name or names; omitted = every API method (service messages such as ping never match). */
  method?: string | string[];
  /** How many matching requests the fault applies to; Infinity for "until cleared". Default 1. */
  times?: number;
  /** Only on this DC. */
  dcId?: number;
}

type Action =
  | { kind: 'rpcError'; code: number; message: string }
  | { kind: 'drop'; when: 'before-response' | 'mid-response' }
  | { kind: 'latency'; ms: number }
  | { kind: 'slowBytes'; bytesPerSecond: number };

interface Rule {
  methods?: Set<string>;
  dcId?: number;
  left: number;
  action: Action;
}

export interface AppliedFaults {
  error?: { code: number; message: string };
  drop?: 'before-response' | 'mid-response';
  latencyMs: number;
  bytesPerSecond?: number;
}

export class TelegramFaults {
  private rules: Rule[] = [];
  private forcedDhRetries = 0;
  /** Set by the data centers: carries out rotateSalt. */
  onRotateSalt?: (graceSeconds: number) => void;

  private add(action: Action, scope: FaultScope = {}): this {
    const methods = scope.method === undefined ? undefined : new Set((Array.isArray(scope.method) ? scope.method : [scope.method]).map(normalizeMethod));
    this.rules.push({ methods, dcId: scope.dcId, left: scope.times ?? 1, action });
    return this;
  }

  /** 420 FLOOD_WAIT_X: GramJS sleeps through X <= floodSleepThreshold and throws FloodWaitError above. */
  floodWait(seconds: number, scope?: FaultScope): this {
    return this.add({ kind: 'rpcError', code: 420, message: `FLOOD_WAIT_${seconds}` }, scope);
  }

  /** 420 FLOOD_PREMIUM_WAIT_X, which Telegram sends for downloads of non-premium accounts. */
  floodPremiumWait(seconds: number, scope: FaultScope = { method: 'upload.getFile' }): this {
    return this.add({ kind: 'rpcError', code: 420, message: `FLOOD_PREMIUM_WAIT_${seconds}` }, scope);
  }

  /** 400 FILE_REFERENCE_EXPIRED without changing the model (see model.expireFileReference for the real thing). */
  fileReferenceExpired(scope: FaultScope = { method: 'upload.getFile' }): this {
    return this.add({ kind: 'rpcError', code: 400, message: 'FILE_REFERENCE_EXPIRED' }, scope);
  }

  /** 303 FILE_MIGRATE_X from every DC but X for the matching requests (the file then lives on DC X). */
  fileMigrate(dcId: number, scope: Omit<FaultScope, 'dcId'> = { method: 'upload.getFile' }): this {
    this.rules.push({
      methods: new Set((Array.isArray(scope.method) ? scope.method : [scope.method ?? 'upload.getFile']).map(normalizeMethod)),
      dcId: -dcId, // negative = "every DC except"
      left: scope.times ?? 1,
      action: { kind: 'rpcError', code: 303, message: `FILE_MIGRATE_${dcId}` },
    });
    return this;
  }

  /** Any RPC error, e.g. (500, 'RPC_CALL_FAIL') or (400, 'CHANNEL_PRIVATE'). */
  rpcError(code: number, message: string, scope?: FaultScope): this {
    return this.add({ kind: 'rpcError', code, message }, scope);
  }

  /** Closes the TCP connection after the request arrives ('before-response') or halfway through writing the answer. */
  dropConnection(scope?: FaultScope & { when?: 'before-response' | 'mid-response' }): this {
    return this.add({ kind: 'drop', when: scope?.when ?? 'before-response' }, scope);
  }

  /** Delays the answers of matching requests. */
  latency(ms: number, scope: FaultScope = { times: Infinity }): this {
    return this.add({ kind: 'latency', ms }, { times: Infinity, ...scope });
  }

  /** Writes the answers of matching requests at this rate. */
  slowBytes(bytesPerSecond: number, scope: FaultScope = { times: Infinity }): this {
    return this.add({ kind: 'slowBytes', bytesPerSecond }, { times: Infinity, ...scope });
  }

  /**
   * The server changes every salt. As core.telegram.org/mtproto/description says of the server salt, messages
   * with the old one are still accepted for a further 1800 seconds (graceSeconds, on the sandbox clock); after
   * that they get bad_server_salt. graceSeconds 0 rejects the old salt at once.
   */
  rotateSalt(opts: { graceSeconds?: number } = {}): this {
    this.onRotateSalt?.(opts.graceSeconds ?? 1800);
    return this;
  }

  /**
   * The next set_client_DH_params gets dh_gen_retry, as when the new key's auth_key_hash collides with an
   * existing key (core.telegram.org/mtproto/auth_key, step 9): the client must retry with a new b.
   */
  dhGenRetry(times = 1): this {
    this.forcedDhRetries += times;
    return this;
  }

  takeDhGenRetry(): boolean {
    if (this.forcedDhRetries <= 0) return false;
    this.forcedDhRetries--;
    return true;
  }

  clear(): void {
    this.rules = [];
    this.forcedDhRetries = 0;
  }

  /** Rules still armed (for assertions that a fault actually fired). */
  pending(): number {
    return this.rules.filter((r) => r.left > 0).length;
  }

  /** Consumes the rules that match one request. */
  take(method: string, dcId: number): AppliedFaults {
    const out: AppliedFaults = { latencyMs: 0 };
    for (const r of this.rules) {
      if (r.left <= 0) continue;
      if (r.methods && !r.methods.has(method)) continue;
      if (r.dcId !== undefined && (r.dcId > 0 ? r.dcId !== dcId : -r.dcId === dcId)) continue;
      const a = r.action;
      if (a.kind === 'rpcError') {
        if (out.error || out.drop) continue;
        out.error = { code: a.code, message: a.message };
      } else if (a.kind === 'drop') {
        if (out.error || out.drop) continue;
        out.drop = a.when;
      } else if (a.kind === 'latency') out.latencyMs += a.ms;
      else out.bytesPerSecond = Math.min(out.bytesPerSecond ?? Infinity, a.bytesPerSecond);
      r.left--;
    }
    this.rules = this.rules.filter((r) => r.left > 0);
    return out;
  }
}

export class TelegramCounters {
  private byName = new Map<string, { requests: number; bytes: number }>();
  private byDc = new Map<string, number>();
  private inFlight = new Map<string, number>();
  private peaks = new Map<string, number>();
  private totalBytes = 0;

  countRequest(method: string, dcId?: number): void {
    const e = this.entry(method);
    e.requests++;
    if (dcId !== undefined) this.byDc.set(`${dcId}:${method}`, (this.byDc.get(`${dcId}:${method}`) ?? 0) + 1);
  }

  /** Marks a request as being served (received, not yet answered), for inFlightPeak. */
  begin(method: string): void {
    const n = (this.inFlight.get(method) ?? 0) + 1;
    this.inFlight.set(method, n);
    if (n > (this.peaks.get(method) ?? 0)) this.peaks.set(method, n);
  }

  end(method: string): void {
    this.inFlight.set(method, Math.max(0, (this.inFlight.get(method) ?? 1) - 1));
  }

  /** Most requests of one method the server was serving at the same time. */
  inFlightPeak(method: string): number {
    return this.peaks.get(normalizeMethod(method)) ?? 0;
  }

  /** API requests received by one DC (optionally for one method). */
  requestsOnDc(dcId: number, method?: string): number {
    if (method) return this.byDc.get(`${dcId}:${normalizeMethod(method)}`) ?? 0;
    let n = 0;
    for (const [k, v] of this.byDc) if (k.startsWith(`${dcId}:`)) n += v;
    return n;
  }

  countResultBytes(method: string, bytes: number): void {
    this.entry(method).bytes += bytes;
  }

  countWire(bytes: number): void {
    this.totalBytes += bytes;
  }

  private entry(method: string) {
    let e = this.byName.get(method);
    if (!e) {
      e = { requests: 0, bytes: 0 };
      this.byName.set(method, e);
    }
    return e;
  }

  /** API requests received (after unwrapping invokeWithLayer/initConnection), for one method or all. */
  requests(method?: string): number {
    if (method) return this.byName.get(normalizeMethod(method))?.requests ?? 0;
    let n = 0;
    for (const e of this.byName.values()) n += e.requests;
    return n;
  }

  /** Result bytes (serialized TL) sent for one method, or every byte written to client sockets. */
  bytesSent(method?: string): number {
    if (method) return this.byName.get(normalizeMethod(method))?.bytes ?? 0;
    return this.totalBytes;
  }

  byMethod(): Record<string, { requests: number; bytes: number }> {
    return Object.fromEntries([...this.byName].map(([k, v]) => [k, { ...v }]));
  }

  reset(): void {
    this.byName.clear();
    this.byDc.clear();
    this.peaks.clear();
    this.totalBytes = 0;
  }
}
