/**
 * Which file a link names, as Obsidian decides it. Pure: works on a list of the vault's files.
 *
 * - `[[#^m3]]` (no path): the note the link is in.
 * - `./x`, `../x`: relative to the note's folder.
 * - A path with a `/` (`Telegram/Alice Martin/Alice Martin`, as the importer writes): from the
 *   vault root; failing that, the shortest file whose path ends with it (Obsidian accepts a
 *   partial path).
 * - A bare name (`[[Alice Martin]]`, `![[photo.jpg]]`): any file of that name anywhere in the
 *   vault. When several have it: the one in the note's own folder, else the one with the
 *   shortest path (fewest folders, then fewest characters, then alphabetical), as Obsidian's
 *   "shortest path" links assume.
 *
 * Notes may be named without `.md`; names compare case-insensitively (Obsidian does, on every
 * file system).
 *
 * Other files (attachments) are not listed: a vault can hold hundreds of thousands. A link to
 * one is looked for where it can be (fileCandidates): the importer writes full paths, and
 * Obsidian puts a bare-named attachment in the vault root, the note's folder or a folder of it.
 */
import * as path from 'node:path';

export interface Resolved {
  /** Vault-relative path, forward slashes. */
  readonly path: string;
  /** Other files the name could mean (only for bare names and partial paths). */
  readonly alternatives: readonly string[];
}

export class FileIndex {
  private readonly exact = new Map<string, string>();
  private readonly names = new Map<string, string[]>();

  constructor(readonly paths: readonly string[]) {
    for (const p of paths) {
      const lower = p.toLowerCase();
      this.exact.set(lower, p);
      const name = lower.slice(lower.lastIndexOf('/') + 1);
      const list = this.names.get(name);
      if (list) list.push(p);
      else this.names.set(name, [p]);
    }
  }

  get size(): number {
    return this.paths.length;
  }

  lookup(rel: string): string | undefined {
    return this.exact.get(rel.toLowerCase());
  }

  named(name: string): readonly string[] {
    return this.names.get(name.toLowerCase()) ?? [];
  }
}

const depth = (p: string): number => p.split('/').length;

/** Orders candidates: the note's own folder first, then the shortest path. */
function rank(candidates: readonly string[], fromNote: string): string[] {
  const dir = path.posix.dirname(fromNote);
  const score = (p: string): [number, number, number] => [path.posix.dirname(p) === dir ? 0 : 1, depth(p), p.length];
  return [...candidates].sort((a, b) => {
    const sa = score(a);
    const sb = score(b);
    return sa[0] - sb[0] || sa[1] - sb[1] || sa[2] - sb[2] || (a < b ? -1 : a > b ? 1 : 0);
  });
}

function withMd(p: string): string[] {
  return /\.md$/i.test(p) ? [p] : [p, `${p}.md`];
}

function found(ranked: string[]): Resolved | undefined {
  return ranked.length ? { path: ranked[0]!, alternatives: ranked.slice(1) } : undefined;
}

/** The file `linkPath` (as written in a link in `fromNote`) names, or undefined when none. */
export function resolveLinkPath(linkPath: string, fromNote: string, files: FileIndex): Resolved | undefined {
  const written = linkPath.trim().replace(/\\/g, '/');
  if (written === '') return { path: fromNote, alternatives: [] };
  if (written.startsWith('./') || written.startsWith('../')) {
    const joined = path.posix.normalize(path.posix.join(path.posix.dirname(fromNote), written));
    if (joined.startsWith('../')) return undefined; // outside the vault
    for (const c of withMd(joined)) {
      const hit = files.lookup(c);
      if (hit) return { path: hit, alternatives: [] };
    }
    return undefined;
  }
  const p = written.replace(/^\/+/, '');
  if (p.includes('/')) {
    for (const c of withMd(p)) {
      const hit = files.lookup(c);
      if (hit) return { path: hit, alternatives: [] };
    }
    const tails = withMd(p).map((c) => '/' + c.toLowerCase());
    return found(rank(files.paths.filter((f) => tails.some((t) => f.toLowerCase().endsWith(t))), fromNote));
  }
  const candidates = withMd(p).flatMap((c) => files.named(c));
  return found(rank([...new Set(candidates)], fromNote));
}

/**
 * Where a link to a file that is not a note may point, best first: the path from the vault root
 * (or relative to the note for `./` and `../`); for a bare name, the note's folder, its
 * `attachmentsFolder`, then the vault root. Never outside the vault.
 */
export function fileCandidates(linkPath: string, fromNote: string, attachmentsFolder = 'attachments'): string[] {
  const written = linkPath.trim().replace(/\\/g, '/');
  if (written === '') return [];
  const dir = path.posix.dirname(fromNote);
  const inVault = (p: string): string | undefined => {
    const n = path.posix.normalize(p.replace(/^\/+/, ''));
    return n === '' || n === '.' || n.startsWith('../') || n === '..' ? undefined : n;
  };
  let out: (string | undefined)[];
  if (written.startsWith('./') || written.startsWith('../')) out = [inVault(path.posix.join(dir, written))];
  else if (written.replace(/^\/+/, '').includes('/')) out = [inVault(written)];
  else out = [inVault(path.posix.join(dir, written)), inVault(path.posix.join(dir, attachmentsFolder, written)), inVault(written)];
  return [...new Set(out.filter((p): p is string => p !== undefined))];
}
