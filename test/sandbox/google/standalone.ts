// Runs the Google APIs sandbox alone in the foreground and prints one line
// `SANDBOX {"youtube": {...}, "sheets": {...}}`. `npm run sandbox` (test/sandbox/main.ts) starts it
// together with the Telegram one; it can take the same fields from `sandbox.launchInfo()`.
// Usage: npx tsx test/sandbox/google/standalone.ts [--port N] [--seed demo|empty] [--daily-quota N]
import { startGoogleSandbox } from './index';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const port = arg('port');
  const quota = arg('daily-quota');
  const sandbox = await startGoogleSandbox({
    port: port ? Number(port) : 0,
    seed: arg('seed') === 'empty' ? 'empty' : 'demo',
    dailyQuota: quota ? Number(quota) : undefined,
  });
  process.stdout.write(`SANDBOX ${JSON.stringify({ ...sandbox.launchInfo(), demoIds: sandbox.demoIds })}\n`);
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
