/**
 * The vault's notes (`.md` files) for link resolution and workspace symbols, kept fresh without
 * walking the vault per request: the first request waits for one walk; later ones get the list
 * at hand at once and, when it is older than `maxAgeMs`, start one walk in the background (never
 * two at a time). Only note paths are kept (a few dozen bytes a note); attachments folders are
 * not walked and other files are not listed (links to them are checked one by one). Dot folders
 * (`.vault-archiver`, `.obsidian`, `.git`) are not part of the vault's notes.
 */
import * as path from 'node:path';
import { FileIndex } from './resolve';

export interface DirEntry {
  readonly name: string;
  isDirectory(): boolean;
  isFile(): boolean;
}

/** The file system calls navigation needs (node:fs/promises fits). */
export interface NavFs {
  readdir(dir: string, options: { withFileTypes: true }): Promise<DirEntry[]>;
  stat(file: string): Promise<{ mtimeMs: number; size: number; isFile(): boolean }>;
  readFile(file: string, encoding: 'utf8'): Promise<string>;
  open(file: string, flags: 'r'): Promise<{ read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>; close(): Promise<void> }>;
}

export interface VaultFilesOptions {
  readonly maxAgeMs?: number;
  /** Folders not walked (they hold attachments, not notes); read on each walk. */
  readonly skipFolder?: (name: string) => boolean;
  readonly now?: () => number;
}

export class VaultFiles {
  private index: FileIndex | undefined;
  private walkedAt = 0;
  private walkedRoot: string | undefined;
  private walking: Promise<FileIndex> | undefined;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly skipFolder: (name: string) => boolean;

  constructor(
    private readonly root: () => string,
    private readonly fs: NavFs,
    options: VaultFilesOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 5_000;
    this.now = options.now ?? Date.now;
    this.skipFolder = options.skipFolder ?? (() => false);
  }

  /** The file list: fresh on first use, then at most `maxAgeMs` old plus one walk. */
  async files(): Promise<FileIndex> {
    if (this.walkedRoot !== this.root()) this.reset(); // the vault folder setting changed
    if (!this.index) return this.walk();
    if (this.now() - this.walkedAt > this.maxAgeMs) void this.walk().catch(() => undefined);
    return this.index;
  }

  /** Forgets the list (the vault folder changed, or an import wrote notes). */
  invalidate(): void {
    this.walkedAt = 0;
  }

  reset(): void {
    this.index = undefined;
    this.walkedAt = 0;
    this.walkedRoot = undefined;
  }

  private walk(): Promise<FileIndex> {
    this.walking ??= (async () => {
      const started = this.now();
      const root = this.root();
      try {
        const index = new FileIndex(await this.list(root));
        if (root !== this.root()) return index; // answered for the old vault; not kept
        this.index = index;
        this.walkedAt = started;
        this.walkedRoot = root;
        return index;
      } finally {
        this.walking = undefined;
      }
    })();
    return this.walking;
  }

  private async list(root: string): Promise<string[]> {
    const out: string[] = [];
    const pending = [''];
    while (pending.length) {
      const rel = pending.pop()!;
      let entries: DirEntry[];
      try {
        entries = await this.fs.readdir(rel ? path.join(root, rel) : root, { withFileTypes: true });
      } catch {
        continue; // gone meanwhile, or no vault yet
      }
      for (const e of entries) {
        if (e.name.startsWith('.')) continue;
        const child = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (!this.skipFolder(e.name)) pending.push(child);
        } else if (e.isFile() && e.name.toLowerCase().endsWith('.md')) out.push(child);
      }
    }
    return out.sort();
  }
}

/** The first `bytes` of a file as text (a partial character at the end is dropped). */
export async function readHead(fs: NavFs, file: string, bytes: number): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = new Uint8Array(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return new TextDecoder('utf-8', { fatal: false }).decode(buffer.subarray(0, bytesRead)).replace(/\uFFFD$/, '');
  } finally {
    await handle.close();
  }
}
