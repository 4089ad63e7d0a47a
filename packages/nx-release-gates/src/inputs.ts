/**
 * The single source of truth for what invalidates a gate's cache entry.
 *
 * In: the crate's own files (sources, build.rs, Cargo.toml, tests, README: package contents matter to gate-package),
 * the build-relevant files of crates it depends on by path (not their tests or docs), the Cargo workspace's
 * Cargo.lock and root Cargo.toml, cargo config and toolchain files, environment variables that change what cargo
 * produces, and the toolchain itself (rustc, cargo, CUDA) through a runtime input.
 * Out: target/ (cargo's cache, never an Nx input or output) and dist/ (the gates' own results).
 */
import * as path from 'node:path';
import type { TargetConfiguration } from '@nx/devkit';
import type { CrateModel } from './cargo/crate-model';
import { joinRoot } from './cargo/crate-model';

/** Named inputs each crate project carries (so `^` can refer to them in dependencies). */
export const CRATE_FILES = 'rust-crate';
export const CRATE_BUILD_FILES = 'rust-crate-build';

export function crateNamedInputs(): Record<string, string[]> {
  return {
    // A standalone crate's Cargo.lock lives in its folder: left out here as everywhere, its packages are hashed as
    // external nodes (cargo/lockfile.ts), so a lockfile edit misses only when a package the crate uses changed.
    [CRATE_FILES]: ['{projectRoot}/**/*', '!{projectRoot}/target/**', '!{projectRoot}/Cargo.lock'],
    [CRATE_BUILD_FILES]: [
      '{projectRoot}/**/*',
      '!{projectRoot}/target/**',
      '!{projectRoot}/Cargo.lock',
      '!{projectRoot}/tests/**',
      '!{projectRoot}/benches/**',
      '!{projectRoot}/examples/**',
      '!{projectRoot}/**/*.md',
    ],
  };
}

/** Environment variables that change what cargo, rustc, rustdoc or nvcc produce. */
export const CARGO_ENV_INPUTS = [
  'RUSTFLAGS',
  'RUSTDOCFLAGS',
  'CARGO_ENCODED_RUSTFLAGS',
  'CARGO_ENCODED_RUSTDOCFLAGS',
  'CARGO_BUILD_RUSTFLAGS',
  'CARGO_BUILD_TARGET',
  'CARGO_PROFILE_RELEASE_LTO',
  'CARGO_PROFILE_RELEASE_OPT_LEVEL',
  'CARGO_PROFILE_RELEASE_DEBUG',
  'CARGO_PROFILE_RELEASE_STRIP',
  'CARGO_PROFILE_RELEASE_CODEGEN_UNITS',
  'CARGO_PROFILE_RELEASE_PANIC',
  'RUSTUP_TOOLCHAIN',
  'RUSTC_BOOTSTRAP',
  'CUDA_PATH',
  'CUDA_HOME',
] as const;

/** The emergency skip: part of every gate's hash, so a skipped result never replays into a normal run. */
export const EMERGENCY_ENV_INPUTS = ['RELEASE_GATES_SKIP', 'RELEASE_GATES_SKIP_REASON'] as const;

/** Files outside the crate folder that cargo reads: workspace manifest and lock, cargo config, toolchain pins. */
function workspaceFiles(crate: CrateModel): string[] {
  const folders = [...new Set([crate.workspaceRoot, '.'])];
  // Cargo.lock itself is not listed when it exists: its packages are external nodes (cargo/lockfile.ts), so an edit
  // invalidates only the crates whose dependencies changed. Without one, cargo resolves afresh: its appearance counts.
  const files = [joinRoot(crate.workspaceRoot, 'Cargo.toml'), ...(crate.lockfile ? [] : [joinRoot(crate.workspaceRoot, 'Cargo.lock')])];
  for (const folder of folders) {
    files.push(joinRoot(folder, '.cargo/config.toml'), joinRoot(folder, '.cargo/config'));
    files.push(joinRoot(folder, 'rust-toolchain.toml'), joinRoot(folder, 'rust-toolchain'));
  }
  return [...new Set(files)].map((f) => `{workspaceRoot}/${f}`);
}

/** The runtime input: a small script of this package, run by path relative to the workspace root. */
export function toolchainRuntimeInput(workspaceRoot: string): string {
  const script = path.relative(workspaceRoot, path.join(__dirname, 'fingerprint-cli.js')).split(path.sep).join('/');
  return `node "${script}"`;
}

export function gateInputs(crate: CrateModel, workspaceRoot: string, extraEnv: readonly string[] = []): TargetConfiguration['inputs'] {
  return [
    CRATE_FILES,
    `^${CRATE_BUILD_FILES}`,
    ...workspaceFiles(crate),
    ...[...CARGO_ENV_INPUTS, ...EMERGENCY_ENV_INPUTS, ...extraEnv].map((env) => ({ env })),
    { runtime: toolchainRuntimeInput(workspaceRoot) },
    { externalDependencies: crate.externalDependencies },
  ];
}
