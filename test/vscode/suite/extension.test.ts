/**
 * Runs inside a real VS Code extension host (code-server or desktop VS Code) against the
 * extension at extensionDevelopmentPath, in a fresh, empty workspace folder. The tests run
 * in order: the import test fills the vault the later tests look at.
 */
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ImportSummary } from '../../../shared/types';
import { compareTitles } from '../../../shared/order';
import {
  COMMAND_IDS,
  activeApi,
  expectedChats,
  extension,
  markdownFiles,
  sampleExportPath,
  waitFor,
  workspaceRoot,
  type ExpectedChat,
  type VaultArchiverApi,
} from './support';

describe('Vault Archiver in a real VS Code', () => {
  let api: VaultArchiverApi;
  let exportCopy: string;
  let expected: ExpectedChat[];
  let firstImport: ImportSummary;
  let secondImport: ImportSummary;

  before(() => {
    // The importer gets a copy, so nothing it does can touch the repository's sample.
    exportCopy = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-archiver-export-'));
    fs.cpSync(sampleExportPath(), exportCopy, { recursive: true });
    expected = expectedChats(exportCopy);
    assert.ok(expected.length > 0, `the sample export at ${sampleExportPath()} holds no named chat with messages`);
  });

  after(() => {
    fs.rmSync(exportCopy, { recursive: true, force: true });
  });

  it('activates and returns its test API', async () => {
    api = await activeApi();
    assert.equal(extension().isActive, true);
    for (const name of ['listSources', 'lastImport', 'treeRows'] as const) {
      assert.equal(typeof api[name], 'function', `API has no ${name}()`);
    }
    const ready = api.ready ?? api.client;
    assert.ok(ready && typeof ready.then === 'function', 'the API has no `ready` (or `client`) promise');
  });

  it('registers every command and contributes each with a "Vault Archiver" palette title', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = COMMAND_IDS.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'commands not registered');

    const contributed = (extension().packageJSON.contributes?.commands ?? []) as {
      command: string;
      title: string;
      category?: string;
    }[];
    for (const id of COMMAND_IDS) {
      const entry = contributed.find((c) => c.command === id);
      assert.ok(entry, `${id} is not in contributes.commands`);
      const shown = entry.category ? `${entry.category}: ${entry.title}` : entry.title;
      assert.match(shown, /^Vault Archiver: /, `${id} is shown as "${shown}"`);
    }
  });

  it('starts the worker and answers listSources over the protocol (empty vault)', async () => {
    await (api.ready ?? api.client);
    const sources = await api.listSources();
    assert.ok(Array.isArray(sources), 'listSources did not return an array');
    assert.deepEqual(sources, [], 'a fresh workspace should have no sources');
    assert.deepEqual(await api.treeRows(), [], 'the tree should be empty (welcome content) without sources');
  });

  it('imports the bundled sample export into the workspace vault', async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('vaultArchiver.importTelegramExport', exportCopy);
    firstImport = await waitFor(() => api.lastImport(), 'the import to finish', 90_000);
    assert.equal(firstImport.cancelled, false);
    assert.equal(path.resolve(firstImport.exportPath), path.resolve(exportCopy));
    assert.ok(firstImport.chats >= expected.length, `summary says ${firstImport.chats} chats, export has ${expected.length}`);
    assert.ok(firstImport.messagesWritten > 0, 'no messages written');

    const vault = path.join(workspaceRoot(), 'Archive');
    assert.equal(path.resolve(firstImport.vaultPath), vault, 'the vault is not the default Archive folder of the workspace');
    const notes = markdownFiles(vault);
    assert.ok(notes.length >= expected.length, `only ${notes.length} notes in ${vault}`);
    // The sources' state lives in a `.vault-archiver/` folder in the workspace: at its root or
    // inside the vault (then the vault describes itself and the CLI sees the same state).
    const stateFolders = [path.join(workspaceRoot(), '.vault-archiver'), path.join(vault, '.vault-archiver')];
    assert.ok(stateFolders.some((f) => fs.existsSync(f)), `no state folder (looked for ${stateFolders.join(', ')})`);

    const sources = await api.listSources();
    const titles = sources.filter((s) => s.kind === 'telegram').map((s) => s.title);
    for (const chat of expected) {
      // Surrounding whitespace is the one liberty a display may take with a title.
      const source = sources.find((s) => s.kind === 'telegram' && s.title.trim() === chat.title.trim());
      assert.ok(source, `no source titled "${chat.title}" (have: ${titles.map((t) => `"${t}"`).join(', ')})`);
      assert.equal(source.state.kind, 'idle', `${chat.title} is ${source.state.kind} after the import`);
      assert.ok(source.itemCount > 0, `${chat.title} has no items`);
      assert.ok(source.lastSyncAt, `${chat.title} has no lastSyncAt`);
      const chatNotes = markdownFiles(path.join(vault, source.notesPath));
      assert.ok(chatNotes.length > 0, `no notes under ${source.notesPath} for ${chat.title}`);
      if (chat.plainText) {
        const text = chatNotes.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
        assert.ok(text.includes(chat.plainText), `"${chat.plainText}" is not in the notes of ${chat.title}`);
      }
    }
  });

  it('shows the imported chats in the Sources tree', async () => {
    const rows = await waitFor(async () => {
      const r = await api.treeRows();
      return r.some((row) => row.label.trim() === expected[0].title.trim()) ? r : undefined;
    }, 'the tree to show the imported chats', 15_000);
    const labels = rows.map((r) => r.label);
    assert.ok(labels.includes('Telegram'), `no "Telegram" group row (rows: ${labels.join(', ')})`);
    for (const chat of expected) {
      const row = rows.find((r) => r.label.trim() === chat.title.trim());
      assert.ok(row, `no tree row for "${chat.title}" (rows: ${labels.map((l) => `"${l}"`).join(', ')})`);
      // Only the count: anything longer is cut at the default sidebar width (the tooltip has the rest).
      assert.match(row.description ?? '', /^[\d,]+ messages?$/, `row "${chat.title}" description: ${row.description}`);
    }
    const chatRows = rows.filter((r) => expected.some((c) => c.title.trim() === r.label.trim())).map((r) => r.label);
    assert.deepEqual(chatRows, [...chatRows].sort(compareTitles), 'chat rows are not in title order');
  });

  it('shows forum topics as rows under their chat, each with its own note', async () => {
    const sources = await api.listSources();
    const forums = sources.filter((s) => (s.topics?.length ?? 0) > 0);
    for (const chat of expected.filter((c) => c.topicsCreated > 0)) {
      const forum = forums.find((f) => f.title.trim() === chat.title.trim());
      assert.ok(forum, `"${chat.title}" creates forum topics in the export but its source has none`);
      assert.ok(forum.topics!.length >= chat.topicsCreated, `"${chat.title}" has fewer topics than the export creates`);
    }
    const rows = await api.treeRows();
    const vault = path.resolve(firstImport.vaultPath);
    for (const forum of forums) {
      const row = rows.find((r) => r.label === forum.title);
      assert.ok(row, `no row for forum "${forum.title}"`);
      assert.equal(row.children, forum.topics!.length, `"${forum.title}" row children vs topics`);
      for (const topic of forum.topics!) {
        assert.ok(rows.some((r) => r.label === topic.title), `no row for topic "${topic.title}" of "${forum.title}"`);
        assert.ok(fs.existsSync(path.join(vault, topic.notePath)), `topic note ${topic.notePath} does not exist`);
      }
    }
  });

  it("VS Code's Markdown engine renders a note through the extension's Obsidian plugin", async () => {
    assert.equal(typeof (api as { extendMarkdownIt?: unknown }).extendMarkdownIt, 'function', 'the API has no extendMarkdownIt');
    const notes = markdownFiles(path.join(workspaceRoot(), 'Archive'));
    const note = notes.find((f) => path.basename(f) === `${expected[0].title}.md`) ?? notes[0];
    const html = await vscode.commands.executeCommand<string>('markdown.api.render', await vscode.workspace.openTextDocument(note));
    assert.match(html, /<blockquote id="m1"/, 'message blocks carry their block id as HTML id');
    assert.doesNotMatch(html, />\^m-?\d+</, 'a block id shows as text');
    assert.ok(!html.includes('[[') && !html.includes('%%'), 'raw Obsidian syntax shows');
    assert.match(html, /<a href="#m\d+" class="obsidian-link">/, 'no reply link');
    assert.match(html, /<img src="attachments\/[^"]+"[^>]* class="obsidian-embed">/, 'no embedded image');
    assert.match(html, /<br>/, 'line breaks inside a message are not kept');
  });

  it('the worker serves outline, links, definition, references, hover and Ctrl+T for vault notes', async function () {
    this.timeout(60_000);
    const vault = path.join(workspaceRoot(), 'Archive');
    const note = markdownFiles(vault).find((f) => /^> ↩ Reply to \[\[#\^m\d+\|/m.test(fs.readFileSync(f, 'utf8')));
    assert.ok(note, 'no note with a reply link');
    const doc = await vscode.workspace.openTextDocument(note);
    await vscode.window.showTextDocument(doc);
    const uri = doc.uri;
    // The language client starts its features with the worker: ask until ours answer.
    const ours = (symbols: (vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined) =>
      symbols?.find((s): s is vscode.DocumentSymbol => 'children' in s && /^\d{4}-\d{2}-\d{2}$/.test(s.name));
    const day = await waitFor(async () => ours(await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri)), 'the outline by day');
    assert.match(day.children[0]!.name, /^\d\d:\d\d /);
    const line = doc.getText().split('\n').findIndex((l) => /^> ↩ Reply to \[\[#\^m\d+\|/.test(l));
    const at = new vscode.Position(line, doc.lineAt(line).text.indexOf('[[') + 3);
    const id = /\[\[#\^(m\d+)\|/.exec(doc.lineAt(line).text)![1];
    const idLine = doc.getText().split('\n').indexOf(`^${id}`);
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', uri);
    const link = links.find((l) => l.range.contains(at));
    assert.ok(link?.target, 'the reply link is no document link');
    assert.equal(link.target.path, uri.path);
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', uri, at);
    const def = defs.map((d) => ('targetRange' in d ? d.targetRange : d.range)).find((r) => r.end.line === idLine);
    assert.ok(def, `no definition ending at ^${id} (line ${idLine}): ${JSON.stringify(defs)}`);
    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', uri, def.start);
    assert.ok(refs.some((r) => r.range.start.line === line), 'the reply is not among the references');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, at);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\*\*.+\*\* · \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/, `the hover does not quote the message: ${text}`);
    const title = expected[0].title;
    const symbols = await waitFor(async () => {
      const found = await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', title.slice(0, 5));
      return found.find((s) => s.name === title);
    }, `Ctrl+T finding "${title}"`);
    assert.ok(symbols.location.uri.path.endsWith('.md'));
  });

  it('re-importing the same export writes nothing new', async function () {
    this.timeout(120_000);
    const vault = path.join(workspaceRoot(), 'Archive');
    const digest = (): string => {
      const hash = crypto.createHash('sha256');
      for (const file of markdownFiles(vault).sort()) hash.update(file).update(fs.readFileSync(file));
      return hash.digest('hex');
    };
    const before = digest();
    await vscode.commands.executeCommand('vaultArchiver.importTelegramExport', exportCopy);
    const second = await waitFor(
      () => {
        const last = api.lastImport();
        return last && last !== firstImport ? last : undefined;
      },
      'the second import to finish',
      90_000,
    );
    assert.equal(second.messagesWritten, 0, 'a re-import wrote messages again');
    assert.ok(second.duplicatesSkipped > 0, 'a re-import reported no duplicates skipped');
    assert.equal(digest(), before, 'a re-import changed the notes');
    secondImport = second;
  });

  it('"Show Metrics" shows a read-only metrics document with the duplicates the re-import prevented', async () => {
    // Not awaited: a command that answered with a notification instead would hold the
    // test until mocha's timeout; the bounded wait below says what went wrong sooner.
    void vscode.commands.executeCommand('vaultArchiver.showMetrics');
    const doc = await waitFor(
      () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'vault-archiver' && /Items read/.test(d.getText())),
      'the metrics document to open',
      15_000,
    );
    assert.equal(doc.isUntitled, false, 'the metrics are an untitled document (it asks to be saved)');
    assert.equal(doc.isDirty, false, 'the metrics document is dirty');
    await waitFor(
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /Metrics/.test(t.label)),
      'a tab showing the metrics',
      15_000,
    );
    const text = doc.getText();
    const figure = (name: string): number => {
      const match = new RegExp(`\\|\\s*${name}\\s*\\|\\s*([\\d,]+)`).exec(text);
      assert.ok(match, `no "${name}" row in:\n${text}`);
      return Number(match[1].replace(/,/g, ''));
    };
    assert.ok(figure('Items read') >= firstImport.messagesWritten, 'items read is below what the import wrote');
    const skipped = figure('Already in the vault, skipped');
    assert.ok(skipped >= secondImport.duplicatesSkipped, `"already in the vault" (${skipped}) is below the re-import's ${secondImport.duplicatesSkipped}`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('switching the vault folder setting shows that vault\'s sources, and switching back restores them', async () => {
    const config = vscode.workspace.getConfiguration('vaultArchiver');
    const before = (await api.treeRows()).length;
    assert.ok(before > 0, 'the tree should hold the imported chats');
    await config.update('vaultFolder', 'Another Vault', vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor(async () => ((await api.treeRows()).length === 0 ? true : undefined), 'the tree to empty for a fresh vault', 15_000);
      assert.deepEqual(await api.listSources(), []);
    } finally {
      await config.update('vaultFolder', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor(async () => ((await api.treeRows()).length === before ? true : undefined), 'the tree to show the first vault again', 15_000);
  });
});
