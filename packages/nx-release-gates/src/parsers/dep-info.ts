/**
 * Cargo's own records of what a build read, used to check a gate's cache key against the truth:
 * - rustc's dep-info (`.d`) files: every source file a unit compiled, `include_str!`/`include_bytes!` targets
 *   included, and `# env-dep:NAME` lines for variables read with `env!`/`option_env!`;
 * - a build script's `output` file: its `cargo:rerun-if-changed=` and `cargo:rerun-if-env-changed=` lines.
 * Only local units (path packages: the crate, its workspace siblings, path dependencies) are read; registry and git
 * packages are pinned by Cargo.lock, the standard library by the toolchain.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CargoMessage } from './cargo-messages';
import { readTextIfExists } from '../util/files';

export interface DepInfo {
  /** Files as written in the .d file (absolute, or relative to rustc's working directory). */
  files: string[];
  /** Variables read at compile time, with the value rustc saw when it was set. */
  envDeps: string[];
}

/** Reads a Makefile-style dep-info file: `target: dep dep \` lines, `\ ` for spaces, `# env-dep:` comments. */
export function parseDepInfo(text: string): DepInfo {
  const files = new Set<string>();
  const envDeps = new Set<string>();
  for (const raw of text.replace(/\\\n/g, ' ').split('\n')) {
    if (raw.startsWith('# env-dep:')) {
      envDeps.add(raw.slice('# env-dep:'.length).split('=')[0]);
      continue;
    }
    if (raw.startsWith('#') || !raw.trim()) continue;
    // `target: deps`; the colon separating them is the first one followed by a space or the end (paths may hold `C:`).
    const colon = raw.search(/:(\s|$)/);
    if (colon < 0) continue;
    for (const dep of raw.slice(colon + 1).trim().split(/(?<!\\) +/)) if (dep) files.add(dep.replace(/\\ /g, ' '));
  }
  return { files: [...files], envDeps: [...envDeps] };
}

export interface BuildScriptOutput {
  rerunFiles: string[];
  rerunEnv: string[];
  /** Variables the script set for its package's rustc (`cargo:rustc-env=NAME=VALUE`). */
  rustcEnv: string[];
}

/** `cargo:rerun-if-changed=PATH`, `cargo::rerun-if-env-changed=NAME` and `cargo:rustc-env=NAME=VALUE` lines (both syntaxes). */
export function parseBuildScriptOutput(text: string): BuildScriptOutput {
  const output: BuildScriptOutput = { rerunFiles: [], rerunEnv: [], rustcEnv: [] };
  for (const line of text.split('\n')) {
    const match = /^cargo::?(rerun-if-changed|rerun-if-env-changed|rustc-env)=(.*)$/.exec(line.trim());
    if (!match) continue;
    if (match[1] === 'rerun-if-changed') output.rerunFiles.push(match[2].trim());
    else if (match[1] === 'rerun-if-env-changed') output.rerunEnv.push(match[2].trim());
    else output.rustcEnv.push(match[2].split('=')[0].trim());
  }
  return output;
}

/**
 * The variables each local package's build script set for the package's rustc: `env!` reads of them are the build
 * script's output (decided by what it read, which is recorded and checked on its own), not the environment's.
 */
function setByBuildScripts(messages: readonly CargoMessage[]): Map<string, Set<string>> {
  const set = new Map<string, Set<string>>();
  for (const message of messages) {
    if (message.reason !== 'build-script-executed' || !message.package_id || !isLocal(message)) continue;
    const names = set.get(message.package_id) ?? new Set<string>();
    for (const [name] of message.env ?? []) names.add(name);
    if (message.out_dir) for (const name of parseBuildScriptOutput(readTextIfExists(path.join(path.dirname(message.out_dir), 'output')) ?? '').rustcEnv) names.add(name);
    set.set(message.package_id, names);
  }
  return set;
}

/** What local units read, with every file path made absolute. */
export interface BuildRecords {
  files: Array<{ file: string; unit: string }>;
  env: Array<{ name: string; unit: string; how: 'env!' | 'rerun-if-env-changed' }>;
  /** OUT_DIRs of build scripts: files there are generated, not inputs. */
  outDirs: string[];
}

const isLocal = (m: CargoMessage) => (m.package_id ?? '').startsWith('path+');

/** A local package's folder from its id, `path+file:///abs/dir#name@0.1.0` (build-script messages carry no manifest). */
export function packageDirOf(packageId: string): string | null {
  const match = /^path\+(file:\/\/[^#]*)/.exec(packageId);
  if (!match) return null;
  try {
    return new URL(match[1]).pathname;
  } catch {
    return null;
  }
}

/**
 * The rustc dep-info file of one artifact. Libraries name their hashed `deps/lib<name>-<hash>.rmeta`; test and
 * check units their hashed executable; an uplifted binary (`target/release/<name>`) has no hash in its name, so the
 * hashed `deps/<name>-*.d` that matches the uplifted `<name>.d` cargo wrote beside it is chosen.
 */
function depInfoFiles(message: CargoMessage): string[] {
  const found = new Set<string>();
  for (const filename of message.filenames ?? []) {
    const dir = path.dirname(filename);
    const base = path.basename(filename);
    const hashed = /^(?:lib)?(.+-[0-9a-f]{16})(?:\.\w+)?$/.exec(base);
    if (hashed) {
      const file = path.join(dir, `${hashed[1]}.d`);
      if (fs.existsSync(file)) found.add(file);
      continue;
    }
    const uplifted = path.join(dir, `${base.replace(/\.(rlib|so|dylib|dll|a|lib|exe)$/, '')}.d`);
    if (fs.existsSync(uplifted)) found.add(uplifted);
    // The hashed copy carries the env-dep lines the uplifted one drops.
    const unitName = (message.target?.name ?? '').replace(/-/g, '_');
    const depsDir = path.join(dir, 'deps');
    const upliftedFiles = new Set(parseDepInfo(readTextIfExists(uplifted) ?? '').files);
    const candidates = (fs.existsSync(depsDir) ? fs.readdirSync(depsDir) : [])
      .filter((f) => f.startsWith(`${unitName}-`) && f.endsWith('.d'))
      .map((f) => path.join(depsDir, f))
      .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
    const match = candidates.find((candidate) => {
      const text = readTextIfExists(candidate);
      return text !== null && parseDepInfo(text).files.every((f) => [...upliftedFiles].some((u) => u === f || u.endsWith(`/${f}`)));
    });
    if (match) found.add(match);
  }
  return [...found];
}

/**
 * Collects the records of every local unit in a cargo JSON message stream. `rustcCwd` is where cargo ran rustc for
 * workspace members (the Cargo workspace root): relative paths in .d files are relative to it.
 */
export function collectBuildRecords(messages: readonly CargoMessage[], rustcCwd: string): BuildRecords {
  const records: BuildRecords = { files: [], env: [], outDirs: [] };
  const derived = setByBuildScripts(messages);
  for (const message of messages) {
    if (!isLocal(message)) continue;
    const unit = `${message.target?.name ?? message.package_id} (${(message.target?.kind ?? ['build-script']).join(', ')})`;
    const packageDir = packageDirOf(message.package_id ?? '') ?? (message.manifest_path ? path.dirname(message.manifest_path) : rustcCwd);
    if (message.reason === 'compiler-artifact') {
      for (const depInfo of depInfoFiles(message)) {
        const parsed = parseDepInfo(readTextIfExists(depInfo) ?? '');
        for (const file of parsed.files) {
          const absolute = path.isAbsolute(file) ? file : [rustcCwd, packageDir].map((base) => path.resolve(base, file)).find((f) => fs.existsSync(f)) ?? path.resolve(rustcCwd, file);
          records.files.push({ file: path.normalize(absolute), unit });
        }
        for (const name of parsed.envDeps) if (!derived.get(message.package_id ?? '')?.has(name)) records.env.push({ name, unit, how: 'env!' });
      }
    } else if (message.reason === 'build-script-executed' && message.out_dir) {
      records.outDirs.push(message.out_dir);
      const output = parseBuildScriptOutput(readTextIfExists(path.join(path.dirname(message.out_dir), 'output')) ?? '');
      const scriptUnit = `${message.package_id?.split('#')[0].split('/').pop() ?? 'build script'} (build script)`;
      for (const file of output.rerunFiles) records.files.push({ file: path.normalize(path.resolve(packageDir, file)), unit: scriptUnit });
      for (const name of output.rerunEnv) records.env.push({ name, unit: scriptUnit, how: 'rerun-if-env-changed' });
    }
  }
  return records;
}
