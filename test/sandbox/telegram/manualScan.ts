// For trying QR sign-in by hand against a running sandbox (`npm run sandbox`, standalone.ts): no phone can scan
// a sandbox code, so typing `scan` + Enter where the sandbox runs accepts the newest code waiting for a scan as
// the demo account (sb.scanLoginToken), which pushes updateLoginToken to the app showing it.
import readline from 'node:readline';
import type { TelegramSandbox } from './index';

export const QR_SCAN_HELP = 'type "scan" and Enter here to accept the newest QR login code as the demo account';

export function acceptScansFromStdin(sb: TelegramSandbox, input: NodeJS.ReadableStream = process.stdin, out: NodeJS.WritableStream = process.stdout): readline.Interface {
  const rl = readline.createInterface({ input });
  rl.on('line', (line) => {
    if (line.trim() !== 'scan') return;
    const [newest] = sb.waitingLoginTokens();
    if (!newest) return void out.write('QR: no code is waiting for a scan (start "Sign In to Telegram" with a QR code first)\n');
    try {
      sb.scanLoginToken(newest);
      out.write('QR: the newest code was scanned as the demo account\n');
    } catch (e) {
      out.write(`QR: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  });
  return rl;
}
