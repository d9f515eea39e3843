/**
 * `npm run sandbox` is an interface other tools rely on: one `SANDBOX <json>` line with every
 * address and credential. Start the launcher as a process, read that line, and use it.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

const root = path.resolve(__dirname, '..', '..');

describe('sandbox launcher (npm run sandbox)', function () {
  this.timeout(60_000);
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('prints one SANDBOX line whose addresses and credentials work', async () => {
    child = spawn(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'test', 'sandbox', 'main.ts')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child!.stdout! });
      lines.on('line', (l) => l.startsWith('SANDBOX ') && resolve(l));
      child!.once('exit', (code) => reject(new Error(`the launcher exited with ${code} before printing SANDBOX`)));
    });
    const info = JSON.parse(line.slice('SANDBOX '.length));
    assert.match(info.youtube.rootUrl, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.ok(info.youtube.apiKey && info.youtube.channelIds.length > 0);
    assert.ok(info.sheets.rootUrl && info.sheets.spreadsheetId);
    const tg = info.telegram;
    assert.equal(tg.host, '127.0.0.1');
    for (const key of ['port', 'dcId', 'session', 'apiId', 'apiHash']) assert.ok(tg[key], `telegram.${key} is missing`);
    assert.ok(tg.port <= 32767, 'StringSession stores the port as a signed 16-bit number');
    assert.ok(tg.chats.length > 0 && tg.chats.every((c: { id: number; title: string; messageCount: number }) => c.id && c.title && c.messageCount >= 0));

    const url = `${info.youtube.rootUrl}youtube/v3/channels?part=snippet&id=${info.youtube.channelIds[0]}&key=${info.youtube.apiKey}`;
    const res = await fetch(url);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { items: { id: string }[] };
    assert.equal(body.items[0]?.id, info.youtube.channelIds[0]);
  });
});
