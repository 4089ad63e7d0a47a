/** A crate model for unit tests: a small binary crate at crates/tool in a Cargo workspace at the root. */
import type { CrateModel } from '../model/crate-model';

export function crateModel(overrides: Partial<CrateModel> = {}): CrateModel {
  const root = overrides.root ?? 'crates/tool';
  return {
    name: 'tool',
    version: '1.2.3',
    root,
    manifestPath: `${root}/Cargo.toml`,
    workspaceRoot: '.',
    workspaceManifestPath: 'Cargo.toml',
    lockfile: 'Cargo.lock',
    targetDirectory: '/ws/target',
    binaries: ['tool'],
    hasLibrary: false,
    features: {},
    publish: true,
    pathDependencies: [],
    packageWith: [],
    registryDependencies: [],
    externalDependencies: [],
    releaseGatesMetadata: { package: null, workspace: null },
    ...overrides,
  };
}

/** A crate whose Cargo.toml tables `[package.metadata.release-gates]` and `[workspace.metadata.release-gates]` hold these. */
export function crateWithGateMetadata(packageTable: Record<string, unknown> | null, workspaceTable: Record<string, unknown> | null): CrateModel {
  return crateModel({ releaseGatesMetadata: { package: packageTable, workspace: workspaceTable } });
}

/** How the option layers of crateWithGateMetadata's crate name themselves in messages. */
export const LAYER_SOURCES = {
  package: 'crates/tool/Cargo.toml [package.metadata.release-gates]',
  workspace: 'Cargo.toml [workspace.metadata.release-gates]',
  plugin: 'nx.json plugin options (nx-release-gates)',
} as const;
