/**
 * The vault folder a user names on the command line, checked before any work starts: status and
 * sync on a folder that does not exist is a typo, not an empty vault. (The export path is checked
 * by the engine, locateExport, for the extension too.)
 */
import * as path from 'node:path';
import { UserError } from '../engine/errors';

/** What the checks need from the file system (node:fs/promises fits). */
export interface PathFs {
  stat(p: string): Promise<{ isDirectory(): boolean; isFile(): boolean }>;
}

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
