// Flood waits as Telegram enforces them (core.telegram.org/api/errors, 420 FLOOD_WAIT_X: "a wait of X seconds is
// required"). A wait, once imposed, holds: asking again before X seconds have passed gets FLOOD_WAIT with the
// time still left, so a client that ignores X never gets through. Waits come from scripted faults
// (faults.floodWait) or from request rates above a limit set for a method (off unless configured).
import type { SandboxClock } from './clock';
import { normalizeMethod } from './faults';

/** At most `requests` calls of a method per account in any `perSeconds` window; the next one waits. */
export interface FloodLimit {
  requests: number;
  perSeconds: number;
  /** The X to impose; default: until the window has room again. */
  waitSeconds?: number;
}

/**
 * Telegram does not publish its limits; these figures only make the sandbox flood early on the methods Telegram
 * limits hardest (resolving usernames, bursts of history and file parts), so tests see a client wait them out.
 */
export const STRICT_FLOOD_LIMITS: Record<string, FloodLimit> = {
  'contacts.resolveUsername': { requests: 5, perSeconds: 60 },
  'messages.getHistory': { requests: 30, perSeconds: 10 },
  'upload.getFile': { requests: 60, perSeconds: 10 },
};

/**
 * Telegram counts waits in whole seconds and GramJS sleeps exactly X * 1000 ms before it retries; a retry that
 * arrives within this margin of the end of its wait counts as on time (timers may fire a millisecond early).
 */
const ON_TIME_MARGIN_MS = 100;

const FLOOD_ERROR = /^(FLOOD_WAIT|FLOOD_PREMIUM_WAIT)_(\d+)$/;

export class FloodControl {
  private readonly limits = new Map<string, FloodLimit>();
  private readonly waits = new Map<string, { until: number; kind: string }>();
  private readonly recent = new Map<string, number[]>();

  constructor(private readonly clock: SandboxClock, limits: Record<string, FloodLimit> = {}) {
    for (const [m, l] of Object.entries(limits)) this.setLimit(m, l);
  }

  /** Limits one method (TL or GramJS name); undefined removes the limit. */
  setLimit(method: string, limit: FloodLimit | undefined): this {
    const m = normalizeMethod(method);
    if (limit) this.limits.set(m, limit);
    else this.limits.delete(m);
    return this;
  }

  /** Removes every limit and every wait still running. */
  clear(): void {
    this.limits.clear();
    this.waits.clear();
    this.recent.clear();
  }

  /** Seconds an account still has to wait before calling a method (0 = none). */
  secondsLeft(account: string, method: string): number {
    const w = this.waits.get(`${account}|${normalizeMethod(method)}`);
    if (!w) return 0;
    const left = w.until - this.clock.now();
    return left <= ON_TIME_MARGIN_MS ? 0 : Math.ceil(left / 1000);
  }

  /** A wait still running for this call: the error to answer with, X being the time left. */
  running(account: string, method: string): { code: number; message: string } | undefined {
    const key = `${account}|${method}`;
    const w = this.waits.get(key);
    if (!w) return undefined;
    const left = this.secondsLeft(account, method);
    if (!left) {
      this.waits.delete(key);
      return undefined;
    }
    return { code: 420, message: `${w.kind}_${left}` };
  }

  /** An answer the server is about to send: a FLOOD_WAIT_X (scripted or not) starts a wait of X seconds. */
  noteError(account: string, method: string, message: string): void {
    const m = FLOOD_ERROR.exec(message);
    if (m) this.impose(account, method, m[1], Number(m[2]));
  }

  /** Counts a call against the method's limit; over it, a new wait starts and its error is returned. */
  admit(account: string, method: string): { code: number; message: string } | undefined {
    const limit = this.limits.get(method);
    if (!limit) return undefined;
    const key = `${account}|${method}`;
    const now = this.clock.now();
    const windowMs = limit.perSeconds * 1000;
    const times = (this.recent.get(key) ?? []).filter((t) => t > now - windowMs);
    this.recent.set(key, times);
    if (times.length < limit.requests) {
      times.push(now);
      return undefined;
    }
    const seconds = limit.waitSeconds ?? Math.max(1, Math.ceil((times[0] + windowMs - now) / 1000));
    this.impose(account, method, 'FLOOD_WAIT', seconds);
    return { code: 420, message: `FLOOD_WAIT_${seconds}` };
  }

  /** After the wait the account starts a fresh window: X is all the client is told, so X is all it owes. */
  private impose(account: string, method: string, kind: string, seconds: number): void {
    this.waits.set(`${account}|${method}`, { until: this.clock.now() + seconds * 1000, kind });
    this.recent.delete(`${account}|${method}`);
  }
}
