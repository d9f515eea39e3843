/**
 * New chat with "split by month over N": its layout depends on its size, which a stream tells
 * only at its end. Messages wait here (in memory, then in a file under the state folder) until the
 * count passes N (monthly) or the chat ends (one note); then they are replayed in order.
 */
import * as path from 'node:path';
import type { ExportMessage } from '../telegram-notes';
import type { VaultFs } from '../vault/vaultFs';

const SPOOL_MEMORY_CHARS = 8 << 20;

export interface SpooledMessage {
  readonly msg: ExportMessage;
  /** The message as its source wrote it (for the unchanged-message check). */
  readonly raw?: string;
  /** The topic its connector placed it in (live sync knows it); undefined: found from replies. */
  readonly topic?: { readonly id: number; readonly title: string } | null;
}

export class MonthSpool {
  private lines: string[] = [];
  private chars = 0;
  private spilled = false;
  count = 0;

  constructor(
    private readonly fs: VaultFs,
    /** The spill file; its folder is the run's scratch folder, emptied when a run starts. */
    private readonly file: string,
  ) {}

  async push(entry: SpooledMessage): Promise<void> {
    const line = JSON.stringify(entry.topic === undefined ? [entry.msg, entry.raw ?? null] : [entry.msg, entry.raw ?? null, entry.topic]);
    this.lines.push(line);
    this.chars += line.length;
    this.count++;
    if (this.chars > SPOOL_MEMORY_CHARS) await this.spill();
  }

  /** Hands every spooled message back in order, then forgets them. */
  async drain(each: (entry: SpooledMessage) => Promise<void>): Promise<void> {
    if (this.spilled) {
      this.spilled = false;
      const stream = this.fs.createReadStream(this.file, { encoding: 'utf8' });
      let rest = '';
      for await (const chunk of stream as AsyncIterable<string>) {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const l of lines) if (l) await each(decode(l));
      }
      if (rest) await each(decode(rest));
      await this.fs.rm(this.file, { force: true });
    }
    const lines = this.lines;
    this.lines = [];
    this.chars = 0;
    for (const l of lines) await each(decode(l));
  }

  /** Cancelled: nothing spooled is written (the next run reads it again from the source). */
  async discard(): Promise<void> {
    this.lines = [];
    this.chars = 0;
    if (this.spilled) await this.fs.rm(this.file, { force: true });
    this.spilled = false;
  }

  private async spill(): Promise<void> {
    await this.fs.mkdir(path.dirname(this.file), { recursive: true });
    const handle = await this.fs.open(this.file, this.spilled ? 'a' : 'w');
    try {
      await handle.write(this.lines.join('\n') + '\n');
    } finally {
      await handle.close();
    }
    this.spilled = true;
    this.lines = [];
    this.chars = 0;
  }
}

function decode(line: string): SpooledMessage {
  const [msg, raw, topic] = JSON.parse(line) as [ExportMessage, string | null, SpooledMessage['topic']];
  return { msg, raw: raw ?? undefined, topic };
}
