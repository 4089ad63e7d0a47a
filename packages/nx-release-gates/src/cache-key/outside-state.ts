/**
 * Probes of the outside state the registry, tag and engine gates read, each a list of lines for a runtime cache input
 * (state-lines.ts dispatches by kind). The rule for every probe: what it cannot learn becomes a line that never
 * matches a cached key (`unknown <random>`), so the gate runs and decides for itself; a replayed pass never stands
 * on state nobody looked at.
 * - `registry`: the index entries of the crate and of its path dependencies (publishing may package them with it).
 * - `tags`: this crate's release tags with what they point at, and optionally HEAD (a tag push must build the tag).
 * - `engines`: what gate-docker's engine search finds, probe by probe, in the configured order.
 * - `resolution`: what a fresh `cargo generate-lockfile` could pick: the index entries of every registry package the
 *   crate's manifest, Cargo.lock and the last fresh resolution name (see resolutionLines), and the local sources
 *   cargo config puts in crates.io's place.
 * - `semver-tool`: the cargo-semver-checks executable cargo would run.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parseReleaseTag } from '../model/release-tag';
import { parseLockfile } from '../parsers/lockfile';
import { CONTAINER_ENGINES, ContainerEngine, findEngine } from '../ops/containers';
import { cargoHome, replacedSourceFolders } from '../ops/config-files';
import { headCommit, tagTargets } from '../ops/git';
import { quietRunnerIn, type CommandRunner } from '../ops/process';
import { entryStamp, entryStampsAtOnce } from '../ops/registry-index';
import { sha256 } from '../util/hash';
import { readJsonIfExists, readTextIfExists } from '../util/files';

/** A line no other run prints: the key misses, the gate runs. */
export const unknownLine = (what: string, why: string) => `${what} unknown (${why}) ${randomUUID()}`;

/** Per round of index requests: a probe runs before every hash, so an index that does not answer soon is taken as unknown. */
const ENTRY_TIMEOUT_MS = 5_000;
/** The last round, for the entries no earlier round got an answer for. */
const RETRY_TIMEOUT_MS = 10_000;
/** Requests of their own in flight at once: a proxy here timed requests out past five open connections. */
const SINGLE_REQUESTS = 4;

async function mapLimit<T, R>(items: readonly T[], limit: number, each: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await each(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * One line per crate name: its index entry's stamp, or a line that never matches when the index cannot say. All
 * names at once over one HTTP/2 connection where the index allows it (HTTPS); each name still without an answer (all
 * of them for a folder, a plain-HTTP index or a server without HTTP/2) in a request of its own, a few at a time; and
 * the names still unanswered once more, with more patience: one slow answer among a few hundred (a proxy, a loaded
 * machine) would otherwise make the key miss and re-run gate-install's release build.
 */
export async function registryLines(index: string, names: readonly string[]): Promise<string[]> {
  const sorted = [...new Set(names)].sort();
  let stamps = await entryStampsAtOnce(index, sorted, ENTRY_TIMEOUT_MS);
  for (const timeoutMs of [ENTRY_TIMEOUT_MS, RETRY_TIMEOUT_MS]) {
    const unanswered = sorted.filter((_, i) => stamps[i] === null);
    const asked = new Map(unanswered.map((name, i) => [name, i]));
    const answers = await mapLimit(unanswered, SINGLE_REQUESTS, (name) => entryStamp(index, name, timeoutMs));
    stamps = sorted.map((name, i) => stamps[i] ?? (asked.has(name) ? answers[asked.get(name) as number] : null));
  }
  return [`index ${index}`, ...sorted.map((name, i) => (stamps[i] === null ? unknownLine(`entry ${name}`, 'index did not answer') : `entry ${name} ${stamps[i]}`))];
}

/** This crate's release tags (`v<version>`, `<crate>-v<version>`) with their objects, and HEAD when asked. */
export async function tagLines(workspaceRoot: string, crateName: string, withHead: boolean): Promise<string[]> {
  const runner = quietRunnerIn(workspaceRoot);
  const tags = await tagTargets(runner);
  const head = withHead ? [`head ${(await headCommit(runner)) ?? 'none'}`] : [];
  if (!tags) return ['tags: git cannot list them', ...head];
  const mine = tags.filter((t) => parseReleaseTag(t.tag, crateName).kind === 'this-crate').sort((a, b) => a.tag.localeCompare(b.tag));
  return [...mine.map((t) => `tag ${t.tag} ${t.target}`), ...head];
}

const ENGINE_TIMEOUT_MS = 15_000;

/** Each engine probe gate-docker would make, in its order (it stops at the first usable engine). */
export async function engineLines(workspaceRoot: string, engines: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<string[]> {
  const known = engines.filter((e): e is ContainerEngine => (CONTAINER_ENGINES as readonly string[]).includes(e));
  if (!known.length) return [`engines none asked (${engines.join(' ') || 'empty'})`];
  const quiet = quietRunnerIn(workspaceRoot, env);
  let timedOut = false;
  const runner: CommandRunner = {
    run: async (file, args, options = {}) => {
      const result = await quiet.run(file, args, { ...options, timeoutMs: ENGINE_TIMEOUT_MS });
      timedOut ||= result.timedOut;
      return result;
    },
  };
  const { probes } = await findEngine(runner, known);
  if (timedOut) return [unknownLine('engines', 'a probe timed out')];
  return probes.map((p) => `engine ${p.engine} ${p.usable ? 'usable' : 'unusable'} ${p.note}`);
}

/** The cargo-semver-checks executable cargo would find (PATH, then CARGO_HOME/bin), by path, size and time. */
export function semverToolLines(env: Readonly<Record<string, string | undefined>>): string[] {
  const name = process.platform === 'win32' ? 'cargo-semver-checks.exe' : 'cargo-semver-checks';
  const folders = [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), path.join(cargoHome(env), 'bin')];
  for (const folder of folders) {
    const file = path.join(folder, name);
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (stat?.isFile()) return [`cargo-semver-checks ${file} ${stat.size} ${stat.mtimeMs}`];
  }
  return ['cargo-semver-checks none'];
}

export interface ResolutionRequest {
  /** Option registryIndex. */
  index: string;
  /** The crate folder and its workspace's Cargo.lock (null: none), relative to the workspace root. */
  crateRoot: string;
  lockfile: string | null;
  /** gate-install's last result file, relative to the workspace root (it records the fresh resolution's names). */
  resultFile: string;
}

const isCratesIo = (source: string) => /^(registry\+https:\/\/github\.com\/rust-lang\/crates\.io-index|sparse\+https:\/\/index\.crates\.io\/)$/.test(source);

const DEPENDENCY_TABLES = ['dependencies', 'dev-dependencies', 'build-dependencies'];

/** The registry names the manifest asks for (all dependency tables, target-specific ones too), and whether a git one. */
export function manifestRegistryNames(manifest: Record<string, unknown>): { names: string[]; other: string[] } {
  const tables: unknown[] = DEPENDENCY_TABLES.map((t) => manifest[t]);
  for (const target of Object.values((manifest.target as Record<string, Record<string, unknown>> | undefined) ?? {})) {
    tables.push(...DEPENDENCY_TABLES.map((t) => target?.[t]));
  }
  const names: string[] = [];
  const other: string[] = [];
  for (const table of tables) {
    for (const [key, spec] of Object.entries((table as Record<string, unknown> | undefined) ?? {})) {
      if (typeof spec === 'string') names.push(key);
      else if (spec && typeof spec === 'object') {
        const s = spec as Record<string, unknown>;
        const name = typeof s.package === 'string' ? s.package : key;
        if (s.git !== undefined || s.registry !== undefined) other.push(name);
        else if (s.version !== undefined || s.path === undefined) names.push(name);
      }
    }
  }
  return { names, other };
}

/** Names gate-install's last result recorded (details.resolvedNames), or none. */
function recordedNames(file: string): string[] {
  const names = readJsonIfExists<{ details?: { resolvedNames?: unknown } }>(file)?.details?.resolvedNames;
  return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
}

/** A local source folder cargo config puts in a registry's place, by what a resolution can see: its listing, its checksums. */
function localSourceLine(folder: string): string {
  let entries: string[];
  try {
    entries = fs.readdirSync(folder).sort();
  } catch {
    return `source ${folder} missing`;
  }
  const parts = entries.map((entry) => `${entry} ${readTextIfExists(path.join(folder, entry, '.cargo-checksum.json')) ?? ''}`);
  const index = path.join(folder, 'index');
  return `source ${folder} ${sha256(...parts)}${fs.existsSync(index) ? ` index ${sha256(...indexFiles(index))}` : ''}`;
}

function indexFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...indexFiles(full));
    else found.push(`${entry.name} ${readTextIfExists(full) ?? ''}`);
  }
  return found.sort();
}

/**
 * What a fresh resolution of the crate could pick. The resolver reads the index entry of every package it reaches,
 * so the sound key is the entries of the names it reached: those of the last fresh resolution (recorded by
 * gate-install), with the manifest's own dependencies and Cargo.lock's registry packages; a name a new release brings
 * in changes the recorded list on the next run. A git or other-registry dependency is state this probe cannot read:
 * the line never matches.
 */
export async function resolutionLines(workspaceRoot: string, request: ResolutionRequest): Promise<string[]> {
  const crateDir = path.resolve(workspaceRoot, request.crateRoot);
  const lines: string[] = [];
  const names = new Set(recordedNames(path.join(workspaceRoot, request.resultFile)));
  try {
    const direct = manifestRegistryNames(parseToml(fs.readFileSync(path.join(crateDir, 'Cargo.toml'), 'utf8')) as Record<string, unknown>);
    direct.names.forEach((n) => names.add(n));
    if (direct.other.length) lines.push(unknownLine('dependencies', `git or other registry: ${direct.other.sort().join(', ')}`));
  } catch {
    lines.push('manifest unreadable');
  }
  const lock = request.lockfile ? readTextIfExists(path.join(workspaceRoot, request.lockfile)) : null;
  lines.push(`lockfile ${lock === null ? 'none' : sha256(lock)}`);
  try {
    for (const p of lock ? parseLockfile(lock) : []) {
      if (!p.source) continue;
      if (isCratesIo(p.source)) names.add(p.name);
      else lines.push(unknownLine(`package ${p.name}`, `source ${p.source.replace(/[?#].*$/, '')}`));
    }
  } catch {
    lines.push('lockfile unparsable');
  }
  for (const folder of replacedSourceFolders(crateDir, process.env).sort()) lines.push(localSourceLine(folder));
  return [...lines, ...(await registryLines(request.index, [...names]))];
}
