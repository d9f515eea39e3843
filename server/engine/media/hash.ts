/**
 * Streamed SHA-256 of a file: memory stays at one read buffer whatever the file size.
 */
import { createHash } from 'node:crypto';
import type { PathLike } from 'node:fs';
import type { VaultFs } from '../vault/vaultFs';

export interface FileDigest {
  readonly sha256: string;
  readonly size: number;
}

/** Files up to this size are read in one call: cheaper than a stream for the many small ones. */
const WHOLE_FILE_LIMIT = 1 << 20;

/** SHA-256 of `file`; pass `knownSize` (from a stat) to let small files be read in one call. */
export async function hashFile(fs: Pick<VaultFs, 'createReadStream'> & Partial<Pick<VaultFs, 'readFile'>>, file: PathLike, knownSize?: number): Promise<FileDigest> {
  if (fs.readFile && knownSize !== undefined && knownSize <= WHOLE_FILE_LIMIT) {
    const data = await fs.readFile(file);
    return { sha256: createHash('sha256').update(data).digest('hex'), size: data.length };
  }
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let size = 0;
    const stream = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
    stream.on('data', (chunk: string | Buffer) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buf.length;
      hash.update(buf);
    });
    stream.on('error', reject);
    stream.on('end', () => resolve({ sha256: hash.digest('hex'), size }));
  });
}
