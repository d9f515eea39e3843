import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExportMessage } from '../../../server/engine/telegram-notes/message';
import { parseBlocks, renderBlock, renderFrontmatter } from '../../../server/engine/telegram-notes';
import { type NotePiece, scanNote } from '../../../server/engine/chat-archive/noteScan';
import { nodeVaultFs } from '../../../server/engine/vault/vaultFs';

const ctx = { chatId: 1, chatTitle: 'Chat', chatType: 'personal_chat', noteOf: () => undefined, attachmentOf: () => null };

function message(id: number, text: string): ExportMessage {
  return { id, type: 'message', date: '2024-01-01T10:00:00', date_unixtime: '1704103200', from: 'Ann', text };
}

describe('scanNote (reading a note back in chunks)', () => {
  let dir: string;
  let note: string;
  let text: string;
  before(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'va-scan-'));
    note = path.join(dir, 'n.md');
    const blocks = [];
    for (let i = 1; i <= 60; i++) blocks.push(renderBlock([message(i, `Message ${i} ✨ ${'ü'.repeat(i % 7)}\n\nsecond paragraph ^m999\n\n---`)], ctx));
    text = renderFrontmatter({ source: 'telegram', chatId: 1, chatType: 'personal_chat', title: 'Chat', messageCount: 60 }) + blocks.slice(0, 30).join('') + 'A remark someone typed.\n\n' + blocks.slice(30).join('');
    await fsp.writeFile(note, text);
  });
  after(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  for (const chunkBytes of [64, 100, 333, 4096, 1 << 20]) {
    it(`gives the same blocks as parsing the whole note, with exact byte offsets (chunks of ${chunkBytes})`, async () => {
      const pieces: NotePiece[] = [];
      const r = await scanNote(nodeVaultFs, note, (p) => void pieces.push(p), { chunkBytes });
      const whole = parseBlocks(text);
      const blocks = pieces.filter((p) => p.kind === 'block');
      assert.deepEqual(
        blocks.map((b) => b.ids),
        whole.map((b) => b.ids),
      );
      assert.deepEqual(
        blocks.map((b) => b.text),
        whole.map((b) => text.slice(b.start, b.end)),
      );
      // Pieces tile the file exactly.
      const buf = Buffer.from(text);
      assert.equal(pieces.map((p) => p.text).join(''), text);
      for (const p of pieces) assert.equal(buf.subarray(p.byteStart, p.byteEnd).toString(), p.text);
      assert.equal(r.blocks, 60);
      assert.equal(r.blocksEnd, buf.length);
      assert.ok(pieces.some((p) => p.kind === 'other' && p.text.includes('A remark')));
      assert.equal(pieces[0].kind, 'header');
    });
  }

  it('reports where the complete blocks end when the last one is torn', async () => {
    const torn = path.join(dir, 'torn.md');
    const cutAt = text.length - 4; // inside the last id line
    await fsp.writeFile(torn, text.slice(0, cutAt));
    const r = await scanNote(nodeVaultFs, torn, () => undefined, { chunkBytes: 256 });
    assert.equal(r.blocks, 59);
    const lastComplete = parseBlocks(text)[58];
    assert.equal(r.blocksEnd, Buffer.byteLength(text.slice(0, lastComplete.end)));
    assert.ok(r.size > r.blocksEnd);
  });

  it('reads blocks with negative ids back, in chunks cut right after them', async () => {
    const f = path.join(dir, 'negative.md');
    const ids = [-999678449, -999678448, -5, 1, 2];
    const body = ids.map((id) => renderBlock([message(id, `message ${id}`)], ctx)).join('');
    await fsp.writeFile(f, renderFrontmatter({ source: 'telegram', chatId: 1, chatType: 'private_supergroup', title: 'Chat', messageCount: ids.length }) + body);
    for (const chunkBytes of [64, 90, 4096]) {
      const pieces: NotePiece[] = [];
      const r = await scanNote(nodeVaultFs, f, (p) => void pieces.push(p), { chunkBytes });
      assert.deepEqual(pieces.filter((p) => p.kind === 'block').map((p) => (p.kind === 'block' ? p.ids : [])), ids.map((id) => [id]));
      assert.equal(r.blocks, ids.length);
    }
  });

  it('a note without frontmatter or blocks is all "other"', async () => {
    const f = path.join(dir, 'plain.md');
    await fsp.writeFile(f, '---\nsource: tele');
    const pieces: NotePiece[] = [];
    const r = await scanNote(nodeVaultFs, f, (p) => void pieces.push(p));
    assert.equal(r.blocksEnd, 0);
    assert.equal(r.header, undefined);
    assert.deepEqual(
      pieces.map((p) => p.kind),
      ['other'],
    );
  });
});
