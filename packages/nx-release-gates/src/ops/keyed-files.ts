/**
 * Files the cargo toolchain reads that cargo records nowhere (no dep-info line, no fingerprint), found by the rules
 * the programs themselves follow, so the cache key can hash them by content: rustfmt's configuration files, and the
 * programs cargo config or variables name by path (rustc wrappers, linkers, runners).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { cargoConfigFiles, readConfig } from './config-files';
import { directLookups, FileLookups } from './file-lookups';
import { walkFolders } from '../util/folder-walk';

type Env = Readonly<Record<string, string | undefined>>;

export interface RustfmtConfigFile {
  /** Absolute path. */
  file: string;
  /**
   * An ancestor folder of the crate (the crate folder included), a folder inside the crate (rustfmt starts its search
   * at each file's own folder), or a user-level place rustfmt falls back to.
   */
  from: 'ancestor' | 'below' | 'user';
}

/** Folders inside a crate that hold no source rustfmt formats: cargo's output, git's, npm's. */
const NOT_SOURCE_FOLDERS = new Set(['target', '.git', 'node_modules']);

/** Every folder below `dir` (not `dir` itself), but those NOT_SOURCE_FOLDERS names; symbolic links are not followed. */
function foldersBelow(dir: string): string[] {
  const found: string[] = [];
  walkFolders(dir, NOT_SOURCE_FOLDERS, (folder, entry) => {
    if (entry.isDirectory() && !NOT_SOURCE_FOLDERS.has(entry.name)) found.push(path.join(folder, entry.name));
  });
  return found.sort();
}

const RUSTFMT_NAMES = ['.rustfmt.toml', 'rustfmt.toml'];

export function homeDir(env: Env): string {
  return env.HOME ? path.resolve(env.HOME) : os.homedir();
}

/**
 * The user-level folders rustfmt reads when no project file is found: the home folder, then its config folder
 * (`$XDG_CONFIG_HOME`, else `~/.config`; `~/Library/Application Support` on macOS), under `rustfmt/`.
 */
export function rustfmtUserFolders(env: Env): string[] {
  const home = homeDir(env);
  const config = [path.join(home, '.config'), path.join(home, 'Library', 'Application Support')];
  if (env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)) config.unshift(env.XDG_CONFIG_HOME);
  return [home, ...config.map((dir) => path.join(dir, 'rustfmt'))];
}

/**
 * Every rustfmt configuration file that could apply to a crate: `.rustfmt.toml` and `rustfmt.toml` in the crate
 * folder and each ancestor up to `/`, in every folder inside the crate (rustfmt looks first beside the file it
 * formats: a `src/rustfmt.toml` applies to `src/lib.rs`), then the user-level ones. rustfmt uses the nearest; all are
 * listed, so adding a nearer one or editing any changes the list (a little more than needed, never less). Git-ignored
 * ones too: Nx hashes no ignored file.
 */
export function rustfmtConfigFiles(startDir: string, env: Env, lookups: FileLookups = directLookups): RustfmtConfigFile[] {
  const files: RustfmtConfigFile[] = [];
  const seen = new Set<string>();
  const add = (file: string, from: RustfmtConfigFile['from']) => {
    if (!lookups.isFile(file)) return;
    const real = lookups.realpath(file);
    if (seen.has(real)) return;
    seen.add(real);
    files.push({ file, from });
  };
  let dir = path.resolve(startDir);
  for (;;) {
    for (const name of RUSTFMT_NAMES) add(path.join(dir, name), 'ancestor');
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const folder of foldersBelow(path.resolve(startDir))) for (const name of RUSTFMT_NAMES) add(path.join(folder, name), 'below');
  for (const folder of rustfmtUserFolders(env)) for (const name of RUSTFMT_NAMES) add(path.join(folder, name), 'user');
  return files;
}

/** The config keys whose value names a program cargo starts (a string, or a runner's `[program, args...]`). */
const BUILD_TOOL_KEYS = ['rustc-wrapper', 'rustc-workspace-wrapper', 'rustc', 'rustdoc'];
const TARGET_TOOL_KEYS = ['linker', 'runner'];
/** The variables that name such a program; CARGO_TARGET_<TRIPLE>_LINKER / _RUNNER are matched by pattern. */
const TOOL_VARIABLES = ['RUSTC_WRAPPER', 'RUSTC_WORKSPACE_WRAPPER', 'RUSTC', 'RUSTDOC', ...BUILD_TOOL_KEYS.map((k) => `CARGO_BUILD_${k.toUpperCase().replace(/-/g, '_')}`)];
const TARGET_TOOL_VARIABLE = /^CARGO_TARGET_[A-Z0-9_]+_(LINKER|RUNNER)$/;

/** A value's program: the first word of a string (cargo splits a runner string on whitespace) or of an array. */
function programOf(value: unknown): string | null {
  const first = Array.isArray(value) ? value[0] : typeof value === 'string' ? value.trim().split(/\s+/)[0] : undefined;
  return typeof first === 'string' && first !== '' ? first : null;
}

/** The program values a parsed config file names, in key order. */
export function configToolValues(config: Record<string, unknown> | null): string[] {
  const values: unknown[] = [];
  const build = config?.build;
  if (build && typeof build === 'object') for (const key of BUILD_TOOL_KEYS) values.push((build as Record<string, unknown>)[key]);
  const targets = config?.target;
  if (targets && typeof targets === 'object') {
    for (const table of Object.values(targets as Record<string, unknown>)) {
      if (table && typeof table === 'object') for (const key of TARGET_TOOL_KEYS) values.push((table as Record<string, unknown>)[key]);
    }
  }
  return values.map(programOf).filter((p): p is string => p !== null);
}

/** Only a value with a path separator is a file: a bare name is looked up on PATH, like any program. */
const isPath = (program: string) => program.includes('/') || program.includes(path.sep);

/**
 * The files cargo would start as rustc wrapper, rustc, rustdoc, linker or runner, as named by path in the cargo
 * config files a folder sees or in variables, absolute (present or not). cargo resolves a config value relative to
 * the folder holding the config file's `.cargo` folder, and a variable's value relative to where cargo runs.
 */
export function cargoToolFiles(startDir: string, env: Env, lookups: FileLookups = directLookups): string[] {
  const files: string[] = [];
  for (const { file } of cargoConfigFiles(startDir, env, lookups)) {
    const base = path.dirname(path.dirname(file));
    for (const program of configToolValues(readConfig(file, lookups))) if (isPath(program)) files.push(path.resolve(base, program));
  }
  const names = Object.keys(env)
    .filter((name) => TOOL_VARIABLES.includes(name) || TARGET_TOOL_VARIABLE.test(name))
    .sort();
  for (const name of names) {
    const program = programOf(env[name]);
    if (program && isPath(program)) files.push(path.resolve(startDir, program));
  }
  return [...new Set(files)];
}
