/**
 * The query plan (searcher.ts) against a brute-force reading of the same documents: tiers read
 * without `NOT`, the broadest tier read once for its hits and the total, dates as rowid ranges,
 * has: as index terms, in:/from: through the docs table. Every query of a varied set must give the
 * same hits, in the same order, and the same total as the reference, from an index built in bulk
 * and from one built a note at a time, with more matches than the total's cap.
 */
import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { HAS_BITS } from '../../server/engine/search/blockText';
import { terms } from '../../server/engine/search/fold';
import { IndexStore, dateSeconds, type NewDoc } from '../../server/engine/search/indexStore';
import { type ParsedQuery, type TextPart, parseQuery } from '../../server/engine/search/query';
import { TOTAL_CAP, runQuery } from '../../server/engine/search/searcher';
import { tempDir } from './import/helpers';

const WORDS = ['alpha', 'alps', 'alpine', 'beta', 'bet', 'better', 'gamma', 'game', 'delta', 'del', 'the', 'water'];
const AUTHORS = ['Ann Z.', 'Ben J.', 'Joanna K.', 'Gus L.'];
const NOTES = [
  { path: 'Telegram/Chat One/Chat One.md', source: 'Chat One' },
  { path: 'Telegram/Chat Two/Chat Two.md', source: 'Chat Two' },
  { path: 'Telegram/Makers/Makers.md', source: 'Makers' },
];
const fold = (s: string): string => terms(s).join(' ');

interface RefDoc {
  readonly note: number;
  readonly doc: NewDoc;
  readonly words: string[];
  id: number;
}

/** A deterministic generator (mulberry32). */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeDocs(perNote: number): RefDoc[][] {
  const rnd = prng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const start = Date.parse('2023-01-01T00:00:00Z') / 1000;
  return NOTES.map((_, note) => {
    const docs: RefDoc[] = [];
    let secs = start + note * 7;
    for (let i = 0; i < perNote; i++) {
      // a few messages share a second (within a note and across notes): rowids must still be distinct
      secs += rnd() < 0.1 ? 0 : Math.floor(rnd() * 40_000);
      const words = Array.from({ length: 1 + Math.floor(rnd() * 7) }, () => pick(WORDS));
      const has = (rnd() < 0.1 ? HAS_BITS.photo : 0) | (rnd() < 0.3 ? HAS_BITS.link : 0) | (rnd() < 0.05 ? HAS_BITS.poll : 0);
      const date = new Date(secs * 1000).toISOString().slice(0, 19);
      const line = 10 + i * 6;
      const doc: NewDoc = { line, blockId: `m${i + 1}`, author: pick(AUTHORS), date, has, byteStart: line * 40, byteEnd: line * 40 + 30, terms: words.join(' ') };
      docs.push({ note, doc, words, id: 0 });
    }
    // at the first second of the days the date filters below name, with the rowid of that second
    for (const [k, day] of ['2023-03-01', '2023-06-01', '2023-09-01'].entries()) {
      const line = 64 * (1000 + note * 10 + k);
      const doc: NewDoc = { line, blockId: `m${day}`, author: 'Ann Z.', date: `${day}T00:00:00`, has: HAS_BITS.link, byteStart: 0, byteEnd: 1, terms: 'gamma the alpine' };
      docs.push({ note, doc, words: doc.terms.split(' '), id: 0 });
    }
    return docs;
  });
}

async function buildStore(file: string, notes: RefDoc[][], bulk: boolean): Promise<IndexStore> {
  const store = new IndexStore(file, { bulk, fold });
  notes.forEach((docs, n) => {
    const id = store.transaction(() => store.beginNote(NOTES[n]!.path, 'message', NOTES[n]!.source, undefined));
    assert.equal(id, n + 1);
    for (let i = 0; i < docs.length; i += 100) store.transaction(() => docs.slice(i, i + 100).forEach((d) => store.addDoc(id, d.doc)));
  });
  if (bulk) store.finishBulk();
  // the rowid each document was given, by note and line
  const ids = new Map(store.db.all('SELECT id, note_id, line FROM docs').map((r) => [`${Number(r.note_id)}:${Number(r.line)}`, Number(r.id)]));
  for (const docs of notes) for (const d of docs) d.id = ids.get(`${d.note + 1}:${d.doc.line}`)!;
  return store;
}

/** Does the word sequence hold `part` (a word, a phrase; a prefix's last term as a prefix when `prefix`)? */
function holds(words: readonly string[], part: TextPart, prefix: boolean): boolean {
  const t = part.terms;
  for (let i = 0; i + t.length <= words.length; i++) {
    let ok = true;
    for (let j = 0; j < t.length && ok; j++) {
      const w = words[i + j]!;
      ok = j === t.length - 1 && prefix && part.kind === 'prefix' ? w.startsWith(t[j]!) : w === t[j];
    }
    if (ok) return true;
  }
  return false;
}

/** The reference: every document checked one by one, ranked in the documented tiers. */
function reference(notes: RefDoc[][], q: ParsedQuery, limit: number): { ids: number[]; total: number } {
  const all = notes.flat();
  const passes = (d: RefDoc): boolean =>
    q.inChats.every((c) => fold(NOTES[d.note]!.source).includes(c)) &&
    q.fromNames.every((f) => fold(d.doc.author!).includes(f)) &&
    q.has.every((h) => (d.doc.has & HAS_BITS[h]) !== 0) &&
    (!q.after || d.id >= dateSeconds(q.after) * 64) &&
    (!q.before || d.id < dateSeconds(q.before) * 64);
  const tiers: ((w: readonly string[]) => boolean)[] = [];
  if (q.text.length > 1 && q.text.every((p) => p.kind !== 'prefix')) tiers.push((w) => holds(w, { kind: 'phrase', terms: q.text.flatMap((p) => p.terms) }, false));
  tiers.push((w) => q.text.every((p) => holds(w, p, false)));
  if (q.text.some((p) => p.kind === 'prefix')) tiers.push((w) => q.text.every((p) => holds(w, p, true)));
  if (!q.text.length) tiers.splice(0, tiers.length, () => true);
  const ranked: number[] = [];
  const seen = new Set<number>();
  for (const tier of tiers) {
    const ids = all
      .filter((d) => passes(d) && tier(d.words) && !seen.has(d.id))
      .map((d) => d.id)
      .sort((a, b) => b - a);
    ids.forEach((id) => seen.add(id));
    ranked.push(...ids);
  }
  const broadest = tiers[tiers.length - 1]!;
  const total = all.filter((d) => passes(d) && broadest(d.words)).length;
  const ids = ranked.slice(0, limit);
  return { ids, total: ids.length < limit ? ids.length : Math.min(total, TOTAL_CAP) };
}

const QUERIES = [
  'alpha',
  'the',
  'water',
  'alpha beta',
  'beta alpha',
  '"alpha beta"',
  '"the water"',
  'al*',
  'alp*',
  'be*',
  'bet*',
  'the al*',
  'water be*',
  'alpha has:photo',
  'the has:link',
  'has:photo',
  'has:poll has:link',
  'be* has:photo',
  'alpha from:ann',
  'the from:ann in:"chat one"',
  'water in:makers',
  'from:joanna',
  'in:chat',
  'gamma after:2023-06-01',
  'gamma before:2023-06-01',
  'the after:2023-03-01 before:2023-09-01',
  'al* before:2023-05-01 has:link',
  'after:2023-04-01 before:2023-04-20',
  '"alpha beta" from:ben has:link',
  'delta del*',
  'in:"no such chat" alpha',
];

describe('search query plan against a brute-force reading', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = await tempDir('search-plan');
  });
  after(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  for (const bulk of [true, false]) {
    it(`gives the reference's hits, order and total for every query (${bulk ? 'bulk build' : 'built a chunk at a time'})`, async () => {
      const notes = makeDocs(1500); // 4500 documents: common words match more than TOTAL_CAP
      const store = await buildStore(path.join(dir, `${bulk ? 'bulk' : 'steps'}.db`), notes, bulk);
      try {
        assert.equal(new Set(notes.flat().map((d) => d.id)).size, 4509, 'every document has its own rowid');
        assert.ok(notes[0]!.some((d) => d.id === dateSeconds('2023-06-01') * 64), 'a document at the very rowid where a day begins');
        let capped = 0;
        for (const query of QUERIES) {
          for (const limit of [1, 7, 50, 500]) {
            const q = parseQuery(query);
            const want = reference(notes, q, limit);
            const got = runQuery(store, q, limit);
            assert.deepEqual(
              got.rows.map((r) => r.id),
              want.ids,
              `${query} (limit ${limit})`,
            );
            assert.equal(got.total, want.total, `total of ${query} (limit ${limit})`);
            if (got.total === TOTAL_CAP) capped++;
          }
        }
        assert.ok(capped > 0, 'some queries reach the cap');
      } finally {
        store.close();
      }
    });
  }
});
