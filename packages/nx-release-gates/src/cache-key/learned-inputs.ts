/**
 * release-gates.lock: what the gates were seen to read that no declared input covers (`[[read]]`), and cache keys a
 * fresh run contradicted (`[[contradicted]]`). A run under `undeclaredInputs: warn` adds what it found; a failing
 * run that Nx's cache holds a pass for adds the key. The file sits beside Cargo.lock and is committed like it: every
 * clone's fingerprint (fingerprint.ts) prints one line per entry of the crate, so the learned inputs join the key of
 * every later run everywhere, and a contradicted key is never produced again.
 *
 * Written sorted and stable so a diff reads as what was learned. Entries are only ever added: a person forgets one
 * by deleting its lines. Paths are as recorded, never resolved to an absolute path: workspace-relative, `~/` for the
 * user's home, absolute only for a file outside both (a system location, the same on every machine).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'smol-toml';
import { bytesSha256, sha256 } from '../util/hash';
import { writeFileAtomic } from '../util/files';
import { waitForLock } from '../ops/lock';
import { parseToml } from '../ops/config-files';
import { directLookups, FileLookups } from '../ops/file-lookups';

export const LEARNED_FILE = 'release-gates.lock';
const VERSION = 1;

export type ReadKind = 'file' | 'dir' | 'env';

export interface LearnedRead {
  crate: string;
  gate: string;
  kind: ReadKind;
  /** A path as recorded (see learnedName), or a variable's name. */
  name: string;
}

export interface Contradiction {
  crate: string;
  gate: string;
  /** The Nx task hash whose cached pass a fresh run contradicted. */
  key: string;
}

export interface LearnedInputs {
  reads: LearnedRead[];
  contradicted: Contradiction[];
}

export const NOTHING_LEARNED: LearnedInputs = { reads: [], contradicted: [] };

/** A release-gates.lock that cannot be read as this version's TOML: one line saying where and how to fix it. */
export class LearnedInputsError extends Error {}

const KINDS: readonly ReadKind[] = ['file', 'dir', 'env'];
const text = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

export function parseLearned(content: string, where: string): LearnedInputs {
  let document: Record<string, unknown>;
  try {
    document = parse(content) as Record<string, unknown>;
  } catch (error) {
    throw new LearnedInputsError(`${where} is not valid TOML (${(error as Error).message.split('\n')[0]}); fix it by hand or take it back from git`);
  }
  if (document.version !== undefined && document.version !== VERSION) {
    throw new LearnedInputsError(`${where} has version ${String(document.version)}, this plugin writes version ${VERSION}; upgrade nx-release-gates`);
  }
  const entries = (name: string) => (Array.isArray(document[name]) ? (document[name] as Record<string, unknown>[]) : []);
  const reads: LearnedRead[] = [];
  for (const [index, entry] of entries('read').entries()) {
    const kind = KINDS.find((k) => text(entry[k]));
    if (!text(entry.crate) || !text(entry.gate) || !kind) {
      throw new LearnedInputsError(`${where}: [[read]] number ${index + 1} needs crate, gate and one of file, dir or env; fix or delete it`);
    }
    reads.push({ crate: entry.crate, gate: entry.gate, kind, name: entry[kind] as string });
  }
  const contradicted: Contradiction[] = [];
  for (const [index, entry] of entries('contradicted').entries()) {
    if (!text(entry.crate) || !text(entry.gate) || !text(entry.key)) {
      throw new LearnedInputsError(`${where}: [[contradicted]] number ${index + 1} needs crate, gate and key; fix or delete it`);
    }
    contradicted.push({ crate: entry.crate, gate: entry.gate, key: entry.key });
  }
  return mergeLearned({ reads, contradicted }, NOTHING_LEARNED);
}

const readId = (r: LearnedRead) => [r.crate, r.gate, r.kind, r.name].join('\0');
const contradictionId = (c: Contradiction) => [c.crate, c.gate, c.key].join('\0');
const byId = <T>(id: (t: T) => string) => (a: T, b: T) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0);

function union<T>(a: readonly T[], b: readonly T[], id: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const entry of [...a, ...b]) if (!seen.has(id(entry))) seen.set(id(entry), entry);
  return [...seen.values()].sort(byId(id));
}

/** Both files' entries, each once, sorted: nothing is ever dropped. */
export function mergeLearned(base: LearnedInputs, added: Partial<LearnedInputs>): LearnedInputs {
  return { reads: union(base.reads, added.reads ?? [], readId), contradicted: union(base.contradicted, added.contradicted ?? [], contradictionId) };
}

/** How many of `added`'s entries `base` does not hold yet. */
export function countNew(base: LearnedInputs, added: Partial<LearnedInputs>): number {
  const reads = new Set(base.reads.map(readId));
  const keys = new Set(base.contradicted.map(contradictionId));
  return new Set([...(added.reads ?? []).map(readId).filter((id) => !reads.has(id)), ...(added.contradicted ?? []).map(contradictionId).filter((id) => !keys.has(id))]).size;
}

const HEADER = `# Maintained by nx-release-gates: what its gates were seen to read that no declared input covers, and cache keys a
# fresh run contradicted. Every gate's cache key includes the entries of its crate: commit this file, like Cargo.lock.
# A run with undeclaredInputs: warn adds what it read; delete an entry by hand to forget it.
`;

/** JSON's string escapes are TOML basic-string escapes too. */
const quote = (value: string) => JSON.stringify(value);

export function serializeLearned(learned: LearnedInputs): string {
  const sorted = mergeLearned(learned, NOTHING_LEARNED);
  const blocks = [
    ...sorted.reads.map((r) => `[[read]]\ncrate = ${quote(r.crate)}\ngate = ${quote(r.gate)}\n${r.kind} = ${quote(r.name)}\n`),
    ...sorted.contradicted.map((c) => `[[contradicted]]\ncrate = ${quote(c.crate)}\ngate = ${quote(c.gate)}\nkey = ${quote(c.key)}\n`),
  ];
  return [`${HEADER}version = ${VERSION}\n`, ...blocks].join('\n');
}

/**
 * A path as release-gates.lock records it: workspace-relative and '/'-separated inside the workspace, `~/...` inside
 * the user's home, else absolute. Never a clone's own location, so every clone reads the entry the same way.
 */
export function learnedName(file: string, workspaceRoot: string, home: string = os.homedir()): string {
  if (!path.isAbsolute(file)) return file.split(path.sep).join('/');
  const within = (folder: string) => {
    const rel = path.relative(folder, file);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : null;
  };
  const inWorkspace = within(workspaceRoot);
  if (inWorkspace) return inWorkspace;
  const inHome = within(home);
  return inHome ? `~/${inHome}` : file;
}

/** Where a recorded path is on this machine. */
export function learnedPath(name: string, workspaceRoot: string, home: string = os.homedir()): string {
  if (name === '~' || name.startsWith('~/')) return path.join(home, name.slice(2));
  return path.resolve(workspaceRoot, name);
}

/**
 * The crate's release-gates.lock: the nearest one from the crate folder up to the workspace root, else a new one
 * at `fallbackDir` (the Cargo workspace root, beside Cargo.lock). The fingerprint looks the same way up, so it
 * always reads the file the gates write.
 */
export function learnedFileFor(workspaceRoot: string, crateRoot: string, fallbackDir?: string, lookups: FileLookups = directLookups): string {
  const top = path.resolve(workspaceRoot);
  let dir = path.resolve(top, crateRoot);
  for (;;) {
    const file = path.join(dir, LEARNED_FILE);
    if (lookups.exists(file)) return file;
    if (dir === top || path.dirname(dir) === dir || path.relative(top, dir).startsWith('..')) break;
    dir = path.dirname(dir);
  }
  return path.join(path.resolve(top, fallbackDir ?? crateRoot), LEARNED_FILE);
}

/** The file's entries (shared between callers of the same lookups: read them, never change them). */
export function readLearned(file: string, lookups: FileLookups = directLookups): LearnedInputs {
  try {
    return lookups.parsed(file, parseLearned);
  } catch (error) {
    if (error instanceof LearnedInputsError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return NOTHING_LEARNED;
    throw new LearnedInputsError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** The crate's name as the lock records it: `[package] name` of its Cargo.toml (never inherited), or null. */
export function crateNameAt(crateDir: string, lookups: FileLookups = directLookups): string | null {
  try {
    const manifest = lookups.parsed(path.join(crateDir, 'Cargo.toml'), parseToml) as { package?: { name?: unknown } };
    return typeof manifest.package?.name === 'string' ? manifest.package.name : null;
  } catch {
    return null;
  }
}

/** What a crate's entries say covers: its learned files, folders and variables (any gate of it). */
export interface LearnedCoverage {
  files: string[];
  dirs: string[];
  envNames: string[];
}

export function coverageOf(learned: LearnedInputs, crate: string): LearnedCoverage {
  const of = (kind: ReadKind) => [...new Set(learned.reads.filter((r) => r.crate === crate && r.kind === kind).map((r) => r.name))];
  return { files: of('file'), dirs: of('dir'), envNames: of('env') };
}

/** Whether a recorded path is a learned file or inside a learned folder. */
export function learnedCovers(coverage: LearnedCoverage | undefined, name: string): boolean {
  if (!coverage) return false;
  return coverage.files.includes(name) || coverage.dirs.some((dir) => name === dir || name.startsWith(`${dir.replace(/\/$/, '')}/`));
}

/** The learned entries of the crate at `crateRoot` (relative to the workspace), as the fingerprint reads them. */
export function learnedForCrate(workspaceRoot: string, crateRoot: string, lookups: FileLookups = directLookups): { crate: string; learned: LearnedInputs } | null {
  const crate = crateNameAt(path.resolve(workspaceRoot, crateRoot), lookups);
  if (!crate) return null;
  return { crate, learned: readLearned(learnedFileFor(workspaceRoot, crateRoot, undefined, lookups), lookups) };
}

function contentHash(file: string): string {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return 'absent';
  if (stat.isDirectory()) return listingHash(file);
  try {
    return bytesSha256(fs.readFileSync(file));
  } catch (error) {
    return `unreadable ${(error as NodeJS.ErrnoException).code ?? 'error'}`;
  }
}

function listingHash(dir: string): string {
  try {
    return sha256(...fs.readdirSync(dir).sort());
  } catch (error) {
    return fs.existsSync(dir) ? `unreadable ${(error as NodeJS.ErrnoException).code ?? 'error'}` : 'absent';
  }
}

/**
 * The fingerprint's lines for a crate's entries: each learned file by content, each folder by its sorted listing,
 * each variable by its value's hash, and each contradicted key; sorted, paths as recorded.
 */
export function learnedLines(learned: LearnedInputs, crate: string, workspaceRoot: string, env: Readonly<Record<string, string | undefined>>, home: string = os.homedir()): string[] {
  const lines = new Set<string>();
  for (const read of learned.reads) {
    if (read.crate !== crate) continue;
    if (read.kind === 'env') {
      const value = env[read.name];
      lines.add(`learned env ${read.name} ${value === undefined ? 'unset' : sha256(value).slice(0, 16)}`);
      continue;
    }
    const where = learnedPath(read.name, workspaceRoot, home);
    if (read.kind === 'dir' || fs.statSync(where, { throwIfNoEntry: false })?.isDirectory()) lines.add(`learned dir ${read.name} ${listingHash(where)}`);
    else lines.add(`learned file ${read.name} ${contentHash(where)}`);
  }
  for (const c of learned.contradicted) if (c.crate === crate) lines.add(`contradicted ${c.gate} ${c.key}`);
  return [...lines].sort();
}

/**
 * Adds entries to the file and returns how many were new. Two gates of one run may learn at once: a cross-process
 * lock keeps one from writing over the other's entries, and the write is atomic, so a reader (a fingerprint) never
 * sees half a file. A file that already holds every entry is left untouched.
 */
export async function recordLearned(file: string, added: Partial<LearnedInputs>, what: string): Promise<number> {
  const lock = await waitForLock(`${path.resolve(file)}\0${LEARNED_FILE}`, what, () => undefined);
  try {
    const current = readLearned(file);
    const fresh = countNew(current, added);
    if (fresh > 0) writeFileAtomic(file, serializeLearned(mergeLearned(current, added)));
    return fresh;
  } finally {
    lock.release();
  }
}
