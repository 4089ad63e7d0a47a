import { CargoMetadata, cratesFromMetadata } from './cargo-metadata';

const CRATES_IO = 'registry+https://github.com/rust-lang/crates.io-index';

/**
 * `cargo metadata --format-version 1 --no-deps` of a workspace at /ws/rust (Nx root /ws) with three members:
 * `llm-cli` (bin + lib, features, path dependencies of every kind), `llm-core` (lib, workspace-inherited version,
 * publish = false) and `llm-macros` (proc-macro), plus a build helper outside the workspace folder.
 * Trimmed to the fields the plugin reads, otherwise as cargo prints it (inheritance already resolved).
 */
const METADATA_JSON = `{
  "packages": [
    {
      "name": "llm-cli",
      "version": "0.4.2",
      "id": "path+file:///ws/rust/crates/llm-cli#0.4.2",
      "license": "MIT",
      "source": null,
      "dependencies": [
        { "name": "anyhow", "source": "${CRATES_IO}", "req": "^1", "kind": null, "optional": false, "uses_default_features": true, "features": [] },
        { "name": "llm-core", "source": null, "req": "*", "kind": null, "optional": false, "uses_default_features": true, "features": [], "path": "/ws/rust/crates/llm-core" },
        { "name": "llm-macros", "source": null, "req": "^0.1", "kind": null, "rename": "macros", "optional": false, "uses_default_features": true, "features": [], "path": "/ws/rust/crates/llm-macros" },
        { "name": "serde", "source": "${CRATES_IO}", "req": "^1.0", "kind": null, "optional": true, "uses_default_features": true, "features": ["derive"] },
        { "name": "test-utils", "source": null, "req": "*", "kind": "dev", "optional": false, "uses_default_features": true, "features": [], "path": "/ws/shared/test-utils" },
        { "name": "serde", "source": "${CRATES_IO}", "req": "^1.0", "kind": "dev", "optional": false, "uses_default_features": true, "features": [] },
        { "name": "buildhelp", "source": null, "req": "*", "kind": "build", "optional": false, "uses_default_features": true, "features": [], "path": "/ws/tools/buildhelp" },
        { "name": "cc", "source": "sparse+https://index.crates.io/", "req": "^1", "kind": "build", "optional": false, "uses_default_features": true, "features": [] },
        { "name": "gitdep", "source": "git+https://github.com/example/gitdep?branch=main", "req": "*", "kind": null, "optional": false, "uses_default_features": true, "features": [] }
      ],
      "targets": [
        { "kind": ["lib"], "crate_types": ["lib"], "name": "llm_cli", "src_path": "/ws/rust/crates/llm-cli/src/lib.rs", "edition": "2021", "doc": true, "doctest": true, "test": true },
        { "kind": ["bin"], "crate_types": ["bin"], "name": "llm", "src_path": "/ws/rust/crates/llm-cli/src/main.rs", "edition": "2021", "doc": true, "doctest": false, "test": true },
        { "kind": ["bin"], "crate_types": ["bin"], "name": "llm-server", "src_path": "/ws/rust/crates/llm-cli/src/bin/llm-server.rs", "edition": "2021", "doc": true, "doctest": false, "test": true },
        { "kind": ["custom-build"], "crate_types": ["bin"], "name": "build-script-build", "src_path": "/ws/rust/crates/llm-cli/build.rs", "edition": "2021", "doc": false, "doctest": false, "test": false },
        { "kind": ["test"], "crate_types": ["bin"], "name": "cli", "src_path": "/ws/rust/crates/llm-cli/tests/cli.rs", "edition": "2021", "doc": false, "doctest": false, "test": true }
      ],
      "features": {
        "default": ["llama"],
        "llama": [],
        "llama-cuda": ["llama", "llm-core/cuda"],
        "json": ["dep:serde"]
      },
      "manifest_path": "/ws/rust/crates/llm-cli/Cargo.toml",
      "metadata": { "release-gates": { "required-files": ["templates/docker/Dockerfile"], "max-binary-size": "15MB" }, "docs": { "rs": { "all-features": true } } },
      "publish": null,
      "authors": [],
      "categories": [],
      "keywords": [],
      "readme": "README.md",
      "repository": null,
      "homepage": null,
      "documentation": null,
      "edition": "2021",
      "links": null,
      "default_run": "llm",
      "rust_version": "1.74"
    },
    {
      "name": "llm-core",
      "version": "0.4.2",
      "id": "path+file:///ws/rust/crates/llm-core#0.4.2",
      "source": null,
      "dependencies": [
        { "name": "thiserror", "source": "${CRATES_IO}", "req": "^1", "kind": null, "optional": false, "uses_default_features": true, "features": [] }
      ],
      "targets": [
        { "kind": ["lib"], "crate_types": ["lib"], "name": "llm_core", "src_path": "/ws/rust/crates/llm-core/src/lib.rs", "edition": "2021", "doc": true, "doctest": true, "test": true }
      ],
      "features": { "cuda": [] },
      "manifest_path": "/ws/rust/crates/llm-core/Cargo.toml",
      "metadata": null,
      "publish": [],
      "edition": "2021"
    },
    {
      "name": "llm-macros",
      "version": "0.1.0",
      "id": "path+file:///ws/rust/crates/llm-macros#0.1.0",
      "source": null,
      "dependencies": [],
      "targets": [
        { "kind": ["proc-macro"], "crate_types": ["proc-macro"], "name": "llm_macros", "src_path": "/ws/rust/crates/llm-macros/src/lib.rs", "edition": "2021", "doc": true, "doctest": true, "test": true }
      ],
      "features": {},
      "manifest_path": "/ws/rust/crates/llm-macros/Cargo.toml",
      "metadata": { "release-gates": "not a table" },
      "publish": ["my-registry"],
      "edition": "2021"
    }
  ],
  "workspace_members": [
    "path+file:///ws/rust/crates/llm-cli#0.4.2",
    "path+file:///ws/rust/crates/llm-core#0.4.2",
    "path+file:///ws/rust/crates/llm-macros#0.1.0"
  ],
  "workspace_default_members": ["path+file:///ws/rust/crates/llm-cli#0.4.2"],
  "resolve": null,
  "target_directory": "/ws/rust/target",
  "version": 1,
  "workspace_root": "/ws/rust",
  "metadata": { "release-gates": { "runner": "nextest", "missing-docs": "deny" } }
}`;

const metadata = JSON.parse(METADATA_JSON) as CargoMetadata;

describe('cratesFromMetadata', () => {
  const lockChecks: string[] = [];
  const crates = cratesFromMetadata(metadata, '/ws', (p) => {
    lockChecks.push(p);
    return true;
  });
  const byName = Object.fromEntries(crates.map((c) => [c.name, c]));

  it('returns one model per package, in cargo order', () => {
    expect(crates.map((c) => c.name)).toEqual(['llm-cli', 'llm-core', 'llm-macros']);
  });

  it('writes roots and manifests relative to the Nx root', () => {
    expect(byName['llm-cli']).toMatchObject({
      version: '0.4.2',
      root: 'rust/crates/llm-cli',
      manifestPath: 'rust/crates/llm-cli/Cargo.toml',
      workspaceRoot: 'rust',
      workspaceManifestPath: 'rust/Cargo.toml',
      lockfile: 'rust/Cargo.lock',
      targetDirectory: '/ws/rust/target',
    });
    expect(lockChecks).toContain('/ws/rust/Cargo.lock');
  });

  it('reports no lockfile when the workspace has none yet', () => {
    const [first] = cratesFromMetadata(metadata, '/ws', () => false);
    expect(first.lockfile).toBeNull();
  });

  it('uses "." for a crate at the Nx root', () => {
    const single: CargoMetadata = {
      packages: [{ ...metadata.packages[1], manifest_path: '/ws/Cargo.toml' }],
      workspace_root: '/ws',
      target_directory: '/ws/target',
      metadata: null,
    };
    const [only] = cratesFromMetadata(single, '/ws', () => true);
    expect(only).toMatchObject({ root: '.', manifestPath: 'Cargo.toml', workspaceRoot: '.', workspaceManifestPath: 'Cargo.toml', lockfile: 'Cargo.lock' });
  });

  it('lists bin targets only as binaries, and detects the library kinds', () => {
    expect(byName['llm-cli'].binaries).toEqual(['llm', 'llm-server']);
    expect(byName['llm-cli'].hasLibrary).toBe(true);
    expect(byName['llm-core'].binaries).toEqual([]);
    expect(byName['llm-core'].hasLibrary).toBe(true);
    expect(byName['llm-macros'].hasLibrary).toBe(true);
  });

  it('counts the targets cargo doc and cargo test take, after doc = false and test = false', () => {
    // llm-cli: lib + two bins documented (the build script is no target rustdoc takes); lib, bins and tests/cli.rs tested.
    expect(byName['llm-cli'].targetSwitches).toEqual({ documented: 3, tested: 4 });
    const fuzz = JSON.parse(METADATA_JSON) as CargoMetadata;
    fuzz.packages[0].targets = [{ kind: ['bin'], name: 'fuzz_glob', doc: false, doctest: false, test: false }];
    expect(cratesFromMetadata(fuzz, '/ws', () => true)[0].targetSwitches).toEqual({ documented: 0, tested: 0 });
  });

  it('keeps features as cargo resolved them', () => {
    expect(byName['llm-cli'].features).toEqual({ default: ['llama'], llama: [], 'llama-cuda': ['llama', 'llm-core/cuda'], json: ['dep:serde'] });
    expect(byName['llm-macros'].features).toEqual({});
  });

  it('reads publish = false as an empty registry list, and null or a registry list as publishable', () => {
    expect(byName['llm-cli'].publish).toBe(true);
    expect(byName['llm-core'].publish).toBe(false);
    expect(byName['llm-macros'].publish).toBe(true);
  });

  it('lists path dependencies of every kind with roots relative to the Nx root', () => {
    expect(byName['llm-cli'].pathDependencies).toEqual([
      expect.objectContaining({ name: 'llm-core', root: 'rust/crates/llm-core', kind: 'normal' }),
      expect.objectContaining({ name: 'llm-macros', root: 'rust/crates/llm-macros', kind: 'normal' }),
      expect.objectContaining({ name: 'test-utils', root: 'shared/test-utils', kind: 'dev' }),
      expect.objectContaining({ name: 'buildhelp', root: 'tools/buildhelp', kind: 'build' }),
    ]);
    expect(byName['llm-core'].pathDependencies).toEqual([]);
  });

  it('keeps a path dependency\'s version requirement (null without one) and the workspace version it points at', () => {
    const [core, macros] = byName['llm-cli'].pathDependencies;
    expect(core).toMatchObject({ versionRequirement: null, targetVersion: '0.4.2' });
    expect(macros).toMatchObject({ versionRequirement: '^0.1' });
  });

  it('lists registry dependencies once each, sorted, and leaves git dependencies out', () => {
    expect(byName['llm-cli'].registryDependencies).toEqual(['anyhow', 'cc', 'serde']);
    expect(byName['llm-core'].registryDependencies).toEqual(['thiserror']);
    expect(byName['llm-cli'].externalDependencies).toEqual([]);
  });

  it('picks up [workspace.metadata.release-gates] for every member and [package.metadata.release-gates] per crate', () => {
    for (const c of crates) expect(c.releaseGatesMetadata.workspace).toEqual({ runner: 'nextest', 'missing-docs': 'deny' });
    expect(byName['llm-cli'].releaseGatesMetadata.package).toEqual({ 'required-files': ['templates/docker/Dockerfile'], 'max-binary-size': '15MB' });
    expect(byName['llm-core'].releaseGatesMetadata.package).toBeNull();
    // Not a table: ignored rather than misread.
    expect(byName['llm-macros'].releaseGatesMetadata.package).toBeNull();
  });

  it('has no workspace table when the workspace metadata is absent', () => {
    const crates2 = cratesFromMetadata({ ...metadata, metadata: null }, '/ws', () => true);
    expect(crates2.every((c) => c.releaseGatesMetadata.workspace === null)).toBe(true);
    const crates3 = cratesFromMetadata({ ...metadata, metadata: { other: { x: 1 } } }, '/ws', () => true);
    expect(crates3[0].releaseGatesMetadata.workspace).toBeNull();
  });
});
