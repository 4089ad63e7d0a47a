/**
 * What users install, and gates that cannot pass vacuously. One workspace:
 *  - fresh/: a Cargo workspace of two crates whose Cargo.lock pins tinydep 0.1.0, resolved from a local directory
 *    registry the test builds (crates.io replaced by it in .cargo/config.toml) that also holds tinydep 0.1.1, where
 *    `add` takes a third argument. nrg-fresh-ok uses only what 0.1.1 kept; nrg-fresh-broken calls `add(1, 2)`.
 *  - nrg-api: a library released as the tag nrg-api-v0.1.0 (the semver baseline: no published crate needed), changed
 *    first at that version (between releases: which bump the changes need), then bumped to 0.1.1.
 *  - nrg-indexed-api and hexyl: libraries whose registryIndex is a local index folder. It lists nrg-indexed-api
 *    0.1.0, 0.2.0, 0.2.5 (yanked) and 0.9.0, a crate crates.io has never had, and no hexyl, which crates.io has.
 *  - nrg-untested: a library without a single test; nrg-unlicensed: a crate without `license`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crateFiles } from '../support/crates';
import { writeIndexEntry } from '../support/registry-index';
import { TestWorkspace } from '../support/workspace';

const INDEX = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-semver-index-'));
const indexed = `registry-index = ${JSON.stringify(INDEX)}`;
const LIB = '//! A library.\n\n/// One.\npub fn one() -> u8 {\n    1\n}\n';

const TINYDEP = {
  '0.1.0': 'pub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n\npub fn stable() -> u32 {\n    7\n}\n',
  '0.1.1': 'pub fn add(a: u32, b: u32, c: u32) -> u32 {\n    a + b + c\n}\n\npub fn stable() -> u32 {\n    7\n}\n',
};

/** A directory source as `cargo vendor` writes one: each package with a .cargo-checksum.json. */
function localRegistry(versions: Array<keyof typeof TINYDEP>): Record<string, string> {
  const files: Record<string, string> = {};
  for (const version of versions) {
    const lib = TINYDEP[version];
    const dir = `registry/tinydep-${version}`;
    const manifest = `[package]\nname = "tinydep"\nversion = "${version}"\nedition = "2021"\n`;
    const checksum = (text: string) => createHash('sha256').update(text).digest('hex');
    files[`${dir}/Cargo.toml`] = manifest;
    files[`${dir}/src/lib.rs`] = lib;
    files[`${dir}/.cargo-checksum.json`] = JSON.stringify({ files: { 'Cargo.toml': checksum(manifest), 'src/lib.rs': checksum(lib) }, package: checksum(`tinydep ${version}`) });
  }
  return files;
}

const main = (body: string) => `//! A tool.\n\nfn main() {\n    println!("{}", ${body});\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn runs() {}\n}\n`;

const API_V1 = '//! An API.\n\n/// Kept.\npub fn keep() -> u8 {\n    1\n}\n\n/// Removed later.\npub fn gone() -> u8 {\n    2\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn keeps() {\n        assert_eq!(super::keep(), 1);\n    }\n}\n';

describe('gates for what users install', () => {
  let ws: TestWorkspace;

  beforeAll(() => {
    ws = TestWorkspace.create('install-semver', {
      files: {
        ...localRegistry(['0.1.0']),
        // The registry's packages are not the workspace's crates.
        '.nxignore': 'registry/\n',
        '.cargo/config.toml': '[source.crates-io]\nreplace-with = "test-registry"\n\n[source.test-registry]\ndirectory = "registry"\n',
        'fresh/Cargo.toml': '[workspace]\nmembers = ["nrg-fresh-ok", "nrg-fresh-broken"]\nresolver = "2"\n',
        ...crateFiles({ name: 'nrg-fresh-ok', dir: 'fresh/nrg-fresh-ok', main: main('tinydep::stable()'), extra: '[dependencies]\ntinydep = "0.1"\n', lockfile: false }),
        ...crateFiles({ name: 'nrg-fresh-broken', dir: 'fresh/nrg-fresh-broken', main: main('tinydep::add(1, 2)'), extra: '[dependencies]\ntinydep = "0.1"\n', lockfile: false }),
        ...crateFiles({ name: 'nrg-api', lib: API_V1 }),
        ...crateFiles({ name: 'nrg-untested', lib: '//! No tests.\n\n/// One.\npub fn one() -> u8 {\n    1\n}\n' }),
        ...crateFiles({ name: 'nrg-unlicensed' }),
        ...crateFiles({ name: 'nrg-indexed-api', version: '0.3.0', lib: LIB, releaseGates: indexed }),
        ...crateFiles({ name: 'hexyl', version: '1.0.0', lib: LIB, releaseGates: indexed }),
      },
    });
    writeIndexEntry(INDEX, 'nrg-indexed-api', [{ version: '0.1.0' }, { version: '0.2.0' }, { version: '0.2.5', yanked: true }, { version: '0.9.0' }]);
    // The committed Cargo.lock pins tinydep 0.1.0; then 0.1.1 is released (cargo ignores --precise for a directory
    // source, so the lockfile is made before the newer version exists, as in real life).
    const cargo = ws.run('cargo', ['generate-lockfile', '--manifest-path', 'fresh/Cargo.toml']);
    if (cargo.exitCode !== 0) throw new Error(cargo.stderr);
    for (const [file, content] of Object.entries(localRegistry(['0.1.1']))) ws.write(file, content);
    ws.write('nrg-unlicensed/Cargo.toml', ws.read('nrg-unlicensed/Cargo.toml').replace('license = "MIT"\n', ''));
    ws.commitAll('crates');
    ws.git(['tag', 'nrg-api-v0.1.0']);
  });
  afterAll(() => {
    ws?.remove();
    fs.rmSync(INDEX, { recursive: true, force: true });
  });

  it('gate-install passes when the fresh resolution still builds, and names the newer dependency', () => {
    const run = ws.nx(['run', 'nrg-fresh-ok:gate-install']);
    const result = ws.result('nrg-fresh-ok', 'gate-install');
    expect(result.status).toBe('passed');
    expect(run.exitCode).toBe(0);
    expect(result.details.differences).toEqual([{ name: 'tinydep', locked: ['0.1.0'], fresh: ['0.1.1'] }]);
    expect(result.details.checked).toBe(1);
    expect(result.details.replayed).toBe(false);
    expect(result.commands.some((c: string) => c.startsWith('cargo generate-lockfile'))).toBe(true);
    // The maintainer's Cargo.lock is untouched: the fresh resolution lives in the unpacked copy.
    expect(ws.read('fresh/Cargo.lock')).toContain('name = "tinydep"\nversion = "0.1.0"');
  });

  it('gate-install replays its pass from its memo when the fresh resolution and the crate are unchanged', () => {
    // Nx may replay the gate from its own cache now (it is keyed by the index entries); the memo is what a cold Nx
    // cache falls back on, so the gate runs here with Nx's cache skipped.
    ws.nx(['run', 'nrg-fresh-ok:gate-install', '--skip-nx-cache']);
    const result = ws.result('nrg-fresh-ok', 'gate-install');
    expect(result.status).toBe('passed');
    expect(result.details.replayed).toBe(true);
    expect(result.commands.some((c: string) => c.startsWith('cargo build'))).toBe(false);
  });

  it('gate-install fails when the fresh resolution does not build, naming the dependency that moved', () => {
    const run = ws.nx(['run', 'nrg-fresh-broken:gate-install']);
    const result = ws.result('nrg-fresh-broken', 'gate-install');
    expect(run.exitCode).not.toBe(0);
    expect(result.status).toBe('failed');
    expect(result.reason).toContain('tinydep 0.1.0 -> 0.1.1');
    expect(result.details.differences).toEqual([{ name: 'tinydep', locked: ['0.1.0'], fresh: ['0.1.1'] }]);
    // The same crate builds with its Cargo.lock: only the fresh resolution breaks.
    ws.nx(['run', 'nrg-fresh-broken:gate-build']);
    expect(ws.result('nrg-fresh-broken', 'gate-build').status).toBe('passed');
  });

  it('gate-semver between releases (the version still the tag\'s) passes a removed public fn, saying it needs the breaking bump', () => {
    ws.write('nrg-api/src/lib.rs', API_V1.replace('/// Removed later.\npub fn gone() -> u8 {\n    2\n}\n', ''));
    const run = ws.nx(['run', 'nrg-api:gate-semver']);
    const result = ws.result('nrg-api', 'gate-semver');
    expect(run.exitCode).toBe(0);
    expect(result.status).toBe('passed');
    expect(result.details.baseline).toEqual({ kind: 'tag', tag: 'nrg-api-v0.1.0', version: '0.1.0' });
    expect(result.details.requiredBump).toBe('major');
    expect(result.details.nextVersion).toBe('0.2.0');
    expect(result.reason).toContain('function_missing (function nrg_api::gone)');
    expect(result.commands.some((c: string) => c.includes('--baseline-rev nrg-api-v0.1.0 --release-type patch'))).toBe(true);
  });

  it('gate-semver between releases says an added public fn needs a minor bump', () => {
    ws.write('nrg-api/src/lib.rs', API_V1.replace('/// Kept.', '/// Added.\npub fn added() -> u8 {\n    3\n}\n\n/// Kept.'));
    ws.nx(['run', 'nrg-api:gate-semver']);
    const result = ws.result('nrg-api', 'gate-semver');
    expect(result.status).toBe('passed');
    expect(result.details.requiredBump).toBe('minor');
    expect(result.details.nextVersion).toBe('0.1.1');
    expect(result.details.added).toEqual(['function nrg_api::added']);
    expect(result.reason).toContain('need a minor bump, to 0.1.1: added function nrg_api::added');
  });

  it('gate-semver passes an additive change against the release tag', () => {
    ws.write('nrg-api/Cargo.toml', ws.read('nrg-api/Cargo.toml').replace('version = "0.1.0"', 'version = "0.1.1"'));
    ws.write('nrg-api/src/lib.rs', API_V1.replace('/// Kept.', '/// Added.\npub fn added() -> u8 {\n    3\n}\n\n/// Kept.'));
    ws.nx(['run', 'nrg-api:gate-semver']);
    const result = ws.result('nrg-api', 'gate-semver');
    expect(result.status).toBe('passed');
    expect(result.details.baseline).toEqual({ kind: 'tag', tag: 'nrg-api-v0.1.0', version: '0.1.0' });
    expect(result.details.checked).toBeGreaterThan(0);
  });

  it('gate-semver fails a removed public fn without a major bump, naming it', () => {
    ws.write('nrg-api/src/lib.rs', API_V1.replace('/// Removed later.\npub fn gone() -> u8 {\n    2\n}\n', ''));
    const run = ws.nx(['run', 'nrg-api:gate-semver']);
    const result = ws.result('nrg-api', 'gate-semver');
    expect(run.exitCode).not.toBe(0);
    expect(result.status).toBe('failed');
    expect(result.details.failures).toEqual([expect.objectContaining({ lint: 'function_missing', items: ['function nrg_api::gone'] })]);
    expect(result.reason).toContain('nrg_api::gone');
  });

  it('gate-semver takes the registry baseline from registryIndex, a version crates.io does not have', () => {
    ws.nx(['run', 'nrg-indexed-api:gate-semver']);
    const result = ws.result('nrg-indexed-api', 'gate-semver');
    expect(result.details.baseline).toEqual({ kind: 'registry', version: '0.2.0', index: INDEX });
    // cargo-semver-checks fetches a registry baseline from crates.io itself, where this crate does not exist: what
    // the gate says then depends on whether the tool is here, never on the baseline it chose.
    const toolInstalled = spawnSync('cargo', ['semver-checks', '--version'], { encoding: 'utf8' }).status === 0;
    expect(result.status).toBe('failed');
    expect(result.reason).toContain(toolInstalled ? `against registry index ${INDEX} 0.2.0` : 'cargo-semver-checks is not installed');
  });

  it('gate-semver reports a first release when registryIndex has no earlier version, though crates.io has one', () => {
    const run = ws.nx(['run', 'hexyl:gate-semver']);
    const result = ws.result('hexyl', 'gate-semver');
    expect(run.exitCode).toBe(0);
    expect(result.status).toBe('skipped');
    expect(result.reason).toBe(`first release: no earlier release tag and no earlier version in registry index ${INDEX} to compare with`);
    expect(result.details.baseline).toBeNull();
    // The first-release skip needs no cargo-semver-checks: the gate did not even ask for it.
    expect(result.commands.some((c: string) => c.includes('semver-checks'))).toBe(false);
  });

  it('gate-test fails a crate that ran no test, and allowNoTests lets it pass', () => {
    expect(ws.nx(['run', 'nrg-untested:gate-test']).exitCode).not.toBe(0);
    const result = ws.result('nrg-untested', 'gate-test');
    expect(result.status).toBe('failed');
    expect(result.details.checked).toBe(0);
    ws.nx(['run', 'nrg-untested:gate-test', '--allowNoTests=true']);
    expect(ws.result('nrg-untested', 'gate-test').status).toBe('passed');
  });

  it('gate-publish fails a crate without a license before the dry run, with the line to add', () => {
    expect(ws.nx(['run', 'nrg-unlicensed:gate-publish']).exitCode).not.toBe(0);
    const result = ws.result('nrg-unlicensed', 'gate-publish');
    expect(result.status).toBe('failed');
    expect(result.details.readiness.errors).toEqual([expect.stringContaining('add `license = "MIT OR Apache-2.0"`')]);
    expect(result.commands.some((c: string) => c.includes('publish'))).toBe(false);
  });

  it('refuses an expired emergency skip before any gate runs', () => {
    const skip = { RELEASE_GATES_SKIP: 'gate-doc', RELEASE_GATES_SKIP_REASON: 'hotfix', RELEASE_GATES_SKIP_UNTIL: '2020-01-01' };
    const run = ws.nx(['run', 'nrg-untested:release-dry-run'], skip);
    expect(run.exitCode).not.toBe(0);
    expect(ws.exists('dist/release-gates/nrg-untested/gate-build.json')).toBe(false);
    expect(ws.exists('dist/release-gates/nrg-untested/gate-doc.json')).toBe(false);
    // The one line it prints names the expiry (no result file is written for a refused run).
    expect(run.output).toContain('expired on 2020-01-01');
  });
});
