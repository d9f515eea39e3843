/** Reads the extension's settings into the shape the worker takes, through the shared table. */
import * as vscode from 'vscode';
import { SETTINGS_SECTION, normalizeSettings, type WorkerSettings } from '../shared/settings';

export const SECTION = SETTINGS_SECTION;

/** `scope`: the workspace folder holding the vault (vaultFolder is a resource-scoped setting). */
export function readSettings(scope?: vscode.Uri): WorkerSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  return normalizeSettings((_field, spec) => c.get(spec.configKey));
}

/** Fires `listener` when any of our settings change. */
export function onSettingsChanged(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SECTION)) listener();
  });
}
