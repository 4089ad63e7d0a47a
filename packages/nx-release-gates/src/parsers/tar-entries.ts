/**
 * File names inside a .crate (a gzipped tar), read directly: the package's real contents, what crates.io receives.
 * Handles ustar prefixes, GNU long names ('L') and pax `path` records ('x'), which cargo writes for long paths.
 */
import { gunzipSync } from 'node:zlib';

const BLOCK = 512;

function text(buffer: Buffer, start: number, length: number): string {
  const raw = buffer.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
}

function paxPath(data: Buffer): string | undefined {
  // Records are "<length> <key>=<value>\n".
  for (const record of data.toString('utf8').split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(record);
    if (match) return match[1];
  }
  return undefined;
}

export interface TarFile {
  name: string;
  data: Buffer;
  /** Unix permission bits (the executable bit matters for build scripts that run files). */
  mode: number;
}

/** Regular files with their contents, in archive order, with their full paths (GNU long names and pax paths read). */
export function tarFiles(gzipped: Buffer): TarFile[] {
  const tar = gunzipSync(gzipped);
  const files: TarFile[] = [];
  let nextName: string | undefined;
  for (let offset = 0; offset + BLOCK <= tar.length; ) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(text(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const dataStart = offset + BLOCK;
    const data = tar.subarray(dataStart, dataStart + size);
    if (type === 'L') nextName = text(data, 0, data.length);
    else if (type === 'x') nextName = paxPath(data) ?? nextName;
    else {
      const prefix = text(header, 345, 155);
      const name = nextName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
      const mode = parseInt(text(header, 100, 8).trim() || '644', 8);
      if (type === '0' || type === '\0') files.push({ name, data: Buffer.from(data), mode });
      nextName = undefined;
    }
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}

/** The names of the regular files in the archive, in archive order. */
export function tarFileNames(gzipped: Buffer): string[] {
  return tarFiles(gzipped).map((f) => f.name);
}
