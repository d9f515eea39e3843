/**
 * The export generator: deterministic, schema-faithful, exact counts, both shapes.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateExport, generateSampleExport } from '../../../scripts/export-generator';

function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p).split(path.sep).join('/'), createHash('sha256').update(fs.readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

describe('export generator', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gen-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('the sample is deterministic and identical to the committed one', () => {
    const a = path.join(tmp, 'a');
    generateSampleExport({ outDir: a });
    const committed = tree(path.resolve(__dirname, '../../../sample/telegram-export'));
    assert.deepEqual(tree(a), committed, 'regenerate with: npx tsx scripts/generate-export.ts --sample --clean --out sample/telegram-export');
  });

  it('the sample has the whole-account shape with chats/chat_N folders and a left chat', () => {
    const out = path.join(tmp, 's');
    const stats = generateSampleExport({ outDir: out });
    const json = JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8'));
    assert.deepEqual(Object.keys(json), ['about', 'personal_information', 'profile_pictures', 'contacts', 'frequent_contacts', 'chats', 'left_chats']);
    assert.equal(json.chats.list.length + json.left_chats.list.length, stats.chats.length);
    const paths = json.chats.list.flatMap((c: { messages: Record<string, unknown>[] }) => c.messages.flatMap((m) => [m.photo, m.file, m.thumbnail].filter((p) => typeof p === 'string' && !p.startsWith('('))));
    assert.ok(paths.length > 20);
    let missing = 0;
    for (const p of paths as string[]) {
      assert.match(p, /^chats\/chat_\d\//);
      if (!fs.existsSync(path.join(out, p))) missing++;
    }
    assert.equal(missing, 1, 'exactly one file is named but absent (the "missing media" case)');
    assert.ok(stats.messages >= 250 && stats.messages <= 500, `a few hundred messages (${stats.messages})`);
  });

  it('message fields come in the exporter\'s order', () => {
    const out = path.join(tmp, 'o');
    generateSampleExport({ outDir: out, shape: 'single', chat: 'personal' });
    const json = JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8'));
    assert.deepEqual(Object.keys(json), ['name', 'type', 'id', 'messages']);
    const order = ['id', 'type', 'date', 'date_unixtime', 'edited', 'edited_unixtime', 'from', 'from_id', 'author', 'forwarded_from', 'saved_from', 'reply_to_message_id', 'reply_to_peer_id', 'via_bot'];
    for (const m of json.messages) {
      const known = Object.keys(m).filter((k) => order.includes(k));
      assert.deepEqual(known, order.filter((k) => k in m), `message ${m.id}`);
      if (m.type === 'unsupported') continue;
      // text and text_entities close the message; only buttons and reactions follow them
      const keys = Object.keys(m);
      assert.deepEqual(keys.slice(keys.indexOf('text')), ['text', 'text_entities', 'inline_bot_buttons', 'reactions'].filter((k) => k in m), `message ${m.id}`);
    }
    assert.ok(fs.existsSync(path.join(out, 'photos')), 'single-chat media folders at the root');
  });

  it('synthetic exports: exact message and media counts, the asked share of duplicates', () => {
    const out = path.join(tmp, 'big');
    const stats = generateExport({ outDir: out, messages: 3000, mediaFiles: 300, duplicateRatio: 0.2, chats: 4, seed: 3 });
    assert.equal(stats.messages, 3000);
    assert.equal(stats.mediaFiles, 300);
    const json = JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8'));
    const all = json.chats.list.flatMap((c: { messages: unknown[] }) => c.messages);
    assert.equal(all.length, 3000);
    const hashes = [...tree(out)].filter(([p]) => p !== 'result.json').map(([, h]) => h);
    assert.equal(hashes.length, 300);
    assert.equal(hashes.length - new Set(hashes).size, 60, '20% of the media files repeat earlier content');
  });

  it('synthetic exports are deterministic per seed and differ across seeds', () => {
    const opts = { messages: 400, mediaFiles: 40, duplicateRatio: 0.25, chats: 2 };
    generateExport({ ...opts, outDir: path.join(tmp, 'x'), seed: 1 });
    generateExport({ ...opts, outDir: path.join(tmp, 'y'), seed: 1 });
    generateExport({ ...opts, outDir: path.join(tmp, 'z'), seed: 2 });
    assert.deepEqual(tree(path.join(tmp, 'x')), tree(path.join(tmp, 'y')));
    assert.notDeepEqual(tree(path.join(tmp, 'x')).get('result.json'), tree(path.join(tmp, 'z')).get('result.json'));
  });

  it('single-chat synthetic export', () => {
    const out = path.join(tmp, 'one');
    generateExport({ outDir: out, messages: 50, mediaFiles: 5, duplicateRatio: 0, chats: 9, seed: 1, shape: 'single' });
    const json = JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8'));
    assert.equal(json.messages.length, 50);
  });
});
