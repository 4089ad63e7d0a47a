/**
 * Reading a crate's entry in a cargo registry index (the sparse protocol crates.io serves at index.crates.io, or the
 * same file layout in a local folder): which versions exist and the sha256 of each published `.crate`. One GET per
 * crate; no cargo call, so it works the same against crates.io, a mirror, and a fixture index in tests. The only
 * reader of an index: every gate asks it through lookUpCrate with option registryIndex, and judges the answer with
 * ops/published-version.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256 } from '../util/hash';
import { getEach } from './http2-session';

export const CRATES_IO_INDEX = 'https://index.crates.io/';

export interface PublishedVersion {
  version: string;
  /** sha256 (hex) of the published .crate file. */
  checksum: string;
  yanked: boolean;
}

export type IndexLookup =
  | { kind: 'found'; versions: PublishedVersion[]; where: string }
  /** The index has no entry for the crate: it was never published there. */
  | { kind: 'absent'; where: string }
  /** `retryAfter`: set when the index answered 429 (too many requests), to the Retry-After header it sent (or null). */
  | { kind: 'unreachable'; problem: string; where: string; retryAfter?: string | null };

/** Cargo's index file path for a crate name: `1/a`, `2/ab`, `3/a/abc`, `se/rd/serde` (lowercased). */
export function indexFilePath(crateName: string): string {
  const name = crateName.toLowerCase();
  if (name.length === 1) return `1/${name}`;
  if (name.length === 2) return `2/${name}`;
  if (name.length === 3) return `3/${name[0]}/${name}`;
  return `${name.slice(0, 2)}/${name.slice(2, 4)}/${name}`;
}

/** The index's lines (one JSON object per published version) as versions; lines that are not entries are skipped. */
export function parseIndexEntry(text: string): PublishedVersion[] {
  const versions: PublishedVersion[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as { vers?: unknown; cksum?: unknown; yanked?: unknown };
      if (typeof entry.vers === 'string' && typeof entry.cksum === 'string') {
        versions.push({ version: entry.vers, checksum: entry.cksum.toLowerCase(), yanked: entry.yanked === true });
      }
    } catch {
      // Not an index line.
    }
  }
  return versions;
}

/** `sparse+https://…`, `https://…`, `http://…`, `file:///…` or an absolute folder: where the entry for `crateName` is. */
export function indexLocation(index: string, crateName: string): { url: string } | { folder: string; file: string } {
  const base = index.replace(/^sparse\+/, '');
  if (/^https?:\/\//.test(base)) return { url: `${base.endsWith('/') ? base : `${base}/`}${indexFilePath(crateName)}` };
  const folder = base.startsWith('file:') ? fileURLToPath(base) : base;
  return { folder, file: path.join(folder, ...indexFilePath(crateName).split('/')) };
}

/** How reasons name the index: `crates.io` for its sparse index, else the location as configured. */
export function indexName(index: string): string {
  const base = index.replace(/^sparse\+/, '').replace(/\/+$/, '');
  return base === CRATES_IO_INDEX.replace(/\/+$/, '') ? 'crates.io' : `registry index ${index}`;
}

const TIMEOUT_MS = 20_000;

export async function lookUpCrate(index: string, crateName: string): Promise<IndexLookup> {
  const location = indexLocation(index, crateName);
  if ('file' in location) {
    const where = location.file;
    if (!fs.statSync(location.folder, { throwIfNoEntry: false })?.isDirectory()) {
      return { kind: 'unreachable', problem: `index folder ${location.folder} does not exist`, where };
    }
    if (!fs.existsSync(where)) return { kind: 'absent', where };
    return { kind: 'found', versions: parseIndexEntry(fs.readFileSync(where, 'utf8')), where };
  }
  const where = location.url;
  try {
    const response = await fetch(where, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { 'user-agent': 'nx-release-gates' } });
    // crates.io's sparse index answers 404 (or 403 from its CDN, or 410) for a name it never had.
    if (response.status === 404 || response.status === 410 || response.status === 403) return { kind: 'absent', where };
    if (response.status === 429) return { kind: 'unreachable', problem: `HTTP 429 (too many requests) from ${where}`, where, retryAfter: response.headers.get('retry-after') };
    if (!response.ok) return { kind: 'unreachable', problem: `HTTP ${response.status} from ${where}`, where };
    return { kind: 'found', versions: parseIndexEntry(await response.text()), where };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { kind: 'unreachable', problem: `${where}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, where };
  }
}

/**
 * What a cache key holds of a crate's index entry, from the answer to a GET: its ETag or Last-Modified (the body of a
 * popular crate's entry is large, and either header changes with it: the body is then not read), else the hash of the
 * body. `absent` when the index has no entry; null when it cannot say (an error status, no body).
 */
function stampOf(answer: { status: number; header(name: string): string | null }, body: string | null): string | null {
  if (answer.status === 404 || answer.status === 410 || answer.status === 403) return 'absent';
  if (answer.status < 200 || answer.status >= 300) return null;
  const etag = answer.header('etag');
  if (etag) return `etag ${etag}`;
  const modified = answer.header('last-modified');
  if (modified) return `last-modified ${modified}`;
  return body === null ? null : `sha256 ${sha256(body)}`;
}

/** Whether stampOf needs the body of this answer (a success without ETag or Last-Modified). */
function stampNeedsBody(answer: { status: number; header(name: string): string | null }): boolean {
  return answer.status >= 200 && answer.status < 300 && !answer.header('etag') && !answer.header('last-modified');
}

const USER_AGENT = { 'user-agent': 'nx-release-gates' };

/**
 * What a cache key holds of a crate's index entry (stampOf): in a folder index, its content hash. Null when the index
 * cannot say (no answer in `timeoutMs`, an error status, a missing folder): the caller must then never match a
 * cached key.
 */
export async function entryStamp(index: string, crateName: string, timeoutMs: number): Promise<string | null> {
  const location = indexLocation(index, crateName);
  if ('file' in location) {
    if (!fs.statSync(location.folder, { throwIfNoEntry: false })?.isDirectory()) return null;
    try {
      return `sha256 ${sha256(fs.readFileSync(location.file, 'utf8'))}`;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : null;
    }
  }
  try {
    const got = await fetch(location.url, { signal: AbortSignal.timeout(timeoutMs), headers: USER_AGENT });
    const answer = { status: got.status, header: (name: string) => got.headers.get(name) };
    if (stampNeedsBody(answer)) return stampOf(answer, await got.text());
    await got.body?.cancel();
    return stampOf(answer, null);
  } catch {
    return null;
  }
}

/**
 * entryStamp for many names of an HTTPS index at once, over one HTTP/2 connection (ops/http2-session.ts) with one
 * deadline. A name with no stamp (no answer in time, a server without HTTP/2, a folder or plain-HTTP index) is null:
 * the caller asks again, one request per name (entryStamp). Both ways give the same stamp for the same answer.
 */
export async function entryStampsAtOnce(index: string, names: readonly string[], timeoutMs: number): Promise<Array<string | null>> {
  // One index: every name is a URL of the same origin, or none is.
  const urls = names.flatMap((name) => {
    const location = indexLocation(index, name);
    return 'url' in location ? [new URL(location.url)] : [];
  });
  if (urls.length !== names.length || urls[0]?.protocol !== 'https:') return names.map(() => null);
  return getEach({ origin: urls[0].origin, paths: urls.map((u) => `${u.pathname}${u.search}`), headers: USER_AGENT, timeoutMs }, stampNeedsBody, stampOf);
}
