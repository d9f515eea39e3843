/**
 * The YouTube quota a vault has spent today. YouTube gives a project 10,000 units a day, reset at
 * midnight Pacific time, and answers nothing once they are gone; counting them here lets a sync
 * refuse work it cannot finish and warn before the end. Kept in the vault's state folder
 * (atomic writes), so it survives restarts and is shared by VS Code and the CLI. It counts what
 * this vault spent: another tool using the same key spends from the same bucket unseen.
 */
import * as path from 'node:path';
import { writeFileAtomic } from '../../vault/atomic';
import { type VaultFs, isNotFound } from '../../vault/vaultFs';
import { QuotaExceededError } from './api';

export const DEFAULT_DAILY_QUOTA = 10_000;
/** Shares of the daily quota at which a warning is given once a day. */
export const QUOTA_WARNINGS = [0.5, 0.8, 0.95] as const;

/** Made at first use: a formatter with a time zone loads ICU's zone data, a cost every CLI
 *  command (an import too) would pay at start-up. */
let pacificDay: Intl.DateTimeFormat | undefined;

/** The quota day (YYYY-MM-DD in Pacific time) a moment belongs to. */
export function quotaDay(at: Date): string {
  pacificDay ??= new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit', day: '2-digit' });
  return pacificDay.format(at);
}

interface QuotaFile {
  readonly day: string;
  readonly used: number;
  readonly warned: number;
}

export class QuotaTracker {
  private state: QuotaFile = { day: '', used: 0, warned: 0 };

  constructor(
    private readonly file: string,
    private readonly fs: VaultFs,
    private readonly clock: () => Date = () => new Date(),
    readonly dailyLimit = DEFAULT_DAILY_QUOTA,
    private readonly onWarning: (share: number, used: number, limit: number) => void = () => undefined,
  ) {}

  async load(): Promise<void> {
    try {
      const parsed = JSON.parse(await this.fs.readFile(this.file, 'utf8')) as Partial<QuotaFile>;
      this.state = { day: String(parsed.day ?? ''), used: Number(parsed.used) || 0, warned: Number(parsed.warned) || 0 };
    } catch (err) {
      // Missing or unreadable: count from zero (the worst case is one warning too late).
      if (!isNotFound(err) && !(err instanceof SyntaxError)) throw err;
    }
    this.rollOver();
  }

  get used(): number {
    this.rollOver();
    return this.state.used;
  }

  get remaining(): number {
    return Math.max(0, this.dailyLimit - this.used);
  }

  /** Counts units spent (a request made, even one that failed: YouTube charges those too). */
  spend(units = 1): void {
    this.rollOver();
    this.state = { ...this.state, used: this.state.used + units };
    const share = this.state.used / this.dailyLimit;
    const crossed = QUOTA_WARNINGS.filter((w) => share >= w).length;
    if (crossed > this.state.warned) {
      this.state = { ...this.state, warned: crossed };
      this.onWarning(QUOTA_WARNINGS[crossed - 1]!, this.state.used, this.dailyLimit);
    }
  }

  /** Refuses, before any request, work that needs more units than are left today. */
  ensure(units: number, what: string): void {
    if (units > this.remaining) {
      throw new QuotaExceededError(
        `${what} needs about ${units} YouTube quota units and ${this.remaining} of today's ${this.dailyLimit} are left. It resets at midnight Pacific time; run the sync again after that.`,
      );
    }
  }

  async save(): Promise<void> {
    await this.fs.mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, JSON.stringify(this.state) + '\n', { fs: this.fs });
  }

  private rollOver(): void {
    const today = quotaDay(this.clock());
    if (this.state.day !== today) this.state = { day: today, used: 0, warned: 0 };
  }
}
