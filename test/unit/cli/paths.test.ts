import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkVault } from '../../../server/cli/paths';
import { UserError } from '../../../server/engine/errors';

function userError(message: RegExp) {
  return (err: unknown) => err instanceof UserError && message.test(err.message);
}

describe('CLI folder checks', () => {
  let dir: string;
  beforeEach(async () => (dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'va-cli-paths-'))));
  afterEach(() => fsp.rm(dir, { recursive: true, force: true }));

  it('a vault that does not exist is fine to import into, a typo for status and sync', async () => {
    const missing = path.join(dir, 'typo');
    assert.equal(await checkVault(fsp, missing, false), missing);
    await assert.rejects(checkVault(fsp, missing, true), userError(/The vault folder .*typo does not exist/));
    assert.equal(await checkVault(fsp, dir, true), dir);
  });

  it('a vault that is a file is refused', async () => {
    const file = path.join(dir, 'notes.txt');
    await fsp.writeFile(file, 'x');
    await assert.rejects(checkVault(fsp, file, false), userError(/notes\.txt is a file, not a folder/));
  });
});
