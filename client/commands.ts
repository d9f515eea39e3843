/** Every palette and tree command. Each is a thin handler over the worker protocol. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CredentialRequests, JobRequests, MetricsRequests, SourcesRequests, type ImportSummary, type SourceInfo } from '../shared/protocol';
import { FEATURES, NOT_YET, type FeatureName } from '../shared/features';
import { runJob } from './jobs';
import type { Secrets } from './secrets';
import { importMessage, syncMessage } from './jobMessages';
import type { MetricsView } from './metricsView';
import { searchArchive } from './search';
import { SourceNode, TopicNode, type SourcesTreeProvider } from './tree';
import type { Worker } from './worker';
import { pickTelegramChat, signInTelegram, signOutTelegram } from './telegramCommands';

export interface CommandContext {
  readonly worker: () => Promise<Worker>;
  readonly secrets: Secrets;
  readonly log: vscode.LogOutputChannel;
  readonly tree: SourcesTreeProvider;
  readonly metricsView: MetricsView;
  readonly vaultUri: () => vscode.Uri | undefined;
  readonly refresh: () => Promise<void>;
  readonly onImported: (summary: ImportSummary) => void;
}

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const reg = (id: string, fn: (...args: any[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        ctx.log.error(`${id}: ${message}`);
        void vscode.window.showErrorMessage(message);
        return undefined;
      }
    });

  return [
    reg('vaultArchiver.importTelegramExport', (arg?: string | vscode.Uri) => importExport(ctx, arg)),
    reg('vaultArchiver.addYouTubeChannel', (ref?: string) => addSource(ctx, 'youtube', ref)),
    reg('vaultArchiver.addTelegramChat', (ref?: string) => addSource(ctx, 'telegram', ref)),
    reg('vaultArchiver.setYouTubeApiKey', () => setYouTubeApiKey(ctx)),
    reg('vaultArchiver.setSheetsCredentials', () => setSheetsCredentials(ctx)),
    reg('vaultArchiver.mirrorToSheet', (arg?: SourceNode | string) => mirrorToSheet(ctx, arg)),
    reg('vaultArchiver.signInTelegram', () => (FEATURES.liveTelegram ? signInTelegram(ctx) : notYet('liveTelegram'))),
    reg('vaultArchiver.signOutTelegram', () => (FEATURES.liveTelegram ? signOutTelegram(ctx) : notYet('liveTelegram'))),
    reg('vaultArchiver.syncAll', () => sync(ctx, 'all')),
    reg('vaultArchiver.syncSource', (arg?: SourceNode | string) => sync(ctx, arg ?? 'pick')),
    reg('vaultArchiver.cancelSync', async () => {
      const n = await (await ctx.worker()).client.sendRequest(JobRequests.cancelAll);
      void vscode.window.showInformationMessage(n ? `Cancelling ${n} running job${n > 1 ? 's' : ''}…` : 'Nothing is running.');
    }),
    reg('vaultArchiver.removeSource', (arg?: SourceNode | string) => removeSource(ctx, arg)),
    reg('vaultArchiver.openNotesFolder', (arg?: SourceNode | TopicNode | string) => openNotes(ctx, arg)),
    reg('vaultArchiver.openVaultFolder', () => revealVault(ctx)),
    reg('vaultArchiver.showMetrics', () => showMetrics(ctx)),
    reg('vaultArchiver.showLog', () => ctx.log.show()),
    reg('vaultArchiver.refresh', () => ctx.refresh()),
    reg('vaultArchiver.searchArchive', (query?: string) => (FEATURES.search ? searchArchive(ctx, typeof query === 'string' ? query : '') : notYet('search'))),
  ];
}

function requireTrust(): void {
  if (!vscode.workspace.isTrusted) {
    throw new Error('Vault Archiver writes into this workspace only when it is trusted. Trust the workspace (Manage Workspace Trust) and try again.');
  }
}

async function importExport(ctx: CommandContext, arg?: string | vscode.Uri): Promise<ImportSummary | undefined> {
  requireTrust();
  let folder: string | undefined = typeof arg === 'string' ? arg : arg?.fsPath;
  if (!folder) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      openLabel: 'Import This Export',
      title: 'Choose the Telegram Desktop export folder (the one with result.json)',
    });
    folder = picked?.[0]?.fsPath;
    if (!folder) return undefined;
  }
  const worker = await ctx.worker();
  const summary = await runJob(worker, `Importing ${path.basename(folder)}`, (progressId, token) =>
    worker.client.sendRequest(JobRequests.importExport, { exportPath: folder, progressId }, token),
  );
  ctx.onImported(summary);
  const text = importMessage(summary);
  const actions = ['Open Vault Folder', ...(summary.warnings.length ? ['Show Log'] : [])];
  void vscode.window.showInformationMessage(text, ...actions).then((a) => {
    if (a === 'Open Vault Folder') void revealVault(ctx);
    if (a === 'Show Log') ctx.log.show();
  });
  return summary;
}

/**
 * A command of a feature that does not work yet says so at once. The palette, menus and welcome
 * view hide these commands (see shared/features.ts); this covers keybindings and other callers.
 */
function notYet(feature: FeatureName): undefined {
  void vscode.window.showInformationMessage(NOT_YET[feature]);
  return undefined;
}

async function addSource(ctx: CommandContext, kind: 'youtube' | 'telegram', ref?: string): Promise<SourceInfo | undefined> {
  const feature = kind === 'youtube' ? 'youtube' : 'liveTelegram';
  if (!FEATURES[feature]) return notYet(feature);
  requireTrust();
  const worker = await ctx.worker();
  // Telegram: the account's chats to pick from (or a link typed into the picker).
  let value = kind === 'telegram' && ref === undefined ? await pickTelegramChat(ctx) : ref;
  if (kind === 'telegram' && value === undefined) return undefined;
  let lastError: string | undefined;
  for (;;) {
    if (value === undefined) {
      value = await vscode.window.showInputBox({
        title: kind === 'youtube' ? 'Add YouTube Channel' : 'Add Telegram Chat',
        prompt: lastError ?? (kind === 'youtube' ? 'A @handle, a channel URL, or a channel id (UC…)' : 'A @username, a t.me link, or a numeric chat id'),
        placeHolder: kind === 'youtube' ? '@handle or https://www.youtube.com/@handle' : '@channel or https://t.me/channel',
        ignoreFocusOut: true,
      });
      if (value === undefined) return undefined;
    }
    try {
      const source = await worker.client.sendRequest(SourcesRequests.add, { kind, ref: value });
      ctx.log.info(`Added ${source.title} (${source.id}).`);
      void vscode.window.showInformationMessage(`Added ${source.title}. Sync it now to archive its ${kind === 'youtube' ? 'videos' : 'messages'}?`, 'Sync Now').then((a) => {
        if (a === 'Sync Now') void vscode.commands.executeCommand('vaultArchiver.syncSource', source.id);
      });
      return source;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      if (ref !== undefined) throw err; // called with an argument (tests, other extensions): no prompt loop
      value = undefined;
    }
  }
}

async function setYouTubeApiKey(ctx: CommandContext): Promise<void> {
  if (!FEATURES.youtube) return notYet('youtube');
  const key = await vscode.window.showInputBox({
    title: 'Set YouTube API Key',
    prompt:
      'A YouTube Data API v3 key: Google Cloud Console → APIs & Services → Credentials → Create credentials → API key, in a project with "YouTube Data API v3" enabled. Kept in VS Code Secret Storage only.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim().length < 20 ? 'That is too short for an API key.' : /\s/.test(v.trim()) ? 'An API key has no spaces.' : undefined),
  });
  if (key === undefined) return;
  const worker = await ctx.worker();
  // One cheap call (1 unit) tells a typo from a key YouTube accepts, before anything is stored.
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Checking the key with YouTube…' }, () =>
    worker.client.sendRequest(CredentialRequests.checkYouTubeKey, { key: key.trim() }),
  );
  await ctx.secrets.set('youtubeApiKey', key.trim());
  ctx.log.info('YouTube API key checked with YouTube and saved in Secret Storage.');
  void vscode.window.showInformationMessage('YouTube accepted the key. It is saved in VS Code Secret Storage.');
}

async function setSheetsCredentials(ctx: CommandContext): Promise<void> {
  if (!FEATURES.youtube) return notYet('youtube');
  const kind = await vscode.window.showQuickPick(
    [
      { label: 'Service account key file (.json)', detail: 'Google Cloud Console → IAM & Admin → Service accounts → Keys → Add key (JSON). Share each spreadsheet with the account.', value: 'serviceAccount' as const },
      { label: 'OAuth client and refresh token', detail: 'For a spreadsheet of your own account: a client id, its secret and a refresh token with the Sheets scope.', value: 'oauth' as const },
    ],
    { title: 'Set Google Sheets Credentials', placeHolder: 'How Vault Archiver signs in to Google Sheets' },
  );
  if (!kind) return;
  let credentials: string;
  if (kind.value === 'serviceAccount') {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Service account key': ['json'] }, title: 'Service account key file', openLabel: 'Use This Key' });
    if (!picked?.[0]) return;
    credentials = new TextDecoder().decode(await vscode.workspace.fs.readFile(picked[0]));
  } else {
    const ask = (prompt: string, password = false) => vscode.window.showInputBox({ title: 'Set Google Sheets Credentials', prompt, password, ignoreFocusOut: true });
    const clientId = await ask('OAuth client id (…apps.googleusercontent.com)');
    if (!clientId) return;
    const clientSecret = await ask('OAuth client secret', true);
    if (!clientSecret) return;
    const refreshToken = await ask('Refresh token (with the https://www.googleapis.com/auth/spreadsheets scope)', true);
    if (!refreshToken) return;
    credentials = JSON.stringify({ kind: 'oauth', clientId: clientId.trim(), clientSecret: clientSecret.trim(), refreshToken: refreshToken.trim() });
  }
  const worker = await ctx.worker();
  const { account } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Checking the credentials with Google…' }, () =>
    worker.client.sendRequest(CredentialRequests.checkSheetsCredentials, { credentials }),
  );
  await ctx.secrets.set('googleCredentials', credentials);
  ctx.log.info('Google Sheets credentials checked and saved in Secret Storage.');
  void vscode.window.showInformationMessage(
    account ? `Google accepted the key. Share each spreadsheet with ${account} (as Editor) to mirror into it.` : 'Google accepted the credentials. They are saved in VS Code Secret Storage.',
  );
}

/**
 * Mirrors one or several YouTube channels into one spreadsheet tab (a group: one row per video,
 * told apart by the Channel column). From a channel's context menu that channel comes pre-picked.
 */
async function mirrorToSheet(ctx: CommandContext, arg?: SourceNode | string): Promise<void> {
  requireTrust();
  const youtube = ctx.tree.current.filter((s) => s.kind === 'youtube');
  if (!youtube.length) throw new Error('Add a YouTube channel first: only YouTube channels are mirrored to Google Sheets.');
  const clicked = sourceIdOf(arg);
  let ids = clicked ? [clicked] : [];
  if (youtube.length > 1 || !clicked) {
    const picked = await vscode.window.showQuickPick(
      youtube.map((s) => ({ label: s.title, description: s.sheet ? `→ ${s.sheet.sheetTitle}` : undefined, id: s.id, picked: s.id === clicked })),
      { canPickMany: true, placeHolder: 'Channels to mirror into one tab (several share it, with a Channel column)', ignoreFocusOut: true },
    );
    if (!picked?.length) return;
    ids = picked.map((p) => p.id);
  }
  const chosen = ids.map((id) => ctx.tree.current.find((s) => s.id === id)).filter((s): s is NonNullable<typeof s> => !!s);
  const worker = await ctx.worker();
  const current = chosen.find((s) => s.sheet)?.sheet;
  if (chosen.length === 1 && current) {
    const only = chosen[0]!;
    const choice = await vscode.window.showQuickPick(['Mirror into another spreadsheet or tab', 'Stop mirroring'], { placeHolder: `${only.title} is mirrored into the tab "${current.sheetTitle}"` });
    if (!choice) return;
    if (choice === 'Stop mirroring') {
      await worker.client.sendRequest(SourcesRequests.setSheet, { id: only.id, spreadsheet: null });
      void vscode.window.showInformationMessage(`${only.title} is no longer mirrored to Google Sheets (the spreadsheet keeps its rows).`);
      return;
    }
  }
  const spreadsheet = await vscode.window.showInputBox({
    title: 'Mirror to Google Sheets',
    prompt: 'The spreadsheet\'s address (https://docs.google.com/spreadsheets/d/…) or its id',
    value: current?.spreadsheetId,
    ignoreFocusOut: true,
  });
  if (!spreadsheet) return;
  const sheetTitle = await vscode.window.showInputBox({ title: 'Mirror to Google Sheets', prompt: 'The tab to write (created if missing)', value: current?.sheetTitle ?? 'Videos', ignoreFocusOut: true });
  if (sheetTitle === undefined) return;
  let tab = sheetTitle;
  for (const s of chosen) tab = (await worker.client.sendRequest(SourcesRequests.setSheet, { id: s.id, spreadsheet, sheetTitle })).sheet?.sheetTitle ?? tab;
  const what = chosen.length === 1 ? chosen[0]!.title : `${chosen.length} channels`;
  void vscode.window.showInformationMessage(`${what} will be mirrored into the tab "${tab}". Sync to fill the tab.`, 'Sync Now').then((a) => {
    if (a !== 'Sync Now') return;
    if (chosen.length === 1) void vscode.commands.executeCommand('vaultArchiver.syncSource', chosen[0]!.id);
    else void vscode.commands.executeCommand('vaultArchiver.syncAll');
  });
}

function sourceIdOf(arg: SourceNode | TopicNode | string | undefined): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg instanceof SourceNode || arg instanceof TopicNode) return arg.source.id;
  return undefined;
}

async function pickSource(ctx: CommandContext, placeHolder: string): Promise<string | undefined> {
  const items = ctx.tree.current.map((s) => ({ label: s.title, description: s.kind, id: s.id }));
  if (!items.length) throw new Error('No sources yet. Import a Telegram Desktop export or add a channel first.');
  return (await vscode.window.showQuickPick(items, { placeHolder }))?.id;
}

/** `target`: 'all', 'pick' (ask which), a tree node or a source id. */
async function sync(ctx: CommandContext, target: 'all' | 'pick' | SourceNode | string): Promise<void> {
  requireTrust();
  const worker = await ctx.worker();
  let ids: string[] | undefined;
  if (target !== 'all') {
    const id = target === 'pick' ? await pickSource(ctx, 'Source to sync') : sourceIdOf(target);
    if (!id) return;
    ids = [id];
  }
  const summary = await runJob(worker, ids ? 'Syncing source' : 'Syncing all sources', (progressId, token) =>
    worker.client.sendRequest(JobRequests.sync, { sourceIds: ids, progressId }, token),
  );
  const show = summary.sources.some((s) => s.error) ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  void show(...syncMessage(summary)).then((a) => {
    if (a === 'Import Telegram Desktop Export') void vscode.commands.executeCommand('vaultArchiver.importTelegramExport');
    if (a === 'Show Log') ctx.log.show();
  });
}

async function removeSource(ctx: CommandContext, arg?: SourceNode | string): Promise<void> {
  const id = sourceIdOf(arg) ?? (await pickSource(ctx, 'Source to remove'));
  if (!id) return;
  const source = ctx.tree.current.find((s) => s.id === id);
  const choice = await vscode.window.showWarningMessage(
    `Remove "${source?.title ?? id}" from Vault Archiver?`,
    { modal: true, detail: 'Keeping the notes only stops archiving it. Deleting also removes its notes and attachments from the vault.' },
    'Keep Notes',
    'Delete Notes',
  );
  if (!choice) return;
  await (await ctx.worker()).client.sendRequest(SourcesRequests.remove, { id, deleteNotes: choice === 'Delete Notes' });
}

async function openNotes(ctx: CommandContext, arg?: SourceNode | TopicNode | string): Promise<void> {
  const vault = ctx.vaultUri();
  if (!vault) throw new Error('Open a folder first: the vault lives inside the workspace.');
  if (arg instanceof TopicNode) {
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.joinPath(vault, ...arg.topic.notePath.split('/')));
    return;
  }
  const id = sourceIdOf(arg) ?? (await pickSource(ctx, 'Source whose notes to open'));
  const source = ctx.tree.current.find((s) => s.id === id);
  if (!source) return;
  const folder = vscode.Uri.joinPath(vault, ...source.notesPath.split('/'));
  // A chat with one note: open it; otherwise show the folder in the Explorer.
  const notes = (await vscode.workspace.fs.readDirectory(folder).then(undefined, () => [])).filter(
    ([name, type]) => type === vscode.FileType.File && name.endsWith('.md'),
  );
  if (notes.length === 1) await vscode.commands.executeCommand('vscode.open', vscode.Uri.joinPath(folder, notes[0]![0]));
  else await vscode.commands.executeCommand('revealInExplorer', folder);
}

async function revealVault(ctx: CommandContext): Promise<void> {
  const vault = ctx.vaultUri();
  if (!vault) throw new Error('Open a folder first: the vault lives inside the workspace.');
  await vscode.workspace.fs.createDirectory(vault);
  await vscode.commands.executeCommand('revealInExplorer', vault);
}

async function showMetrics(ctx: CommandContext): Promise<void> {
  await ctx.metricsView.show(await (await ctx.worker()).client.sendRequest(MetricsRequests.get));
}
