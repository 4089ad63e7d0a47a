/**
 * The cargo configuration files cargo reads for a folder, in cargo's order: `.cargo/config.toml` (or the legacy
 * `.cargo/config`) in that folder and in every ancestor up to `/`, then `$CARGO_HOME/config.toml` when it was not
 * already among them. Nearest first: a nearer file wins where values conflict, and arrays are joined. Each file is
 * followed by the files its `include` pulls in (recursively): cargo merges those under the including file.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'smol-toml';
import { directLookups, FileLookups } from './file-lookups';

/** TOML text to a table (smol-toml's parse takes options as its second argument, never a file name). */
export const parseToml = (text: string): Record<string, unknown> => parse(text) as Record<string, unknown>;

export interface ConfigFile {
  /** Absolute path. */
  file: string;
  /** Where it sits: an ancestor folder of the start folder, or CARGO_HOME (an included file: where its includer sits). */
  from: 'ancestor' | 'cargo-home';
}

export function cargoHome(env: Readonly<Record<string, string | undefined>>): string {
  return env.CARGO_HOME ? path.resolve(env.CARGO_HOME) : path.join(os.homedir(), '.cargo');
}

function configIn(cargoDir: string, lookups: FileLookups): string | null {
  // cargo reads `config` when both exist (and warns); either alone is read.
  for (const name of ['config', 'config.toml']) {
    const file = path.join(cargoDir, name);
    if (lookups.isFile(file)) return file;
  }
  return null;
}

export function cargoConfigFiles(startDir: string, env: Readonly<Record<string, string | undefined>>, lookups: FileLookups = directLookups): ConfigFile[] {
  const files: ConfigFile[] = [];
  const seen = new Set<string>();
  const add = (file: string | null, from: ConfigFile['from']) => {
    if (!file) return;
    const real = lookups.realpath(file);
    if (seen.has(real)) return;
    seen.add(real);
    files.push({ file, from });
    for (const included of configIncludes(file, lookups)) add(included, from);
  };
  let dir = path.resolve(startDir);
  for (;;) {
    add(configIn(path.join(dir, '.cargo'), lookups), 'ancestor');
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  add(configIn(cargoHome(env), lookups), 'cargo-home');
  return files;
}

/**
 * A config file's TOML, or null when it cannot be parsed (cargo then fails the build itself, with its own words).
 * The table may be shared with other callers of the same lookups: read it, never change it.
 */
export function readConfig(file: string, lookups: FileLookups = directLookups): Record<string, unknown> | null {
  try {
    return lookups.parsed(file, parseToml);
  } catch {
    return null;
  }
}

/**
 * The files a config file's `include` names, absolute, existing ones only (a missing optional one is not read; a
 * missing required one fails cargo itself). cargo takes an array of paths or of `{ path, optional }` tables; a
 * single string is taken too. Paths are relative to the including file's folder.
 */
export function configIncludes(file: string, lookups: FileLookups = directLookups): string[] {
  const include = readConfig(file, lookups)?.include;
  const entries = Array.isArray(include) ? include : include === undefined ? [] : [include];
  const paths = entries.map((e) => (typeof e === 'string' ? e : e && typeof e === 'object' ? (e as Record<string, unknown>).path : undefined));
  return paths
    .filter((p): p is string => typeof p === 'string' && p !== '')
    .map((p) => path.resolve(path.dirname(file), p))
    .filter((p) => lookups.isFile(p));
}

/**
 * The folders of the local sources cargo config declares (`[source.<name>] directory = ...` for vendored crates,
 * `local-registry = ...`), absolute. What cargo reads from them is pinned by Cargo.lock's checksums like a registry
 * download. A relative path is relative to the folder holding the `.cargo` folder of the config file (cargo's rule).
 */
export function replacedSourceFolders(startDir: string, env: Readonly<Record<string, string | undefined>>, lookups: FileLookups = directLookups): string[] {
  const folders: string[] = [];
  for (const { file } of cargoConfigFiles(startDir, env, lookups)) {
    const sources = readConfig(file, lookups)?.source;
    if (!sources || typeof sources !== 'object') continue;
    const base = path.basename(path.dirname(file)) === '.cargo' ? path.dirname(path.dirname(file)) : path.dirname(file);
    for (const source of Object.values(sources as Record<string, unknown>)) {
      if (!source || typeof source !== 'object') continue;
      for (const key of ['directory', 'local-registry']) {
        const value = (source as Record<string, unknown>)[key];
        if (typeof value === 'string' && value) folders.push(path.resolve(base, value));
      }
    }
  }
  return [...new Set(folders)];
}

/** The toolchain pin rustup would use for a folder: the nearest `rust-toolchain.toml` or `rust-toolchain` above it. */
export function toolchainFile(startDir: string, lookups: FileLookups = directLookups): string | null {
  let dir = path.resolve(startDir);
  for (;;) {
    for (const name of ['rust-toolchain', 'rust-toolchain.toml']) {
      const file = path.join(dir, name);
      if (lookups.isFile(file)) return file;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function rustupHome(env: Readonly<Record<string, string | undefined>>): string {
  return env.RUSTUP_HOME ? path.resolve(env.RUSTUP_HOME) : path.join(os.homedir(), '.rustup');
}

/**
 * The folder of the `rustup override` that applies to a folder (the nearest one at or above it), or null when none
 * does. A settings file that does not parse answers the folder itself: a caller sharing one answer between folders
 * then asks rustup in each.
 */
export function rustupOverrideFolder(startDir: string, env: Readonly<Record<string, string | undefined>>, lookups: FileLookups = directLookups): string | null {
  const file = path.join(rustupHome(env), 'settings.toml');
  let overrides: unknown;
  try {
    if (!lookups.exists(file)) return null;
    overrides = lookups.parsed(file, parseToml).overrides;
  } catch {
    return path.resolve(startDir);
  }
  if (!overrides || typeof overrides !== 'object') return null;
  const start = path.resolve(startDir);
  const covering = Object.keys(overrides).filter((dir) => {
    const rel = path.relative(path.resolve(dir), start);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
  return covering.sort((a, b) => b.length - a.length)[0] ?? null;
}
