/**
 * The worker's language features for vault notes over its real IPC transport, on a vault made by
 * importing the bundled sample export: what VS Code asks when a user opens a chat note.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DefinitionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentLinkRequest,
  DocumentLinkResolveRequest,
  DocumentSymbolRequest,
  HoverRequest,
  ReferencesRequest,
  WorkspaceSymbolRequest,
  type DocumentSymbol,
  type Location,
  type MarkupContent,
  type WorkspaceSymbol,
} from 'vscode-languageserver-protocol/node';
import { JobRequests } from '../../shared/protocol';
import { repoRoot, startWorker, type WorkerHandle } from '../support/workerProcess';

const sampleExport = path.join(repoRoot, 'sample', 'telegram-export');

describe('worker: navigation in vault notes over IPC', function () {
  this.timeout(60_000);
  let workspace: string;
  let worker: WorkerHandle;
  let vault: string;
  const uri = (rel: string): string => pathToFileURL(path.join(vault, rel)).href;
  const alice = 'Telegram/Alice Martin/Alice Martin.md';
  const forum = 'Telegram/Makers Forum';
  const lines = async (rel: string): Promise<string[]> => (await fs.readFile(path.join(vault, rel), 'utf8')).split('\n');
  const find = (ls: string[], re: RegExp): { line: number; character: number } => {
    const line = ls.findIndex((l) => re.test(l));
    assert.ok(line >= 0, `no line matches ${re}`);
    return { line, character: ls[line]!.search(re) + 3 };
  };

  before(async () => {
    workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'va-nav-'));
    vault = path.join(workspace, 'Archive');
    worker = await startWorker(workspace);
    const summary = await worker.connection.sendRequest(JobRequests.importExport, { exportPath: sampleExport, progressId: 'p' });
    assert.ok(summary.messagesWritten > 0);
  });
  after(async () => {
    await worker?.stop();
    await fs.rm(workspace, { recursive: true, force: true });
  });

  it('declares the features and incremental sync in its initialize result', () => {
    const c = worker.capabilities;
    assert.deepEqual(c.textDocumentSync, { openClose: true, change: 2 });
    for (const k of ['documentSymbolProvider', 'definitionProvider', 'referencesProvider', 'hoverProvider', 'workspaceSymbolProvider'] as const) assert.ok(c[k], k);
    assert.deepEqual(c.documentLinkProvider, { resolveProvider: true });
  });

  it("documentSymbol: a chat note's messages by day; a forum topic's too", async () => {
    const symbols = (await worker.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: uri(alice) } })) as DocumentSymbol[];
    assert.ok(symbols.length > 3);
    assert.equal(symbols[0]!.name, '2024-03-01');
    assert.match(symbols[0]!.detail!, /^\d+ messages$/);
    const first = symbols[0]!.children!;
    assert.deepEqual(first.slice(0, 3).map((c) => c.name), ['09:40 👋 Alice Martin joined Telegram', '10:23 Alice Martin', '11:12 Sam Carter']);
    assert.equal(first[1]!.detail, 'Hi Sam! Found you here 👋');
    const ls = await lines(alice);
    assert.equal(ls[first[1]!.range.end.line], '^m2');
    const days = symbols.map((s) => s.name);
    assert.deepEqual([...days].sort(), days, 'days in order');
    const topic = (await worker.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: uri(`${forum}/3D printing.md`) } })) as DocumentSymbol[];
    assert.match(topic[0]!.children![0]!.name, /Bob Stone created the topic/);
  });

  it('documentLink: reply links and embeds are links to the file and line; links to other notes resolve when followed', async () => {
    const links = await worker.connection.sendRequest(DocumentLinkRequest.type, { textDocument: { uri: uri(alice) } });
    assert.ok(links && links.length > 5);
    const ls = await lines(alice);
    const reply = find(ls, /\[\[#\^m3\|message 3\]\]/);
    const link = links.find((l) => l.range.start.line === reply.line)!;
    const m3 = ls.findIndex((l) => l === '^m3');
    let header = m3;
    while (header > 0 && !ls[header]!.startsWith('> **')) header--;
    assert.equal(link.target, `${uri(alice)}#L${header + 1}`);
    const photo = links.find((l) => l.target?.endsWith('.jpg'));
    assert.ok(photo, 'an embedded photo is a link');
    await fs.access(new URL(photo.target!));
    // a note linking into another note's block: the target comes with documentLink/resolve
    const other = 'Notes about Alice.md';
    await fs.writeFile(path.join(vault, other), 'See [[Alice Martin#^m3|her message]].\n');
    const pending = (await worker.connection.sendRequest(DocumentLinkRequest.type, { textDocument: { uri: uri(other) } }))!;
    assert.equal(pending.length, 1);
    assert.equal(pending[0]!.target, undefined);
    const resolved = await worker.connection.sendRequest(DocumentLinkResolveRequest.type, pending[0]!);
    assert.equal(resolved.target, `${uri(alice)}#L${header + 1}`);
  });

  it('definition: a reply link goes to the replied message; references: every reply to it', async () => {
    const rel = `${forum}/3D printing.md`;
    const ls = await lines(rel);
    const at = find(ls, /\[\[#\^m9\|message 9\]\]/);
    const def = (await worker.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: uri(rel) }, position: at })) as Location;
    assert.equal(def.uri, uri(rel));
    assert.match(ls[def.range.start.line]!, /^> \*\*Bob Stone\*\* · 2024-03-01 17:06:22/);
    assert.equal(ls[def.range.end.line], '^m9');
    const refs = (await worker.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri: uri(rel) }, position: { line: def.range.start.line, character: 3 }, context: { includeDeclaration: false } }))!;
    const expected = ls.flatMap((l, i) => (l.includes('[[#^m9|') ? [i] : []));
    assert.ok(expected.length >= 2);
    assert.deepEqual(refs.map((r) => [r.uri, r.range.start.line]), expected.map((i) => [uri(rel), i]));
  });

  it('hover on a reply link quotes the message: author, date, text, media', async () => {
    const rel = `${forum}/3D printing.md`;
    const ls = await lines(rel);
    const at = find(ls, /\[\[#\^m9\|message 9\]\]/);
    const hover = await worker.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uri(rel) }, position: at });
    const md = (hover!.contents as MarkupContent).value;
    assert.match(md, /^\*\*Bob Stone\*\* · 2024-03-01 17:06:22\n\n> My first print warped at the corners\. Ideas\?\n\n🖼 \[photo\\_1@01-03-2024\\_17-06-22\.jpg\]\(file:/);
  });

  it('workspace/symbol: chats, topics and channels by title', async () => {
    const found = (await worker.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'print' })) as WorkspaceSymbol[];
    assert.deepEqual(found.map((s) => [s.name, s.containerName]), [['3D printing', 'Makers Forum']]);
    assert.equal((found[0]!.location as Location).uri, uri(`${forum}/3D printing.md`));
    const all = (await worker.connection.sendRequest(WorkspaceSymbolRequest.type, { query: '' })) as WorkspaceSymbol[];
    const names = all.map((s) => s.name);
    for (const n of ['Alice Martin', 'Makers Forum', 'Tech Digest', '../CON: <Design|Review> #1 [draft]?.']) assert.ok(names.includes(n), n);
  });

  it('an open note is read from the editor with its unsaved edits; files outside the vault get no answer', async () => {
    const rel = 'Draft.md';
    const text = '> **Zed** · 2024-06-01 10:00:00\n>\n> draft\n\n^m99\n';
    await worker.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri(rel), languageId: 'markdown', version: 1, text } });
    await worker.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: uri(rel), version: 2 },
      contentChanges: [{ range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, text: '\nsee [[#^m99]]\n' }],
    });
    const def = (await worker.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: uri(rel) }, position: { line: 6, character: 7 } })) as Location;
    assert.equal(def.range.start.line, 0, 'the unsaved link, resolved in the unsaved text');
    await assert.rejects(fs.access(path.join(vault, rel)), 'never written to disk');
    const outside = pathToFileURL(path.join(workspace, 'README.md')).href;
    await fs.writeFile(path.join(workspace, 'README.md'), '> **A** · 2024-01-01 00:00:00\n\n^m1\n');
    assert.equal(await worker.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: outside } }), null);
  });
});
