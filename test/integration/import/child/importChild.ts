/**
 * Runs one import in a child process so a test can kill it with SIGKILL at a chosen moment.
 * argv: <export> <vault> <kill-after-messages>. Prints "ready <n>" once n messages were
 * processed (the parent kills it then) and "done" if it finishes first.
 */
import { defaultSettings } from '../../../../shared/types';
import { importTelegramExport } from '../../../../server/engine/connectors/telegram-export';

const [exportPath, vaultRoot, after] = process.argv.slice(2);
let processed = 0;
let told = false;
importTelegramExport({
  exportPath,
  vaultRoot,
  settings: { ...defaultSettings, mediaConcurrency: 4 },
  // small flushes: the kill lands between and inside appends, not only before a single final write
  writer: { flushBytes: 4096, durable: false },
  metrics: {
    itemsProcessed(n = 1) {
      processed += n;
      if (!told && processed >= Number(after)) {
        told = true;
        process.stdout.write(`ready ${processed}\n`);
      }
    },
    add() {},
  },
}).then(
  () => process.stdout.write('done\n'),
  (err: unknown) => {
    process.stderr.write(String(err));
    process.exit(1);
  },
);
