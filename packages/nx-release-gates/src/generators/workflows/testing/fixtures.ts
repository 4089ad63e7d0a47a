/** Test helpers: crates written into a generator Tree (with their fixture cargo metadata), and a Tree written out to a real folder. */
import type { Tree } from '@nx/devkit';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { declareBinaries } from './crate-facts';

export interface FixtureCrate {
  name: string;
  dir?: string;
  version?: string;
  bin?: boolean;
  /**
   * `[[bin]]` names, each built from src/main.rs (package `x-find` with binary `x`); without it the crate has the
   * binary named after the package when `bin` is not false.
   */
  bins?: string[];
  publish?: boolean;
  /** Names of other fixture crates it depends on by path. */
  deps?: string[];
}

export function addCrate(tree: Tree, crate: FixtureCrate, dirOf: (name: string) => string = (n) => n): void {
  const dir = crate.dir ?? dirOf(crate.name);
  const deps = (crate.deps ?? []).map((d) => `${d} = { path = "${path.posix.relative(dir, dirOf(d))}", version = "${crate.version ?? '0.1.0'}" }`);
  tree.write(
    `${dir}/Cargo.toml`,
    [
      '[package]',
      `name = "${crate.name}"`,
      `version = "${crate.version ?? '0.1.0'}"`,
      'edition = "2021"',
      ...(crate.publish === false ? ['publish = false'] : []),
      '',
      '[dependencies]',
      ...deps,
      '',
      ...(crate.bins ?? []).flatMap((bin) => ['[[bin]]', `name = "${bin}"`, 'path = "src/main.rs"', '']),
    ].join('\n'),
  );
  // What cargo metadata reports for it: the [[bin]] names, else the auto-discovered src/main.rs binary.
  declareBinaries(`${dir}/Cargo.toml`, crate.bins ?? (crate.bin !== false ? [crate.name] : []), crate.bin === false);
  if (crate.bin !== false) tree.write(`${dir}/src/main.rs`, 'fn main() {}\n');
  else tree.write(`${dir}/src/lib.rs`, '//! lib\n');
}

/** Every file of the tree (recorded changes) as path -> content. */
export function treeFiles(tree: Tree): Record<string, string> {
  const files: Record<string, string> = {};
  for (const change of tree.listChanges()) if (change.content) files[change.path] = change.content.toString('utf8');
  return files;
}

/** Writes the tree's files to a new temporary folder (modes included) and returns it. */
export function materialize(tree: Tree, prefix = 'nrg-generator-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const change of tree.listChanges()) {
    if (!change.content) continue;
    const file = path.join(dir, change.path);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, change.content);
    if (change.options?.mode !== undefined) fs.chmodSync(file, typeof change.options.mode === 'string' ? parseInt(change.options.mode, 8) : change.options.mode);
  }
  return dir;
}

/**
 * createTreeWithEmptyWorkspace's tree names a formatter this repository does not install, so every formatFiles call
 * warns "Could not format ..."; the tests drop that one warning and keep every other.
 */
export function quietFormatterWarnings(): void {
  const warn = console.warn.bind(console);
  jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    if (!String(args[0]).startsWith('Could not format')) warn(...args);
  });
}
