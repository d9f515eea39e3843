/**
 * Starts the engine worker (dist/server.js) as a separate Node process over IPC and turns its
 * notifications into VS Code events. Everything else in the client talks to the worker through
 * this class and the shared protocol; the client never imports engine code.
 */
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  SecretRequests,
  SettingsNotifications,
  StatusNotifications,
  TelegramRequests,
  emptyMetrics,
  type Health,
  type InitializationOptions,
  type Metrics,
  type SourceInfo,
  type WorkerSettings,
} from '../shared/protocol';
import type { Secrets } from './secrets';
import { answerTelegramPrompt } from './telegramCommands';

/**
 * A larger young generation for the worker process: an import allocates a few hundred bytes per
 * message that die within a block or two, and with V8's default 16 MB semi-space a 100k-message
 * import ran ~120 scavenges (about a sixth of its main-thread time, more when the machine is busy,
 * as each waits for its helper threads); with 64 MB, ~45 taking a third of that time. Costs up to
 * ~80 MB more at the peak of a big import. Only settable at start-up (v8.setFlagsFromString is too late).
 */
const WORKER_V8_FLAGS = ['--max-semi-space-size=64'];

export class Worker implements vscode.Disposable {
  readonly client: LanguageClient;
  private readonly sourcesEmitter = new vscode.EventEmitter<SourceInfo[]>();
  private readonly metricsEmitter = new vscode.EventEmitter<Metrics>();
  private readonly healthEmitter = new vscode.EventEmitter<Health>();
  private readonly progressEmitter = new vscode.EventEmitter<StatusNotifications.ProgressParams>();
  readonly onSourcesChanged = this.sourcesEmitter.event;
  readonly onMetrics = this.metricsEmitter.event;
  readonly onHealth = this.healthEmitter.event;
  readonly onProgress = this.progressEmitter.event;
  private readonly qrCodeEmitter = new vscode.EventEmitter<TelegramRequests.QrCodeParams>();
  /** A QR code of the Telegram sign-in in progress (method 'qr'). */
  readonly onTelegramQrCode = this.qrCodeEmitter.event;
  lastMetrics: Metrics = emptyMetrics;

  constructor(
    context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly secrets: Secrets,
    init: InitializationOptions,
  ) {
    const module = context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc, options: { execArgv: WORKER_V8_FLAGS } },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010', ...WORKER_V8_FLAGS] } },
    };
    const clientOptions: LanguageClientOptions = {
      // The worker's language features (outline, links, hovers…) serve the vault's Markdown notes.
      // The selector covers the workspace folder's Markdown, so a changed vault folder setting
      // needs no restart: the worker answers only for files inside the current vault.
      documentSelector: init.workspaceRoot ? [{ scheme: 'file', language: 'markdown', pattern: { baseUri: vscode.Uri.file(init.workspaceRoot).toString(), pattern: '**/*.md' } }] : [],
      outputChannel: log,
      initializationOptions: init,
    };
    this.client = new LanguageClient('vaultArchiver', 'Vault Archiver', serverOptions, clientOptions);
  }

  async start(): Promise<void> {
    this.client.onNotification(StatusNotifications.sourcesChanged, (s) => this.sourcesEmitter.fire(s));
    this.client.onNotification(StatusNotifications.metrics, (m) => {
      this.lastMetrics = m;
      this.metricsEmitter.fire(m);
    });
    this.client.onNotification(StatusNotifications.health, (h) => this.healthEmitter.fire(h));
    this.client.onNotification(StatusNotifications.progress, (p) => this.progressEmitter.fire(p));
    this.client.onRequest(SecretRequests.get, ({ name }) => this.secrets.get(name));
    // The worker made a secret (a Telegram session at sign-in) or ended one (sign-out).
    this.client.onRequest(SecretRequests.set, ({ name, value }) => (value === null ? this.secrets.delete(name) : this.secrets.set(name, value)));
    this.client.onRequest(TelegramRequests.prompt, (p, token) => answerTelegramPrompt(p, token));
    this.client.onNotification(TelegramRequests.qrCode, (c) => this.qrCodeEmitter.fire(c));
    await this.client.start();
    this.log.info('Worker started.');
  }

  sendSettings(settings: WorkerSettings, trusted: boolean): Promise<void> {
    return this.client.sendNotification(SettingsNotifications.changed, { settings, trusted });
  }

  stop(): Promise<void> {
    return this.client.stop();
  }

  dispose(): void {
    this.sourcesEmitter.dispose();
    this.metricsEmitter.dispose();
    this.healthEmitter.dispose();
    this.progressEmitter.dispose();
    this.qrCodeEmitter.dispose();
  }
}
