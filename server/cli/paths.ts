/**
 * The folders a user names on the command line, checked before any work starts so that the usual
 * mistakes (a typo, an HTML export, a file where a folder belongs) get a sentence saying what to
 * do instead of whatever the engine would trip over later.
 */
import * as path from 'node:path';
import { UserError } from '../engine/errors';

/** What the checks need from the file system (node:fs/promises fits). */
export interface PathFs {
  stat(p: string): Promise<{ isDirectory(): boolean; isFile(): boolean }>;
  readdir(p: string): Promise<string[]>;
}

/** How to make an export we can read, for the end of a message. */
const EXPORT_AGAIN =
  'export again in Telegram Desktop choosing the "Machine-readable JSON" format (Settings → Advanced → Export Telegram data, or a chat\'s ⋮ → Export chat history), then give the folder it wrote.';

/**
 * The vault folder, absolute. `mustExist`: sync and status read what is there, so a folder that
 * does not exist is a typo, not an empty vault; import creates it.
 */
export async function checkVault(fs: PathFs, given: string, mustExist: boolean): Promise<string> {
  const vault = path.resolve(given);
  const st = await statOrUndefined(fs, vault);
  if (!st) {
    if (mustExist) throw new UserError(`The vault folder ${vault} does not exist. Check the path given to --vault, or import an export into it first.`);
    return vault;
  }
  if (!st.isDirectory()) throw new UserError(`${vault} is a file, not a folder. --vault names the folder the notes go to.`);
  return vault;
}

/**
 * The export to import, absolute: a folder holding result.json, or a file (result.json itself,
 * passed through as given; the reader says if it is not an export).
 */
export async function checkExport(fs: PathFs, given: string): Promise<string> {
  const input = path.resolve(given);
  const st = await statOrUndefined(fs, input);
  if (!st) throw new UserError(`${input} does not exist. Give the folder Telegram Desktop exported to (it holds result.json), or that result.json.`);
  if (!st.isDirectory()) {
    if (/\.html?$/i.test(input)) throw new UserError(htmlExport(path.dirname(input)));
    return input;
  }
  const names = await fs.readdir(input).catch(() => [] as string[]);
  if (names.includes('result.json')) return input;
  if (names.some((n) => /^messages\d*\.html$/i.test(n) || n === 'export_results.html')) throw new UserError(htmlExport(input));
  throw new UserError(`No result.json in ${input}: it is not a Telegram Desktop export folder. To make one, ${EXPORT_AGAIN}`);
}

function htmlExport(folder: string): string {
  return `${folder} is an HTML export (it holds messages.html); Vault Archiver reads the JSON format. To import these chats, ${EXPORT_AGAIN}`;
}

async function statOrUndefined(fs: PathFs, p: string): Promise<{ isDirectory(): boolean; isFile(): boolean } | undefined> {
  try {
    return await fs.stat(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'EACCES' || code === 'EPERM') throw new UserError(`${p} cannot be read: permission denied.`);
    throw err;
  }
}
