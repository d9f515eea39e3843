/**
 * Runs async work one piece at a time, in the order it was queued: the single helper behind every
 * "one at a time" rule in the engine (vault jobs, a note's writes, the sources file). A failed
 * piece rejects its own caller only; the queue goes on with the next.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  /** Queues `work`; resolves or rejects with its outcome once everything queued before has settled. */
  run<T>(work: () => Promise<T> | T): Promise<T> {
    this.pending++;
    const next = this.tail.then(work, work).finally(() => this.pending--);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Settles once everything queued so far has settled (never rejects). */
  async idle(): Promise<void> {
    await this.tail;
  }

  /** Pieces queued or running. */
  get size(): number {
    return this.pending;
  }
}
