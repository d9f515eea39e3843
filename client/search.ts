/**
 * "Vault Archiver: Search Archive": a quick pick that asks the worker (`archive/search`) as the
 * user types and opens the note at the message chosen. The worker's index and query language
 * live in the worker; this is only the box. Formatting and type-ahead: ./searchItems.
 */
import * as vscode from 'vscode';
import { SearchRequests } from '../shared/protocol';
import { hitText, resultTitle, TypeAhead } from './searchItems';
import type { Worker } from './worker';

const LIMIT = 50;
/** JSON-RPC "method not found": a worker without a search index. */
const METHOD_NOT_FOUND = -32601;

interface HitItem extends vscode.QuickPickItem {
  readonly hit?: SearchRequests.SearchHit;
}

export interface SearchContext {
  readonly worker: () => Promise<Worker>;
  readonly vaultUri: () => vscode.Uri | undefined;
}

/** Opens the note of a hit with the message's header line selected and in the middle. */
export async function openHit(vault: vscode.Uri, hit: SearchRequests.SearchHit): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(vault, ...hit.path.split('/'));
  const at = new vscode.Position(Math.max(0, hit.line), 0);
  const editor = await vscode.window.showTextDocument(uri, { selection: new vscode.Range(at, at), preview: true });
  editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
  return editor;
}

export async function searchArchive(ctx: SearchContext, initialQuery = ''): Promise<void> {
  const vault = ctx.vaultUri();
  if (!vault) throw new Error('Open a folder first: the vault lives inside the workspace.');
  const worker = await ctx.worker();
  const pick = vscode.window.createQuickPick<HitItem>();
  pick.title = resultTitle(undefined);
  pick.placeholder = 'Words, "a phrase", pre*, in:chat, from:name, before:2024-05-01, after:…, has:photo|file|link|poll';
  // The worker has matched already: VS Code's own filter must not hide its hits (alwaysShow).
  // It still highlights the typed words it finds in the snippet; QuickPickItem has no
  // `highlights` (nor a tooltip) in the VS Code API this extension targets (^1.95), so the
  // worker's own highlights cannot be shown yet. (VS Code floats items whose label, the author, matches
  // the typed text; the worker's order holds otherwise.)
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;

  const typeAhead = new TypeAhead<SearchRequests.SearchResult>(
    (query, signal) => {
      const cts = new vscode.CancellationTokenSource();
      signal.addEventListener('abort', () => cts.cancel());
      return Promise.resolve(worker.client.sendRequest(SearchRequests.search, { query, limit: LIMIT }, cts.token)).finally(() => cts.dispose());
    },
    (_query, result) => {
      pick.title = resultTitle(result);
      pick.items = result.hits.map((hit) => ({ ...hitText(hit), alwaysShow: true, hit }));
    },
    (_query, err) => {
      const code = (err as { code?: unknown })?.code;
      const message = code === METHOD_NOT_FOUND ? 'Search is not available yet: this version of the worker has no search index.' : err instanceof Error ? err.message : String(err);
      pick.title = resultTitle(undefined);
      pick.items = [{ label: `$(warning) ${message}`, alwaysShow: true }];
    },
    (busy) => (pick.busy = busy),
  );

  const done = new Promise<void>((resolve) => {
    pick.onDidChangeValue((value) => {
      typeAhead.input(value);
      if (value.trim() === '') {
        pick.items = [];
        pick.title = resultTitle(undefined);
      }
    });
    pick.onDidAccept(() => {
      const hit = pick.selectedItems[0]?.hit;
      if (!hit) return;
      pick.hide();
      void openHit(vault, hit).then(undefined, (err: unknown) => void vscode.window.showErrorMessage(`Could not open ${hit.path}: ${err instanceof Error ? err.message : String(err)}`));
    });
    pick.onDidHide(() => {
      typeAhead.dispose();
      pick.dispose();
      resolve();
    });
  });
  pick.show();
  if (initialQuery) {
    pick.value = initialQuery;
    typeAhead.input(initialQuery);
  }
  await done;
}
