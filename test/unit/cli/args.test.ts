import assert from 'node:assert/strict';
import { type CliArgs, UsageError, parseCliArgs } from '../../../server/cli/args';

function vaultArgs(argv: string[]): Extract<CliArgs, { vault: string }> {
  const a = parseCliArgs(argv);
  assert.ok('vault' in a, `a vault command: ${a.command}`);
  return a;
}

function usageError(argv: string[], message: RegExp | string): void {
  assert.throws(
    () => parseCliArgs(argv),
    (err: unknown) => {
      assert.ok(err instanceof UsageError, String(err));
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      return true;
    },
  );
}

describe('CLI arguments', () => {
  it('reads a command, its folder and options in any order', () => {
    const a = vaultArgs(['--vault', 'v', 'import', 'exp', '--json', '--hardlinks', '--split-by-month', '5000']);
    assert.equal(a.command, 'import');
    assert.equal(a.exportPath, 'exp');
    assert.equal(a.vault, 'v');
    assert.equal(a.json, true);
    assert.equal(a.wait, false, 'refusing at once is the default');
    assert.deepEqual(a.settings, { useHardlinks: true, splitByMonthOver: 5000 });
    assert.equal(vaultArgs(['import', '--vault=v', '--', '-odd name']).exportPath, '-odd name');
  });

  it('collects repeated --source', () => {
    assert.deepEqual(vaultArgs(['sync', '--vault', 'v', '--source', 'a', '--source', 'b']).sources, ['a', 'b']);
  });

  it('--wait and --no-wait: the last one wins', () => {
    assert.equal(vaultArgs(['import', 'e', '--vault', 'v', '--wait']).wait, true);
    assert.equal(vaultArgs(['import', 'e', '--vault', 'v', '--wait', '--no-wait']).wait, false);
    assert.equal(vaultArgs(['sync', '--no-wait', '--vault', 'v', '--wait']).wait, true);
  });

  it('help and version, as commands or flags, whatever else is on the line', () => {
    for (const argv of [['help'], ['--help'], ['-h'], ['import', '--help'], ['help', 'import'], ['status', '-h', '--vault', 'v']]) {
      assert.equal(parseCliArgs(argv).command, 'help', argv.join(' '));
    }
    assert.equal(parseCliArgs(['--version']).command, 'version');
    assert.equal(parseCliArgs(['-v']).command, 'version');
    assert.equal(parseCliArgs(['--version', '--json']).json, true);
  });

  it('names an unknown option or command and points at help', () => {
    usageError(['import', '--frobnicate'], 'unknown option --frobnicate; see vault-archiver help');
    usageError(['status', '-x'], 'unknown option -x; see vault-archiver help');
    usageError(['status', '-hx'], 'unknown option -x; see vault-archiver help');
    usageError(['frob', '--vault', 'v'], 'unknown command "frob"; see vault-archiver help');
  });

  it('says which option lacks its value or should not have one', () => {
    usageError(['import', 'e', '--vault'], '--vault needs a value; see vault-archiver help');
    usageError(['import', 'e', '--vault', '--json'], '--vault needs a value; see vault-archiver help');
    usageError(['import', 'e', '--vault', 'v', '--json=yes'], '--json takes no value; see vault-archiver help');
    usageError(['import', 'e', '--vault', ''], /--vault needs a folder/);
  });

  it('refuses bad numbers with their bounds', () => {
    usageError(['import', 'e', '--vault', 'v', '--split-by-month', 'lots'], /--split-by-month needs a whole number from 0 to \d+, not "lots"/);
    usageError(['import', 'e', '--vault', 'v', '--media-concurrency', '0'], /--media-concurrency needs a whole number from 1 to 64/);
    usageError(['import', 'e', '--vault', 'v', '--media-concurrency', '2.5'], /whole number/);
    assert.equal(vaultArgs(['import', 'e', '--vault', 'v', '--media-concurrency', '64']).settings.mediaConcurrency, 64);
  });

  it('refuses an option that belongs to another command', () => {
    usageError(['status', '--vault', 'v', '--hardlinks'], '--hardlinks is not an option of status; see vault-archiver help');
    usageError(['status', '--vault', 'v', '--wait'], /--wait is not an option of status/);
    usageError(['import', 'e', '--vault', 'v', '--source', 's'], /--source is not an option of import/);
  });

  it('checks the folders given: the export for import, none for the others, and --vault', () => {
    usageError(['import', '--vault', 'v'], /^import needs the export folder/);
    usageError(['import', 'a', 'b', '--vault', 'v'], /unexpected "b": import takes one export folder/);
    usageError(['status', 'v'], /unexpected "v": status takes no folder \(the vault is given with --vault\)/);
    usageError(['sync'], /--vault <folder> is required/);
    assert.throws(() => parseCliArgs([]), (err: unknown) => err instanceof UsageError && err.showUsage);
  });

  it('mirror takes several sources into one tab; sync takes --transcripts and --transcript-languages', () => {
    const m = vaultArgs(['mirror', 'youtube:UCa', 'youtube:UCb', '--vault', 'v', '--spreadsheet', 'sheet', '--tab', 'Both']);
    assert.deepEqual(m.refs, ['youtube:UCa', 'youtube:UCb']);
    assert.equal(m.tab, 'Both');
    usageError(['mirror', '--vault', 'v', '--spreadsheet', 'x'], /mirror needs a source and a spreadsheet/);
    const s = vaultArgs(['sync', '--vault', 'v', '--transcripts', '--transcript-languages', 'de,en']);
    assert.deepEqual(s.settings, { youtubeTranscripts: true, youtubeTranscriptLanguages: 'de,en' });
    usageError(['import', 'x', '--vault', 'v', '--transcripts'], /--transcripts is not an option of import/);
  });
});
