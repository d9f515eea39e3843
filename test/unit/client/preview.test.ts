/**
 * The Markdown preview plugin (client/preview/): Obsidian syntax rendered as Obsidian shows it,
 * on hand-written cases and on every note of a vault imported from the bundled sample export.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import { extendMarkdownIt } from '../../../client/preview';
import { obsidianPreview, parseWikiLink, type DocumentRef } from '../../../client/preview/obsidian';
import { vaultDepth } from '../../../client/preview/vaultRoot';

const ROOT = path.resolve(__dirname, '../../..');

/** markdown-it as VS Code's preview sets it up (HTML on, linkify without fuzzy links). */
function baseMd(breaks = false): MarkdownIt {
  const md = new MarkdownIt({ html: true, linkify: true, breaks });
  md.linkify.set({ fuzzyLink: false });
  return md;
}

function doc(p: string): DocumentRef {
  return { scheme: 'file', path: p, fsPath: p };
}

/** Renders `src` as the document at `at` (a path), in a vault `depth` folders up (null: in none). */
function render(src: string, at = '/v/Telegram/Chat/Chat.md', depth: number | null = 2): string {
  const md = baseMd();
  md.use(obsidianPreview, { vaultDepth: () => depth ?? undefined });
  return md.render(src, { currentDocument: doc(at) });
}

/** Text a reader sees: tags dropped, entities read. */
function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** Every tag and attribute in `html`, to check nothing came from a note's text. */
function tags(html: string): { name: string; attrs: string }[] {
  return [...html.matchAll(/<([a-zA-Z][\w-]*)([^>]*)>/g)].map((m) => ({ name: m[1].toLowerCase(), attrs: m[2] }));
}

describe('preview: contributed to VS Code', () => {
  it('package.json asks the Markdown preview for the plugin, and the entry hands it over', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.equal(manifest.contributes['markdown.markdownItPlugins'], true);
    const md = baseMd();
    assert.equal(extendMarkdownIt(md), md, 'extendMarkdownIt returns the instance it was given');
    assert.match(md.render('[[#^m1|one]]'), /href="#m1"/);
  });
});

describe('preview: wikilinks', () => {
  it('parses target, fragment and alias', () => {
    assert.deepEqual(parseWikiLink('Note'), { path: 'Note' });
    assert.deepEqual(parseWikiLink('Note|alias'), { path: 'Note', alias: 'alias' });
    assert.deepEqual(parseWikiLink('Note#^m42'), { path: 'Note', fragment: '^m42' });
    assert.deepEqual(parseWikiLink('#^m42|message 42'), { path: '', fragment: '^m42', alias: 'message 42' });
    assert.deepEqual(parseWikiLink('Note\\|in a table'), { path: 'Note', alias: 'in a table' });
    assert.deepEqual(parseWikiLink('/Telegram/Chat/Note'), { path: 'Telegram/Chat/Note' });
    for (const no of ['', '|x', 'a\nb', 'a]b', '#']) assert.equal(parseWikiLink(no), undefined, JSON.stringify(no));
  });

  it('a bare name is a note beside the document; the text is the name or the alias', () => {
    assert.equal(render('[[Other Note]]'), '<p><a href="Other%20Note.md" class="obsidian-link">Other Note</a></p>\n');
    assert.equal(render('[[Other Note|the other]]'), '<p><a href="Other%20Note.md" class="obsidian-link">the other</a></p>\n');
    assert.equal(render('[[Tech Digest 2024.03]]'), '<p><a href="Tech%20Digest%202024.03.md" class="obsidian-link">Tech Digest 2024.03</a></p>\n');
    assert.equal(render('[[notes.md]]'), '<p><a href="notes.md" class="obsidian-link">notes.md</a></p>\n');
  });

  it('a block link scrolls to the block id; a link into the document itself stays on the page', () => {
    assert.equal(render('[[#^m42|message 42]]'), '<p><a href="#m42" class="obsidian-link">message 42</a></p>\n');
    assert.equal(render('[[#^m-999678449]]'), '<p><a href="#m-999678449" class="obsidian-link">^m-999678449</a></p>\n');
    assert.equal(render('[[Note#^m42]]'), '<p><a href="Note.md#m42" class="obsidian-link">Note &gt; ^m42</a></p>\n');
    assert.equal(render('[[Chat#^m42|here]]'), '<p><a href="#m42" class="obsidian-link">here</a></p>\n');
    assert.equal(render('[[Telegram/Chat/Chat#^m7|here]]'), '<p><a href="#m7" class="obsidian-link">here</a></p>\n');
  });

  it('a heading link points at the id VS Code gives the heading', () => {
    assert.equal(render('[[Note#Plans for May!]]'), '<p><a href="Note.md#plans-for-may" class="obsidian-link">Note &gt; Plans for May!</a></p>\n');
    assert.equal(render('[[Note#Trip#Day 2]]'), '<p><a href="Note.md#day-2" class="obsidian-link">Note &gt; Trip &gt; Day 2</a></p>\n');
  });

  it('a path with a folder starts at the vault root, as the importer writes it', () => {
    const at = '/home/me/ws/Archive/Telegram/Saved Messages/Saved Messages.md';
    assert.equal(
      render('[[Telegram/Alice Martin/Alice Martin#^m3|message 3]]', at),
      '<p><a href="../Alice%20Martin/Alice%20Martin.md#m3" class="obsidian-link">message 3</a></p>\n',
    );
    assert.equal(
      render('[[Telegram/Saved Messages/attachments/files/plan.pdf|plan.pdf]]', at),
      '<p><a href="attachments/files/plan.pdf" class="obsidian-link">plan.pdf</a></p>\n',
    );
    // ./ and ../ are relative to the document; outside a vault every path is
    assert.equal(render('[[../Other/Note]]', at), '<p><a href="../Other/Note.md" class="obsidian-link">../Other/Note</a></p>\n');
    assert.equal(render('[[Telegram/Chat/Note]]', at, null), '<p><a href="Telegram/Chat/Note.md" class="obsidian-link">Telegram/Chat/Note</a></p>\n');
  });

  it('Markdown links to a block point at its id too', () => {
    assert.equal(render('[x](Note.md#^m5) [y](#^m6)'), '<p><a href="Note.md#m5">x</a> <a href="#m6">y</a></p>\n');
  });

  it('leaves code, escaped brackets and ordinary links alone', () => {
    assert.equal(render('`[[Note]]` \\[\\[Note\\]\\] [a](b.md)'), '<p><code>[[Note]]</code> [[Note]] <a href="b.md">a</a></p>\n');
    assert.equal(render('```\n[[Note]] ^m1 %%c%%\n```'), '<pre><code>[[Note]] ^m1 %%c%%\n</code></pre>\n');
    assert.equal(render('[[a\nb]] [[]]'), '<p>[[a<br>\nb]] [[]]</p>\n');
  });
});

describe('preview: embeds', () => {
  const at = '/ws/Archive/Telegram/Alice Martin/Alice Martin.md';
  it('images are shown, with their size or alt text', () => {
    assert.equal(
      render('![[Telegram/Alice Martin/attachments/photos/photo_1@01-03-2024_18-01-38.jpg]]', at),
      '<p><img src="attachments/photos/photo_1%4001-03-2024_18-01-38.jpg" alt="photo_1@01-03-2024_18-01-38.jpg" class="obsidian-embed"></p>\n',
    );
    assert.equal(render('![[Telegram/Book Club/attachments/s.webp|128]]', at), '<p><img src="../Book%20Club/attachments/s.webp" alt="s.webp" width="128" class="obsidian-embed"></p>\n');
    assert.equal(render('![[a.PNG|A cat|100x50]]', at), '<p><img src="a.PNG" alt="A cat" width="100" height="50" class="obsidian-embed"></p>\n');
  });

  it('audio and video get players, other files and notes a link', () => {
    assert.equal(render('![[v.ogg]]', at), '<p><audio controls preload="metadata" src="v.ogg" title="v.ogg" class="obsidian-embed"></audio></p>\n');
    assert.equal(render('![[clip.mp4]]', at), '<p><video controls preload="metadata" src="clip.mp4" title="clip.mp4" class="obsidian-embed"></video></p>\n');
    assert.equal(render('![[plan.pdf]]', at), '<p><a href="plan.pdf" class="obsidian-link obsidian-embed">plan.pdf</a></p>\n');
    assert.equal(render('![[Other#^m3]]', at), '<p><a href="Other.md#m3" class="obsidian-link obsidian-embed">Other &gt; ^m3</a></p>\n');
  });
});

describe('preview: block ids', () => {
  it('a block id paragraph is hidden and names the quote before it', () => {
    assert.equal(render('> **A** · 10:00\n> hi\n\n^m4\n\n> next\n\n^m-5\n'), '<blockquote id="m4">\n<p><strong>A</strong> · 10:00<br>\nhi</p>\n</blockquote>\n<blockquote id="m-5">\n<p>next</p>\n</blockquote>\n');
  });

  it('a block id at the end of a paragraph or list item names it and is hidden', () => {
    assert.equal(render('Some text ^intro\n\n- one ^item1\n- two'), '<p id="intro">Some text</p>\n<ul>\n<li id="item1">one</li>\n<li>two</li>\n</ul>\n');
    assert.equal(render('line one\n^b2'), '<p id="b2">line one</p>\n');
  });

  it('blocks without room for an id get an anchor; escaped carets stay text', () => {
    assert.equal(render('^top\n\n# Title\n\n^h'), '<span id="top"></span>\n<span id="h"></span>\n<h1>Title</h1>\n');
    assert.equal(render('a \\^m1\n\n\\^m2'), '<p>a ^m1</p>\n<p>^m2</p>\n');
    assert.equal(render('^not an id'), '<p>^not an id</p>\n');
  });
});

describe('preview: comments and line breaks', () => {
  it('hides %% comments inline and across lines; an unclosed one stays text', () => {
    assert.equal(render('**A** · 19:39 %%album: m17 m18%%\nnext'), '<p><strong>A</strong> · 19:39<br>\nnext</p>\n');
    assert.equal(render('a %%hidden%% b %%c\nd%% e'), '<p>a  b  e</p>\n');
    assert.equal(render('before\n\n%%\nsecret\n\n# also secret\n%%\n\nafter'), '<p>before</p>\n<p>after</p>\n');
    assert.equal(render('> quote\n> %%\n> hidden\n> %%'), '<blockquote>\n<p>quote</p>\n</blockquote>\n');
    assert.equal(render('100 %% sure\n\n%% open'), '<p>100 %% sure</p>\n<p>%% open</p>\n');
  });

  it('keeps single line breaks in a vault, and leaves other documents to VS Code\'s setting', () => {
    assert.equal(render('one\ntwo', undefined, 0), '<p>one<br>\ntwo</p>\n');
    assert.equal(render('one\ntwo', undefined, null), '<p>one\ntwo</p>\n');
    const md = baseMd(true).use(obsidianPreview, { vaultDepth: () => undefined });
    assert.equal(md.render('one\ntwo', { currentDocument: doc('/x/a.md') }), '<p>one<br>\ntwo</p>\n');
    // no document named (markdown.api.render of a string): no vault
    assert.equal(baseMd().use(obsidianPreview, { vaultDepth: () => 0 }).render('one\ntwo'), '<p>one\ntwo</p>\n');
  });
});

describe('preview: nothing in a note becomes HTML', () => {
  const hostile = '../CON: <Design|Review> #1 [draft]?." onmouseover="x';
  it('link targets and texts are escaped and encoded', () => {
    const html = render(`[[${hostile}]] [[x|<img src=x onerror=alert(1)>]] [[javascript:alert(1)|js]] ![[a"><script>alert(1)</script>.png|<b>]]`);
    assert.ok(!/<(img|b|script)[^>]*(onerror|>alert)/i.test(html), html);
    for (const t of tags(html)) {
      assert.ok(['p', 'a', 'img'].includes(t.name), `unexpected <${t.name}> in ${html}`);
      assert.ok(!/\son\w+=/i.test(t.attrs), `event handler in <${t.name}${t.attrs}>`);
    }
    assert.ok(html.includes('href="javascript%3Aalert(1).md"'), html);
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'), html);
    assert.ok(visibleText(html).includes(hostile), html);
  });
});

describe('preview: a vault imported from the sample export', function () {
  this.timeout(60_000);
  let vault: string;
  let notes: string[];
  const md = extendMarkdownIt(baseMd());
  const renderNote = (file: string): string => md.render(fs.readFileSync(file, 'utf8'), { currentDocument: doc(file) });

  before(() => {
    vault = fs.mkdtempSync(path.join(os.tmpdir(), 'va-preview-'));
    // The CLI from source (no build needed); exit 3 = done with the sample's two deliberate warnings.
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/cli.ts'), 'import', path.join(ROOT, 'sample/telegram-export'), '--vault', vault], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.ok(run.status === 0 || run.status === 3, `import exited ${run.status}: ${run.stderr}${run.stdout}`);
    notes = listMarkdown(path.join(vault, 'Telegram'));
    assert.ok(notes.length >= 10, `${notes.length} notes`);
  });
  after(() => fs.rmSync(vault, { recursive: true, force: true }));

  it('finds the vault root from any note', () => {
    for (const note of notes) assert.equal(vaultDepth(doc(note)), 2, note);
    assert.equal(vaultDepth(doc(path.join(vault, 'loose.md'))), 0);
    assert.equal(vaultDepth(doc(path.join(os.tmpdir(), 'nowhere', 'x.md'))), undefined);
    assert.equal(vaultDepth({ scheme: 'untitled', path: 'Untitled-1' }), undefined);
    assert.equal(vaultDepth({ scheme: 'git', path: notes[0] }), undefined);
  });

  it('hides every block id and gives each message block its anchor', () => {
    for (const note of notes) {
      const src = fs.readFileSync(note, 'utf8');
      const html = renderNote(note);
      const ids = [...src.matchAll(/^\^m(-?\d+)$/gm)].map((m) => `m${m[1]}`);
      assert.ok(ids.length > 0, note);
      const anchors = [...html.matchAll(/<blockquote id="([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(anchors, ids, `${path.basename(note)}: one anchored quote per block id`);
      // a message may say "^m1" (the hostile chat does, escaped): that text stays
      const shown = [...visibleText(html).matchAll(/^\^m-?\d+$/gm)].length;
      assert.equal(shown, [...src.matchAll(/\\\^m-?\d+$/gm)].length, `${path.basename(note)} shows a block id`);
    }
  });

  it('shows no [[ ]] or %% the note did not escape', () => {
    for (const note of notes) {
      const src = fs.readFileSync(note, 'utf8');
      const text = visibleText(renderNote(note));
      // the hostile chat writes "[[" and "%%" as message text, escaped: those stay
      assert.equal(count(text, '[['), count(src, '\\[\\['), `${path.basename(note)}: [[`);
      assert.equal(count(text, '%%'), count(src, '%&#37;'), `${path.basename(note)}: %%`);
    }
  });

  it('every link and embed points at a file of the vault, and every block link at a block', () => {
    let links = 0;
    let images = 0;
    for (const note of notes) {
      const html = renderNote(note);
      for (const m of html.matchAll(/<(a|img|audio|video) (?:controls preload="metadata" )?(?:href|src)="([^"]*)"[^>]*class="obsidian-(?:link|embed)/g)) {
        const [file, fragment] = decodeHtml(m[2]).split('#');
        const target = file ? path.resolve(path.dirname(note), file.split('/').map(decodeURIComponent).join('/')) : note;
        assert.ok(fs.existsSync(target), `${path.basename(note)}: ${m[2]} → ${target}`);
        assert.ok(target.startsWith(vault + path.sep), target);
        if (fragment) assert.ok((target === note ? html : renderNote(target)).includes(` id="${fragment}"`), `${path.basename(note)}: no block #${fragment}`);
        if (m[1] === 'img') images++;
        else links++;
      }
    }
    assert.ok(links > 40 && images > 10, `${links} links, ${images} images`);
  });

  it('renders the rest of each note exactly as plain markdown-it does', () => {
    const plain = baseMd(true);
    for (const note of notes) {
      const src = fs.readFileSync(note, 'utf8');
      const expected = plain.render(
        src
          .replace(/^\^m-?\d+$/gm, '')
          .replace(/[ \t]*%%[^%\n]*%%/g, '')
          .replace(/(?<!\\)!\[\[[^\]\n]*\]\]/g, 'OBSIDIANEMBED')
          .replace(/(?<!\\)\[\[[^\]\n]*\]\]/g, 'OBSIDIANLINK'),
      );
      const actual = renderNote(note)
        .replace(/<blockquote id="[^"]*">/g, '<blockquote>')
        .replace(/<(img|audio|video) [^>]*class="obsidian-embed">(<\/\1>)?|<a [^>]*class="obsidian-link obsidian-embed">[^<]*<\/a>/g, 'OBSIDIANEMBED')
        .replace(/<a [^>]*class="obsidian-link">[^<]*<\/a>/g, 'OBSIDIANLINK');
      assert.equal(actual, expected, path.basename(note));
    }
  });

  it('escapes the hostile chat: its title and texts never become HTML', () => {
    const note = notes.find((n) => n.includes('_CON_'));
    assert.ok(note, 'the sample has the hostile chat');
    const html = renderNote(note);
    assert.ok(visibleText(html).includes('../CON: <Design|Review> #1 [draft]?.'), 'title shown as written');
    const allowed = new Set(['p', 'br', 'hr', 'ul', 'ol', 'li', 'blockquote', 'strong', 'em', 'b', 'i', 's', 'u', 'span', 'code', 'pre', 'a', 'img']);
    for (const t of tags(html)) {
      assert.ok(allowed.has(t.name), `<${t.name}${t.attrs}>`);
      assert.ok(!/\son\w+=|javascript:/i.test(t.attrs), `<${t.name}${t.attrs}>`);
    }
  });
});

function listMarkdown(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.md'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

function count(s: string, what: string): number {
  return s.split(what).length - 1;
}

function decodeHtml(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
