/**
 * Extension entry: wires the log, settings, secrets, the worker, the Sources tree, the status
 * bar and the commands. Each concern lives in its own module; this file only connects them.
 */
import * as vscode from 'vscode';
import { SourcesRequests, type ImportSummary, type SourceInfo } from '../shared/protocol';
import { FEATURES, featureContextKey, type FeatureName } from '../shared/features';
import { registerCommands } from './commands';
import { onSettingsChanged, readSettings } from './config';
import { Secrets } from './secrets';
import { MetricsView } from './metricsView';
import { MetricsStatusBar } from './status';
import { extendMarkdownIt } from './preview';
import { SourcesTreeProvider, type TreeRow } from './tree';
import { Worker } from './worker';

/** What `activate` returns: used by the integration tests and by other extensions. */
export interface VaultArchiverApi {
  readonly ready: Promise<void>;
  listSources(): Promise<SourceInfo[]>;
  lastImport(): ImportSummary | undefined;
  treeRows(): Promise<TreeRow[]>;
  /** VS Code's Markdown preview calls this (`contributes.markdown.markdownItPlugins`). */
  extendMarkdownIt: typeof extendMarkdownIt;
}

let worker: Worker | undefined;

export function activate(context: vscode.ExtensionContext): VaultArchiverApi {
  const log = vscode.window.createOutputChannel('Vault Archiver', { log: true });
  const secrets = new Secrets(context.secrets);
  const folder = vscode.workspace.workspaceFolders?.[0];
  const vaultUri = (): vscode.Uri | undefined => (folder ? vscode.Uri.joinPath(folder.uri, readSettings(folder?.uri).vaultFolder) : undefined);

  const tree = new SourcesTreeProvider(vaultUri());
  const view = vscode.window.createTreeView('vaultArchiver.sources', { treeDataProvider: tree, showCollapseAll: true });
  const status = new MetricsStatusBar();
  const metricsView = new MetricsView();
  let lastImport: ImportSummary | undefined;
  void vscode.commands.executeCommand('setContext', 'vaultArchiver.hasWorkspace', !!folder);
  for (const [name, on] of Object.entries(FEATURES)) {
    void vscode.commands.executeCommand('setContext', featureContextKey(name as FeatureName), on);
  }

  const getWorker = lazyWorker(context, log, secrets, folder, (w) => {
    status.show(); // from now on there is something to report
    return [
      w.onSourcesChanged((s) => tree.setSources(s)),
      w.onMetrics((m) => {
        status.setMetrics(m);
        metricsView.update(m);
      }),
      w.onHealth((h) => status.setHealth(h)),
    ];
  });

  const refresh = async (): Promise<void> => {
    const w = await getWorker();
    tree.setSources(await w.client.sendRequest(SourcesRequests.list));
  };

  const pushSettings = (): void => {
    tree.setVaultUri(vaultUri());
    if (!worker) return;
    // Another vault folder means other sources: reload the list once the worker has the setting.
    void worker
      .sendSettings(readSettings(folder?.uri), vscode.workspace.isTrusted)
      .then(refresh)
      .catch((err: unknown) => log.error(`Could not load the sources: ${err instanceof Error ? err.message : String(err)}`));
  };

  context.subscriptions.push(
    log,
    view,
    tree,
    status,
    metricsView,
    onSettingsChanged(pushSettings),
    vscode.workspace.onDidGrantWorkspaceTrust(pushSettings),
    ...registerCommands({
      worker: getWorker,
      secrets,
      log,
      tree,
      metricsView,
      vaultUri,
      refresh,
      onImported: (s) => (lastImport = s),
    }),
  );

  // The Markdown preview activates every extension that contributes a preview plugin, in any
  // workspace. So the worker starts on its own only where a vault already exists; elsewhere
  // when the Vault Archiver view is first shown or a command needs it.
  const load = (): Promise<void> =>
    refresh().then(
      () => undefined,
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        log.error(`Could not load the sources: ${message}`);
        status.setHealth({ state: 'error', message: `Vault Archiver: ${message}` });
      },
    );
  let loading: Promise<void> | undefined;
  const loadOnce = (): Promise<void> => (loading ??= load());
  context.subscriptions.push(view.onDidChangeVisibility((e) => void (e.visible && folder && loadOnce())));
  const stateDir = vaultUri() && vscode.Uri.joinPath(vaultUri()!, '.vault-archiver');
  const ready = !folder
    ? Promise.resolve()
    : view.visible
      ? loadOnce()
      : Promise.resolve(stateDir && vscode.workspace.fs.stat(stateDir)).then(
          (found) => (found ? loadOnce() : undefined),
          () => undefined,
        );

  return {
    ready,
    listSources: async () => (await getWorker()).client.sendRequest(SourcesRequests.list),
    lastImport: () => lastImport,
    treeRows: async () => tree.rows(),
    extendMarkdownIt,
  };
}

/**
 * Starts the worker on first use and keeps it. The worker needs a workspace folder to hold the
 * vault: without one it is not started and the view's welcome content asks for a folder instead.
 * A start that fails is not cached: the next command starts a fresh worker (after the user fixed
 * the cause).
 */
function lazyWorker(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  secrets: Secrets,
  folder: vscode.WorkspaceFolder | undefined,
  listen: (w: Worker) => vscode.Disposable[],
): () => Promise<Worker> {
  let starting: Promise<Worker> | undefined;
  return () => {
    if (!folder) return Promise.reject(new Error('Open a folder first: Vault Archiver keeps its vault inside the workspace folder.'));
    starting ??= (async () => {
      const w = new Worker(context, log, secrets, {
        workspaceRoot: folder.uri.fsPath,
        settings: readSettings(folder.uri),
        trusted: vscode.workspace.isTrusted,
      });
      const subscriptions = listen(w);
      try {
        await w.start();
      } catch (err) {
        starting = undefined;
        subscriptions.forEach((d) => d.dispose());
        w.dispose();
        await w.stop().catch(() => undefined);
        throw err;
      }
      context.subscriptions.push(w, ...subscriptions);
      worker = w;
      return w;
    })();
    return starting;
  };
}

export function deactivate(): Thenable<void> | undefined {
  const w = worker;
  worker = undefined;
  return w?.stop();
}
