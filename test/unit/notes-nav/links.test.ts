import assert from 'node:assert/strict';
import { blockIdOf, linkAt, linksInNote } from '../../../server/engine/notes-nav/links';
import { splitLines } from '../../../server/engine/notes-nav/noteModel';
import { FileIndex, fileCandidates, resolveLinkPath } from '../../../server/engine/notes-nav/resolve';
import { message, renderNote } from './notes';

const shape = (text: string) => linksInNote(splitLines(text)).map((l) => [l.line, l.embed, l.path, l.fragment, l.alias]);

describe('notes-nav: links', () => {
  it('finds wikilinks, block links, aliases and embeds with their positions', () => {
    const line = '> ↩ Reply to [[#^m3|message 3]] see [[Telegram/Chat/Chat 2024-03#^m-99]] and ![[a/b/photo 1.jpg|128]] or [[Note#Some heading]]';
    const links = linksInNote([line]);
    assert.deepEqual(links.map((l) => [l.path, l.fragment, l.alias, l.embed]), [
      ['', '^m3', 'message 3', false],
      ['Telegram/Chat/Chat 2024-03', '^m-99', undefined, false],
      ['a/b/photo 1.jpg', undefined, '128', true],
      ['Note', 'Some heading', undefined, false],
    ]);
    assert.equal(line.slice(links[0]!.start, links[0]!.end), '[[#^m3|message 3]]');
    assert.equal(blockIdOf('^m-99'), 'm-99');
    assert.equal(blockIdOf('Some heading'), undefined);
    assert.equal(linkAt([line], 0, 14)?.fragment, '^m3');
    assert.equal(linkAt([line], 0, 5), undefined);
  });

  it('escaped brackets, code spans and fenced code (also inside a quote) are not links', () => {
    const text = ['> \\[\\[not]] and `[[code]]` and ``[[x]] ` ``', '> ```', '> [[in fence]]', '> ```', '> [[after]]', '```', '[[fenced]]', '```', '[[last]]'].join('\n');
    assert.deepEqual(shape(text).map((s) => s[2]), ['after', 'last']);
  });

  it('reads the Markdown links the importer writes for paths a wikilink cannot hold, and a table-escaped alias bar', () => {
    const text = '> ↩ Reply to [message 3](Telegram/Odd%20%5Bchat%5D/Odd%20%5Bchat%5D.md#^m3) [web](https://x.org/a.md) 📎 [[Telegram/C/attachments/files/plan.pdf\\|plan.pdf]]';
    assert.deepEqual(shape(text), [
      [0, false, 'Telegram/Odd [chat]/Odd [chat].md', '^m3', 'message 3'],
      [0, false, 'Telegram/C/attachments/files/plan.pdf', undefined, 'plan.pdf'],
    ]);
  });

  it('links in a rendered note with a hostile message text: only the reply link is one', () => {
    const text = renderNote({ note: 'T/C/C', title: 'C', messages: [message({ id: 1, text: 'hi' }), message({ id: 2, text: '[[evil]] ![[x.png]] [a](b.md#^m1) ^m1', reply_to_message_id: 1 })] });
    assert.deepEqual(shape(text).map((s) => [s[2], s[3]]), [['', '^m1']]);
  });
});

describe('notes-nav: resolving a link as Obsidian does', () => {
  const files = new FileIndex([
    'Telegram/Alice Martin/Alice Martin.md',
    'Telegram/Alice Martin/attachments/photos/photo_1.jpg',
    'Telegram/Bob/Notes.md',
    'Telegram/Carol/Notes.md',
    'Notes.md',
    'Projects/Deep/Plan.md',
    'Projects/Plan.md',
    'Other/Deep/Plan.md',
  ]);
  const r = (link: string, from = 'Telegram/Alice Martin/Alice Martin.md') => resolveLinkPath(link, from, files);

  it('an empty path is the note itself; a path with a slash starts at the vault root, with or without .md', () => {
    assert.equal(r('')?.path, 'Telegram/Alice Martin/Alice Martin.md');
    assert.equal(r('Telegram/Alice Martin/Alice Martin')?.path, 'Telegram/Alice Martin/Alice Martin.md');
    assert.equal(r('Telegram/Alice Martin/Alice Martin.md')?.path, 'Telegram/Alice Martin/Alice Martin.md');
    assert.equal(r('/Telegram/Alice Martin/attachments/photos/photo_1.jpg')?.path, 'Telegram/Alice Martin/attachments/photos/photo_1.jpg');
    assert.equal(r('telegram/alice martin/ALICE MARTIN')?.path, 'Telegram/Alice Martin/Alice Martin.md', 'case-insensitive');
  });

  it('a bare name is looked up across the vault; several: the own folder first, then the shortest path', () => {
    assert.equal(r('photo_1.jpg')?.path, 'Telegram/Alice Martin/attachments/photos/photo_1.jpg');
    assert.deepEqual(r('Notes'), { path: 'Notes.md', alternatives: ['Telegram/Bob/Notes.md', 'Telegram/Carol/Notes.md'] });
    assert.equal(r('Notes', 'Telegram/Carol/Notes.md')?.path, 'Telegram/Carol/Notes.md');
    assert.equal(r('Plan')?.path, 'Projects/Plan.md');
    assert.equal(r('Missing'), undefined);
  });

  it('a partial path matches the end of a path (shortest first); ./ and ../ are relative and never leave the vault', () => {
    assert.deepEqual(r('Deep/Plan'), { path: 'Other/Deep/Plan.md', alternatives: ['Projects/Deep/Plan.md'] });
    assert.equal(r('./Plan', 'Projects/Deep/x.md')?.path, 'Projects/Deep/Plan.md');
    assert.equal(r('../Plan', 'Projects/Deep/x.md')?.path, 'Projects/Plan.md');
    assert.equal(r('../../../etc/passwd', 'Projects/x.md'), undefined);
  });

  it('an attachment is looked for by path, or for a bare name in the note\'s folder, its attachments, the vault root', () => {
    assert.deepEqual(fileCandidates('Telegram/C/attachments/photos/p.jpg', 'Telegram/C/C.md'), ['Telegram/C/attachments/photos/p.jpg']);
    assert.deepEqual(fileCandidates('p.jpg', 'Telegram/C/C.md', 'media'), ['Telegram/C/p.jpg', 'Telegram/C/media/p.jpg', 'p.jpg']);
    assert.deepEqual(fileCandidates('../x/p.jpg', 'Telegram/C/C.md'), ['Telegram/x/p.jpg']);
    assert.deepEqual(fileCandidates('../../../p.jpg', 'Telegram/C/C.md'), []);
    assert.deepEqual(fileCandidates('/../p.jpg', 'C.md'), []);
  });
});
