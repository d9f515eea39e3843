import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type AcquireVaultLockOptions,
  type LockClock,
  type LockFs,
  type LockHolder,
  VaultBusyError,
  VaultLockWaitCancelled,
  acquireVaultLock,
  describeLockHolder,
  vaultLockAcquirer,
  vaultLockPath,
} from '../../../server/engine/vault/vaultLock';
import { UserError } from '../../../server/engine/errors';

const HOST = 'laptop';
const NOW = Date.parse('2024-05-01T10:02:00Z');

/** A clock whose sleep advances time at once (on the next tick), so waits cost no real time. */
function fakeClock(start = NOW): LockClock & { sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(new Error('aborted'));
        sleeps.push(ms);
        setImmediate(() => {
          now += ms;
          if (signal?.aborted) reject(new Error('aborted'));
          else resolve();
        });
      }),
  };
}

/** Process `pid` on HOST: alive unless listed in `dead`. */
function as(pid: number, over: Partial<AcquireVaultLockOptions> & { dead?: number[] } = {}): AcquireVaultLockOptions {
  const dead = new Set(over.dead ?? []);
  return { holder: `vault-archiver import`, wait: false, pid, host: HOST, isProcessAlive: (p) => !dead.has(p), bootTimeMs: 0, clock: fakeClock(), ...over };
}

async function writeRecord(vault: string, record: Partial<LockHolder> & { token: string }, raw?: string): Promise<void> {
  const dir = vaultLockPath(vault);
  await fsp.mkdir(dir, { recursive: true });
  const full = { pid: 4242, host: HOST, startedAt: new Date(NOW - 60_000).toISOString(), holder: 'vault-archiver import', ...record };
  await fsp.writeFile(path.join(dir, `${record.token}.json`), raw ?? JSON.stringify(full));
}

async function holderOnDisk(vault: string): Promise<LockHolder | undefined> {
  const dir = vaultLockPath(vault);
  const names = await fsp.readdir(dir).catch(() => undefined);
  if (!names) return undefined;
  assert.equal(names.length, 1, `one record in the lock folder, found ${names.join(', ')}`);
  return JSON.parse(await fsp.readFile(path.join(dir, names[0]!), 'utf8')) as LockHolder;
}

async function leftovers(vault: string): Promise<string[]> {
  return (await fsp.readdir(path.join(vault, '.vault-archiver'))).filter((n) => n !== 'lock');
}

describe('vault lock', () => {
  let vault: string;
  beforeEach(async () => (vault = await fsp.mkdtemp(path.join(os.tmpdir(), 'va-lock-'))));
  afterEach(() => fsp.rm(vault, { recursive: true, force: true }));

  it('creates a record naming its holder and removes it on release (twice is harmless)', async () => {
    const lock = await acquireVaultLock(vault, as(100));
    const rec = await holderOnDisk(vault);
    assert.deepEqual({ pid: rec?.pid, host: rec?.host, holder: rec?.holder, startedAt: rec?.startedAt }, { pid: 100, host: HOST, holder: 'vault-archiver import', startedAt: new Date(NOW).toISOString() });
    assert.equal(rec?.token, lock.holder.token);
    await lock.release();
    await lock.release();
    assert.equal(await holderOnDisk(vault), undefined);
    assert.deepEqual(await leftovers(vault), []);
    const again = await acquireVaultLock(vault, as(101));
    await again.release();
  });

  it('refuses a second writer at once, naming the holder, and leaves nothing behind', async () => {
    const lock = await acquireVaultLock(vault, as(1234, { holder: 'vault-archiver import' }));
    await assert.rejects(acquireVaultLock(vault, as(2000, { busyAdvice: 'Wait for it to finish, or run with --wait.' })), (err: unknown) => {
      assert.ok(err instanceof VaultBusyError && err instanceof UserError);
      assert.equal(err.holder.pid, 1234);
      const since = describeLockHolder(lock.holder, NOW).match(/since (.*)\)$/)![1];
      assert.equal(err.message, `The vault is in use by vault-archiver import (pid 1234 on ${HOST}, since ${since}). Wait for it to finish, or run with --wait.`);
      assert.match(since!, /^\d\d:\d\d$/);
      return true;
    });
    assert.equal((await holderOnDisk(vault))?.pid, 1234);
    assert.deepEqual(await leftovers(vault), []);
    await lock.release();
  });

  it('takes over the lock of a process that died (same host, pid gone)', async () => {
    await writeRecord(vault, { token: 'deadbeefdeadbeef', pid: 4242 });
    const lock = await acquireVaultLock(vault, as(100, { dead: [4242] }));
    assert.equal((await holderOnDisk(vault))?.pid, 100);
    await lock.release();
  });

  it('keeps a live process\'s lock however old, unless it predates the last boot', async () => {
    await writeRecord(vault, { token: 'aaaaaaaaaaaaaaaa', pid: 4242, startedAt: new Date(NOW - 30 * 86400_000).toISOString() });
    await assert.rejects(acquireVaultLock(vault, as(100)), VaultBusyError);
    const lock = await acquireVaultLock(vault, as(100, { bootTimeMs: NOW - 3600_000 }));
    assert.equal((await holderOnDisk(vault))?.pid, 100);
    await lock.release();
  });

  it('treats a record with this process\'s pid that this process does not hold as a previous process\'s (pid 1 in a container)', async () => {
    await writeRecord(vault, { token: 'bbbbbbbbbbbbbbbb', pid: 1 });
    const lock = await acquireVaultLock(vault, as(1));
    assert.equal((await holderOnDisk(vault))?.token, lock.holder.token);
    // …but a lock this process does hold is respected.
    await assert.rejects(acquireVaultLock(vault, as(1)), VaultBusyError);
    await lock.release();
  });

  it('respects another host\'s lock until it is older than foreignStaleAfterMs', async () => {
    await writeRecord(vault, { token: 'cccccccccccccccc', pid: 4242, host: 'desktop', startedAt: new Date(NOW - 2 * 3600_000).toISOString() });
    await assert.rejects(acquireVaultLock(vault, as(100, { dead: [4242] })), (err: unknown) => err instanceof VaultBusyError && /pid 4242 on desktop/.test(err.message));
    const lock = await acquireVaultLock(vault, as(100, { foreignStaleAfterMs: 3600_000 }));
    assert.equal((await holderOnDisk(vault))?.host, HOST);
    await lock.release();
  });

  it('frees a lock folder with no record, or only stray files, and takes over an old unreadable record', async () => {
    await fsp.mkdir(path.join(vaultLockPath(vault), '.DS_Store'), { recursive: true });
    await (await acquireVaultLock(vault, as(100))).release();
    await fsp.rm(vaultLockPath(vault), { recursive: true, force: true });
    await writeRecord(vault, { token: 'dddddddddddddddd' }, '');
    const young = fakeClock(Date.now());
    await assert.rejects(acquireVaultLock(vault, as(100, { clock: young })), /unreadable lock record/);
    const later = fakeClock(Date.now() + 60_000);
    const lock = await acquireVaultLock(vault, as(100, { clock: later }));
    assert.equal((await holderOnDisk(vault))?.pid, 100);
    await lock.release();
  });

  it('says what to do when the state folder is a file', async () => {
    await fsp.writeFile(path.join(vault, '.vault-archiver'), 'x');
    await assert.rejects(acquireVaultLock(vault, as(100)), (err: unknown) => err instanceof UserError && /\.vault-archiver is not a folder/.test(err.message));
  });

  it('a release after a takeover removes nothing of the new holder\'s', async () => {
    const clock = fakeClock();
    const old = await acquireVaultLock(vault, as(100, { host: 'desktop', clock }));
    await clock.sleep(2 * 3600_000);
    const fresh = await acquireVaultLock(vault, as(200, { foreignStaleAfterMs: 3600_000, clock }));
    await old.release();
    assert.equal((await holderOnDisk(vault))?.pid, 200);
    await fresh.release();
  });

  it('a release never removes the next holder\'s lock, even one that moved in halfway through it', async () => {
    let next: Awaited<ReturnType<typeof acquireVaultLock>> | undefined;
    const fs: LockFs = {
      ...fsp,
      unlink: async (file) => {
        await fsp.unlink(file);
        next = await acquireVaultLock(vault, as(200)); // between removing our record and removing the folder
      },
    };
    const lock = await acquireVaultLock(vault, as(100, { fs }));
    await lock.release();
    assert.equal((await holderOnDisk(vault))?.token, next?.holder.token);
    await next?.release();
  });

  it('of contenders racing for one stale lock, exactly one wins; the others name the winner', async () => {
    for (let round = 0; round < 20; round++) {
      await fsp.rm(vaultLockPath(vault), { recursive: true, force: true });
      await writeRecord(vault, { token: 'eeeeeeeeeeeeeeee', pid: 4242 });
      const n = 2 + (round % 3);
      // Every contender reads the dead record before any of them acts on it.
      const fs = barrierFs(n, (file) => file.endsWith('eeeeeeeeeeeeeeee.json'));
      const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => acquireVaultLock(vault, as(100 + i, { dead: [4242], fs }))));
      const won = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof acquireVaultLock>>> => r.status === 'fulfilled');
      assert.equal(won.length, 1, `round ${round}: ${won.length} winners of ${n}`);
      const winner = won[0]!.value.holder;
      for (const r of results) {
        if (r.status === 'rejected') assert.ok(r.reason instanceof VaultBusyError && r.reason.holder.token === winner.token, String(r.reason));
      }
      assert.equal((await holderOnDisk(vault))?.token, winner.token);
      await won[0]!.value.release();
    }
  });

  it('a contender that read a stale record before another took it over never removes the new lock', async () => {
    await writeRecord(vault, { token: 'ffffffffffffffff', pid: 4242 });
    let resumeSlow!: () => void;
    const slowRead = new Promise<void>((r) => (resumeSlow = r));
    let slowHasRead!: () => void;
    const slowReady = new Promise<void>((r) => (slowHasRead = r));
    const slowFs: LockFs = {
      ...fsp,
      readFile: (async (file: string, o: never) => {
        const text = await fsp.readFile(file, o);
        if (String(file).endsWith('ffffffffffffffff.json')) {
          slowHasRead();
          await slowRead; // descheduled right after judging the record stale
        }
        return text;
      }) as LockFs['readFile'],
    };
    const slow = acquireVaultLock(vault, as(300, { dead: [4242], fs: slowFs }));
    await slowReady;
    const quick = await acquireVaultLock(vault, as(200, { dead: [4242] }));
    resumeSlow();
    await assert.rejects(slow, (err: unknown) => err instanceof VaultBusyError && err.holder.token === quick.holder.token);
    assert.equal((await holderOnDisk(vault))?.token, quick.holder.token);
    await quick.release();
  });

  it('waits for the holder (announcing it once), then takes the lock when it is released', async () => {
    const holder = await acquireVaultLock(vault, as(100));
    const seen: LockHolder[] = [];
    const clock = fakeClock();
    let polls = 0;
    const waiter = acquireVaultLock(vault, {
      ...as(200, { wait: true, pollMs: 100, maxPollMs: 400 }),
      clock: {
        now: clock.now,
        sleep: async (ms, signal) => {
          if (++polls === 5) await holder.release();
          return clock.sleep(ms, signal);
        },
      },
      onWait: (h) => seen.push(h),
    });
    const lock = await waiter;
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.pid, 100);
    assert.deepEqual(clock.sleeps, [100, 150, 225, 338, 400], 'backs off up to maxPollMs');
    assert.equal((await holderOnDisk(vault))?.pid, 200);
    await lock.release();
  });

  it('stops waiting when the signal aborts, leaving the holder\'s lock alone', async () => {
    const holder = await acquireVaultLock(vault, as(100));
    const controller = new AbortController();
    const waiter = acquireVaultLock(vault, { ...as(200, { wait: true, signal: controller.signal }), onWait: () => setTimeout(() => controller.abort(), 5) });
    await assert.rejects(waiter, (err: unknown) => err instanceof VaultLockWaitCancelled && err instanceof UserError);
    assert.equal((await holderOnDisk(vault))?.pid, 100);
    assert.deepEqual(await leftovers(vault), []);
    await assert.rejects(acquireVaultLock(vault, as(200, { wait: true, signal: AbortSignal.abort() })), VaultLockWaitCancelled);
    await holder.release();
  });

  it('keeps writers apart: many waiting contenders, never two inside at once', async () => {
    let inside = 0;
    let entries = 0;
    const realClock: LockClock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
    await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        for (let k = 0; k < 4; k++) {
          const lock = await acquireVaultLock(vault, { ...as(500 + i, { wait: true, pollMs: 1, maxPollMs: 5 }), clock: realClock });
          inside++;
          entries++;
          assert.equal(inside, 1, 'two holders at once');
          await new Promise((r) => setTimeout(r, Math.random() * 3));
          inside--;
          await lock.release();
        }
      }),
    );
    assert.equal(entries, 24);
    assert.equal(await holderOnDisk(vault), undefined);
  });

  it('binds a process\'s policy for the archive service, describing the holder as text', async () => {
    const holder = await acquireVaultLock(vault, as(100, { holder: 'VS Code (Vault Archiver)' }));
    const acquire = vaultLockAcquirer({ ...as(200), wait: true, pollMs: 1 });
    const waits: string[] = [];
    const controller = new AbortController();
    const p = acquire(vault, { signal: controller.signal, onWait: (h) => (waits.push(h), controller.abort()) });
    await assert.rejects(p, VaultLockWaitCancelled);
    assert.deepEqual(waits, [`VS Code (Vault Archiver) (pid 100 on ${HOST}, since ${describeLockHolder(holder.holder, NOW).match(/since (.*)\)$/)![1]})`]);
    await holder.release();
  });
});

/** node:fs/promises whose readFile of matching files holds every caller until `n` have read, then lets them go in a random order. */
function barrierFs(n: number, matches: (file: string) => boolean): LockFs {
  let arrived = 0;
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  return {
    ...fsp,
    readFile: (async (file: string, o: never) => {
      const text = await fsp.readFile(file, o);
      if (matches(String(file))) {
        if (++arrived === n) open();
        await gate;
        // …then they act in a different order each round.
        await new Promise((r) => setTimeout(r, Math.random() * 4));
      }
      return text;
    }) as LockFs['readFile'],
  };
}
