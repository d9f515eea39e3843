/**
 * Navigation in a vault's notes: outline, links, definition, references, hovers and vault-wide
 * symbols, in vault-relative paths and 0-based line/character positions (UTF-16, as JavaScript
 * strings and LSP count). Knows nothing of LSP; server/lsp/navigation.ts translates.
 *
 * A note is read from the editor when it is open there (what the user sees, unsaved edits
 * included), else from disk. Parsed notes are kept in a small cache checked against the open
 * version or the file's mtime and size, so memory stays bounded whatever the vault's size.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { blockIdOf, linkAt, linksInNote, type NoteLink } from './links';
import { type NoteModel, parseNoteInSlices } from './noteModel';
import { outlineOf, type OutlineItem } from './outline';
import { quoteMessage } from './quote';
import { type FileIndex, fileCandidates, type Resolved, resolveLinkPath } from './resolve';
import { type NavFs, VaultFiles } from './vaultFiles';
import { VaultSymbols, type VaultSymbol } from './vaultSymbols';

export interface NavRange {
  readonly startLine: number;
  readonly startChar: number;
  readonly endLine: number;
  readonly endChar: number;
}

export interface NavLocation {
  /** Vault-relative, forward slashes. */
  readonly path: string;
  readonly range: NavRange;
}

export interface NavLink {
  readonly range: NavRange;
  /** Where the link goes; undefined until `resolveLink` for a block in another note. */
  readonly target?: NavLocation;
  /** For `resolveLink`: the note and block to find. */
  readonly pending?: { readonly path: string; readonly blockId: string };
  readonly tooltip?: string;
}

export interface OpenDocument {
  readonly text: string;
  readonly version: number;
}

export interface NotesNavigatorOptions {
  /** Absolute path of the vault folder (read on each use: the setting may change). */
  readonly vaultRoot: () => string;
  readonly fs: NavFs;
  /** The text of a note open in the editor, by vault-relative path. */
  readonly openDocument: (vaultPath: string) => OpenDocument | undefined;
  /** A link to a vault file for hovers; a file: URI unless given. */
  readonly fileLink?: (vaultPath: string) => string | undefined;
  /** The attachments folder's name (the `notes.attachmentsFolder` setting): not walked for notes. */
  readonly attachmentsFolder?: () => string;
}

const CACHED_NOTES = 8;
/** Notes longer than this are parsed for each request rather than kept. */
const MAX_CACHED_CHARS = 16_000_000;

const lineRange = (line: number, startChar = 0, endChar = 0): NavRange => ({ startLine: line, startChar, endLine: line, endChar });

export class NotesNavigator {
  private readonly files: VaultFiles;
  private readonly symbols: VaultSymbols;
  private readonly notes = new Map<string, { stamp: string; model: NoteModel }>();

  constructor(private readonly options: NotesNavigatorOptions) {
    const attachments = options.attachmentsFolder ?? (() => 'attachments');
    this.files = new VaultFiles(options.vaultRoot, options.fs, { skipFolder: (name) => name === attachments() });
    this.symbols = new VaultSymbols(options.vaultRoot, options.fs);
  }

  /** The vault-relative path of an absolute file path, or undefined outside the vault. */
  vaultPathOf(absolute: string): string | undefined {
    const rel = path.relative(this.options.vaultRoot(), absolute);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    const posix = rel.split(path.sep).join('/');
    return posix.split('/').some((seg) => seg.startsWith('.')) ? undefined : posix;
  }

  absolutePathOf(vaultPath: string): string {
    return path.join(this.options.vaultRoot(), ...vaultPath.split('/'));
  }

  /** The vault folder changed, or notes were written: re-read what is needed. */
  invalidate(): void {
    this.files.reset();
  }

  private async textOf(vaultPath: string): Promise<{ text: string; stamp: string } | undefined> {
    const open = this.options.openDocument(vaultPath);
    if (open) return { text: open.text, stamp: `open:${open.version}` };
    const abs = this.absolutePathOf(vaultPath);
    try {
      const st = await this.options.fs.stat(abs);
      if (!st.isFile()) return undefined;
      const stamp = `disk:${st.mtimeMs}:${st.size}`;
      const known = this.notes.get(vaultPath);
      if (known?.stamp === stamp) return { text: '', stamp };
      return { text: await this.options.fs.readFile(abs, 'utf8'), stamp };
    } catch {
      return undefined;
    }
  }

  /** A note's text as it is now (the editor's, else the file's); '' when it cannot be read. */
  private async rawText(vaultPath: string): Promise<string> {
    const open = this.options.openDocument(vaultPath);
    if (open) return open.text;
    return this.options.fs.readFile(this.absolutePathOf(vaultPath), 'utf8').catch(() => '');
  }

  async note(vaultPath: string): Promise<NoteModel | undefined> {
    const read = await this.textOf(vaultPath);
    if (!read) return undefined;
    const known = this.notes.get(vaultPath);
    if (known?.stamp === read.stamp) {
      this.notes.delete(vaultPath); // most recently used last
      this.notes.set(vaultPath, known);
      return known.model;
    }
    const model = await parseNoteInSlices(read.text);
    if (read.text.length <= MAX_CACHED_CHARS) {
      this.notes.set(vaultPath, { stamp: read.stamp, model });
      while (this.notes.size > CACHED_NOTES) this.notes.delete(this.notes.keys().next().value!);
    }
    return model;
  }

  async outline(vaultPath: string): Promise<OutlineItem[]> {
    const model = await this.note(vaultPath);
    return model ? outlineOf(model) : [];
  }

  /** Where a link in `fromNote` goes: the file, and the block's or heading's lines in a note. */
  /** A link's file: a note from the list, else another file where it can be (checked on disk). */
  private async resolve(linkPath: string, fromNote: string, files: FileIndex): Promise<Resolved | undefined> {
    const note = resolveLinkPath(linkPath, fromNote, files);
    if (note || /\.md$/i.test(linkPath)) return note;
    for (const candidate of fileCandidates(linkPath, fromNote, this.options.attachmentsFolder?.() ?? 'attachments')) {
      const st = await this.options.fs.stat(this.absolutePathOf(candidate)).catch(() => undefined);
      if (st?.isFile()) return { path: candidate, alternatives: [] };
    }
    return undefined;
  }

  private async targetOf(link: NoteLink, fromNote: string, files: FileIndex): Promise<NavLocation | undefined> {
    const resolved = await this.resolve(link.path, fromNote, files);
    if (!resolved) return undefined;
    if (!resolved.path.toLowerCase().endsWith('.md') || !link.fragment) return { path: resolved.path, range: lineRange(0) };
    const model = await this.note(resolved.path);
    if (!model) return undefined;
    const blockId = blockIdOf(link.fragment);
    if (blockId !== undefined) {
      const block = model.blockById(blockId);
      return block ? { path: resolved.path, range: { startLine: block.startLine, startChar: 0, endLine: block.idLine, endChar: model.lines[block.idLine]!.length } } : undefined;
    }
    const wanted = link.fragment.toLowerCase().replace(/\s+/g, ' ').trim();
    const heading = model.headings.find((h) => h.text.toLowerCase().replace(/\s+/g, ' ').trim() === wanted);
    return { path: resolved.path, range: lineRange(heading?.line ?? 0) };
  }

  async links(vaultPath: string): Promise<NavLink[]> {
    const model = await this.note(vaultPath);
    if (!model) return [];
    const files = await this.files.files();
    const out: NavLink[] = [];
    for (const link of linksInNote(model.lines)) {
      const range = lineRange(link.line, link.start, link.end);
      const resolved = await this.resolve(link.path, vaultPath, files);
      if (!resolved) continue; // not in the vault: no link rather than a broken one
      const blockId = blockIdOf(link.fragment);
      const tooltip = resolved.alternatives.length ? `${resolved.path} (also: ${resolved.alternatives.slice(0, 3).join(', ')})` : undefined;
      if (resolved.path === vaultPath || blockId === undefined) {
        const target = await this.targetOf(link, vaultPath, files);
        if (target) out.push({ range, target, tooltip });
      } else {
        // another note's block: found when the link is followed, not for every link on display
        out.push({ range, pending: { path: resolved.path, blockId }, tooltip });
      }
    }
    return out;
  }

  async resolveLink(pending: { path: string; blockId: string }): Promise<NavLocation | undefined> {
    const model = await this.note(pending.path);
    const block = model?.blockById(pending.blockId);
    if (!block) return { path: pending.path, range: lineRange(0) };
    return { path: pending.path, range: lineRange(block.startLine) };
  }

  async definition(vaultPath: string, line: number, character: number): Promise<NavLocation | undefined> {
    const model = await this.note(vaultPath);
    const link = model && linkAt(model.lines, line, character);
    if (!link) return undefined;
    return this.targetOf(link, vaultPath, await this.files.files());
  }

  /** The block a position names: a link's target block, or the block whose header or id line it is on. */
  private async blockAt(vaultPath: string, line: number, character: number): Promise<{ path: string; blockId: string } | undefined> {
    const model = await this.note(vaultPath);
    if (!model) return undefined;
    const link = linkAt(model.lines, line, character);
    if (link) {
      const blockId = blockIdOf(link.fragment);
      const resolved = resolveLinkPath(link.path, vaultPath, await this.files.files());
      return blockId !== undefined && resolved ? { path: resolved.path, blockId } : undefined;
    }
    const block = model.blockAtLine(line);
    if (block && (line === block.startLine || line === block.idLine)) return { path: vaultPath, blockId: block.id };
    return undefined;
  }

  /** Every link to the block at the position from the notes of its chat (its note's folder). */
  async references(vaultPath: string, line: number, character: number, includeDeclaration: boolean, signal?: AbortSignal): Promise<NavLocation[]> {
    const target = await this.blockAt(vaultPath, line, character);
    if (!target) return [];
    const files = await this.files.files();
    const folder = path.posix.dirname(target.path);
    const notes = files.paths.filter((p) => p.endsWith('.md') && path.posix.dirname(p) === folder);
    const out: NavLocation[] = [];
    if (includeDeclaration) {
      const model = await this.note(target.path);
      const block = model?.blockById(target.blockId);
      if (block) out.push({ path: target.path, range: lineRange(block.startLine, 0, model!.lines[block.startLine]!.length) });
    }
    const needle = `^${target.blockId}`;
    for (const note of notes) {
      if (signal?.aborted) break;
      const text = await this.rawText(note);
      if (!text.includes(needle)) continue;
      for (const link of linksInNote(text.split('\n').map((l) => l.replace(/\r$/, '')))) {
        if (blockIdOf(link.fragment) !== target.blockId) continue;
        if (resolveLinkPath(link.path, note, files)?.path !== target.path) continue;
        out.push({ path: note, range: lineRange(link.line, link.start, link.end) });
      }
    }
    return out;
  }

  async hover(vaultPath: string, line: number, character: number): Promise<{ markdown: string; range: NavRange } | undefined> {
    const model = await this.note(vaultPath);
    const link = model && linkAt(model.lines, line, character);
    const blockId = link && blockIdOf(link.fragment);
    if (!link || blockId === undefined) return undefined;
    const resolved = resolveLinkPath(link.path, vaultPath, await this.files.files());
    if (!resolved) return undefined;
    const target = resolved.path === vaultPath ? model : await this.note(resolved.path);
    const block = target?.blockById(blockId);
    if (!target || !block) return undefined;
    const where = resolved.path === vaultPath ? undefined : (target.props.topic ?? path.posix.basename(resolved.path, '.md'));
    const fileLink = this.options.fileLink ?? ((p: string) => pathToFileURL(this.absolutePathOf(p)).href);
    return { markdown: quoteMessage(target, block, { where, fileLink }), range: lineRange(line, link.start, link.end) };
  }

  async workspaceSymbols(query: string): Promise<VaultSymbol[]> {
    return this.symbols.query(await this.files.files(), query);
  }
}
