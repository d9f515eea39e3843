import assert from 'node:assert/strict';
import { parseArgs } from '../../../server/cli';

describe('CLI arguments', () => {
  it('reads a command, its folder and options in any order', () => {
    const a = parseArgs(['--vault', 'v', 'import', 'exp', '--json', '--hardlinks', '--split-by-month', '5000']);
    assert.equal(a.command, 'import');
    assert.deepEqual(a.positional, ['exp']);
    assert.equal(a.vault, 'v');
    assert.equal(a.json, true);
    assert.deepEqual(a.settings, { useHardlinks: true, splitByMonthOver: 5000 });
  });
  it('collects repeated --source', () => {
    assert.deepEqual(parseArgs(['sync', '--vault', 'v', '--source', 'a', '--source', 'b']).sources, ['a', 'b']);
  });
  it('rejects unknown options, missing values and bad numbers with a message', () => {
    assert.throws(() => parseArgs(['import', '--frobnicate']), /Unknown option --frobnicate/);
    assert.throws(() => parseArgs(['import', '--vault']), /--vault needs a value/);
    assert.throws(() => parseArgs(['import', '--split-by-month', 'lots']), /whole number/);
  });
});
