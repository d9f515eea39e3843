// Runs the Telegram sandbox alone in the foreground and prints one line `SANDBOX {"telegram": {...}}`.
// `npm run sandbox` (Google APIs and Telegram together) should import startTelegramSandbox and
// telegramSandboxInfo instead of running this file.
// Usage: npx tsx test/sandbox/telegram/standalone.ts [--port N] [--seed demo|empty]
import { startTelegramSandbox, telegramSandboxInfo } from './index';
import { QR_SCAN_HELP, acceptScansFromStdin } from './manualScan';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const port = arg('port');
  const seed = arg('seed') === 'empty' ? 'empty' : 'demo';
  const sb = await startTelegramSandbox({ port: port ? Number(port) : undefined, seed });
  process.stdout.write(`SANDBOX ${JSON.stringify({ telegram: { ...telegramSandboxInfo(sb), qrScan: QR_SCAN_HELP } })}\n`);
  const scans = acceptScansFromStdin(sb);
  const stop = () => {
    scans.close();
    void sb.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
