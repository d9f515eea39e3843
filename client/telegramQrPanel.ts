/**
 * The editor tab that shows Telegram's sign-in QR code (core.telegram.org/api/qr-login) with how
 * to scan it. The worker sends a new code before the old one expires (archive/telegramQrCode);
 * each replaces the picture. The SVG is drawn here by the `qrcode` library (pure JS), inline in a
 * webview without scripts (the content security policy allows inline styles only). Closing the
 * tab cancels the sign-in; the command closes it when the sign-in ends either way. The code's
 * link never goes to the log.
 */
import * as vscode from 'vscode';
import type { TelegramRequests } from '../shared/protocol';

export const QR_PANEL_TYPE = 'vaultArchiver.telegramQr';

/** The panel of the sign-in in progress (one at a time), so the password prompt can say the code was scanned. */
const open = new Set<TelegramQrPanel>();

export class TelegramQrPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly closedByUser = new vscode.EventEmitter<void>();
  /** The user closed the tab (not the command): the sign-in is to be cancelled. */
  readonly onDidCloseByUser = this.closedByUser.event;
  private disposing = false;
  private drawn = 0;

  constructor() {
    this.panel = vscode.window.createWebviewPanel(QR_PANEL_TYPE, 'Sign In to Telegram', vscode.ViewColumn.Active, { enableScripts: false, enableFindWidget: false });
    this.panel.webview.html = page('<p class="wait">Asking Telegram for a QR code…</p>');
    this.panel.onDidDispose(() => {
      open.delete(this);
      if (!this.disposing) this.closedByUser.fire();
      this.closedByUser.dispose();
    });
    open.add(this);
  }

  /** Shows a code, replacing the previous one. Codes drawn out of order (a slow draw) are dropped. */
  async show(code: TelegramRequests.QrCodeParams): Promise<void> {
    // Loaded on first use: activating the extension does not pay for the library.
    const { toString: drawQr } = await import('qrcode');
    const svg = await drawQr(code.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#000000', light: '#ffffff' } });
    if (this.disposing || code.index < this.drawn) return;
    this.drawn = code.index;
    const seconds = Math.max(1, Math.round((code.expiresAt - Date.now()) / 1000));
    this.panel.webview.html = page(`
      <div class="qr" role="img" aria-label="Telegram sign-in QR code">${svg}</div>
      <ol>
        <li>Open Telegram on your phone (or another device where you are signed in).</li>
        <li>Go to <b>Settings → Devices → Link Desktop Device</b>.</li>
        <li>Point it at this code.</li>
      </ol>
      <p class="note">Code ${code.index} of ${code.of}. A new code replaces it in about ${seconds} s, before it expires. Close this tab to cancel.</p>`);
  }

  /** The code was scanned and Telegram asks for the two-step verification password. */
  showScanned(): void {
    if (this.disposing) return;
    this.panel.webview.html = page('<p class="done">✓ Code scanned.</p><p>This account has two-step verification: type its password in the box at the top of the window.</p>');
  }

  dispose(): void {
    if (this.disposing) return;
    this.disposing = true;
    this.panel.dispose();
  }
}

/** Called when the worker asks for the password: the QR tab, if one is open, says the code was scanned. */
export function noteQrScanned(): void {
  for (const panel of open) panel.showScanned();
}

function page(body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;">
<style>
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 24px; max-width: 560px; }
  h1 { font-size: 1.4em; font-weight: 600; }
  .qr { background: #fff; width: 280px; height: 280px; padding: 8px; border-radius: 8px; }
  .qr svg { width: 100%; height: 100%; display: block; }
  ol { line-height: 1.7; padding-left: 1.4em; }
  .note, .wait { color: var(--vscode-descriptionForeground); }
  .done { font-size: 1.2em; }
</style></head>
<body><h1>Sign in to Telegram with a QR code</h1>${body}</body></html>`;
}
