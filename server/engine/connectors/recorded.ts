/**
 * Sources the user added by reference whose syncing is not built yet (live Telegram, YouTube):
 * they are recorded in the vault's sources.json, listed and removable, and a sync says plainly
 * that it is not available. The live-sync and YouTube connectors replace these.
 */
import type { SourceKind, SourceOrigin } from '../../../shared/types';
import { SourcesStore } from '../sources/sourcesStore';
import { VaultLayout } from '../vault/layout';
import type { VaultFs } from '../vault/vaultFs';
import type { Connector, ListedSource, SourceSyncResult } from './connector';

export interface RecordedSourcesOptions {
  readonly kind: SourceKind;
  readonly origin: SourceOrigin;
  /** Top folder of this origin's notes in the vault. */
  readonly notesDir: string;
  readonly fs: VaultFs;
  /** Parses what the user typed into a stable id and a display title; throws a UserError. */
  parse(ref: string): { id: string; title: string };
  /** What a sync answers until the origin can be synced. */
  unavailable(title: string): string;
}

export class RecordedSourcesConnector implements Connector {
  readonly kind: SourceKind;
  readonly origin: SourceOrigin;

  constructor(private readonly opts: RecordedSourcesOptions) {
    this.kind = opts.kind;
    this.origin = opts.origin;
  }

  private store(vaultRoot: string): SourcesStore {
    return new SourcesStore(new VaultLayout(vaultRoot), this.opts.fs);
  }

  async list(vaultRoot: string): Promise<ListedSource[]> {
    return (await this.store(vaultRoot).list()).filter((s) => s.origin === this.origin);
  }

  async identify(ref: string): Promise<{ id: string; title: string }> {
    return this.opts.parse(ref);
  }

  async add(ref: string, vaultRoot: string, now: Date): Promise<ListedSource> {
    const { id, title } = this.opts.parse(ref);
    const fallbackName = id.replace(/[^\w@+-]/g, '_');
    return this.store(vaultRoot).addNew({ id, kind: this.kind, origin: this.origin, title, ref, notesDir: this.opts.notesDir, fallbackName, now });
  }

  async remove(source: ListedSource, deleteNotes: boolean, vaultRoot: string): Promise<void> {
    await this.store(vaultRoot).remove(source.id);
    if (deleteNotes) await this.opts.fs.rm(new VaultLayout(vaultRoot).abs(source.notesPath), { recursive: true, force: true });
  }

  async sync(source: ListedSource): Promise<SourceSyncResult> {
    return { itemsAdded: 0, error: this.opts.unavailable(source.title) };
  }
}
