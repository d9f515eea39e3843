/**
 * "Show Metrics": a read-only virtual Markdown document shown in the Markdown preview, updated
 * live as the worker pushes metrics. A virtual document has no file and cannot be edited or
 * saved, so closing it never asks to save (an untitled document did).
 */
import * as vscode from 'vscode';
import type { Metrics } from '../shared/types';
import { metricsTable } from './metricsText';
import { ThroughputHistory } from './throughput';

export const METRICS_SCHEME = 'vault-archiver';
export const METRICS_URI = vscode.Uri.from({ scheme: METRICS_SCHEME, path: '/Vault Archiver Metrics.md' });

export class MetricsView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly history = new ThroughputHistory();
  private metrics: Metrics | undefined;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(METRICS_SCHEME, this);

  update(m: Metrics, now = Date.now()): void {
    this.metrics = m;
    this.history.record(m, now);
    this.changed.fire(METRICS_URI);
  }

  provideTextDocumentContent(): string {
    const m = this.metrics;
    return [
      '# Vault Archiver metrics',
      '',
      m ? metricsTable(m) : '_The worker has not reported yet._',
      '',
      this.history.markdown(),
      '',
      `_Updated ${new Date().toLocaleTimeString()}. Figures count from when this window opened._`,
      '',
    ].join('\n');
  }

  async show(latest: Metrics): Promise<void> {
    this.update(latest);
    await vscode.commands.executeCommand('markdown.showPreview', METRICS_URI);
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
