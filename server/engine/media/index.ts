/** Media pipeline: attachments copied into the vault by a worker thread, with vault-wide content dedup. */
export { type MediaBackend, PooledBackend } from './backend';
export { ContentStore, type StoredContent } from './contentStore';
export { type FileDigest, hashFile } from './hash';
export { MediaPipeline, type MediaOutcome, type MediaRequest, type MediaResult, type MediaTotals, withSuffix } from './mediaPipeline';
export { TaskPool } from './pool';
export { WorkerBackend, mediaWorkerScript, sharedWorkerBackend } from './workerBackend';
