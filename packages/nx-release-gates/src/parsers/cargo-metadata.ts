/**
 * Turns the JSON of `cargo metadata --format-version 1 --no-deps` into crate models. Pure: no I/O, so it is unit
 * tested on recorded output.
 */
import * as path from 'node:path';
import { pathSiblingFinder } from '../model/path-siblings';
import { CrateModel, DependencyKind, PathDependency, toPosixRelative } from '../model/crate-model';

interface MetadataTarget {
  name: string;
  kind: string[];
  'required-features'?: string[];
  /** `doc = false`, `test = false`, `doctest = false` in the manifest show here as false. */
  doc?: boolean;
  test?: boolean;
  doctest?: boolean;
}
interface MetadataDependency {
  name: string;
  kind: DependencyKind | null;
  path?: string;
  source?: string | null;
  req: string;
}
interface MetadataPackage {
  name: string;
  version: string;
  manifest_path: string;
  targets: MetadataTarget[];
  features: Record<string, string[]>;
  dependencies: MetadataDependency[];
  publish: string[] | null;
  metadata: Record<string, unknown> | null;
  description?: string | null;
  license?: string | null;
  license_file?: string | null;
  readme?: string | null;
  documentation?: string | null;
  homepage?: string | null;
  repository?: string | null;
}
/** lib, rlib, dylib, cdylib, staticlib and proc-macro targets: what `hasLibrary` means and rustdoc documents first. */
const isLibrary = (t: MetadataTarget) => t.kind.some((k) => k === 'lib' || k.endsWith('lib') || k === 'proc-macro');
const isLibOrBin = (t: MetadataTarget) => isLibrary(t) || t.kind.includes('bin');

/** How many targets `cargo doc` and `cargo test` take, after the manifest's `doc = false` / `test = false`. */
function targetSwitches(targets: MetadataTarget[]): { documented: number; tested: number } {
  return {
    documented: targets.filter((t) => isLibOrBin(t) && t.doc !== false).length,
    tested: targets.filter((t) => t.test === true || t.doctest === true).length,
  };
}

export interface CargoMetadata {
  packages: MetadataPackage[];
  workspace_root: string;
  target_directory: string;
  metadata: Record<string, unknown> | null;
}

function releaseGatesTable(metadata: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  const table = metadata?.['release-gates'];
  return table && typeof table === 'object' && !Array.isArray(table) ? (table as Record<string, unknown>) : null;
}

export function cratesFromMetadata(
  metadata: CargoMetadata,
  workspaceRoot: string,
  lockfileExists: (absolutePath: string) => boolean,
): CrateModel[] {
  const cargoRoot = metadata.workspace_root;
  const lockAbs = path.join(cargoRoot, 'Cargo.lock');
  const lockfile = lockfileExists(lockAbs) ? toPosixRelative(workspaceRoot, lockAbs) : null;
  const workspaceTable = releaseGatesTable(metadata.metadata);
  const siblingsOf = pathSiblingFinder(metadata);
  return metadata.packages.map((pkg) => {
    const crateDir = path.dirname(pkg.manifest_path);
    const pathDependencies: PathDependency[] = [];
    const registryDependencies: string[] = [];
    for (const dep of pkg.dependencies) {
      if (dep.path) {
        // cargo metadata reports a path dependency without `version` as the requirement "*".
        const versionRequirement = dep.req && dep.req !== '*' ? dep.req : null;
        const targetVersion = metadata.packages.find((p) => p.name === dep.name && path.dirname(p.manifest_path) === dep.path)?.version ?? null;
        pathDependencies.push({ name: dep.name, root: toPosixRelative(workspaceRoot, dep.path), kind: dep.kind ?? 'normal', versionRequirement, targetVersion });
      } else if (dep.source?.startsWith('registry+') || dep.source?.startsWith('sparse+')) {
        registryDependencies.push(dep.name);
      }
    }
    return {
      name: pkg.name,
      version: pkg.version,
      root: toPosixRelative(workspaceRoot, crateDir),
      manifestPath: toPosixRelative(workspaceRoot, pkg.manifest_path),
      workspaceRoot: toPosixRelative(workspaceRoot, cargoRoot),
      workspaceManifestPath: toPosixRelative(workspaceRoot, path.join(cargoRoot, 'Cargo.toml')),
      lockfile,
      targetDirectory: metadata.target_directory,
      binaries: pkg.targets.filter((t) => t.kind.includes('bin')).map((t) => t.name),
      binaryRequiredFeatures: Object.fromEntries(
        pkg.targets.filter((t) => t.kind.includes('bin') && t['required-features']?.length).map((t) => [t.name, t['required-features']!]),
      ),
      hasLibrary: pkg.targets.some(isLibrary),
      targetSwitches: targetSwitches(pkg.targets),
      features: pkg.features,
      publish: !(Array.isArray(pkg.publish) && pkg.publish.length === 0),
      pathDependencies,
      packageWith: siblingsOf(pkg.name),
      registryDependencies: [...new Set(registryDependencies)].sort(),
      externalDependencies: [],
      releaseGatesMetadata: { package: releaseGatesTable(pkg.metadata), workspace: workspaceTable },
      publishMetadata: {
        description: pkg.description ?? null,
        license: pkg.license ?? null,
        licenseFile: pkg.license_file ?? null,
        readme: pkg.readme ?? null,
        documentation: pkg.documentation ?? null,
        homepage: pkg.homepage ?? null,
        repository: pkg.repository ?? null,
      },
    };
  });
}
