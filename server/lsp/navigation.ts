/**
 * The LSP language features for the vault's Markdown notes: outline, document links, go to
 * definition, find references, hover and workspace symbols. Each handler turns a URI into a
 * vault path, asks NotesNavigator (server/engine/notes-nav) and turns the answer back into LSP
 * types. Files outside the vault get no answer (null), so VS Code's own Markdown features are
 * all the user sees there. A failure is logged and answered with null: navigation never shows
 * error pop-ups.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type CancellationToken,
  type Connection,
  type DocumentSymbol,
  type Location,
  type Range,
  type ServerCapabilities,
  SymbolKind,
  TextDocumentSyncKind,
  type TextDocuments,
  type WorkspaceSymbol,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { NavLocation, NavRange, NotesNavigator, OutlineItem, OutlineKind, VaultSymbolKind } from '../engine/notes-nav';

/** What the worker declares in its initialize result for these features. */
export const navigationCapabilities: ServerCapabilities = {
  // Open notes come over as text (incremental), so answers follow unsaved edits; others are read from disk.
  textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
  documentSymbolProvider: { label: 'Vault Archiver' },
  documentLinkProvider: { resolveProvider: true },
  definitionProvider: true,
  referencesProvider: true,
  hoverProvider: true,
  workspaceSymbolProvider: true,
};

const OUTLINE_KINDS: Record<OutlineKind, SymbolKind> = {
  day: SymbolKind.Namespace,
  message: SymbolKind.String,
  event: SymbolKind.Event,
  chapter: SymbolKind.Key,
};

const VAULT_KINDS: Record<VaultSymbolKind, SymbolKind> = {
  chat: SymbolKind.Class,
  topic: SymbolKind.Namespace,
  channel: SymbolKind.Interface,
  video: SymbolKind.File,
};

const range = (r: NavRange): Range => ({ start: { line: r.startLine, character: r.startChar }, end: { line: r.endLine, character: r.endChar } });

function symbolOf(item: OutlineItem, lines: (line: number) => number): DocumentSymbol {
  const full: Range = { start: { line: item.startLine, character: 0 }, end: { line: item.endLine, character: lines(item.endLine) } };
  const selection: Range = { start: { line: item.selectionLine, character: 0 }, end: { line: item.selectionLine, character: lines(item.selectionLine) } };
  return { name: item.name, detail: item.detail, kind: OUTLINE_KINDS[item.kind], range: full, selectionRange: selection, children: item.children?.map((c) => symbolOf(c, lines)) };
}

export function registerNavigation(connection: Connection, documents: TextDocuments<TextDocument>, navigator: () => NotesNavigator | undefined): void {
  const uriOf = (nav: NotesNavigator, vaultPath: string): string => pathToFileURL(nav.absolutePathOf(vaultPath)).href;
  const location = (nav: NotesNavigator, l: NavLocation): Location => ({ uri: uriOf(nav, l.path), range: range(l.range) });

  /** Runs a feature for a note of the vault; null for anything else or on failure. */
  async function inVault<T>(uri: string, work: (nav: NotesNavigator, vaultPath: string) => Promise<T>): Promise<T | null> {
    const nav = navigator();
    if (!nav || !uri.startsWith('file:')) return null;
    try {
      const vaultPath = nav.vaultPathOf(fileURLToPath(uri));
      return vaultPath === undefined ? null : await work(nav, vaultPath);
    } catch (err) {
      connection.console.warn(`Navigation in ${uri}: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  }

  connection.onDocumentSymbol((p) =>
    inVault(p.textDocument.uri, async (nav, vaultPath) => {
      const model = await nav.note(vaultPath);
      if (!model) return null;
      const width = (line: number): number => model.lines[line]?.length ?? 0;
      return (await nav.outline(vaultPath)).map((item) => symbolOf(item, width));
    }),
  );

  connection.onDocumentLinks((p) =>
    inVault(p.textDocument.uri, async (nav, vaultPath) =>
      (await nav.links(vaultPath)).map((l) => ({
        range: range(l.range),
        target: l.target ? fileTarget(uriOf(nav, l.target.path), l.target.range) : undefined,
        tooltip: l.tooltip,
        data: l.pending,
      })),
    ),
  );

  connection.onDocumentLinkResolve(async (link) => {
    const nav = navigator();
    const pending = link.data as { path?: unknown; blockId?: unknown } | undefined;
    if (!nav || typeof pending?.path !== 'string' || typeof pending.blockId !== 'string') return link;
    try {
      const target = await nav.resolveLink({ path: pending.path, blockId: pending.blockId });
      return target ? { ...link, target: fileTarget(uriOf(nav, target.path), target.range) } : link;
    } catch (err) {
      connection.console.warn(`Resolving a link to ${pending.path}: ${err instanceof Error ? err.message : String(err)}`);
      return link;
    }
  });

  connection.onDefinition((p) =>
    inVault(p.textDocument.uri, async (nav, vaultPath) => {
      const target = await nav.definition(vaultPath, p.position.line, p.position.character);
      return target ? location(nav, target) : null;
    }),
  );

  connection.onReferences((p, token: CancellationToken) =>
    inVault(p.textDocument.uri, async (nav, vaultPath) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      try {
        const found = await nav.references(vaultPath, p.position.line, p.position.character, p.context.includeDeclaration, controller.signal);
        return found.map((l) => location(nav, l));
      } finally {
        sub.dispose();
      }
    }),
  );

  connection.onHover((p) =>
    inVault(p.textDocument.uri, async (nav, vaultPath) => {
      const hover = await nav.hover(vaultPath, p.position.line, p.position.character);
      return hover ? { contents: { kind: 'markdown' as const, value: hover.markdown }, range: range(hover.range) } : null;
    }),
  );

  connection.onWorkspaceSymbol(async (p): Promise<WorkspaceSymbol[]> => {
    const nav = navigator();
    if (!nav) return [];
    try {
      const found = await nav.workspaceSymbols(p.query);
      return found.map((s) => ({ name: s.name, kind: VAULT_KINDS[s.kind], containerName: s.container, location: { uri: uriOf(nav, s.path), range: range({ startLine: 0, startChar: 0, endLine: 0, endChar: 0 }) } }));
    } catch (err) {
      connection.console.warn(`Workspace symbols: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    }
  });

  documents.listen(connection);
}

/** Finds the open editor's text of a vault note, for NotesNavigator's `openDocument`. */
export function openDocumentLookup(documents: TextDocuments<TextDocument>, navigator: () => NotesNavigator | undefined) {
  return (vaultPath: string): { text: string; version: number } | undefined => {
    const nav = navigator();
    if (!nav) return undefined;
    for (const doc of documents.all()) {
      if (!doc.uri.startsWith('file:')) continue;
      if (nav.vaultPathOf(fileURLToPath(doc.uri)) === vaultPath) return { text: doc.getText(), version: doc.version };
    }
    return undefined;
  };
}

/** A file URI that opens at a line: VS Code reads `#L<line>` (1-based) on file links. */
function fileTarget(uri: string, r: NavRange): string {
  return r.startLine > 0 ? `${uri}#L${r.startLine + 1}` : uri;
}
