/**
 * What a traced gate's process tree read (parsers/strace.ts), held against what its cache key accounts for. Cargo's
 * own records (undeclared-inputs.ts) only name what rustc compiled and what build scripts announced; the trace also
 * sees what a build script or a test opened without saying so. A read is accounted for when something hashes it or
 * it cannot change between runs that share a key:
 * - the toolchain (rustup home, sysroot), CARGO_HOME's registry and git checkouts (pinned by Cargo.lock), its bin/
 *   and config files, cargo config files and rust-toolchain files anywhere (the fingerprint reads them), Cargo.lock
 *   (its packages are the key's external nodes);
 * - the system (/etc, /usr, /proc, ...), which the key does not promise to cover;
 * - the build's own products: target directories, OUT_DIRs, and any file the tree wrote or ran before it read it;
 * - Nx's and the plugin's own folders and files (`nx-release-gates-*` in the temp folder), the workspace's .git and
 *   .gitignore files;
 * - every workspace file the task's declared inputs cover, unless git ignores it (Nx does not hash ignored files);
 *   a read through a symbolic link counts for the file it reaches (Nx hashes the link, not that file).
 * Everything else read is an undeclared input. A folder listing counts through the files it holds; a lookup of an
 * absent file counts only for configuration files a tool searches for (rustfmt.toml), inside the workspace: every
 * program probes dozens of absent files (shared libraries, ancestors' manifests), and outside the workspace nothing
 * can declare them, so reporting those would only be noise.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TraceRecord } from '../parsers/strace';
import { DeclaredInputs, fileCoverage } from './declared-inputs';
import { IGNORED_FILE, inside, UndeclaredInput } from './undeclared-inputs';

export const SYSTEM_FOLDERS = ['/etc', '/proc', '/sys', '/dev', '/usr', '/lib', '/lib32', '/lib64', '/libx32', '/bin', '/sbin', '/opt', '/run', '/var/lib', '/var/cache', '/nix/store', '/snap'];

/** Configuration files tools search for, whose appearance changes a verdict: an absent one is worth reporting. */
const CONFIG_PROBES = new Set(['rustfmt.toml', '.rustfmt.toml', 'clippy.toml', '.clippy.toml']);
const RUSTFMT_CONFIGS = new Set(['rustfmt.toml', '.rustfmt.toml']);

export interface TraceFacts {
  workspaceRoot: string;
  /** The crate folder (cargo's own listing of it is how it discovers targets). */
  crateDir: string;
  /** The user's home, for `~/` names. */
  home: string;
  /** The gate task's target, for the fix (`my-crate:gate-test`). */
  task: string;
  declared: DeclaredInputs;
  /** Workspace-relative files git or .nxignore ignores. */
  ignored: ReadonlySet<string>;
  /** Folders whose files are accounted for by other means (toolchain, registry, target directories, .nx, ...). */
  accountedFolders: readonly string[];
  /** The system's temp folder, where the plugin writes its own files for a tool (`nx-release-gates-*`). */
  tempDir?: string;
  /** The files of a folder (names, not sub-folders), for a listing: only folders inside the workspace are asked. */
  filesIn(folder: string): string[];
}

export interface TracedFindings {
  /** Distinct files and folders the tree read or listed. */
  reads: number;
  unaccounted: UndeclaredInput[];
}

/** Who read it, as a person names it: `rustc`, `my-crate (build script)`, `test binary my_test`. */
export function programName(program: string): string {
  if (!program) return 'cargo';
  const base = path.basename(program);
  if (/^build-script-/.test(base)) return `${path.basename(path.dirname(program)).replace(/-[0-9a-f]{16}$/, '')} (build script)`;
  const hashed = /^(.+)-[0-9a-f]{16}$/.exec(base);
  if (hashed && path.basename(path.dirname(program)) === 'deps') return `test binary ${hashed[1]}`;
  return base;
}

/** The name a finding carries: workspace-relative inside it, `~/`-relative in the home folder, else absolute. */
export function displayName(file: string, workspaceRoot: string, home: string): string {
  if (inside(workspaceRoot, file)) return path.relative(workspaceRoot, file).split(path.sep).join('/') || '.';
  if (home && inside(home, file)) return `~/${path.relative(home, file).split(path.sep).join('/')}`;
  return file;
}

/**
 * The toolchain's own programs. The manifests and .gitignore files they read are keyed by rule for what those programs
 * do with them; a build script or a test that opens one reads its content, which that rule does not key, so it is
 * judged like any file.
 */
const TOOLCHAIN_PROGRAMS = new Set(['cargo', 'rustc', 'rustdoc', 'rustfmt', 'cargo-fmt', 'rustup', 'cargo-nextest', 'cargo-semver-checks', 'cargo-clippy', 'clippy-driver']);

export const isToolchainProgram = (program: string): boolean => TOOLCHAIN_PROGRAMS.has(programName(program));

/**
 * Accounted for whatever the workspace says: system, toolchain and build products, fingerprinted configuration; the
 * files the toolchain reads by name only when `byToolchain` (the reader is one of its programs).
 */
function accountedAnywhere(file: string, facts: TraceFacts, byToolchain: boolean): boolean {
  if (facts.accountedFolders.some((f) => inside(f, file))) return true;
  // A workspace may live under /opt or /var/lib (a CI agent's): its files are judged as workspace files.
  if (!inside(facts.workspaceRoot, file) && SYSTEM_FOLDERS.some((f) => inside(f, file))) return true;
  const base = path.basename(file);
  // The fingerprint reads every cargo config file and the toolchain rustup picks; git's user configuration is read by
  // cargo's git library for facts (the checkout's state) that do not reach the build.
  if (path.basename(path.dirname(file)) === '.cargo' && (base === 'config' || base === 'config.toml')) return true;
  if (base === 'rust-toolchain' || base === 'rust-toolchain.toml') return true;
  // Cargo.lock is in the key through its packages (Nx's external nodes), or by its appearance when a crate has none:
  // what a build script reads there (the dependencies' versions, as `built` does) is what those nodes hold.
  if (base === 'Cargo.lock') return true;
  if (byToolchain && readByNameForTheToolchain(file, base, facts)) return true;
  if (facts.home && (file === path.join(facts.home, '.gitconfig') || inside(path.join(facts.home, '.config', 'git'), file))) return true;
  // The plugin's own files for the tool it runs (a nextest profile in the temp folder), written before the call.
  if (facts.tempDir && path.dirname(file) === facts.tempDir && base.startsWith('nx-release-gates-')) return true;
  // A workspace's .git files are git's business: cargo reads them to list a package's files, which the key covers by
  // name, and build scripts that stamp the commit read them for facts no verdict turns on.
  return file.split(path.sep).includes('.git');
}

/**
 * The files the toolchain's programs read that the key holds by rule for what those programs do with them, and not
 * for what a build script or a test could read in them (a sibling's version, say).
 */
function readByNameForTheToolchain(file: string, base: string, facts: TraceFacts): boolean {
  // Cargo loads every member's manifest to load the workspace. A sibling's manifest changes this crate's build only
  // by breaking that load (features and versions of what the crate uses come from its own manifest, the root
  // manifest and Cargo.lock, all keyed), and gate-lockfile's key holds every manifest of the Cargo workspace, so a
  // manifest that no longer loads fails the dry run there.
  if (base === 'Cargo.toml' && inside(facts.workspaceRoot, file)) return true;
  // Cargo reads .gitignore files to list a package's files, which the key covers by name.
  return base === '.gitignore';
}

type Verdict = { why: string; fix: string } | null;

/** Why a file read (not written earlier, not accounted anywhere) is outside the key, or null when it is inside it. */
function fileVerdict(file: string, facts: TraceFacts): Verdict {
  if (!inside(facts.workspaceRoot, file)) {
    if (facts.declared.trees.some((t) => inside(path.resolve(facts.workspaceRoot, t), file))) return null;
    return {
      why: 'outside the Nx workspace, where no Nx input can hash it',
      fix: 'move it into the crate folder, or make the folder holding it a path dependency of the crate (the fingerprint hashes those)',
    };
  }
  const relative = path.relative(facts.workspaceRoot, file).split(path.sep).join('/');
  if (facts.ignored.has(relative)) return { ...IGNORED_FILE };
  const coverage = fileCoverage(facts.declared, relative);
  if (coverage.covered) return null;
  return {
    why: coverage.excludedBy ? `excluded from the inputs of ${facts.task} by ${coverage.excludedBy}` : `in no input of ${facts.task}`,
    fix: `move it into the crate folder, or add "{workspaceRoot}/${relative}" to the target's inputs (targetDefaults or project.json)`,
  };
}

const realRoots = new Map<string, string>();

/**
 * The file a read through a symbolic link reached, when it is another one (spelled under the workspace root as the
 * trace spells it), or null. Nx hashes a link as a link, not the file it points to: that file is what must be in the
 * key. A path that does not resolve (a fixture's) is taken as it is.
 */
export function linkTarget(file: string, workspaceRoot: string): string | null {
  let real: string;
  let realRoot: string;
  try {
    real = fs.realpathSync(file);
    realRoot = realRoots.get(workspaceRoot) ?? fs.realpathSync(workspaceRoot);
  } catch {
    return null;
  }
  realRoots.set(workspaceRoot, realRoot);
  const spelled = inside(realRoot, real) ? path.join(workspaceRoot, path.relative(realRoot, real)) : real;
  return spelled === path.resolve(file) ? null : spelled;
}

/** A read: judged by the file it reached, through a symbolic link or not. */
function readVerdict(file: string, facts: TraceFacts, byToolchain: boolean): Verdict {
  const target = linkTarget(file, facts.workspaceRoot);
  if (!target) return fileVerdict(file, facts);
  if (accountedAnywhere(target, facts, byToolchain)) return null;
  const verdict = fileVerdict(target, facts);
  return verdict && { why: `a symbolic link to ${displayName(target, facts.workspaceRoot, facts.home)}, which is ${verdict.why}`, fix: verdict.fix };
}

/** A listing: the first file it holds that the key misses. Cargo's listings count only for files git ignores. */
function listingVerdict(record: TraceRecord, facts: TraceFacts): Verdict {
  if (!inside(facts.workspaceRoot, record.path)) return null;
  const byCargo = programName(record.program) === 'cargo';
  // Cargo lists the crate folder (and the workspace's) to discover targets: what it then reads shows up as reads.
  if (byCargo && (record.path === facts.crateDir || record.path === facts.workspaceRoot)) return null;
  const byToolchain = isToolchainProgram(record.program);
  for (const name of facts.filesIn(record.path).sort()) {
    const file = path.join(record.path, name);
    if (accountedAnywhere(file, facts, byToolchain)) continue;
    const verdict = fileVerdict(file, facts);
    if (!verdict || (byCargo && verdict.why !== IGNORED_FILE.why)) continue;
    return { why: `a folder it lists holds ${name}, ${verdict.why}`, fix: verdict.fix };
  }
  return null;
}

function missingVerdict(file: string, facts: TraceFacts): Verdict {
  if (!CONFIG_PROBES.has(path.basename(file)) || !inside(facts.workspaceRoot, file)) return null;
  // The fingerprint lists every rustfmt configuration file of the crate folder, the folders inside it and its
  // ancestors (ops/keyed-files.ts, gitignored ones too): one appearing there changes the key of every gate.
  if (RUSTFMT_CONFIGS.has(path.basename(file)) && inside(path.dirname(file), facts.crateDir)) return null;
  const relative = path.relative(facts.workspaceRoot, file).split(path.sep).join('/');
  if (fileCoverage(facts.declared, relative).covered) return null;
  return {
    why: `looked for and absent: creating it would change the verdict while no input of ${facts.task} covers it`,
    fix: `add "{workspaceRoot}/${relative}" to the target's inputs (Nx hashes an absent file as absent)`,
  };
}

/** Classifies every read of a trace: how many distinct paths were read, and those no part of the key accounts for. */
export function tracedFindings(records: readonly TraceRecord[], facts: TraceFacts): TracedFindings {
  const written = new Set<string>();
  const read = new Set<string>();
  const found = new Map<string, UndeclaredInput>();
  // A long build reads the same toolchain and registry files thousands of times: each path is judged once.
  const accounted = new Map<string, boolean>();
  const isAccounted = (file: string, byToolchain: boolean) => {
    const key = `${byToolchain ? 't' : 'o'}\0${file}`;
    let known = accounted.get(key);
    if (known === undefined) accounted.set(key, (known = accountedAnywhere(file, facts, byToolchain)));
    return known;
  };
  // The processes that are git started by a build script (to stamp the commit or the dirty flag).
  const stampingGit = new Set<number>();
  for (const record of records) {
    if (record.op === 'exec' && path.basename(record.path) === 'git' && programName(record.program).endsWith('(build script)')) stampingGit.add(record.pid);
    // A program the tree ran is the toolchain's or the build's (a script's interpreter then reads it): not an input,
    // unless it is a file of the workspace the tree did not write: a script a test or a build script runs is read
    // like any file (its interpreter's read of it is then the tree's own).
    const byToolchain = isToolchainProgram(record.program);
    if (record.op === 'exec' && !written.has(record.path) && inside(facts.workspaceRoot, record.path) && !isAccounted(record.path, byToolchain)) {
      const name = displayName(record.path, facts.workspaceRoot, facts.home);
      const verdict = found.has(name) ? null : readVerdict(record.path, facts, byToolchain);
      if (verdict) found.set(name, { kind: 'file', name, readBy: programName(record.program), ...verdict });
      read.add(record.path);
    }
    if (record.op === 'write' || record.op === 'exec') written.add(record.path);
    if (record.op === 'write' || record.op === 'exec') continue;
    if (record.op !== 'missing') read.add(record.path);
    // Git, run by a build script to stamp the commit (`git describe --dirty`, `git status`), reads and lists the whole
    // working tree to say whether it is dirty: a fact no verdict turns on, like the .git files it reads. Git a test
    // runs (`git diff --exit-code` on generated files) is judged: its answer can be the verdict.
    if (stampingGit.has(record.pid) && programName(record.program) === 'git') continue;
    if (written.has(record.path) || isAccounted(record.path, byToolchain)) continue;
    const name = displayName(record.path, facts.workspaceRoot, facts.home);
    if (found.has(name)) continue;
    const verdict = record.op === 'read' ? readVerdict(record.path, facts, byToolchain) : record.op === 'dir' ? listingVerdict(record, facts) : missingVerdict(record.path, facts);
    if (verdict) found.set(name, { kind: 'file', name, readBy: programName(record.program), ...verdict });
  }
  return { reads: read.size, unaccounted: [...found.values()] };
}

/**
 * The workspace files whose git-ignored state the classification needs (read files and the files of listed
 * folders), workspace-relative with `/`: the caller asks git once for all of them.
 */
export function workspaceFilesToCheck(records: readonly TraceRecord[], facts: Omit<TraceFacts, 'ignored'>): string[] {
  const files = new Set<string>();
  const judged = new Set<string>();
  const listed = new Set<string>();
  const withoutIgnored = { ...facts, ignored: new Set<string>() };
  const consider = (file: string) => {
    if (judged.has(file)) return;
    judged.add(file);
    if (inside(facts.workspaceRoot, file) && !accountedAnywhere(file, withoutIgnored, false)) {
      files.add(path.relative(facts.workspaceRoot, file).split(path.sep).join('/'));
    }
  };
  for (const record of records) {
    if (record.op === 'read' && !judged.has(record.path)) {
      consider(record.path);
      const target = linkTarget(record.path, facts.workspaceRoot);
      if (target) consider(target);
    }
    if (record.op !== 'dir' || listed.has(record.path)) continue;
    listed.add(record.path);
    if (inside(facts.workspaceRoot, record.path) && !accountedAnywhere(record.path, withoutIgnored, false)) {
      for (const name of facts.filesIn(record.path)) consider(path.join(record.path, name));
    }
  }
  files.delete('');
  return [...files].sort();
}
