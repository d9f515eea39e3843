/**
 * A bounded pool: at most `limit` tasks run at once, the rest wait in FIFO order. Used for media
 * hashing and copying so a chat with 10 000 attachments does not open 10 000 files at once.
 */
export class TaskPool {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`pool limit must be at least 1, got ${limit}`);
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // Hand the slot straight to the next task: `active` stays the same.
      if (next) next();
      else this.active--;
    }
  }
}
