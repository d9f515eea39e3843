/** An in-memory NavFs: a vault as a map of paths to texts, with mtimes that move on write. */
import * as path from 'node:path';
import type { NavFs } from '../../../server/engine/notes-nav';

export class MemoryVault implements NavFs {
  readonly files = new Map<string, { text: string; mtimeMs: number }>();
  reads: string[] = [];
  /** Folders read with readdir. */
  listed: string[] = [];
  private clock = 1;

  constructor(readonly root = '/vault') {}

  write(rel: string, text: string): void {
    this.files.set(path.posix.join(this.root, rel), { text, mtimeMs: this.clock++ });
  }

  async readdir(dir: string): Promise<{ name: string; isDirectory(): boolean; isFile(): boolean }[]> {
    this.listed.push(dir);
    const prefix = dir.endsWith('/') ? dir : dir + '/';
    const names = new Map<string, boolean>();
    for (const f of this.files.keys()) {
      if (!f.startsWith(prefix)) continue;
      const rest = f.slice(prefix.length);
      const slash = rest.indexOf('/');
      names.set(slash < 0 ? rest : rest.slice(0, slash), slash >= 0);
    }
    if (!names.size) throw Object.assign(new Error(`ENOENT ${dir}`), { code: 'ENOENT' });
    return [...names].map(([name, isDir]) => ({ name, isDirectory: () => isDir, isFile: () => !isDir }));
  }

  private get(file: string): { text: string; mtimeMs: number } {
    const f = this.files.get(file);
    if (!f) throw Object.assign(new Error(`ENOENT ${file}`), { code: 'ENOENT' });
    return f;
  }

  async stat(file: string): Promise<{ mtimeMs: number; size: number; isFile(): boolean }> {
    const f = this.get(file);
    return { mtimeMs: f.mtimeMs, size: Buffer.byteLength(f.text), isFile: () => true };
  }

  async readFile(file: string): Promise<string> {
    this.reads.push(path.posix.relative(this.root, file));
    return this.get(file).text;
  }

  async open(file: string) {
    const bytes = Buffer.from(this.get(file).text);
    this.reads.push(`head:${path.posix.relative(this.root, file)}`);
    return {
      async read(buffer: Uint8Array, offset: number, length: number, position: number) {
        const n = bytes.copy(buffer, offset, position, position + length);
        return { bytesRead: n };
      },
      async close() {},
    };
  }
}
