import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { locateExport } from '../../../server/engine/connectors/telegram-export/importer';
import { UserError } from '../../../server/engine/errors';

function userError(message: RegExp) {
  return (err: unknown) => err instanceof UserError && message.test(err.message);
}

/** The one check of the path a user gives to import (the CLI and the extension). */
describe('locateExport', () => {
  let dir: string;
  beforeEach(async () => (dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'va-locate-'))));
  afterEach(() => fsp.rm(dir, { recursive: true, force: true }));

  it('an export is a folder with result.json, or a file passed through as given', async () => {
    await fsp.writeFile(path.join(dir, 'result.json'), '{}');
    assert.equal((await locateExport(fsp, dir)).exportRoot, dir);
    assert.equal((await locateExport(fsp, path.join(dir, 'result.json'))).resultFile, path.join(dir, 'result.json'));
  });

  it('an HTML export, a folder without result.json and a missing path each say what to do', async () => {
    await fsp.writeFile(path.join(dir, 'messages.html'), '<html>');
    await assert.rejects(locateExport(fsp, dir), userError(/is an HTML export \(it holds messages\.html\).*"Machine-readable JSON"/));
    await assert.rejects(locateExport(fsp, path.join(dir, 'messages.html')), userError(/is an HTML export/));
    await fsp.rm(path.join(dir, 'messages.html'));
    await assert.rejects(locateExport(fsp, dir), userError(/No result\.json in .*: it is not a Telegram Desktop export folder/));
    await assert.rejects(locateExport(fsp, path.join(dir, 'nope')), userError(/nope does not exist/));
  });
});
