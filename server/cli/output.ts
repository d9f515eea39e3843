/**
 * Where the CLI's words go. Text mode: a progress bar on a terminal, one plain line per step when
 * piped, the report on stdout and problems on stderr. JSON mode (--json): one JSON object per line
 * on stdout and nothing at all on stderr, errors included, so a script reads a single stream.
 */
import { UserError } from '../engine/errors';
import { VaultLockWaitCancelled } from '../engine/vault/vaultLock';
import { USAGE, UsageError } from './args';

/** Exit codes: what happened, for scripts. */
export const Exit = { ok: 0, failed: 1, usage: 2, warnings: 3, cancelled: 130 } as const;

/** The parts of a process stream the CLI uses (tests pass fakes). */
export interface OutStream {
  write(text: string): unknown;
  on(event: 'error', listener: (err: NodeJS.ErrnoException) => void): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface CliStreams {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
}

const BUG_NOTE = 'This is a bug in vault-archiver, not a mistake of yours. Please report it with the lines above.';

export class Output {
  private readonly tty: boolean;
  private lastLine = '';
  private lastDraw = 0;
  private readonly announced = new Set<string>();

  constructor(
    readonly json: boolean,
    private readonly streams: CliStreams,
    private readonly clock: () => number = Date.now,
  ) {
    this.tty = !json && streams.stdout.isTTY === true;
    // A reader that goes away (`| head`) must not kill an import half-way: stop printing, keep working.
    for (const s of [streams.stdout, streams.stderr]) {
      s.on('error', (err) => {
        if (err.code !== 'EPIPE') throw err;
      });
    }
  }

  progress(percent: number, message: string): void {
    const pct = Math.max(0, Math.min(100, Math.floor(percent)));
    const out = this.streams.stdout;
    if (this.json) {
      out.write(JSON.stringify({ event: 'progress', percent: pct, message }) + '\n');
    } else if (this.tty) {
      const now = this.clock();
      if (now - this.lastDraw < 80 && pct < 100) return;
      this.lastDraw = now;
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      const text = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${message}`;
      out.write(`\r${text.slice(0, (out.columns || 100) - 1).padEnd(this.lastLine.length)}`);
      this.lastLine = text;
    } else {
      // One plain line per step: a new message or each further 10%.
      const step = `${Math.floor(pct / 10) * 10}% ${message}`;
      if (step !== this.lastLine) out.write(`${pct}% ${message}\n`);
      this.lastLine = step;
    }
  }

  /** Ends a progress bar's line so what follows starts on its own. */
  done(): void {
    if (this.tty && this.lastLine) this.streams.stdout.write('\n');
    this.lastLine = '';
  }

  /** Text mode on a terminal (stdout is a TTY): lines may be redrawn. */
  get isTerminal(): boolean {
    return this.tty;
  }

  /** A line of the text report (nothing in JSON mode). */
  line(text: string): void {
    if (!this.json) this.streams.stdout.write(text + '\n');
  }

  /** A JSON event (nothing in text mode). */
  event(obj: { readonly event: string } & Record<string, unknown>): void {
    if (this.json) this.streams.stdout.write(JSON.stringify(obj) + '\n');
  }

  /** Something went wrong on the way that is not the command's result (text mode: stderr). */
  problem(text: string): void {
    if (this.json) return;
    this.done();
    this.streams.stderr.write(`error: ${text}\n`);
  }

  /** Another process has the vault and we wait for it: said once per holder. */
  waiting(holder: string): void {
    if (this.announced.has(holder)) return;
    this.announced.add(holder);
    this.event({ event: 'waiting', holder });
    if (!this.json) {
      this.done();
      this.streams.stdout.write(`Waiting for ${holder}…\n`);
    }
  }

  /** The help text asked for (stdout, exit 0). */
  usage(): void {
    if (this.json) this.event({ event: 'usage', text: USAGE });
    else this.streams.stdout.write(USAGE + '\n');
  }

  /** Reports why the command stopped and returns its exit code. Stack traces only for bugs. */
  fail(err: unknown): number {
    this.done();
    const f = classify(err);
    if (this.json) {
      this.event({ event: 'error', message: f.message, exitCode: f.exitCode, ...(f.bug ? { bug: true, stack: f.stack } : {}) });
      return f.exitCode;
    }
    const e = this.streams.stderr;
    if (f.exitCode === Exit.usage) e.write(`vault-archiver: ${f.message}\n${f.showUsage ? `\n${USAGE}\n` : ''}`);
    else if (f.exitCode === Exit.cancelled) e.write(`${f.message}\n`);
    else e.write(`error: ${f.message}\n`);
    if (f.bug) e.write(`${f.stack}\n${BUG_NOTE}\n`);
    return f.exitCode;
  }
}

interface Failure {
  readonly message: string;
  readonly exitCode: number;
  readonly showUsage: boolean;
  /** Not a user's mistake nor an expected condition: show the stack and ask for a report. */
  readonly bug: boolean;
  readonly stack?: string;
}

export function classify(err: unknown): Failure {
  if (err instanceof UsageError) return { message: err.message, exitCode: Exit.usage, showUsage: err.showUsage, bug: false };
  if (err instanceof VaultLockWaitCancelled) return { message: err.message, exitCode: Exit.cancelled, showUsage: false, bug: false };
  if (err instanceof UserError) return { message: err.message, exitCode: Exit.failed, showUsage: false, bug: false };
  const message = err instanceof Error ? err.message : String(err);
  const stack = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  return { message, exitCode: Exit.failed, showUsage: false, bug: true, stack };
}
