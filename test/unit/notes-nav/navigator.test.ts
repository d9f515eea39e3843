import assert from 'node:assert/strict';
import { NotesNavigator, type OpenDocument } from '../../../server/engine/notes-nav';
import { MAX_QUOTE_LINES } from '../../../server/engine/notes-nav/quote';
import { MemoryVault } from './memoryFs';
import { message, renderNote } from './notes';

/** A chat split by month, a forum topic, and a note elsewhere that links into the chat. */
function vault(): MemoryVault {
  const v = new MemoryVault();
  const noteOf = (id: number) => (id < 40 ? 'Telegram/Digest/Digest 2024-03' : 'Telegram/Digest/Digest 2024-04');
  v.write(
    'Telegram/Digest/Digest 2024-03.md',
    renderNote(
      {
        note: 'Telegram/Digest/Digest 2024-03',
        title: 'Digest',
        messages: [
          message({ id: 10, date: '2024-03-05T08:00:00', from: 'Bob [team] *x*', text: 'Line one\nLine two', photo: 'photos/p1.jpg', width: 10, height: 10 }),
          message({ id: 11, date: '2024-03-05T09:00:00', text: 'answer', reply_to_message_id: 10 }),
        ],
      },
      noteOf,
    ),
  );
  v.write(
    'Telegram/Digest/Digest 2024-04.md',
    renderNote(
      {
        note: 'Telegram/Digest/Digest 2024-04',
        title: 'Digest',
        messages: [
          message({ id: 40, date: '2024-04-01T10:00:00', text: 'late reply', reply_to_message_id: 10 }),
          message({ id: 41, date: '2024-04-02T10:00:00', text: Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n'), reply_to_message_id: 40 }),
        ],
      },
      noteOf,
    ),
  );
  v.write('Telegram/Test Chat/attachments/p1.jpg', 'jpeg'); // where the test context stores attachments
  v.write('Elsewhere/Digest 2024-03.md', '# A note of the same name in another folder\n');
  v.write('Mine.md', 'See [[Digest 2024-03#^m10]] and [[Telegram/Digest/Digest 2024-03#^m10|this]].\n');
  return v;
}

function navigator(v: MemoryVault, open: Record<string, OpenDocument> = {}): NotesNavigator {
  return new NotesNavigator({ vaultRoot: () => v.root, fs: v, openDocument: (p) => open[p], fileLink: (p) => `file:///vault/${p}` });
}

const lineOf = (v: MemoryVault, rel: string, re: RegExp): { line: number; character: number } => {
  const lines = v.files.get(`/vault/${rel}`)!.text.split('\n');
  const line = lines.findIndex((l) => re.test(l));
  assert.ok(line >= 0, `no line matches ${re}`);
  return { line, character: lines[line]!.search(re) + 2 };
};

describe('notes-nav: navigator', () => {
  const march = 'Telegram/Digest/Digest 2024-03.md';
  const april = 'Telegram/Digest/Digest 2024-04.md';

  it('go to definition: a link into the same note and one into another month note land on the block', async () => {
    const v = vault();
    const nav = navigator(v);
    const same = await nav.definition(march, ...Object.values(lineOf(v, march, /\[\[#\^m10\|/)) as [number, number]);
    const lines = v.files.get(`/vault/${march}`)!.text.split('\n');
    assert.equal(same?.path, march);
    assert.match(lines[same!.range.startLine]!, /^> <b>Bob \\\[team\\\] \\\*x\\\*<\/b> · 2024-03-05 08:00:00/);
    assert.equal(lines[same!.range.endLine], '^m10');
    const other = await nav.definition(april, ...Object.values(lineOf(v, april, /\[\[Telegram\/Digest\/Digest 2024-03#\^m10/)) as [number, number]);
    assert.deepEqual(other?.range.startLine, same!.range.startLine);
    assert.equal(other?.path, march);
  });

  it('document links: same-note blocks at once, other notes resolved when followed; bare names shortest-path', async () => {
    const v = vault();
    const nav = navigator(v);
    const links = await nav.links(april);
    assert.deepEqual(links.map((l) => [l.target?.path, l.pending]), [
      [undefined, { path: march, blockId: 'm10' }],
      [april, undefined],
    ]);
    assert.equal((await nav.resolveLink(links[0]!.pending!))?.path, march);
    const mine = await nav.links('Mine.md');
    // "Digest 2024-03" names two notes: the shorter path wins and the tooltip names the other
    assert.deepEqual(mine.map((l) => l.pending?.path ?? l.target?.path), ['Elsewhere/Digest 2024-03.md', march]);
    assert.match(mine[0]!.tooltip!, /also: Telegram\/Digest\/Digest 2024-03\.md/);
    const embeds = (await nav.links(march)).filter((l) => l.target?.path.endsWith('.jpg'));
    assert.equal(embeds.length, 1);
    // a bare-named embed is found in the note's attachments folder, which is never walked
    v.write('Telegram/Test Chat/Own.md', 'x ![[p1.jpg]] ![[nowhere.png]]\n');
    assert.deepEqual((await nav.links('Telegram/Test Chat/Own.md')).map((l) => l.target?.path), ['Telegram/Test Chat/attachments/p1.jpg']);
    assert.ok(!v.listed.some((d) => d.endsWith('/attachments')), `walked ${v.listed.join(', ')}`);
  });

  it('find references: every reply to a message across the chat\'s notes, from its header, its id line or a link', async () => {
    const v = vault();
    const nav = navigator(v);
    const header = lineOf(v, march, /^> <b>Bob/);
    const refs = await nav.references(march, header.line, 0, false);
    assert.deepEqual(refs.map((r) => r.path).sort(), [march, april]);
    const idLine = lineOf(v, march, /^\^m10$/);
    assert.deepEqual(await nav.references(march, idLine.line, 0, false), refs);
    const fromLink = lineOf(v, april, /\[\[Telegram\/Digest\/Digest 2024-03#\^m10/);
    const withDecl = await nav.references(april, fromLink.line, fromLink.character, true);
    assert.equal(withDecl.length, 3);
    assert.deepEqual(withDecl[0], { path: march, range: { startLine: header.line, startChar: 0, endLine: header.line, endChar: v.files.get(`/vault/${march}`)!.text.split('\n')[header.line]!.length } });
    // a link to m1 is not a reference to m10; a body line names no block
    assert.deepEqual(await nav.references(march, header.line + 2, 0, false), []);
  });

  it('hover: the message quoted with author, date, text and its media; long texts trimmed', async () => {
    const v = vault();
    const nav = navigator(v);
    const at = lineOf(v, april, /\[\[Telegram\/Digest\/Digest 2024-03#\^m10/);
    const hover = await nav.hover(april, at.line, at.character);
    assert.equal(
      hover?.markdown,
      '**Bob \\[team\\] \\*x\\*** · 2024-03-05 08:00:00 · in Digest 2024-03\n\n> Line one\n> Line two\n\n🖼 [p1.jpg](file:///vault/Telegram/Test Chat/attachments/p1.jpg)',
    );
    const same = lineOf(v, april, /\[\[#\^m40\|/);
    const long = await nav.hover(april, same.line, same.character);
    assert.match(long!.markdown, /^\*\*Alice Martin\*\* · 2024-04-01 10:00:00\n\n> late reply$/);
    // m41's 30 lines, through a link from another note
    v.write('Telegram/Digest/Links.md', 'x [[Digest 2024-04#^m41]]\n');
    const quoted = await nav.hover('Telegram/Digest/Links.md', 0, 5);
    const quotedLines = quoted!.markdown.split('\n').filter((l) => l.startsWith('> '));
    assert.equal(quotedLines.length, MAX_QUOTE_LINES + 1);
    assert.equal(quotedLines[quotedLines.length - 1], '> …');
    assert.equal(await nav.hover(april, 0, 0), undefined);
  });

  it('an open note is read from the editor, with its unsaved edits, not from disk', async () => {
    const v = vault();
    const text = '> **Zed** · 2024-06-01 10:00:00\n>\n> draft\n\n^m99\n\nsee [[#^m99]]\n';
    const nav = navigator(v, { 'Draft.md': { text, version: 3 } });
    const def = await nav.definition('Draft.md', 6, 6);
    assert.equal(def?.range.startLine, 0);
    assert.ok(!v.reads.includes('Draft.md'));
  });

  it('workspace symbols: chats, topics and months by title, each note head read once until it changes', async () => {
    const v = vault();
    v.write('Telegram/Forum/3D printing.md', '---\nsource: telegram\nchat_id: 1\ntype: private_supergroup\ntitle: "Forum"\ntopic: "3D printing"\n---\n');
    v.write('Telegram/_CON_/_CON_.md', '---\nsource: telegram\nchat_id: 2\ntype: public_channel\ntitle: "../CON: <Design|Review> #1 [draft]?."\n---\n');
    v.write('YouTube/Chan/2024-03-01 Vid.md', '---\nsource: youtube\nvideo_id: abc\ntitle: "Café *tips*"\nchannel: "[[Chan]]"\n---\n');
    v.write('YouTube/Chan/Chan.md', '---\nsource: youtube\nchannel_id: UC1\ntitle: Chan\n---\n');
    const nav = navigator(v);
    const all = await nav.workspaceSymbols('');
    assert.deepEqual(all.map((s) => [s.name, s.kind, s.container]), [
      ['../CON: <Design|Review> #1 [draft]?.', 'channel', undefined],
      ['3D printing', 'topic', 'Forum'],
      ['Café *tips*', 'video', 'Chan'],
      ['Chan', 'channel', undefined],
      ['Digest 2024-03', 'chat', undefined],
      ['Digest 2024-04', 'chat', undefined],
    ]);
    assert.deepEqual((await nav.workspaceSymbols('cafe')).map((s) => s.name), ['Café *tips*']);
    assert.deepEqual((await nav.workspaceSymbols('forum print')).map((s) => s.name), ['3D printing']);
    assert.deepEqual((await nav.workspaceSymbols('design')).map((s) => s.kind), ['channel']);
    const heads = v.reads.filter((r) => r.startsWith('head:')).length;
    await nav.workspaceSymbols('dig');
    assert.equal(v.reads.filter((r) => r.startsWith('head:')).length, heads, 'nothing re-read for the next keystroke');
  });
});
