/**
 * What a gate's runtime cache input prints for one crate: everything cargo reads that no Nx file input can see,
 * by content. The toolchain (`rustc -vV`, `cargo -V` run in the crate folder, so rustup's pins apply), the CUDA
 * toolkit version, every cargo config file cargo reads for the crate folder (each ancestor up to `/`, and
 * CARGO_HOME, and the files they include) and the rustup toolchain file, the variables of the families cargo and
 * build scripts read (hashed), path dependencies outside the Nx workspace (every file, hashed), the vendored sources
 * cargo config puts in the registry's place (vendored-sources.ts), the crate's entries
 * in release-gates.lock (learned-inputs.ts: learned inputs by content, contradicted keys), and, by rule, the files
 * no record of cargo names: rustfmt's configuration files and the programs config or variables name by path
 * (wrappers, linkers, runners).
 *
 * Nothing machine-specific that does not change a verdict is printed: no absolute path, user or time. A file is named
 * by its path relative to the Nx workspace when it is inside, else by its place (`above-workspace`, `cargo-home`), so
 * two clones of one commit in different folders print the same lines.
 */
import { scryptSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cargoConfigFiles, cargoHome, toolchainFile } from '../ops/config-files';
import { cargoToolFiles, homeDir, rustfmtConfigFiles } from '../ops/keyed-files';
import { runQuiet } from '../ops/process';
import { directLookups, FileLookups } from '../ops/file-lookups';
import { CUDA_LOCATORS, nvccCandidates, nvccUnder, parseNvccVersion } from '../model/toolchain';
import { bytesSha256, sha256 } from '../util/hash';
import { fingerprintedVariables, isSecretName } from '../model/env-families';
import { decodeRuntimeArgs, encodeRuntimeArgs } from './runtime-args';
import { learnedForCrate, learnedLines } from './learned-inputs';
import { treeHash } from './tree-hash';
import { vendoredSources } from './vendored-sources';

export interface FingerprintRequest {
  /** Nx workspace root (absolute): the runtime input runs there. */
  workspaceRoot: string;
  /** Crate folder, relative to the workspace root. */
  crateRoot: string;
  /** The user's envInputs: names or `PREFIX_*` patterns. */
  envPatterns: readonly string[];
  /** Path dependencies outside the workspace, relative to the workspace root (`../shared-crate`). */
  trees: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}

/** A program's output, or null when it is missing, fails or hangs: the line then says `none`. */
async function probe(file: string, args: string[], cwd: string, env: Readonly<Record<string, string | undefined>>): Promise<string | null> {
  const result = await runQuiet(file, args, { cwd, env, timeoutMs: 30_000 });
  return result.exitCode === 0 && !result.timedOut ? result.stdout : null;
}

async function nvccVersion(candidate: string, cwd: string, env: Readonly<Record<string, string | undefined>>): Promise<string | null> {
  if (candidate !== 'nvcc' && !fs.existsSync(candidate)) return null;
  return parseNvccVersion((await probe(candidate, ['--version'], cwd, env)) ?? '');
}

async function cudaVersion(cwd: string, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  for (const candidate of nvccCandidates(env as NodeJS.ProcessEnv)) {
    const version = await nvccVersion(candidate, cwd, env);
    if (version) return version;
  }
  return 'none';
}

/**
 * The toolkit each CUDA locating variable points at, when set: build scripts read CUDA_PATH and CUDA_HOME to find
 * headers and libraries, and the undeclared-input check lets them through because their toolkits are keyed here by
 * version (their paths differ from machine to machine, so keying the paths would only keep the cache from being shared).
 */
async function cudaLocatorLines(cwd: string, env: Readonly<Record<string, string | undefined>>): Promise<string[]> {
  const lines: string[] = [];
  for (const variable of CUDA_LOCATORS) {
    const base = env[variable];
    if (base) lines.push(`cuda at ${variable}: ${(await nvccVersion(nvccUnder(base), cwd, env)) ?? 'none'}`);
  }
  return lines;
}

/** A file's name in the fingerprint: workspace-relative inside the workspace, its place outside. */
function label(workspaceRoot: string, file: string, outside: string): string {
  const rel = path.relative(workspaceRoot, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? outside : rel.split(path.sep).join('/');
}

// A parser for FileLookups.parsed, which also passes the file's path: sha256 would hash that too.
const textHash = (text: string) => sha256(text);
/** A text file's content, hashed (a config file many crates share is read and hashed once per shared lookups). */
const fileHash = (file: string, lookups: FileLookups) => lookups.parsed(file, textHash);
/** A file's bytes, hashed (programs and arbitrary files are not text). */
const bytesHash = (file: string) => bytesSha256(fs.readFileSync(file));

/** A user-level file's name: `~/`-relative under the home folder, else its place. */
function userLabel(home: string, file: string, outside: string): string {
  const rel = path.relative(home, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? outside : `~/${rel.split(path.sep).join('/')}`;
}

/** `rustfmt:` lines: every rustfmt configuration file that could apply to the crate, by content (gitignored or not). */
export function rustfmtConfigLines(workspaceRoot: string, cwd: string, env: FingerprintRequest['env'], lookups: FileLookups = directLookups): string[] {
  return rustfmtConfigFiles(cwd, env, lookups).map(({ file, from }) => {
    const name = from === 'user' ? userLabel(homeDir(env), file, 'user-config') : label(workspaceRoot, file, 'above-workspace');
    return `rustfmt: ${name} ${fileHash(file, lookups)}`;
  });
}

/** `tool:` lines: the wrappers, linkers and runners cargo config or variables name by path, by content (or `absent`). */
export function toolFileLines(workspaceRoot: string, cwd: string, env: FingerprintRequest['env'], lookups: FileLookups = directLookups): string[] {
  const home = cargoHome(env);
  return cargoToolFiles(cwd, env, lookups).map((file) => {
    const name = label(workspaceRoot, file, file.startsWith(home + path.sep) ? 'cargo-home' : 'outside-workspace');
    const content = fs.statSync(file, { throwIfNoEntry: false })?.isFile() ? bytesHash(file) : 'absent';
    return `tool: ${name} ${content}`;
  });
}

/**
 * A variable's value as its `env:` line holds it: a short SHA-256. A name that looks like a secret is there only
 * because the person declared it in full (`MAX_TOKENS`): its value gets scrypt instead, so no one can recover a short
 * secret from the line by trying values. Either way the same value gives the same line on every machine.
 */
export function envValueHash(name: string, value: string): string {
  return isSecretName(name) ? scryptSync(value, `nx-release-gates env-inputs ${name}`, 16).toString('hex') : sha256(value).slice(0, 16);
}

/** The lines that come from asking programs (the toolchain as rustup picks it in `cwd`, the CUDA toolkit). */
export type ProgramLines = (cwd: string, env: FingerprintRequest['env']) => Promise<string[]>;

/** Asks rustc, cargo and nvcc in `cwd`: one set of processes per call. */
export const askPrograms: ProgramLines = async (cwd, env) => {
  const [rustc, cargo, cuda, located] = await Promise.all([probe('rustc', ['-vV'], cwd, env), probe('cargo', ['-V'], cwd, env), cudaVersion(cwd, env), cudaLocatorLines(cwd, env)]);
  return [`rustc: ${(rustc ?? 'none').trim().replace(/\n/g, ' | ')}`, `cargo: ${(cargo ?? 'none').trim()}`, `cuda: ${cuda}`, ...located];
};

/** Where cargo runs for the crate: its folder, or the workspace root when the folder is gone. */
function crateCwd(request: Pick<FingerprintRequest, 'workspaceRoot' | 'crateRoot'>): string {
  const crateDir = path.resolve(request.workspaceRoot, request.crateRoot);
  return fs.existsSync(crateDir) ? crateDir : request.workspaceRoot;
}

/** The toolchain pin and cargo's config files the crate's builds read, by content. */
function toolchainAndConfigLines(request: Pick<FingerprintRequest, 'workspaceRoot' | 'env'>, cwd: string, lookups: FileLookups): string[] {
  const lines: string[] = [];
  const pin = toolchainFile(cwd, lookups);
  if (pin) lines.push(`toolchain-file: ${label(request.workspaceRoot, pin, 'above-workspace')} ${fileHash(pin, lookups)}`);
  const home = cargoHome(request.env);
  for (const { file, from } of cargoConfigFiles(cwd, request.env, lookups)) {
    const outside = from === 'cargo-home' || file.startsWith(home + path.sep) ? 'cargo-home' : 'above-workspace';
    lines.push(`config: ${label(request.workspaceRoot, file, outside)} ${fileHash(file, lookups)}`);
  }
  return lines;
}

/** `vendored:` lines: the local sources cargo config puts in the registry's place, by their files' content. */
export function vendoredLines(workspaceRoot: string, cwd: string, env: FingerprintRequest['env'], lookups: FileLookups): string[] {
  return vendoredSources(cwd, env, lookups).map(([folder, hash]) => `vendored: ${label(workspaceRoot, folder, 'outside-workspace')} ${hash}`);
}

function treeLines(request: Pick<FingerprintRequest, 'workspaceRoot' | 'trees'>): string[] {
  return [...request.trees].sort().map((tree) => `tree: ${tree} ${treeHash(path.resolve(request.workspaceRoot, tree))}`);
}

/**
 * The crate's fingerprint lines. `lookups`: how files are looked up, one by one (a gate) or shared by every crate of
 * a run (the preTasksExecution hook); the lines are the same either way.
 */
export async function fingerprintLines(request: FingerprintRequest, programs: ProgramLines = askPrograms, lookups: FileLookups = directLookups): Promise<string[]> {
  const cwd = crateCwd(request);
  // A copy: shared programs hand every crate under one toolchain the same answer, which must not collect their lines.
  const lines = [...(await programs(cwd, request.env))];
  lines.push(...toolchainAndConfigLines(request, cwd, lookups));
  lines.push(...rustfmtConfigLines(request.workspaceRoot, cwd, request.env, lookups), ...toolFileLines(request.workspaceRoot, cwd, request.env, lookups));
  for (const [name, value] of fingerprintedVariables(request.env, request.envPatterns)) lines.push(`env: ${name} ${envValueHash(name, value)}`);
  lines.push(...treeLines(request), ...vendoredLines(request.workspaceRoot, cwd, request.env, lookups));
  return [...lines, ...learnedFingerprint(request, lookups)];
}

/**
 * The fingerprint's lines about files outside the crate folder (toolchain pin, cargo config, outside path
 * dependencies' trees), as fingerprintLines writes them, without asking any program: what a release report keeps
 * for parity (the toolchain itself it takes from the gates' results).
 */
export function outsideFileLines(request: Pick<FingerprintRequest, 'workspaceRoot' | 'crateRoot' | 'trees' | 'env'>): string[] {
  return [...toolchainAndConfigLines(request, crateCwd(request), directLookups), ...treeLines(request)];
}

/** The crate's release-gates.lock entries (learned-inputs.ts); a file that does not parse changes the key, never stops Nx. */
function learnedFingerprint(request: FingerprintRequest, lookups: FileLookups): string[] {
  try {
    const found = learnedForCrate(request.workspaceRoot, request.crateRoot, lookups);
    return found ? learnedLines(found.learned, found.crate, request.workspaceRoot, request.env) : [];
  } catch {
    return ['learned: unreadable release-gates.lock'];
  }
}

/** The runtime command's arguments after the script: `<crate root> [--env PATTERN]... [--tree PATH]...`, maybe encoded. */
export function parseFingerprintArgs(encoded: readonly string[]): Pick<FingerprintRequest, 'crateRoot' | 'envPatterns' | 'trees'> {
  const args = decodeRuntimeArgs(encoded);
  const envPatterns: string[] = [];
  const trees: string[] = [];
  let crateRoot = '.';
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--env' && i + 1 < args.length) envPatterns.push(args[++i]);
    else if (args[i] === '--tree' && i + 1 < args.length) trees.push(args[++i]);
    else crateRoot = args[i];
  }
  return { crateRoot, envPatterns, trees };
}

/** The arguments for a request, before the encoding for the shell: `<crate root> [--env PATTERN]... [--tree PATH]...`. */
export function fingerprintArgList(request: Pick<FingerprintRequest, 'crateRoot' | 'envPatterns' | 'trees'>): string[] {
  return [request.crateRoot, ...request.envPatterns.flatMap((p) => ['--env', p]), ...request.trees.flatMap((t) => ['--tree', t])];
}

/** The arguments for a request as the runtime command carries them, encoded for the shell (runtime-args.ts). */
export function fingerprintArgs(request: Pick<FingerprintRequest, 'crateRoot' | 'envPatterns' | 'trees'>): string[] {
  return encodeRuntimeArgs(fingerprintArgList(request));
}
