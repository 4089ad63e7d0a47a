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
