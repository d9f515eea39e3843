/**
 * `npm run sandbox`: starts the Google APIs sandbox and the Telegram data-center sandbox in the
 * foreground on 127.0.0.1, seeded with the demo data set, and prints one line
 * `SANDBOX <json>` with every address and test credential so any client can be pointed at them.
 * Typing `scan` accepts the newest Telegram QR login code (telegram/manualScan.ts). Ctrl-C stops both.
 */
import { startGoogleSandbox } from './google';
import { startTelegramSandbox, telegramSandboxInfo } from './telegram';
import { QR_SCAN_HELP, acceptScansFromStdin } from './telegram/manualScan';

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
}

async function main(): Promise<void> {
  const google = await startGoogleSandbox({ port: arg('google-port') ?? 0, seed: 'demo' });
  const telegram = await startTelegramSandbox({ port: arg('telegram-port'), seed: 'demo' });
  const info = { ...google.launchInfo(), telegram: { ...telegramSandboxInfo(telegram), qrScan: QR_SCAN_HELP } };
  process.stdout.write(`SANDBOX ${JSON.stringify(info)}\n`);
  const scans = acceptScansFromStdin(telegram);
  const stop = async () => {
    scans.close();
    await Promise.allSettled([google.close(), telegram.close()]);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
