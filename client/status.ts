/**
 * The status-bar item: live metrics pushed by the worker (items/s while a job runs, then what
 * this window archived) and the worker's health, which sets the icon and background like
 * rust-analyzer's status item. Clicking it shows the full metrics.
 */
import * as vscode from 'vscode';
import type { Health, Metrics } from '../shared/types';
import { metricsTable, quotaShare, statusText } from './metricsText';

export const STATUS_ITEM_ID = 'vaultArchiver.metrics';

export class MetricsStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private metrics: Metrics | undefined;
  private health: Health = { state: 'ok' };

  constructor() {
    this.item = vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Vault Archiver Metrics';
    this.item.command = 'vaultArchiver.showMetrics';
    this.render();
  }

  /** Shown once there is a vault to speak of: the worker started (see extension.ts). */
  show(): void {
    this.item.show();
  }

  setMetrics(m: Metrics): void {
    this.metrics = m;
    this.render();
  }

  setHealth(h: Health): void {
    this.health = h;
    this.render();
  }

  private render(): void {
    const m = this.metrics;
    const icon =
      this.health.state === 'busy' ? '$(sync~spin)' : this.health.state === 'error' ? '$(error)' : this.health.state === 'warning' ? '$(warning)' : '$(archive)';
    this.item.text = `${icon} ${m ? statusText(m) : 'Vault Archiver'}`;
    // YouTube's daily quota: a warning colour from 80% spent, an error colour from 95%.
    const share = m ? (quotaShare(m) ?? 0) : 0;
    this.item.backgroundColor =
      this.health.state === 'error' || share >= 0.95
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : this.health.state === 'warning' || share >= 0.8
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    const md = new vscode.MarkdownString(undefined, true);
    if (this.health.message) md.appendMarkdown(`${this.health.message.replace(/[<>]/g, '')}\n\n`);
    md.appendMarkdown(m ? metricsTable(m) : 'Waiting for the worker…');
    md.appendMarkdown('\n\n_Click for details and throughput over time_');
    this.item.tooltip = md;
  }

  dispose(): void {
    this.item.dispose();
  }
}
