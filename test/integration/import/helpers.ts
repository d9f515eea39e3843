/**
 * Helpers for the import integration tests: small hand-written exports, vault snapshots, a file
 * system that "crashes" (stops the world) after N mutating calls, and the invariants every vault
 * must satisfy after any import, finished or not.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { type WorkerSettings, defaultSettings } from '../../../shared/types';
import { parseBlocks, parseFrontmatter } from '../../../server/engine/telegram-notes';
import { type ImportOptions, importTelegramExport } from '../../../server/engine/connectors/telegram-export';
import { type VaultFs, nodeVaultFs } from '../../../server/engine/vault/vaultFs';

export const settings = (over: Partial<WorkerSettings> = {}): WorkerSettings => ({ ...defaultSettings, mediaConcurrency: 4, ...over });

export async function tempDir(prefix: string): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), `va-it-${prefix}-`));
}

export function msg(id: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const unix = 1709280000 + id * 60;
  const d = new Date(unix * 1000).toISOString().slice(0, 19);
  return { id, type: 'message', date: d, date_unixtime: String(unix), from: 'Alice', from_id: 'user1', text: `message ${id}`, text_entities: [{ type: 'plain', text: `message ${id}` }], ...extra };
}

export interface ChatSpec {
  readonly id: number;
  readonly name: string | null;
  readonly type?: string;
  readonly messages: readonly unknown[];
}

/** Writes result.json (single chat when one chat and `single`, else whole account) and media files. */
export async function writeExport(dir: string, chats: readonly ChatSpec[], opts: { single?: boolean; files?: Record<string, string | Buffer> } = {}): Promise<string> {
  await fsp.mkdir(dir, { recursive: true });
  const chatObj = (c: ChatSpec) => ({ name: c.name, type: c.type ?? 'personal_chat', id: c.id, messages: c.messages });
  const doc = opts.single ? chatObj(chats[0]) : { about: 'test', personal_information: { first_name: 'Me' }, chats: { about: 'c', list: chats.map(chatObj) }, left_chats: { about: 'l', list: [] } };
  await fsp.writeFile(path.join(dir, 'result.json'), JSON.stringify(doc, null, 1));
  for (const [rel, content] of Object.entries(opts.files ?? {})) {
    const p = path.join(dir, rel);
    await fsp.mkdir(path.dirname(p), { recursive: true });
    await fsp.writeFile(p, content);
  }
  return dir;
}

/** sha256 of every file in the vault except the engine's state, keyed by vault-relative path. */
export async function snapshot(vault: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string, rel: string) => {
    for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (r === '.vault-archiver') continue;
      if (e.isDirectory()) await walk(path.join(dir, e.name), r);
      else out[r] = createHash('sha256').update(await fsp.readFile(path.join(dir, e.name))).digest('hex');
    }
  };
  await walk(vault, '');
  return out;
}

export async function readNote(vault: string, rel: string): Promise<string> {
  return fsp.readFile(path.join(vault, ...rel.split('/')), 'utf8');
}

/** All notes of the vault (vault-relative paths). */
export async function notesOf(vault: string): Promise<string[]> {
  return Object.keys(await snapshot(vault)).filter((p) => p.endsWith('.md')).sort();
}

/**
 * What holds for any vault the importer leaves, finished, cancelled or after a rerun: every note
 * has frontmatter whose count matches its blocks, no message id appears twice in a chat, every
 * embedded attachment exists, no temp file is left behind.
 */
export async function assertVaultConsistent(vault: string, opts: { allowTemp?: boolean } = {}): Promise<{ blocks: number; ids: number }> {
  const files = Object.keys(await snapshot(vault));
  if (!opts.allowTemp) assert.deepEqual(files.filter((f) => f.endsWith('.va-tmp')), [], 'temp files left');
  const idsByChat = new Map<number, Set<number>>();
  let blocks = 0;
  let ids = 0;
  for (const f of files.filter((p) => p.endsWith('.md') && p.startsWith('Telegram/') && p.split('/').length === 3)) {
    const text = await readNote(vault, f);
    const fm = parseFrontmatter(text);
    assert.ok(fm, `${f}: frontmatter`);
    const parsed = parseBlocks(text);
    const seen = idsByChat.get(fm.meta.chatId) ?? new Set<number>();
    idsByChat.set(fm.meta.chatId, seen);
    let count = 0;
    for (const b of parsed) {
      for (const id of b.ids) {
        assert.ok(!seen.has(id), `${f}: message ${id} appears twice in chat ${fm.meta.chatId}`);
        seen.add(id);
        count++;
      }
    }
    assert.equal(fm.meta.messageCount, count, `${f}: message_count`);
    const last = parsed.at(-1);
    assert.equal(text.slice(last ? last.end : fm.end).trim(), '', `${f}: nothing after the last block`);
    for (const m of text.matchAll(/!\[\[([^\]|#]+)/g)) assert.ok(files.includes(m[1]), `${f}: embed ${m[1]} exists`);
    blocks += parsed.length;
    ids += count;
  }
  return { blocks, ids };
}

export async function runImport(exportPath: string, vaultRoot: string, over: Partial<ImportOptions> = {}) {
  return importTelegramExport({ exportPath, vaultRoot, settings: settings(), writer: { durable: false, ...over.writer }, ...over });
}

/**
 * node:fs where, from the Nth mutating call on, the world stops: the call never completes (a
 * write first lands half its bytes, like a write torn by a crash). The importer is then abandoned
 * mid-flight, exactly as a killed process would leave the disk.
 */
export function crashingFs(afterOps: number): { fs: VaultFs; crashed: () => boolean; ops: () => number; quiesce: () => Promise<void> } {
  let ops = 0;
  let crashed = false;
  let inflight = 0;
  const handles = new Set<Awaited<ReturnType<typeof fsp.open>>>();
  const never = () => new Promise<never>(() => undefined);
  /** Runs a real call, counted so the test can wait for calls started before the crash. */
  const track = async <R>(run: () => Promise<R>): Promise<R> => {
    inflight++;
    try {
      return await run();
    } finally {
      inflight--;
    }
  };
  const step = (): boolean => {
    if (crashed) return false;
    if (++ops >= afterOps) {
      crashed = true;
      return false;
    }
    return true;
  };
  const gate =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    (...a: A): Promise<R> =>
      step() ? track(() => f(...a)) : never();
  const wrapHandle = (h: Awaited<ReturnType<typeof fsp.open>>) =>
    new Proxy(h, {
      get(target, prop) {
        if (prop === 'write') {
          return async (buf: Uint8Array, off = 0, len = buf.length - off, pos: number | null = null) => {
            if (step()) return track(() => target.write(buf, off, len, pos));
            // torn: half of it reaches the disk
            const half = Math.floor(len / 2);
            if (half > 0) await track(() => target.write(buf, off, half, pos));
            return never();
          };
        }
        if (prop === 'truncate') return gate(target.truncate.bind(target));
        const v = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  const fs: VaultFs = {
    ...nodeVaultFs,
    open: (async (p: string, flags?: string) => {
      const writing = flags !== undefined && flags !== 'r';
      if (writing && !step()) return never();
      if (crashed) return never();
      const h = await track(() => fsp.open(p, flags));
      handles.add(h);
      return wrapHandle(h);
    }) as VaultFs['open'],
    writeFile: gate(nodeVaultFs.writeFile) as VaultFs['writeFile'],
    rename: gate(nodeVaultFs.rename) as VaultFs['rename'],
    unlink: gate(nodeVaultFs.unlink) as VaultFs['unlink'],
    mkdir: gate(nodeVaultFs.mkdir) as VaultFs['mkdir'],
    copyFile: gate(nodeVaultFs.copyFile) as VaultFs['copyFile'],
    link: gate(nodeVaultFs.link) as VaultFs['link'],
    rm: gate(nodeVaultFs.rm) as VaultFs['rm'],
    rmdir: gate(nodeVaultFs.rmdir) as VaultFs['rmdir'],
    truncate: gate(nodeVaultFs.truncate) as VaultFs['truncate'],
  };
  /** Waits for calls started before the crash, then closes what the frozen run left open. */
  const quiesce = async () => {
    while (inflight > 0) await new Promise((r) => setTimeout(r, 2));
    for (const h of handles) await h.close().catch(() => undefined);
  };
  return { fs, crashed: () => crashed, ops: () => ops, quiesce };
}

/** Resolves when `p` settles or after `ms`, whichever is first (for imports frozen by a crash). */
export async function settleWithin<T>(p: Promise<T>, ms: number): Promise<{ done: boolean; value?: T; error?: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ done: false }>((r) => (timer = setTimeout(() => r({ done: false }), ms)));
  try {
    return await Promise.race([p.then((value) => ({ done: true, value }), (error: unknown) => ({ done: true, error })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** node:fs whose mutating calls fail with ENOSPC from the Nth on (a full disk): the import must
 *  fail cleanly, and a later run must repair what it left. */
export function failingFs(afterOps: number): VaultFs {
  let ops = 0;
  const fail = () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
  const gate =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    (...a: A): Promise<R> =>
      ++ops >= afterOps ? fail() : f(...a);
  return {
    ...nodeVaultFs,
    open: (async (p: string, flags?: string) => {
      const h = await (flags !== undefined && flags !== 'r' ? gate(fsp.open)(p, flags) : fsp.open(p, flags));
      return new Proxy(h, {
        get(target, prop) {
          if (prop === 'write') return gate(target.write.bind(target) as (...a: unknown[]) => Promise<unknown>);
          const v = Reflect.get(target, prop);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    }) as VaultFs['open'],
    rename: gate(nodeVaultFs.rename) as VaultFs['rename'],
    copyFile: gate(nodeVaultFs.copyFile) as VaultFs['copyFile'],
    mkdir: gate(nodeVaultFs.mkdir) as VaultFs['mkdir'],
    truncate: gate(nodeVaultFs.truncate) as VaultFs['truncate'],
  };
}
