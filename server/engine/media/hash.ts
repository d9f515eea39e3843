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

export function hashFile(fs: Pick<VaultFs, 'createReadStream'>, file: PathLike): Promise<FileDigest> {
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
