/**
 * Where things live in a vault: the one place that names its folders and state files. Everything
 * else asks here instead of joining names by hand.
 *
 *   <vault>/
 *     .vault-archiver/          the vault's own state (safe to delete: rebuilt from the notes)
 *       sources.json            sources added by reference (live chats, YouTube channels)
 *       lock/                   held by the one process writing the vault (vaultLock.ts)
 *       telegram/               Telegram chat indexes and the content store
 *     Telegram/<chat>/          notes and attachments of each chat
 *     YouTube/<channel>/        notes of each channel
 */
import * as path from 'node:path';

export const STATE_DIR = '.vault-archiver';
export const TELEGRAM_DIR = 'Telegram';
export const YOUTUBE_DIR = 'YouTube';

/** Absolute paths of a vault's state; `root` must be absolute. */
export class VaultLayout {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  get stateDir(): string {
    return path.join(this.root, STATE_DIR);
  }

  get sourcesFile(): string {
    return path.join(this.stateDir, 'sources.json');
  }

  /** The writer lock: a folder holding one record of who holds it (vaultLock.ts says why a folder). */
  get lockDir(): string {
    return path.join(this.stateDir, 'lock');
  }

  /** State of the Telegram chat archive: chat indexes and the vault-wide content store. */
  get telegramStateDir(): string {
    return path.join(this.stateDir, 'telegram');
  }

  /** The vault-wide content store of attachments (sha256 → stored path, chats embedding it). */
  get contentStoreFile(): string {
    return path.join(this.telegramStateDir, 'content-store.jsonl');
  }

  /** Telegram photo/document ids already stored (live sync): "photo:<id>:<size>" → content hash. */
  get telegramMediaIdsFile(): string {
    return path.join(this.telegramStateDir, 'media-ids.jsonl');
  }

  /** Downloads in progress or waiting to be stored; emptied when a Telegram archive run opens. */
  get telegramTmpDir(): string {
    return path.join(this.telegramStateDir, 'tmp');
  }

  /** State of the YouTube archive: one catalog per channel and the day's quota. */
  get youtubeStateDir(): string {
    return path.join(this.stateDir, 'youtube');
  }

  /** Where the Telegram chats' folders are. */
  get telegramNotesDir(): string {
    return path.join(this.root, TELEGRAM_DIR);
  }

  /** Absolute path of a vault-relative path written with forward slashes (as notes link it). */
  abs(vaultPath: string): string {
    return path.join(this.root, ...vaultPath.split('/'));
  }
}

/** Vault-relative folder of a Telegram chat's notes. */
export function telegramChatFolder(folderName: string): string {
  return `${TELEGRAM_DIR}/${folderName}`;
}
