/**
 * What the chat archive shares between its parts and with the connectors that feed it: the run
 * (everything the chats of one import or sync share), the chat as the connector names it, where
 * a message's files come from, and the state of each note while a chat is written.
 */
import type { JobWarning, WorkerSettings } from '../../../shared/types';
import type { ContentStore } from '../media/contentStore';
import type { LocatedSource, MediaPipeline } from '../media/mediaPipeline';
import type { MetricsSink } from '../metrics';
import type { NoteMeta } from '../telegram-notes';
import type { VaultLayout } from '../vault/layout';
import type { NoteWriter, NoteWriterOptions } from '../vault/noteWriter';
import type { IoCounters, VaultFs } from '../vault/vaultFs';
import type { NoteRecord } from './chatIndex';

export interface RunTotals {
  topics: number;
  messagesSeen: number;
  messagesWritten: number;
  messagesUpdated: number;
  duplicatesSkipped: number;
  notesWritten: number;
}

/** What every chat of one run shares, whatever connector produced the messages. */
export interface ArchiveRun {
  readonly fs: VaultFs;
  readonly layout: VaultLayout;
  readonly settings: WorkerSettings;
  readonly counters: IoCounters;
  readonly metrics: MetricsSink;
  readonly media: MediaPipeline;
  /** The vault-wide content store the media pipeline fills (read-only for everyone else). */
  readonly contentStore: ContentStore;
  readonly clock: () => number;
  readonly totals: RunTotals;
  readonly writerOptions: Omit<NoteWriterOptions, 'fs' | 'counters'>;
  warn(w: JobWarning): void;
  log(level: 'info' | 'warn' | 'error', msg: string): void;
  /** Folder names (lower case) other chats hold → chat id. */
  readonly folderOwners: Map<string, number>;
  /** Notes found by reading frontmatter under Telegram/, for chats whose index is lost. */
  discoverNotes(): Promise<Map<number, DiscoveredNote[]>>;
}

export interface DiscoveredNote {
  readonly path: string;
  readonly meta: NoteMeta;
}

/** The chat as its connector names it. */
export interface ChatHeaderIn {
  readonly id: number;
  readonly title: string;
  readonly type: string;
}

/**
 * Where the files a message names come from: an export folder today, Telegram's servers with live
 * sync. `ref` is what the message holds in its photo/file fields.
 */
export interface MessageMediaSource {
  /** Finds the file (called inside the media pool, so it may take a few system calls). */
  locate(ref: string): Promise<LocatedSource>;
  /** Vault path the file is stored at unless the same content is already in the vault. */
  attachmentPath(chatDir: string, ref: string): string;
}

/** One note of a chat while the chat is written. */
export interface NoteState {
  readonly idx: number;
  readonly rec: NoteRecord;
  readonly abs: string;
  disk: { size: number; header: string };
  storedFirstDate?: string;
  storedLastDate?: string;
  /** Properties a person added or changed in Obsidian (tags, own keys): kept through rewrites. */
  kept?: Pick<NoteMeta, 'tags' | 'extraYaml'>;
  runFirstDate?: string;
  runLastDate?: string;
  /** Highest message id in the note; -Infinity while empty, so any first id (negative too) appends. */
  maxId: number;
  writer?: NoteWriter;
  replace: Map<number, string>;
  /**
   * Replacements rendered while the source lacked some of the group's files (first id → number of
   * ids): the archived block is kept instead when it embeds files the new rendering lost.
   */
  lackingFiles: Map<number, number>;
  remove: Set<number>;
  inserts: { firstId: number; text: string }[];
  touched: boolean;
  gone: boolean;
}

export function newNoteState(idx: number, rec: NoteRecord, abs: string, touched: boolean): NoteState {
  return {
    idx,
    rec,
    abs,
    disk: { size: 0, header: '' },
    maxId: Number.NEGATIVE_INFINITY,
    replace: new Map(),
    lackingFiles: new Map(),
    remove: new Set(),
    inserts: [],
    touched,
    gone: false,
  };
}

export function noteKey(topicId: number | undefined, month: string | undefined): string {
  return `${topicId ?? ''}|${month ?? ''}`;
}

/** `make()`'s name, or `fallback` when it throws or gives nothing (a title with nothing printable). */
export function safeName(make: () => string, fallback: string): string {
  try {
    const s = make();
    return typeof s === 'string' && s ? s : fallback;
  } catch {
    return fallback;
  }
}

/** Name of a note whose chat or topic title has nothing printable: like the folder's fallback. */
export function noteFallback(chatId: number, topicId: number | undefined): string {
  return topicId === undefined ? `Chat ${chatId}` : `Topic ${topicId}`;
}

export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
