/**
 * Where a document's vault starts: the nearest folder above it that holds `.obsidian/` (an
 * Obsidian vault) or `.vault-archiver/` (a vault this extension or its CLI wrote). Node's file
 * system only, no `vscode`, so it is unit-tested on a real vault.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DocumentRef } from './obsidian';

const MARKERS = ['.obsidian', '.vault-archiver'];

/**
 * How many folders above the document's folder its vault root is (0: its own folder), or
 * undefined for a document in no vault or not on disk (untitled, git, remote file systems).
 * Not cached: a few `stat`s per render, and a vault made a moment ago is seen at once.
 */
export function vaultDepth(doc: DocumentRef): number | undefined {
  if (doc.scheme !== undefined && doc.scheme !== 'file') return undefined;
  const file = doc.fsPath ?? doc.path;
  if (!file || !path.isAbsolute(file)) return undefined;
  let dir = path.dirname(file);
  for (let depth = 0; ; depth++) {
    if (MARKERS.some((m) => isDirectory(path.join(dir, m)))) return depth;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
