import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ResponseCache } from '../../../server/engine/connectors/youtube/responseCache';
import { nodeVaultFs } from '../../../server/engine/vault/vaultFs';

describe('YouTube response cache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-rc-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('stays within its byte bound, dropping the least recently used answers', () => {
    const cache = new ResponseCache(path.join(dir, 'r.json'), nodeVaultFs, 100);
    cache.set('a', 'e1', 'x'.repeat(40));
    cache.set('b', 'e2', 'y'.repeat(40));
    cache.get('a'); // a is now the most recent
    cache.set('c', 'e3', 'z'.repeat(40));
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a')?.etag, 'e1');
    assert.equal(cache.get('c')?.etag, 'e3');
  });

  it('survives a restart through its file, in recency order, and a damaged file is an empty cache', async () => {
    const file = path.join(dir, 'r.json');
    const first = new ResponseCache(file, nodeVaultFs, 1000);
    first.set('old', 'e1', '{"v":1}');
    first.set('new', 'e2', '{"v":2}');
    await first.save();
    const second = new ResponseCache(file, nodeVaultFs, 1000);
    await second.load();
    assert.deepEqual(second.get('old'), { etag: 'e1', body: '{"v":1}' });
    await fs.writeFile(file, '{not json');
    const third = new ResponseCache(file, nodeVaultFs, 1000);
    await third.load();
    assert.equal(third.get('old'), undefined);
  });
});
