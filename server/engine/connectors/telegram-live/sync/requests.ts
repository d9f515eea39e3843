/**
 * Every request of a sync goes through here: flood waits, timeouts, transient errors and
 * cancellation, each with an absolute bound so no sync can hang or loop forever.
 *
 * The client must be made with `floodSleepThreshold: 0` (see LiveTelegramAccess), so every
 * FLOOD_WAIT_X reaches us instead of being slept through silently inside GramJS: a short wait
 * (≤ `shortWaitSeconds`) is waited out here, shown in progress ("waiting 23 s") and cancellable;
 * a longer one pauses the chat (LongFloodWait) and the other chats go on.
 *
 * Each attempt goes through the job's RequestScheduler (the policy's, or one of the policy's own
 * when it has none): a flood wait pauses that method's queue there, once for every caller, and the
 * retry waits in the queue; the timeout starts when the request goes out, not while it is queued.
 */
import { describe } from '../../../chat-archive/types';
import { abortableSleep as sleep } from '../../../util/abort';
import { FloodPaused, type Lane, RequestScheduler } from '../scheduler';

/** Attempts per request (a flood wait, a timeout or a transient server error each use one). */
const MAX_ATTEMPTS = 6;
/** A request unanswered this long is abandoned and tried again (GramJS has no timeout of its own). */
export const REQUEST_TIMEOUT_MS = 60_000;
/** Pause before retrying a transient error (connection reset, 500), doubled each time. */
const RETRY_BASE_MS = 500;

export class LongFloodWait extends Error {
  constructor(
    readonly seconds: number,
    readonly method: string,
  ) {
    super(`Telegram asks to wait ${formatWait(seconds)} before more ${method} requests`);
    this.name = 'LongFloodWait';
  }
}

export class SyncCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'SyncCancelled';
  }
}

export function formatWait(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

export interface RequestPolicy {
  readonly signal: AbortSignal;
  /** Flood waits up to this many seconds are waited out; longer ones pause the chat. */
  readonly shortWaitSeconds: number;
  /** Sleeps `ms` (rejects with SyncCancelled when the signal aborts); injectable for tests. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** The clock `sleep` belongs to (default Date.now): a flood pause lasts from now() to its end. */
  now?(): number;
  /** A wait has begun (for progress: "waiting 23 s") or ended (seconds 0). */
  onWait(seconds: number, method: string): void;
  /** Counts for metrics (a scheduler with a metrics sink counts requests itself). */
  onRequest?(method: string): void;
  readonly timeoutMs?: number;
  /** The job's scheduler, shared by its chats and downloads; without one, each policy has its own. */
  readonly scheduler?: RequestScheduler;
}

/** Schedulers of policies that came without one: flood pauses still hold for all of that policy's requests. */
const ownSchedulers = new WeakMap<RequestPolicy, RequestScheduler>();

function schedulerOf(policy: RequestPolicy): RequestScheduler {
  if (policy.scheduler) return policy.scheduler;
  let s = ownSchedulers.get(policy);
  if (!s) {
    s = new RequestScheduler({ limits: { total: 64, sync: 64, media: 64 }, clock: { now: () => (policy.now ? policy.now() : Date.now()), sleep: (ms, signal) => policy.sleep(ms, signal) } });
    ownSchedulers.set(policy, s);
  }
  return s;
}

/** Sleeps `ms`, or rejects at once with SyncCancelled when `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, signal, () => new SyncCancelled());
}

/** FLOOD_WAIT_X / FLOOD_PREMIUM_WAIT_X as GramJS hands them over (FloodWaitError.seconds, or the raw message). */
export function floodSeconds(err: unknown): number | undefined {
  const e = err as { seconds?: unknown; errorMessage?: unknown; message?: unknown };
  if (typeof e?.errorMessage === 'string') {
    const m = /^FLOOD(?:_PREMIUM)?_WAIT_(\d+)$/.exec(e.errorMessage);
    if (m) return Number(m[1]);
    if (e.errorMessage === 'FLOOD' && typeof e.seconds === 'number') return e.seconds;
  }
  if (err instanceof Error && err.constructor.name === 'FloodWaitError' && typeof e.seconds === 'number') return e.seconds;
  return undefined;
}

function isTransient(err: unknown): boolean {
  const e = err as { code?: unknown; errorMessage?: unknown; message?: unknown };
  if (typeof e?.code === 'number' && e.code >= 500) return true;
  if (e?.errorMessage === 'RPC_CALL_FAIL' || e?.errorMessage === 'RPC_MCGET_FAIL' || e?.errorMessage === 'TIMEOUT') return true;
  return err instanceof RequestTimeout || /ECONNRESET|ECONNREFUSED|EPIPE|Not connected|disconnected|closed/i.test(String(e?.message ?? ''));
}

class RequestTimeout extends Error {
  constructor(method: string, ms: number) {
    super(`${method}: no answer from Telegram in ${Math.round(ms / 1000)} s`);
  }
}

/** Runs `call` until it answers, within the policy's bounds. */
export async function callTelegram<T>(method: string, call: () => Promise<T>, policy: RequestPolicy, lane: Lane = 'sync'): Promise<T> {
  const scheduler = schedulerOf(policy);
  const ticket = {
    lane,
    key: method,
    signal: policy.signal,
    maxWaitSeconds: policy.shortWaitSeconds,
    cancelled: () => new SyncCancelled(),
    onHeld: (seconds: number) => policy.onWait(seconds, method),
  };
  let lastError: unknown;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (policy.signal.aborted) throw new SyncCancelled();
    try {
      return await scheduler.run(ticket, () => {
        policy.onRequest?.(method);
        return raced(call(), method, policy);
      });
    } catch (err) {
      if (err instanceof SyncCancelled) throw err;
      if (err instanceof FloodPaused) throw new LongFloodWait(err.seconds, method);
      lastError = err;
      const seconds = floodSeconds(err);
      if (seconds !== undefined) {
        // Paused for every request of this method, a long wait too: the other chats are told at once.
        scheduler.floodWait(method, seconds);
        if (seconds > policy.shortWaitSeconds) throw new LongFloodWait(seconds, method);
        continue;
      }
      if (!isTransient(err)) throw err;
      await policy.sleep(RETRY_BASE_MS * 2 ** attempt, policy.signal);
    }
  }
  throw new Error(`${method} failed ${MAX_ATTEMPTS} times; last: ${describe(lastError)}`);
}

/** The call's answer, unless the signal aborts or the timeout passes first (the request is then abandoned). */
function raced<T>(p: Promise<T>, method: string, policy: RequestPolicy): Promise<T> {
  const ms = policy.timeoutMs ?? REQUEST_TIMEOUT_MS;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(new RequestTimeout(method, ms))), ms);
    const onAbort = () => finish(() => reject(new SyncCancelled()));
    const finish = (f: () => void) => {
      clearTimeout(timer);
      policy.signal.removeEventListener('abort', onAbort);
      f();
    };
    policy.signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => finish(() => resolve(v)),
      (e: unknown) => finish(() => reject(e)),
    );
  });
}
