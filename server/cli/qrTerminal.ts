/**
 * `vault-archiver login --qr`: each QR code of the sign-in drawn on the terminal with the `qrcode`
 * library (pure JS; the same library draws the extension's code as SVG), with how to scan it. On
 * a terminal a new code replaces the old one in place; piped, codes follow one another. JSON mode
 * prints the code's link as an event instead (a script draws it); it is short-lived and only
 * signs this computer in to the account that scans it.
 */
import type { QrLoginCode } from '../engine/connectors/telegram-live/qrAuth';
import type { Output } from './output';

export const SCAN_HELP = 'Scan it with a Telegram app where you are signed in: Settings → Devices → Link Desktop Device.';

export function terminalQrShower(out: Output, now: () => number = Date.now): (code: QrLoginCode) => Promise<void> {
  let linesDrawn = 0;
  return async (code) => {
    out.event({ event: 'qr', url: code.url, expiresAt: code.expiresAt, index: code.index, of: code.of });
    if (out.json) return;
    // Loaded here: only `login --qr` pays for the library when the CLI starts.
    const { toString: drawQr } = await import('qrcode');
    const qr = (await drawQr(code.url, { type: 'terminal', small: true, errorCorrectionLevel: 'M' })).replace(/\n+$/, '');
    const seconds = Math.max(1, Math.round((code.expiresAt - now()) / 1000));
    const text = [qr, SCAN_HELP, `Code ${code.index} of ${code.of}: a new one replaces it in about ${seconds} s. Ctrl+C cancels.`].join('\n');
    // On a terminal, move up over the previous code and clear to the end: the new one takes its place.
    const erase = out.isTerminal && linesDrawn ? `\x1b[${linesDrawn}A\x1b[J` : '';
    out.line(erase + text);
    linesDrawn = text.split('\n').length;
  };
}
