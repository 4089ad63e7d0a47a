/**
 * What the plugin knows about one cargo package, read from `cargo metadata --no-deps`. Inference, the dependency
 * edges, the gates and the generators all read this one shape; nothing else parses cargo's output.
 */
import * as path from 'node:path';

export type DependencyKind = 'normal' | 'dev' | 'build';

export interface PathDependency {
  /** The dependency's package name. */
  name: string;
  /** Its crate root, relative to the Nx workspace root (posix separators). */
  root: string;
  kind: DependencyKind;
  /** The `version` requirement next to `path`, or null when the dependency has none (crates.io then refuses it). */
  versionRequirement?: string | null;
  /** The dependency's own version, when it is a package of the same cargo workspace (for the line to add). */
  targetVersion?: string | null;
}

/** The `[package]` fields crates.io requires or shows, as cargo metadata reports them (null: not set). */
export interface PublishMetadata {
  description: string | null;
  license: string | null;
  licenseFile: string | null;
  /** `readme` as cargo reports it, relative to the crate folder (absent in models read before this field existed). */
  readme?: string | null;
  documentation: string | null;
  homepage: string | null;
  repository: string | null;
}

export interface CrateModel {
  name: string;
  version: string;
  /** Crate folder relative to the Nx workspace root, posix separators, '.' for the root itself. */
  root: string;
  manifestPath: string;
  /** Root of the Cargo workspace the crate belongs to (its own root for a standalone crate). */
  workspaceRoot: string;
  workspaceManifestPath: string;
  /** Cargo.lock of the Cargo workspace, relative, or null when there is none yet. */
  lockfile: string | null;
  /** Absolute cargo target directory, as `cargo metadata` reported it. */
  targetDirectory: string;
  /** Names of the crate's `bin` targets. */
  binaries: string[];
  /** `required-features` of each binary that declares some: cargo skips the binary unless they are all enabled. */
  binaryRequiredFeatures?: Record<string, string[]>;
  hasLibrary: boolean;
  /**
   * Library and binary targets rustdoc documents (not `doc = false`) and targets `cargo test` runs (`test = true` or
   * doc tests). A cargo-fuzz crate's targets set both off. Absent for a crate cargo could not read.
   */
  targetSwitches?: { documented: number; tested: number };
  features: Record<string, string[]>;
  /** False when `publish = false` or an empty registry list. */
  publish: boolean;
  pathDependencies: PathDependency[];
  /** Publishable workspace members the crate reaches through path dependencies: packaged with it (cargo >= 1.90). */
  packageWith: string[];
  /** Names of crates.io (registry) dependencies, of any kind: what the crate's Cargo.lock slice starts from. */
  registryDependencies: string[];
  /** Cargo.lock packages (external nodes `cargo:<name>@<version>`) the crate uses directly or via path crates. */
  externalDependencies: string[];
  releaseGatesMetadata: {
    package: Record<string, unknown> | null;
    workspace: Record<string, unknown> | null;
  };
  /** crates.io's metadata fields (absent for a crate cargo could not read). */
  publishMetadata?: PublishMetadata;
  /** Set when cargo could not read the crate: the one line every gate of the crate reports. */
  error?: string;
}

export function toPosixRelative(workspaceRoot: string, absolute: string): string {
  const rel = path.relative(workspaceRoot, absolute).split(path.sep).join('/');
  return rel === '' ? '.' : rel;
}

/** `{root}/{file}` without a leading './' for the workspace root itself. */
export function joinRoot(root: string, file: string): string {
  return root === '.' ? file : `${root}/${file}`;
}

/** `--locked` when the crate has a Cargo.lock: the gates build what it pins, and cargo may not rewrite it. */
export function lockedArgs(context: { crate: Pick<CrateModel, 'lockfile'> }): string[] {
  return context.crate.lockfile ? ['--locked'] : [];
}
