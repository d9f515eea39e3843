/** Reads the extension's settings into the shape the worker takes (shared `WorkerSettings`). */
import * as vscode from 'vscode';
import { defaultSettings, type WorkerSettings } from '../shared/types';

export const SECTION = 'vaultArchiver';

/** `scope`: the workspace folder holding the vault (vaultFolder is a resource-scoped setting). */
export function readSettings(scope?: vscode.Uri): WorkerSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const num = (key: string, fallback: number, min: number, max: number): number => {
    const v = c.get<number>(key, fallback);
    return Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : fallback;
  };
  return {
    vaultFolder: (c.get<string>('vaultFolder') || defaultSettings.vaultFolder).trim() || defaultSettings.vaultFolder,
    mediaConcurrency: num('concurrency.media', defaultSettings.mediaConcurrency, 1, 64),
    sourceConcurrency: num('concurrency.sources', defaultSettings.sourceConcurrency, 1, 16),
    cacheSize: num('cacheSize', defaultSettings.cacheSize, 100, 10_000_000),
    youtubeDailyQuota: num('youtube.dailyQuota', defaultSettings.youtubeDailyQuota, 1, 100_000_000),
    splitByMonthOver: num('notes.splitByMonthOver', defaultSettings.splitByMonthOver, 0, 100_000_000),
    useHardlinks: c.get<boolean>('media.useHardlinks', defaultSettings.useHardlinks),
    attachmentsFolder: (c.get<string>('notes.attachmentsFolder') || defaultSettings.attachmentsFolder).trim() || defaultSettings.attachmentsFolder,
  };
}

/** Fires `listener` when any of our settings change. */
export function onSettingsChanged(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SECTION)) listener();
  });
}
