/** Helpers for the in-host suite: the extension's test API, the workspace, the sample export. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ImportSummary, SourceInfo } from '../../../shared/types';

export { expectedChats, type ExpectedChat } from './sample';

export const EXTENSION_ID = 'vault-archiver.vault-archiver';

/** Every command the extension contributes (briefs/client-ids.md). */
export const COMMAND_IDS = [
  'vaultArchiver.addYouTubeChannel',
  'vaultArchiver.addTelegramChat',
  'vaultArchiver.signInTelegram',
  'vaultArchiver.setYouTubeApiKey',
  'vaultArchiver.setSheetsCredentials',
  'vaultArchiver.mirrorToSheet',
  'vaultArchiver.importTelegramExport',
  'vaultArchiver.syncAll',
  'vaultArchiver.syncSource',
  'vaultArchiver.cancelSync',
  'vaultArchiver.openVaultFolder',
  'vaultArchiver.showMetrics',
  'vaultArchiver.showLog',
  'vaultArchiver.removeSource',
  'vaultArchiver.openNotesFolder',
  'vaultArchiver.refresh',
  'vaultArchiver.searchArchive',
] as const;

export interface TreeRow {
  label: string;
  description?: string;
  tooltip?: string;
  /** How many rows sit directly under this one. */
  children?: number;
}

/** What `activate()` returns, for tests. */
export interface VaultArchiverApi {
  /** Resolves once the worker connection is running (`ready`; `client` in client-ids.md). */
  ready?: Promise<unknown>;
  client?: Promise<unknown>;
  listSources(): Promise<SourceInfo[]>;
  lastImport(): ImportSummary | undefined;
  treeRows(): Promise<TreeRow[]>;
}

export function extension(): vscode.Extension<VaultArchiverApi> {
  const ext = vscode.extensions.getExtension<VaultArchiverApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed in this host`);
  return ext;
}

export async function activeApi(): Promise<VaultArchiverApi> {
  const api = await extension().activate();
  if (!api) throw new Error('activate() returned no API object');
  return api;
}

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the test workbench has no workspace folder open');
  return folder.uri.fsPath;
}

export function sampleExportPath(): string {
  return process.env.VAULT_ARCHIVER_SAMPLE_EXPORT ?? path.join(extension().extensionPath, 'sample', 'telegram-export');
}

export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function markdownFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...markdownFiles(full));
    else if (entry.name.endsWith('.md')) out.push(full);
  }
  return out;
}
