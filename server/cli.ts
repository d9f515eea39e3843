/**
 * Headless CLI over the same engine the extension's worker runs:
 *   vault-archiver import <export folder> --vault <folder>
 *   vault-archiver sync --vault <folder> [--source <id>]...
 *   vault-archiver status --vault <folder>
 * On a TTY it draws a progress bar; otherwise one plain line per step, or JSON lines with --json.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { formatBytes } from '../shared/format';
import { defaultSettings, type ImportSummary, type SourceInfo, type SyncSummary, type WorkerSettings } from '../shared/types';
import { ArchiveService, UserError } from './engine/archiveService';
import { createEngineParts } from './engine/parts';

/** Exit codes: what happened, for scripts. */
export const Exit = { ok: 0, failed: 1, usage: 2, warnings: 3, cancelled: 130 } as const;

const USAGE = `Usage:
  vault-archiver import <export folder> --vault <folder> [options]
      Import a Telegram Desktop export (the folder holding result.json) into the vault.
  vault-archiver sync --vault <folder> [--source <id>]...
      Fetch what is new for the vault's sources (all of them without --source).
  vault-archiver status --vault <folder>
      List the vault's sources with their item counts and last sync.

Options:
  --vault <folder>          the vault folder (created if missing)
  --json                    machine-readable output: one JSON object per line
  --hardlinks               hardlink attachments instead of copying them (same disk only)
  --split-by-month <n>      one note per month for chats with more than n messages
  --media-concurrency <n>   parallel attachment copies (default ${defaultSettings.mediaConcurrency})
  -h, --help                this help
Exit codes: 0 done, 1 failed, 2 bad usage, 3 done with warnings, 130 cancelled.`;

interface Args {
  command?: string;
  positional: string[];
  vault?: string;
  json: boolean;
  sources: string[];
  settings: Partial<{ -readonly [K in keyof WorkerSettings]: WorkerSettings[K] }>;
  help: boolean;
}

class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { positional: [], json: false, sources: [], settings: {}, help: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value.`);
    return v;
  };
  const int = (i: number, flag: string): number => {
    const n = Number(value(i, flag));
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} needs a whole number.`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    switch (a) {
      case '--vault':
        args.vault = value(i++, a);
        break;
      case '--source':
        args.sources.push(value(i++, a));
        break;
      case '--json':
        args.json = true;
        break;
      case '--hardlinks':
        args.settings.useHardlinks = true;
        break;
      case '--split-by-month':
        args.settings.splitByMonthOver = int(i++, a);
        break;
      case '--media-concurrency':
        args.settings.mediaConcurrency = Math.max(1, int(i++, a));
        break;
      case '-h':
      case '--help':
        args.help = true;
        break;
      default:
        if (a.startsWith('-')) throw new UsageError(`Unknown option ${a}.`);
        if (!args.command) args.command = a;
        else args.positional.push(a);
    }
  }
  return args;
}

interface Output {
  progress(percent: number, message: string): void;
  done(): void;
  line(text: string): void;
  json(obj: unknown): void;
}

const COMMANDS = ['import', 'sync', 'status'];

function makeOutput(json: boolean, stream: NodeJS.WriteStream = process.stdout): Output {
  const tty = !json && stream.isTTY === true;
  // A reader that goes away (`| head`) must not kill an import half-way: stop printing, keep working.
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  let lastLine = '';
  let lastDraw = 0;
  return {
    progress(percent, message) {
      const pct = Math.max(0, Math.min(100, Math.floor(percent)));
      if (json) {
        stream.write(JSON.stringify({ event: 'progress', percent: pct, message }) + '\n');
      } else if (tty) {
        const now = Date.now();
        if (now - lastDraw < 80 && pct < 100) return;
        lastDraw = now;
        const width = 30;
        const filled = Math.round((pct / 100) * width);
        const text = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${message}`;
        stream.write(`\r${text.slice(0, (stream.columns || 100) - 1).padEnd(lastLine.length)}`);
        lastLine = text;
      } else {
        // One plain line per step: a new message or each further 10%.
        const line = `${Math.floor(pct / 10) * 10}% ${message}`;
        if (line !== lastLine) stream.write(`${pct}% ${message}\n`);
        lastLine = line;
      }
    },
    done() {
      if (tty && lastLine) stream.write('\n');
      lastLine = '';
    },
    line(text) {
      if (!json) stream.write(text + '\n');
    },
    json(obj) {
      if (json) stream.write(JSON.stringify(obj) + '\n');
    },
  };
}

export async function main(argv: readonly string[], out = makeOutput(argv.includes('--json'))): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return Exit.usage;
  }
  if (args.help || !args.command) {
    (args.help ? process.stdout : process.stderr).write(USAGE + '\n');
    return args.help ? Exit.ok : Exit.usage;
  }
  if (!COMMANDS.includes(args.command)) {
    process.stderr.write(`Unknown command "${args.command}".\n\n${USAGE}\n`);
    return Exit.usage;
  }
  if (!args.vault) {
    process.stderr.write(`--vault <folder> is required: the folder the notes go to.\n\n${USAGE}\n`);
    return Exit.usage;
  }
  const vault = path.resolve(args.vault);
  const parts = createEngineParts();
  const service = new ArchiveService({
    // The CLI names the vault itself: it is its own "workspace".
    workspaceRoot: vault,
    settings: { ...defaultSettings, ...args.settings, vaultFolder: '.' },
    trusted: true,
    fs,
    importer: parts.importer,
    metrics: parts.metrics,
    events: {
      sourcesChanged: () => undefined,
      metrics: () => undefined,
      health: () => undefined,
      // Warnings are listed in the summary; only errors are worth interrupting the progress for.
      log: (level, msg) => {
        if (level === 'error') process.stderr.write(`error: ${msg}\n`);
      },
    },
  });
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(Exit.cancelled);
    process.stderr.write('\nCancelling… (press Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    switch (args.command) {
      case 'import': {
        const exportPath = args.positional[0];
        if (!exportPath) throw new UsageError('import needs the export folder: vault-archiver import <export folder> --vault <folder>');
        const summary = await service.importExport(exportPath, {
          signal: controller.signal,
          onProgress: (p, m) => out.progress(p, m),
        });
        out.done();
        printImport(summary, out);
        return summary.cancelled ? Exit.cancelled : summary.warnings.length ? Exit.warnings : Exit.ok;
      }
      case 'sync': {
        const summary = await service.sync(args.sources.length ? args.sources : undefined, {
          signal: controller.signal,
          onProgress: (p, m) => out.progress(p, m),
        });
        out.done();
        printSync(summary, out);
        return summary.cancelled ? Exit.cancelled : summary.sources.some((s) => s.error) ? Exit.failed : Exit.ok;
      }
      case 'status': {
        const sources = await service.listSources();
        printStatus(vault, sources, out);
        return Exit.ok;
      }
      default:
        throw new UsageError(`Unknown command "${args.command}".`);
    }
  } catch (err) {
    out.done();
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\n${USAGE}\n`);
      return Exit.usage;
    }
    const message = err instanceof Error ? err.message : String(err);
    out.json({ event: 'error', message });
    process.stderr.write(`error: ${message}\n`);
    if (!(err instanceof UserError) && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    return Exit.failed;
  } finally {
    process.off('SIGINT', onSigint);
    await service.shutdown();
  }
}

function printImport(s: ImportSummary, out: Output): void {
  out.json({ event: 'summary', command: 'import', ...s });
  const rate = s.elapsedMs > 0 ? Math.round((s.messagesSeen / s.elapsedMs) * 1000) : s.messagesSeen;
  out.line(s.cancelled ? 'Import cancelled; run the same command again to resume.' : 'Import finished.');
  const rows: [string, string][] = [
    ['Vault', s.vaultPath],
    ['Chats', `${s.chats}${s.topics ? ` (${s.topics} forum topics)` : ''}`],
    ['Messages', `${s.messagesWritten} new, ${s.messagesUpdated} updated, ${s.duplicatesSkipped} already archived (of ${s.messagesSeen})`],
    ['Attachments', `${s.mediaCopied} copied (${formatBytes(s.bytesCopied)}), ${s.mediaDeduplicated} duplicates stored once (${formatBytes(s.bytesSaved)} saved), ${s.mediaMissing} missing`],
    ['Notes', `${s.notesWritten} written in ${s.writeCalls} write calls`],
    ['Time', `${(s.elapsedMs / 1000).toFixed(2)} s (${rate} messages/s)`],
  ];
  for (const [k, v] of rows) out.line(`  ${k.padEnd(12)} ${v}`);
  if (s.warnings.length) {
    out.line(`  ${'Warnings'.padEnd(12)} ${s.warnings.length}:`);
    for (const w of s.warnings.slice(0, 20)) out.line(`    - ${w.source ? `${w.source}: ` : ''}${w.item !== undefined ? `message ${w.item}: ` : ''}${w.message}`);
    if (s.warnings.length > 20) out.line(`    … and ${s.warnings.length - 20} more (use --json for all)`);
  }
}

function printSync(s: SyncSummary, out: Output): void {
  out.json({ event: 'summary', command: 'sync', ...s });
  if (!s.sources.length) out.line('No sources in this vault yet. Import an export or add a source first.');
  for (const r of s.sources) out.line(`  ${r.id}: ${r.error ? `failed: ${r.error}` : `${r.itemsAdded} new`}`);
}

function printStatus(vault: string, sources: SourceInfo[], out: Output): void {
  out.json({ event: 'status', vault, sources });
  out.line(`Vault ${vault}: ${sources.length} source${sources.length === 1 ? '' : 's'}`);
  for (const s of sources) {
    out.line(`  ${s.title}  [${s.id}]  ${s.itemCount} ${s.kind === 'telegram' ? 'messages' : 'videos'}, last sync ${s.lastSyncAt ?? 'never'}`);
    for (const t of s.topics ?? []) out.line(`    # ${t.title}: ${t.itemCount} messages`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(Exit.failed);
    },
  );
}
