/** Media pipeline: bounded parallel copies into the vault with vault-wide content dedup. */
export { ContentStore, type StoredContent } from './contentStore';
export { type FileDigest, hashFile } from './hash';
export { MediaPipeline, type MediaOutcome, type MediaRequest, type MediaResult, type MediaTotals, withSuffix } from './mediaPipeline';
export { TaskPool } from './pool';
