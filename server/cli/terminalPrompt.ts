/**
 * Questions on the terminal for `login`: the question on stderr (stdout keeps the result), the
 * answer from stdin, a password without echo. Piped (no TTY), answers are read one per line, so a
 * script or a test can answer; --json prints each question as a `prompt` event on stdout instead.
 */
import * as readline from 'node:readline';
import { Writable } from 'node:stream';

export interface PromptStreams {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
}

export interface LineAsker {
  /** The answer, or null at the end of input (Ctrl-D) or on Ctrl-C. */
  ask(question: string, secret: boolean): Promise<string | null>;
  close(): void;
}

export function terminalAsker(streams: PromptStreams): LineAsker {
  let muted = false;
  // Echo goes through this stream so a password's keystrokes can be swallowed.
  const echo = new Writable({
    write(chunk, _enc, done) {
      if (!muted) streams.stderr.write(chunk);
      done();
    },
  });
  const rl = readline.createInterface({ input: streams.stdin, output: echo, terminal: streams.stdin.isTTY === true });
  const lines: string[] = [];
  const waiting: ((line: string | null) => void)[] = [];
  let ended = false;
  rl.on('line', (line) => (waiting.length ? waiting.shift()!(line) : lines.push(line)));
  const end = () => {
    ended = true;
    for (const w of waiting.splice(0)) w(null);
  };
  rl.on('close', end);
  rl.on('SIGINT', () => rl.close());
  return {
    ask(question, secret) {
      streams.stderr.write(question);
      muted = secret && streams.stdin.isTTY === true;
      return new Promise<string | null>((resolve) => {
        const take = (line: string | null) => {
          if (muted) streams.stderr.write('\n');
          muted = false;
          resolve(line);
        };
        if (lines.length) take(lines.shift()!);
        else if (ended) take(null);
        else waiting.push(take);
      });
    },
    close: () => rl.close(),
  };
}
