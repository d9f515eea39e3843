import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  PathEscapeError,
  isSafeRelativePath,
  safeJoin,
  safeJoinReal,
  sanitizeFileName,
  truncateUtf8,
  vaultJoin,
} from '../../../server/engine/vault/fileNames';

describe('fileNames: sanitizeFileName', () => {
  it('keeps ordinary titles as they are', () => {
    assert.equal(sanitizeFileName('Family chat 🏡'), 'Family chat 🏡');
    assert.equal(sanitizeFileName('Café Übersicht'), 'Café Übersicht');
  });

  it('replaces characters illegal on Windows or in Obsidian links', () => {
    assert.equal(sanitizeFileName('a<b>c:d"e/f\\g|h?i*j'), 'a_b_c_d_e_f_g_h_i_j');
    assert.equal(sanitizeFileName('Q#1 [draft] ^x'), 'Q_1 _draft_ _x');
  });

  it('turns control characters, newlines and bidi overrides into spaces and collapses whitespace', () => {
    assert.equal(sanitizeFileName('a\u0000b\nc\t\td\u202ee'), 'a b c d e');
  });

  it('never produces ".", "..", leading dots or trailing dots/spaces', () => {
    assert.equal(sanitizeFileName('..'), 'untitled');
    assert.equal(sanitizeFileName('.'), 'untitled');
    assert.equal(sanitizeFileName('../../etc/passwd'), '_.._etc_passwd');
    assert.equal(sanitizeFileName('.hidden'), 'hidden');
    assert.equal(sanitizeFileName('name. . '), 'name');
    assert.equal(sanitizeFileName('   '), 'untitled');
    assert.equal(sanitizeFileName('', { fallback: 'Chat 42' }), 'Chat 42');
  });

  it('suffixes Windows device names, with or without extension, any case', () => {
    assert.equal(sanitizeFileName('CON'), 'CON_');
    assert.equal(sanitizeFileName('nul'), 'nul_');
    assert.equal(sanitizeFileName('com1.txt'), 'com1_.txt');
    assert.equal(sanitizeFileName('LPT9'), 'LPT9_');
    assert.equal(sanitizeFileName('COM¹'), 'COM¹_');
    assert.equal(sanitizeFileName('CONSOLE'), 'CONSOLE');
    assert.equal(sanitizeFileName('aux', { keepExtension: true }), 'aux_');
  });

  it('normalises to NFC so macOS and Linux store the same bytes', () => {
    const decomposed = 'Cafe\u0301';
    assert.equal(sanitizeFileName(decomposed), 'Caf\u00e9');
  });

  it('limits length in UTF-8 bytes without splitting a grapheme', () => {
    const long = '👨‍👩‍👧‍👦'.repeat(40); // 25 bytes each
    const out = sanitizeFileName(long, { maxBytes: 60 });
    assert.ok(Buffer.byteLength(out) <= 60);
    assert.equal(out, '👨‍👩‍👧‍👦'.repeat(2));
    assert.ok(Buffer.byteLength(sanitizeFileName('я'.repeat(500))) <= 200);
  });

  it('keeps the extension through truncation when asked', () => {
    const out = sanitizeFileName('x'.repeat(300) + '.JPG', { keepExtension: true, maxBytes: 100 });
    assert.equal(out, 'x'.repeat(96) + '.jpg');
    assert.equal(sanitizeFileName('.jpg', { keepExtension: true }), 'jpg');
    assert.equal(sanitizeFileName('photo..png', { keepExtension: true }), 'photo.png');
  });

  it('replaces lone surrogates', () => {
    assert.equal(sanitizeFileName('a\ud800b'), 'a\ufffdb');
  });

  it('truncateUtf8 keeps whole characters', () => {
    assert.equal(truncateUtf8('aé', 2), 'a');
    assert.equal(truncateUtf8('abc', 3), 'abc');
  });
});

describe('fileNames: paths', () => {
  it('vaultJoin uses forward slashes and drops empty segments', () => {
    assert.equal(vaultJoin('Telegram', 'Chat/', '\\attachments', 'x.jpg'), 'Telegram/Chat/attachments/x.jpg');
  });

  it('isSafeRelativePath refuses absolute, drive, UNC and parent paths', () => {
    for (const bad of ['/etc/passwd', '\\\\server\\share', 'C:\\x', 'c:x', '../x', 'a/../../x', 'a\\..\\x', '', 'a\0b', 'a/C:/x']) {
      assert.equal(isSafeRelativePath(bad), false, bad);
    }
    for (const good of ['photos/photo_1.jpg', 'chats/chat_01/files/a..b.txt', 'a/./b']) {
      assert.equal(isSafeRelativePath(good), true, good);
    }
  });

  it('safeJoin joins inside the root and throws outside', () => {
    const root = path.resolve('/tmp/vault-root');
    assert.equal(safeJoin(root, 'Telegram/a.md'), path.join(root, 'Telegram', 'a.md'));
    assert.throws(() => safeJoin(root, '../outside.md'), PathEscapeError);
    assert.throws(() => safeJoin(root, '/etc/passwd'), PathEscapeError);
    assert.throws(() => safeJoin(root, 'a/../../b'), PathEscapeError);
  });

  it('safeJoinReal refuses a symlink that leads outside, accepts one inside', async function () {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fn-'));
    try {
      const root = path.join(tmp, 'root');
      const outside = path.join(tmp, 'outside');
      fs.mkdirSync(path.join(root, 'inner'), { recursive: true });
      fs.mkdirSync(outside);
      try {
        fs.symlinkSync(outside, path.join(root, 'evil'), 'dir');
        fs.symlinkSync(path.join(root, 'inner'), path.join(root, 'good'), 'dir');
      } catch {
        this.skip(); // no symlink permission (Windows without developer mode)
      }
      await assert.rejects(safeJoinReal(root, 'evil/x.jpg', fs.promises), PathEscapeError);
      await assert.rejects(safeJoinReal(root, 'evil/new/deeper.jpg', fs.promises), PathEscapeError);
      assert.equal(await safeJoinReal(root, 'good/x.jpg', fs.promises), path.join(root, 'good', 'x.jpg'));
      assert.equal(await safeJoinReal(root, 'missing/dir/x.jpg', fs.promises), path.join(root, 'missing', 'dir', 'x.jpg'));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
