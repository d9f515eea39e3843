/** Media downloads for live Telegram sync: see liveMediaSource.ts. */
export type { LiveMediaRef, LiveMediaRegistry } from './types';
export { LiveMediaSource, type LiveMediaSourceOptions, type LiveMediaSettings, type LiveMediaStats } from './liveMediaSource';
export { classify as classifyGetFileError } from './getFileErrors';
export { FileDownloader, FloodWaitTooLong, type FilePartPort, type DownloaderOptions, type DownloadJob, type Downloaded } from './downloader';
export { gramjsFilePort } from './gramjsPort';
export { remoteFileOf, LIVE_MEDIA_KINDS, type LiveMediaKind, type RemoteFile } from './remoteFile';
export { parseMediaKinds, mediaFilterFrom, skippedBecause } from './filters';
