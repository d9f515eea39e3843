/**
 * The vault's writer lock: one process at a time imports or syncs into a vault, whether it is the
 * CLI run from cron, a second VS Code window, or the same window twice. Readers (status, the
 * Sources view) never take it.
 *
 * On disk: `<vault>/.vault-archiver/lock/` is a FOLDER holding exactly one file,
 * `<token>.json`, the holder's record `{pid, host, startedAt, holder, token}`; `token` is 64
 * random bits, new for every acquisition and never reused.
 *
 * Why a folder and not a file opened with 'wx'. Exclusive creation of one fixed name gives mutual
 * exclusion, but taking over a stale lock needs a second, conditional operation, "remove the lock
 * only if it is still the stale one I inspected", and a fixed name cannot express "still the
 * same one". The classic rename takeover (rename `lock` to a private name, check what you got) has
 * an ABA hole: contenders A and B both read the dead record; A renames it away and creates its
 * own lock; B, descheduled in between, now renames A's LIVE lock away. B can see it grabbed the
 * wrong record, but putting it back is not atomic: a third process C may have created `lock` in
 * the gap, and then A and C both believe they hold it. With the folder, each operation is atomic
 * and conditional in the kernel:
 *
 *   acquire   build `lock.<token>.staging/<token>.json` privately, then rename the staging folder
 *             to `lock`. rename(2) of a folder succeeds only if `lock` does not exist or is an
 *             EMPTY folder (POSIX; Windows refuses any existing target, and an empty `lock` is
 *             then removed with rmdir, which is itself conditional on emptiness). A lock therefore
 *             appears complete, record included, in one step, and while a record is inside it no
 *             other rename can succeed: of any number of racing renames the kernel lets one win.
 *   take over unlink(`lock/<token>.json`) with the token read from the stale record. That name
 *             exists once, for that acquisition only, so exactly one contender's unlink succeeds
 *             (the others get ENOENT and look again), and it can never remove a NEWER lock, whose
 *             record has another name: the ABA hole is closed. The emptied folder is free, and
 *             the contenders (winner included) race for it by rename as above: exactly one wins.
 *   release   unlink our own `<token>.json` (only ever ours: the name says so; ENOENT means our
 *             lock was taken over as stale and there is nothing of ours to remove), then rmdir
 *             the folder, which fails harmlessly if another holder's record is already in it.
 *
 * No native addon, no link(2) (absent on FAT/exFAT drives): mkdir, writeFile, rename, readdir,
 * unlink, rmdir.
 *
 * When a record is stale (crash, kill -9, power loss):
 *   - same host, and the pid is not alive (process.kill(pid, 0) → ESRCH), or it is this
 *     process's pid but not a lock this process holds (a previous process that had the same pid:
 *     pid 1 in containers), or the record predates the machine's last boot (pids restart);
 *   - another host (a vault on a network share or a synced folder): we cannot ask whether its
 *     process lives, so only after `foreignStaleAfterMs` (default 12 hours, longer than any
 *     import we know of). A slower job on that host loses its lock; its release then finds its
 *     record gone and removes nothing;
 *   - a record that cannot be read: records are written in full before their folder is renamed
 *     into place, so its writer's machine lost power before the data reached the disk (or a
 *     person edited it); stale once the file is 10 s old.
 * A `lock` folder with no record in it is free (a crash between release's two steps).
 * A pid reused by an unrelated process on the same host keeps a dead lock alive until that
 * process ends or the machine reboots; the busy message names the pid so a user can check.
 */
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { UserError } from '../errors';
import { errnoCode } from './vaultFs';
import { VaultLayout } from './layout';

export const LOCK_DIR = 'lock';
const STAGING_SUFFIX = '.staging';
const DEFAULT_FOREIGN_STALE_MS = 12 * 60 * 60 * 1000;
/** Staging folders older than this belong to a process that crashed mid-acquire. */
const STAGING_GARBAGE_MS = 10 * 60 * 1000;
/** A lock that keeps vanishing and reappearing between our looks: give up rather than spin. */
const MAX_QUICK_RETRIES = 1000;

/** Who holds the vault, as written in the lock record. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** ISO time the lock was taken. */
  readonly startedAt: string;
  /** What holds it, for people: "vault-archiver import", "VS Code (Vault Archiver)". */
  readonly holder: string;
  readonly token: string;
}

/** The file-system calls the lock makes (node:fs/promises by default; tests interpose). */
export type LockFs = Pick<typeof fsp, 'mkdir' | 'writeFile' | 'readFile' | 'readdir' | 'rename' | 'unlink' | 'rmdir' | 'rm' | 'stat'>;

export interface LockClock {
  now(): number;
  /** Resolves after `ms`, rejects at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface AcquireVaultLockOptions {
  /** What is taking the lock, shown to whoever finds the vault busy. */
  readonly holder: string;
  /** true: wait until the vault is free; false: throw VaultBusyError at once. */
  readonly wait: boolean;
  /** Stops waiting (VaultLockWaitCancelled). */
  readonly signal?: AbortSignal;
  /** Called when waiting starts and whenever the holder changes, so a UI can say "waiting for …". */
  onWait?(holder: LockHolder): void;
  /** First pause between looks while waiting (default 200 ms); grows ×1.5 up to maxPollMs (2 s). */
  readonly pollMs?: number;
  readonly maxPollMs?: number;
  /** A lock from another host is stale only after this long (default 12 h). */
  readonly foreignStaleAfterMs?: number;
  /** Ends VaultBusyError's message (default "Wait for it to finish, then try again."). */
  readonly busyAdvice?: string;
  readonly fs?: LockFs;
  readonly clock?: LockClock;
  readonly pid?: number;
  readonly host?: string;
  readonly isProcessAlive?: (pid: number) => boolean;
  /** When this machine booted (ms); records from before it are stale. Default: from os.uptime(). */
  readonly bootTimeMs?: number;
}

export interface VaultLock {
  readonly holder: LockHolder;
  /** The lock folder. */
  readonly path: string;
  /** Removes the lock if it is still ours; safe to call twice. */
  release(): Promise<void>;
}

/** The vault is held by someone else and the caller chose not to wait. A user error: the message says who and what to do. */
export class VaultBusyError extends UserError {
  override readonly name = 'VaultBusyError';
  constructor(
    readonly holder: LockHolder,
    advice: string,
    now: number,
  ) {
    super(`The vault is in use by ${describeLockHolder(holder, now)}. ${advice}`);
  }
}

/** Waiting for the vault was cancelled (the AbortSignal fired); nothing was written. */
export class VaultLockWaitCancelled extends UserError {
  override readonly name = 'VaultLockWaitCancelled';
}

/** Tokens of the locks this process holds now: a record with our pid and another token is a previous process's. */
const heldHere = new Set<string>();

const realClock: LockClock = { now: () => Date.now(), sleep: (ms, signal) => sleepFor(ms, undefined, { signal }) };

/** process.kill(pid, 0): ESRCH means no such process; EPERM means it exists but is not ours to signal. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false; // 0 and negatives address process groups
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
}

/** "vault-archiver import (pid 1234 on laptop, since 10:02)"; the date too when not today. */
export function describeLockHolder(h: LockHolder, now: number = Date.now()): string {
  const started = new Date(h.startedAt);
  let since = 'an unknown time';
  if (!Number.isNaN(started.getTime())) {
    const pad = (n: number) => String(n).padStart(2, '0');
    const time = `${pad(started.getHours())}:${pad(started.getMinutes())}`;
    const today = new Date(now).toDateString() === started.toDateString();
    since = today ? time : `${started.getFullYear()}-${pad(started.getMonth() + 1)}-${pad(started.getDate())} ${time}`;
  }
  return `${h.holder} (pid ${h.pid} on ${h.host}, since ${since})`;
}

export function vaultLockPath(vaultRoot: string): string {
  return new VaultLayout(vaultRoot).lockDir;
}

type Attempt = { readonly kind: 'acquired' } | { readonly kind: 'busy'; readonly holder: LockHolder } | { readonly kind: 'retry' };

interface Context {
  readonly fs: LockFs;
  readonly clock: LockClock;
  readonly pid: number;
  readonly host: string;
  readonly isAlive: (pid: number) => boolean;
  readonly bootTimeMs: number;
  readonly foreignStaleAfterMs: number;
  readonly stateDir: string;
  readonly lockDir: string;
}

/** Takes the vault's writer lock, or says who has it (wait: false), or waits for it (wait: true). */
export async function acquireVaultLock(vaultRoot: string, opts: AcquireVaultLockOptions): Promise<VaultLock> {
  const clock = opts.clock ?? realClock;
  const ctx: Context = {
    fs: opts.fs ?? fsp,
    clock,
    pid: opts.pid ?? process.pid,
    host: opts.host ?? os.hostname(),
    isAlive: opts.isProcessAlive ?? isProcessAlive,
    bootTimeMs: opts.bootTimeMs ?? Date.now() - os.uptime() * 1000,
    foreignStaleAfterMs: opts.foreignStaleAfterMs ?? DEFAULT_FOREIGN_STALE_MS,
    stateDir: new VaultLayout(vaultRoot).stateDir,
    lockDir: vaultLockPath(path.resolve(vaultRoot)),
  };
  await ctx.fs.mkdir(ctx.stateDir, { recursive: true }).catch((err: unknown) => {
    const code = errnoCode(err);
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new UserError(`${ctx.stateDir} is not a folder. It holds Vault Archiver's state: move that file away and try again.`);
    throw err;
  });
  const maxPoll = opts.maxPollMs ?? 2000;
  let pause = opts.pollMs ?? 200;
  let announced: string | undefined;
  let quickRetries = 0;
  for (;;) {
    if (opts.signal?.aborted) throw cancelled(announced);
    const me: LockHolder = { pid: ctx.pid, host: ctx.host, startedAt: new Date(clock.now()).toISOString(), holder: opts.holder, token: randomBytes(8).toString('hex') };
    const attempt = await tryAcquire(ctx, me);
    if (attempt.kind === 'acquired') {
      heldHere.add(me.token);
      await sweepStaging(ctx);
      return heldLock(ctx, me);
    }
    if (attempt.kind === 'retry') {
      // The lock changed between two looks (released, taken over, an empty folder removed): look again now.
      if (++quickRetries > MAX_QUICK_RETRIES) throw new Error(`The vault lock ${ctx.lockDir} keeps changing; giving up after ${MAX_QUICK_RETRIES} attempts.`);
      await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    quickRetries = 0;
    if (!opts.wait) throw new VaultBusyError(attempt.holder, opts.busyAdvice ?? 'Wait for it to finish, then try again.', clock.now());
    if (announced !== attempt.holder.token) {
      announced = attempt.holder.token;
      opts.onWait?.(attempt.holder);
    }
    try {
      await clock.sleep(pause, opts.signal);
    } catch (err) {
      if (opts.signal?.aborted) throw cancelled(announced);
      throw err;
    }
    pause = Math.min(maxPoll, Math.ceil(pause * 1.5));
  }
}

function cancelled(waitingFor: string | undefined): VaultLockWaitCancelled {
  return new VaultLockWaitCancelled(waitingFor ? 'Cancelled while waiting for the vault to be free; nothing was written.' : 'Cancelled before the vault was locked; nothing was written.');
}

/** One look: install our lock, or find who holds it (taking over a stale holder's record). */
async function tryAcquire(ctx: Context, me: LockHolder): Promise<Attempt> {
  const staging = path.join(ctx.stateDir, `${LOCK_DIR}.${me.token}${STAGING_SUFFIX}`);
  await ctx.fs.mkdir(staging);
  try {
    await ctx.fs.writeFile(path.join(staging, recordName(me.token)), JSON.stringify(me) + '\n');
    await ctx.fs.rename(staging, ctx.lockDir);
    return { kind: 'acquired' };
  } catch (err) {
    await ctx.fs.rm(staging, { recursive: true, force: true }).catch(() => undefined);
    if (!isTakenCode(errnoCode(err))) throw err;
  }
  const found = await readHolder(ctx);
  if (found.kind !== 'held') {
    // Gone, or an empty (free) folder that rename could not replace (Windows): rmdir only removes it while empty.
    if (found.kind === 'empty') await ctx.fs.rmdir(ctx.lockDir).catch(() => undefined);
    return { kind: 'retry' };
  }
  if (!isStale(ctx, found.holder, found.mtimeMs)) return { kind: 'busy', holder: found.holder };
  try {
    await ctx.fs.unlink(path.join(ctx.lockDir, found.recordName));
  } catch (err) {
    if (!isGone(errnoCode(err))) throw err; // ENOENT: another contender took it over first, or its holder released it
  }
  return { kind: 'retry' };
}

type Found = { readonly kind: 'gone' } | { readonly kind: 'empty' } | { readonly kind: 'held'; readonly holder: LockHolder; readonly recordName: string; readonly mtimeMs: number };

async function readHolder(ctx: Context): Promise<Found> {
  let names: string[];
  try {
    names = await ctx.fs.readdir(ctx.lockDir);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOTDIR') {
      throw new UserError(`${ctx.lockDir} is a file, not a lock this version of Vault Archiver made. If no other Vault Archiver is working on this vault, delete it and try again.`);
    }
    if (isGone(code)) return { kind: 'gone' };
    throw err;
  }
  const name = names.filter((n) => n.endsWith('.json')).sort()[0];
  if (!name) {
    // No record: nobody holds it. Clear strays (a file manager's .DS_Store) so rmdir can free the name;
    // a holder's record cannot arrive meanwhile: rename only moves in once the folder is empty.
    for (const stray of names) await ctx.fs.rm(path.join(ctx.lockDir, stray), { recursive: true, force: true });
    return { kind: 'empty' };
  }
  const file = path.join(ctx.lockDir, name);
  try {
    const [text, st] = await Promise.all([ctx.fs.readFile(file, 'utf8'), ctx.fs.stat(file)]);
    const holder = parseRecord(text, name) ?? unreadableRecord(name, st.mtimeMs);
    return { kind: 'held', holder, recordName: name, mtimeMs: st.mtimeMs };
  } catch (err) {
    if (isGone(errnoCode(err))) return { kind: 'gone' };
    throw err;
  }
}

const UNREADABLE = 'an unreadable lock record';

/**
 * A record is written in full before its folder is renamed into place, so an unreadable one was
 * written by a machine that lost power before the data reached the disk (or by hand).
 */
function unreadableRecord(recordName: string, mtimeMs: number): LockHolder {
  return { pid: 0, host: 'an unknown host', startedAt: new Date(mtimeMs).toISOString(), holder: UNREADABLE, token: tokenOf(recordName) };
}

function parseRecord(text: string, name: string): LockHolder | undefined {
  try {
    const r = JSON.parse(text) as Partial<LockHolder>;
    if (typeof r.pid !== 'number' || typeof r.host !== 'string' || typeof r.startedAt !== 'string' || typeof r.holder !== 'string') return undefined;
    // The file name is what takeover and release address: trust it over the contents.
    return { pid: r.pid, host: r.host, startedAt: r.startedAt, holder: r.holder, token: tokenOf(name) };
  } catch {
    return undefined;
  }
}

function isStale(ctx: Context, h: LockHolder, mtimeMs: number): boolean {
  const started = Date.parse(h.startedAt);
  const since = Number.isNaN(started) ? mtimeMs : started;
  // Its writer's machine went down; a few seconds' grace for network file systems' attribute caches.
  if (h.holder === UNREADABLE && h.pid === 0) return ctx.clock.now() - mtimeMs > 10_000;
  if (h.host === ctx.host) {
    if (h.pid === ctx.pid) return !heldHere.has(h.token);
    if (!ctx.isAlive(h.pid)) return true;
    return since < ctx.bootTimeMs - 60_000; // a minute's slack: uptime and the clock disagree a little
  }
  return ctx.clock.now() - since > ctx.foreignStaleAfterMs;
}

function heldLock(ctx: Context, me: LockHolder): VaultLock {
  let released = false;
  return {
    holder: me,
    path: ctx.lockDir,
    async release() {
      if (released) return;
      released = true;
      heldHere.delete(me.token);
      try {
        await ctx.fs.unlink(path.join(ctx.lockDir, recordName(me.token)));
      } catch (err) {
        if (isGone(errnoCode(err))) return; // taken over as stale: nothing of ours is left
        throw err;
      }
      // Fails (ENOTEMPTY/EEXIST) when the next holder has already moved in: that is its lock now.
      await ctx.fs.rmdir(ctx.lockDir).catch(() => undefined);
    },
  };
}

/** Removes staging folders a crashed acquire left behind (never a fresh one: another process may be using it). */
async function sweepStaging(ctx: Context): Promise<void> {
  const names = await ctx.fs.readdir(ctx.stateDir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(`${LOCK_DIR}.`) || !name.endsWith(STAGING_SUFFIX)) continue;
    const dir = path.join(ctx.stateDir, name);
    const st = await ctx.fs.stat(dir).catch(() => undefined);
    if (st && ctx.clock.now() - st.mtimeMs > STAGING_GARBAGE_MS) await ctx.fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

const recordName = (token: string) => `${token}.json`;
const tokenOf = (name: string) => name.replace(/\.json$/, '');

/** rename(2) onto an existing lock: non-empty folder (POSIX ENOTEMPTY/EEXIST), any folder (Windows EPERM/EACCES), a file (ENOTDIR/EISDIR). */
function isTakenCode(code: string | undefined): boolean {
  return code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM' || code === 'EACCES' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'EBUSY';
}

function isGone(code: string | undefined): boolean {
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * The lock as the archive service's job runner wants it: `(vaultRoot, {signal, onWait}) → lock`,
 * with this process's policy (who it is, whether to wait) bound in once.
 */
export function vaultLockAcquirer(
  policy: Omit<AcquireVaultLockOptions, 'signal' | 'onWait'>,
): (vaultRoot: string, hooks: { readonly signal?: AbortSignal; onWait?(holder: string): void }) => Promise<VaultLock> {
  return (vaultRoot, hooks) =>
    acquireVaultLock(vaultRoot, {
      ...policy,
      signal: hooks.signal,
      onWait: (h) => hooks.onWait?.(describeLockHolder(h, (policy.clock ?? realClock).now())),
    });
}
