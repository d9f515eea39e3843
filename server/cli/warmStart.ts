/**
 * Imported first by cli.ts, so this runs before the rest of the bundle is evaluated: an import
 * copies its files in the media worker thread, and booting a thread takes about as long as
 * loading the CLI's own code, so the two overlap instead of the first file waiting for both.
 * Only for `vault-archiver import ...` run as a program (dist/cli.js or its `vault-archiver` link,
 * not a test importing the CLI); the command is guessed from the first word that is no option, so
 * a wrong guess only costs an idle thread that stops itself. No `require.main` here: that would
 * make this a CommonJS module, which the bundle evaluates only after everything else.
 */
import { sharedWorkerBackend } from '../engine/media/workerBackend';

const program = process.argv[1] ?? '';
if (/(^|[\\/])(cli\.js|vault-archiver(\.cmd)?)$/i.test(program) && process.argv.slice(2).find((a) => !a.startsWith('-')) === 'import') sharedWorkerBackend().warm();
