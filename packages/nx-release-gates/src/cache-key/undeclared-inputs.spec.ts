import type { BuildRecords } from '../parsers/dep-info';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { declaredInputs, fileCoverage, withLearnedCoverage } from './declared-inputs';
import { undeclaredInputs, undeclaredSummary } from './undeclared-inputs';
import { fingerprintVariable } from './fingerprint-env';

const NAMED = {
  'rust-crate': ['{projectRoot}/**/*', '!{projectRoot}/target/**'],
  'rust-crate-build': ['{projectRoot}/**/*', '!{projectRoot}/**/*.md'],
};

const declared = declaredInputs({
  project: 'app',
  projectRoot: 'crates/app',
  inputs: [
    'rust-crate',
    '^rust-crate-build',
    '{workspaceRoot}/Cargo.toml',
    { env: 'RELEASE_GATES_SKIP' },
    { runtime: 'node "node_modules/nx-release-gates/src/fingerprint-cli.js" crates/app --env MY_* --tree ../shared' },
    { externalDependencies: [] },
  ],
  namedInputs: () => NAMED,
  rootOf: (p) => ({ app: 'crates/app', core: 'crates/core' })[p],
  dependenciesOf: (p) => (p === 'app' ? ['core'] : []),
});

describe('declaredInputs', () => {
  it('expands named inputs for the project and ^inputs over its dependencies, and reads the fingerprint arguments', () => {
    expect(fileCoverage(declared, 'crates/app/src/main.rs')).toEqual({ covered: true, by: 'rust-crate of app' });
    expect(fileCoverage(declared, 'crates/app/README.md').covered).toBe(true);
    expect(fileCoverage(declared, 'crates/core/src/lib.rs')).toEqual({ covered: true, by: 'rust-crate-build of core' });
    expect(fileCoverage(declared, 'crates/core/NOTES.md')).toEqual({ covered: false, excludedBy: '!crates/core/**/*.md (rust-crate-build of core)' });
    expect(fileCoverage(declared, 'Cargo.toml').covered).toBe(true);
    expect(fileCoverage(declared, 'shared/data.txt')).toEqual({ covered: false, excludedBy: undefined });
    expect(declared).toMatchObject({ fingerprinted: true, envPatterns: ['MY_*'], trees: ['../shared'], envNames: ['RELEASE_GATES_SKIP'] });
  });

  it('reads the fingerprint arguments from the fingerprint variable the inferred targets hash', () => {
    const fromVariable = declaredInputs({
      project: 'app',
      projectRoot: 'crates/app',
      inputs: ['rust-crate', { env: 'RELEASE_GATES_SKIP' }, { env: fingerprintVariable(['crates/app', '--env', 'MY_*', '--tree', '../shared']) }],
      namedInputs: () => NAMED,
      rootOf: () => 'crates/app',
      dependenciesOf: () => [],
    });
    expect(fromVariable).toMatchObject({ fingerprinted: true, envPatterns: ['MY_*'], trees: ['../shared'], envNames: ['RELEASE_GATES_SKIP'] });
  });

  it('uses default and ^default when the target has no inputs', () => {
    const plain = declaredInputs({
      project: 'app',
      projectRoot: 'crates/app',
      inputs: undefined,
      namedInputs: () => ({ default: ['{projectRoot}/**/*'] }),
      rootOf: (p) => ({ app: 'crates/app', core: 'crates/core' })[p],
      dependenciesOf: () => ['core'],
    });
    expect(fileCoverage(plain, 'crates/core/NOTES.md').covered).toBe(true);
    expect(plain.fingerprinted).toBe(false);
  });
});

describe('undeclaredInputs', () => {
  const facts = {
    workspaceRoot: '/ws',
    task: 'app:gate-build',
    declared,
    ignored: new Set(['crates/app/generated.txt']),
    pinnedFolders: ['/home/u/.cargo/registry', '/home/u/.rustup'],
    generatedFolders: ['/ws/crates/app/target'],
  };
  const records = (files: string[], env: string[] = []): BuildRecords => ({
    files: files.map((file) => ({ file, unit: 'app (bin)' })),
    env: env.map((name) => ({ name, unit: 'app (build script)', how: 'rerun-if-env-changed' as const })),
    outDirs: ['/ws/crates/app/target/release/build/app-1/out'],
  });

  it('lists nothing for the crate\'s own files, generated files, pinned sources, outside trees the fingerprint hashes, and covered variables', () => {
    const found = undeclaredInputs(
      records(
        ['/ws/crates/app/src/main.rs', '/ws/crates/app/target/release/build/app-1/out/gen.rs', '/home/u/.cargo/registry/src/serde/lib.rs', '/ws/../shared/src/lib.rs'],
        ['CC', 'CARGO_PKG_VERSION', 'TARGET', 'MY_FLAG', 'RELEASE_GATES_SKIP', 'PKG_CONFIG_PATH', 'PATH', 'CUDA_PATH', 'CUDA_HOME'],
      ),
      facts,
    );
    expect(found).toEqual([]);
  });

  it('names each uncovered file and variable with why and the fix, once', () => {
    const found = undeclaredInputs(
      records(['/ws/shared/data.txt', '/ws/crates/app/generated.txt', '/elsewhere/x.txt', '/ws/crates/core/NOTES.md', '/ws/shared/data.txt'], ['FLAVOUR', 'DEPLOY_TOKEN']),
      facts,
    );
    expect(found.map((f) => [f.kind, f.name, f.why])).toEqual([
      ['file', 'shared/data.txt', 'in no input of app:gate-build'],
      ['file', 'crates/app/generated.txt', 'ignored by git or .nxignore, so Nx does not hash it'],
      ['file', '/elsewhere/x.txt', 'outside the Nx workspace, where no Nx input can hash it'],
      ['file', 'crates/core/NOTES.md', 'excluded from the inputs of app:gate-build by !crates/core/**/*.md (rust-crate-build of core)'],
      ['env', 'FLAVOUR', 'not in the cache key'],
      ['env', 'DEPLOY_TOKEN', 'named like a secret, which is never hashed'],
    ]);
    expect(found[4].fix).toContain('envInputs');
    expect(undeclaredSummary(found)).toMatch(/^the build read file shared\/data\.txt \(in no input of app:gate-build\) and 5 more/);
  });

  it('counts what release-gates.lock learned for the crate as covered: files (also gitignored or outside), folders, variables', () => {
    const learned = { ...facts, home: '/home/u', declared: { ...declared, learned: { files: ['shared/data.txt', 'crates/app/generated.txt', '~/fixtures/a.txt'], dirs: ['/elsewhere'], envNames: ['FLAVOUR'] } } };
    const found = undeclaredInputs(
      records(['/ws/shared/data.txt', '/ws/crates/app/generated.txt', '/home/u/fixtures/a.txt', '/elsewhere/x.txt', '/ws/shared/other.txt'], ['FLAVOUR', 'OTHER']),
      learned,
    );
    expect(found.map((f) => f.name)).toEqual(['shared/other.txt', 'OTHER']);
  });
});

describe('withLearnedCoverage', () => {
  it('adds the crate\'s learned reads when the fingerprint (which hashes them) is among the inputs, else nothing', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'covered-'));
    try {
      fs.mkdirSync(path.join(ws, 'crates', 'app'), { recursive: true });
      fs.writeFileSync(path.join(ws, 'crates', 'app', 'Cargo.toml'), '[package]\nname = "app"\nversion = "0.1.0"\n');
      fs.writeFileSync(path.join(ws, 'release-gates.lock'), '[[read]]\ncrate = "app"\ngate = "gate-test"\nfile = "shared/data.txt"\n\n[[read]]\ncrate = "core"\ngate = "gate-test"\nenv = "CORE"\n');
      expect(withLearnedCoverage(declared, ws, 'crates/app').learned).toEqual({ files: ['shared/data.txt'], dirs: [], envNames: [] });
      expect(withLearnedCoverage({ ...declared, fingerprinted: false }, ws, 'crates/app').learned).toBeUndefined();
      fs.writeFileSync(path.join(ws, 'release-gates.lock'), '[[read]\n');
      expect(withLearnedCoverage(declared, ws, 'crates/app').learned).toBeUndefined();
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});
