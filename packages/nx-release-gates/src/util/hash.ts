import { createHash } from 'node:crypto';

/** sha256 (hex) of raw bytes: a file's content, a .crate, a program. */
export function bytesSha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function sha256(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
}
