/**
 * Headless CLI over the same engine the extension's worker runs (built to dist/cli.js):
 *   vault-archiver import <export folder> --vault <folder>
 *   vault-archiver sync --vault <folder> [--source <id>]...
 *   vault-archiver status --vault <folder>
 *   vault-archiver login | logout            (the Telegram account, cli/login.ts)
 *   vault-archiver help | --version
 * Every mistake a user can make gets a sentence and an exit code (cli/output.ts classify); a
 * stack trace is printed only for a bug, with a line saying so.
 */
import { version } from '../package.json';
import { parseCliArgs } from './cli/args';
import { type CliStreams, Exit, Output } from './cli/output';
import { runAccountCommand } from './cli/login';
import { runVaultCommand } from './cli/run';

export { Exit };
export { parseCliArgs, UsageError } from './cli/args';

/** --json anywhere before a `--`: errors in reading the rest must already be JSON. */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

export async function main(argv: readonly string[], streams: CliStreams = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const out = new Output(wantsJson(argv), streams);
  try {
    const args = parseCliArgs(argv);
    switch (args.command) {
      case 'help':
        out.usage();
        return Exit.ok;
      case 'version':
        out.event({ event: 'version', version });
        out.line(version);
        return Exit.ok;
      case 'login':
      case 'logout':
        return await runAccountCommand(args, out);
      default:
        return await runVaultCommand(args, out);
    }
  } catch (err) {
    return out.fail(err);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      // main reports everything itself; reaching here is a bug in the reporting.
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\nThis is a bug in vault-archiver. Please report it with the lines above.\n`);
      process.exit(Exit.failed);
    },
  );
}
