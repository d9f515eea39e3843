/**
 * The Sources tree: groups "Telegram" and "YouTube", one row per source with its title, item
 * count, last sync and state, and forum topics under their chat. Nodes are small classes that
 * build their own TreeItem; the provider only holds the latest list the worker pushed.
 */
import * as vscode from 'vscode';
import { formatCount, relativeTime } from '../shared/format';
import type { SourceInfo, SourceKind, TopicInfo } from '../shared/types';

export abstract class SourceTreeNode {
  abstract getTreeItem(): vscode.TreeItem;
  getChildren(): SourceTreeNode[] {
    return [];
  }
}

const GROUP_TITLES: Record<SourceKind, string> = { telegram: 'Telegram', youtube: 'YouTube' };
const GROUP_ICONS: Record<SourceKind, string> = { telegram: 'comment-discussion', youtube: 'device-camera-video' };

export class GroupNode extends SourceTreeNode {
  constructor(
    readonly kind: SourceKind,
    readonly sources: readonly SourceInfo[],
    private readonly vaultUri: vscode.Uri | undefined,
  ) {
    super();
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(GROUP_TITLES[this.kind], vscode.TreeItemCollapsibleState.Expanded);
    item.id = `group:${this.kind}`;
    item.iconPath = new vscode.ThemeIcon(GROUP_ICONS[this.kind]);
    item.description = `${this.sources.length}`;
    item.contextValue = 'group';
    return item;
  }
  override getChildren(): SourceTreeNode[] {
    return this.sources.map((s) => new SourceNode(s, this.vaultUri));
  }
}

export class SourceNode extends SourceTreeNode {
  constructor(
    readonly source: SourceInfo,
    private readonly vaultUri: vscode.Uri | undefined,
  ) {
    super();
  }
  getTreeItem(): vscode.TreeItem {
    const s = this.source;
    const hasTopics = (s.topics?.length ?? 0) > 0;
    const item = new vscode.TreeItem(
      s.title,
      hasTopics ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `source:${s.id}`;
    item.description = describeSource(s);
    item.tooltip = sourceTooltip(s);
    // `.live` or `.imported`: the Sync commands are offered only on sources a sync can update.
    item.contextValue = `source.${s.kind}.${s.state.kind}.${isSyncable(s) ? 'live' : 'imported'}`;
    item.iconPath =
      s.state.kind === 'syncing'
        ? new vscode.ThemeIcon('sync~spin')
        : s.state.kind === 'error'
          ? new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'))
          : new vscode.ThemeIcon(s.kind === 'telegram' ? (s.origin === 'telegram-export' ? 'archive' : 'comment') : 'play-circle');
    if (!hasTopics && this.vaultUri) {
      item.command = { command: 'vaultArchiver.openNotesFolder', title: 'Open Notes Folder', arguments: [this] };
    }
    return item;
  }
  override getChildren(): SourceTreeNode[] {
    return (this.source.topics ?? []).map((t) => new TopicNode(this.source, t, this.vaultUri));
  }
}

export class TopicNode extends SourceTreeNode {
  constructor(
    readonly source: SourceInfo,
    readonly topic: TopicInfo,
    private readonly vaultUri: vscode.Uri | undefined,
  ) {
    super();
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.topic.title, vscode.TreeItemCollapsibleState.None);
    item.id = `topic:${this.source.id}:${this.topic.id}`;
    item.description = `${formatCount(this.topic.itemCount)} messages`;
    item.iconPath = new vscode.ThemeIcon('symbol-namespace');
    item.contextValue = 'topic';
    if (this.vaultUri) {
      const note = vscode.Uri.joinPath(this.vaultUri, ...this.topic.notePath.split('/'));
      item.resourceUri = note;
      item.tooltip = this.topic.notePath;
      item.command = { command: 'vscode.open', title: 'Open Note', arguments: [note] };
    }
    return item;
  }
}

/** Whether Sync can bring this source up to date (an imported chat is updated by a newer export). */
export function isSyncable(s: SourceInfo): boolean {
  return s.origin !== 'telegram-export';
}

export function describeSource(s: SourceInfo): string {
  const unit = s.kind === 'telegram' ? 'messages' : 'videos';
  switch (s.state.kind) {
    case 'syncing':
      return `syncing ${Math.round(s.state.percent)}%`;
    case 'error':
      return 'error';
    case 'idle':
      // Only the count: at the default sidebar width anything longer is cut. The tooltip has the rest.
      return s.lastSyncAt || s.itemCount ? `${formatCount(s.itemCount)} ${unit}` : 'not synced yet';
  }
}

function sourceTooltip(s: SourceInfo): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escapeMd(s.title)}**\n\n`);
  md.appendMarkdown(`- Source: ${s.origin === 'telegram-export' ? 'Telegram Desktop export' : s.kind === 'telegram' ? 'Telegram' : 'YouTube'}\n`);
  if (s.ref) md.appendMarkdown(`- Added as: \`${s.ref.replace(/`/g, '')}\`\n`);
  md.appendMarkdown(`- Notes: \`${s.notesPath.replace(/`/g, '')}\`\n`);
  md.appendMarkdown(`- Items: ${formatCount(s.itemCount)}\n`);
  const done = s.origin === 'telegram-export' ? 'Last import' : 'Last sync';
  md.appendMarkdown(`- ${done}: ${s.lastSyncAt ? `${relativeTime(s.lastSyncAt)} (${new Date(s.lastSyncAt).toLocaleString()})` : 'never'}\n`);
  if (s.sheet) md.appendMarkdown(`- Mirrored to Google Sheets: tab \`${s.sheet.sheetTitle.replace(/`/g, '')}\`\n`);
  if (s.lastSyncUnits !== undefined) md.appendMarkdown(`- YouTube quota spent by the last sync: ${formatCount(s.lastSyncUnits)} unit${s.lastSyncUnits === 1 ? '' : 's'}\n`);
  if (s.origin === 'telegram-export') md.appendMarkdown('\nImport a newer export of this chat to add what is new.\n');
  if (s.state.kind === 'error') md.appendMarkdown(`\n$(error) ${escapeMd(s.state.message)}\n`);
  if (s.state.kind === 'syncing') md.appendMarkdown(`\n$(sync) ${Math.round(s.state.percent)}% ${escapeMd(s.state.message ?? '')}\n`);
  return md;
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, '\\$&');
}

export class SourcesTreeProvider implements vscode.TreeDataProvider<SourceTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SourceTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private sources: SourceInfo[] = [];

  constructor(private vaultUri: vscode.Uri | undefined) {}

  setSources(sources: SourceInfo[]): void {
    this.sources = sources;
    void vscode.commands.executeCommand('setContext', 'vaultArchiver.canSync', sources.some(isSyncable));
    this.changed.fire(undefined);
  }

  setVaultUri(uri: vscode.Uri | undefined): void {
    this.vaultUri = uri;
    this.changed.fire(undefined);
  }

  get current(): readonly SourceInfo[] {
    return this.sources;
  }

  getTreeItem(node: SourceTreeNode): vscode.TreeItem {
    return node.getTreeItem();
  }

  getChildren(node?: SourceTreeNode): SourceTreeNode[] {
    if (node) return node.getChildren();
    // No rows at all lets the view show its welcome content (viewsWelcome).
    const groups: SourceTreeNode[] = [];
    for (const kind of ['telegram', 'youtube'] as const) {
      const of = this.sources.filter((s) => s.kind === kind);
      if (of.length) groups.push(new GroupNode(kind, of, this.vaultUri));
    }
    return groups;
  }

  /** Every row as shown, depth first: what the integration tests and other extensions read. */
  rows(): TreeRow[] {
    const rows: TreeRow[] = [];
    const walk = (nodes: SourceTreeNode[]): void => {
      for (const n of nodes) {
        const item = n.getTreeItem();
        const children = n.getChildren();
        rows.push({
          label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
          description: typeof item.description === 'string' ? item.description : undefined,
          tooltip: typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value,
          children: children.length,
        });
        walk(children);
      }
    };
    walk(this.getChildren());
    return rows;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export interface TreeRow {
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: string;
  readonly children: number;
}
