/**
 * A maintainer gets true verdicts and reasons to act on, each on a small crate of one fresh workspace (packed
 * plugin, real nx, cargo, git). The registry checks use a fixture index folder (registryIndex) for the crates this
 * test invents, and the real crates.io index for a crate named like a published one (hexyl 0.17.0).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crateFiles, DOCUMENTED_MAIN } from '../support/crates';
import { pathWithout } from '../support/checks';
import { writeIndexEntry } from '../support/registry-index';
import { TestWorkspace } from '../support/workspace';

const INDEX = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-index-'));
const indexed = `registry-index = ${JSON.stringify(INDEX)}`;

/** Writes the fixture index entry of `name`: one published version. */
const publishInIndex = (name: string, version: string, cksum: string) => writeIndexEntry(INDEX, name, [{ version, cksum }]);

const FAILING_TESTS = Array.from({ length: 40 }, (_, i) => `    #[cfg(feature = "needs-tool")]\n    #[test]\n    fn needs_tool_${i}() {\n        std::process::Command::new("no-such-tool-here").status().expect("Failed to spawn no-such-tool-here");\n    }\n`).join('\n');
const MANY_FAILING_MAIN = DOCUMENTED_MAIN.replace('#[cfg(test)]\nmod tests {', `#[cfg(test)]\nmod tests {\n${FAILING_TESTS}`);

const FILES: Record<string, string> = {
  // Registry: a version the index holds with another .crate, and one holding this very .crate (a resumed release).
  ...crateFiles({ name: 'nrg-taken', version: '0.3.0', releaseGates: indexed }),
  ...crateFiles({ name: 'nrg-resumed', version: '0.4.0', releaseGates: indexed, main: 'fn main() {\n    let unused = 1;\n}\n' }),
  // Named like a crate on crates.io, at a version crates.io holds: the real index must say so.
  ...crateFiles({ name: 'hexyl', version: '0.17.0' }),
  // gate-doc: a binary-only crate under missingDocs deny; a library with denyWarnings and missingDocs left at warn.
  ...crateFiles({ name: 'nrg-bin-docs', main: 'fn main() {\n    println!("hi");\n}\n', releaseGates: 'missing-docs = "deny"' }),
  ...crateFiles({ name: 'nrg-lib-docs', lib: '//! A library.\n\npub fn undocumented() {}\n', releaseGates: 'deny-warnings = true' }),
  // Reasons: many failing tests behind one feature, the same crate with that feature left out, a failing build script.
  // `quiet` switches on no test: the failures must be put on `needs-tool` alone.
  ...crateFiles({ name: 'nrg-many-fail', main: MANY_FAILING_MAIN, features: { 'needs-tool': [], quiet: [] } }),
  // The same under cargo-nextest: the failed names and messages come from its JUnit report.
  ...crateFiles({ name: 'nrg-nextest-fail', main: MANY_FAILING_MAIN, features: { 'needs-tool': [], quiet: [] }, releaseGates: 'runner = "nextest"' }),
  // A passing suite under nextest: Nx's FORCE_COLOR once hid nextest's summary, and a pass read as "no test ran".
  ...crateFiles({ name: 'nrg-nextest-pass', releaseGates: 'runner = "nextest"' }),
  ...crateFiles({ name: 'nrg-excluded', main: MANY_FAILING_MAIN, features: { 'needs-tool': [], full: ['needs-tool'] }, releaseGates: 'exclude-features = ["needs-tool"]' }),
  ...crateFiles({
    name: 'nrg-sys-fail',
    lib: '//! A -sys crate.\n',
    packageExtra: 'build = "build.rs"',
    files: { 'build.rs': 'fn main() {\n    panic!("Unable to find libfoo; set the LIBFOO_PATH environment variable");\n}\n' },
  }),
  // gate-build: a binary behind required-features the release features do not enable.
  ...crateFiles({
    name: 'nrg-req-bin',
    lib: '//! A library with an optional binary.\n',
    features: { binary: [] },
    extra: '[[bin]]\nname = "nrg-req-bin"\npath = "src/main.rs"\nrequired-features = ["binary"]\n',
    main: 'fn main() {}\n',
  }),
  // gate-cuda without a toolkit: no CPU twin, so the fallback would repeat gate-build's command.
  ...crateFiles({ name: 'nrg-cuda-only', features: { cuda: [] } }),
  // The CPU twin `llama` of `llama-cuda` is a default feature already, so the fallback adds nothing.
  ...crateFiles({ name: 'nrg-cuda-twin', features: { default: ['llama'], llama: [], 'llama-cuda': ['llama'] } }),
  // gate-fmt: stable rustfmt ignores nightly-only options.
  ...crateFiles({ name: 'nrg-fmt-nightly', files: { 'rustfmt.toml': 'imports_granularity = "Crate"\nmax_width = 100\n' } }),
  // A cargo-fuzz crate: publish = false, fuzz targets as binaries with test = false and doc = false; the generated
  // workflows must leave it out, and its test and doc gates checked nothing, so they must not pass.
  ...crateFiles({
    name: 'nrg-fuzz',
    packageExtra: 'publish = false\nautobins = false',
    main: 'fn main() {}\n',
    extra: '[[bin]]\nname = "fuzz_one"\npath = "src/main.rs"\ntest = false\ndoc = false\nbench = false\n',
  }),
};

describe('true verdicts and reasons a maintainer can act on', () => {
  let ws: TestWorkspace;

  beforeAll(() => {
    ws = TestWorkspace.create('verdicts', { files: FILES });
    // The resumed crate's entry carries the sha256 of the .crate cargo packages from this very commit.
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-pack-'));
    execFileSync('cargo', ['package', '--no-verify', '--allow-dirty', '--target-dir', scratch], { cwd: ws.path('nrg-resumed'), stdio: 'pipe' });
    const sha = createHash('sha256').update(fs.readFileSync(path.join(scratch, 'package', 'nrg-resumed-0.4.0.crate'))).digest('hex');
    fs.rmSync(scratch, { recursive: true, force: true });
    publishInIndex('nrg-resumed', '0.4.0', sha);
    publishInIndex('nrg-taken', '0.3.0', '0'.repeat(64));
  });
  afterAll(() => {
    ws?.remove();
    fs.rmSync(INDEX, { recursive: true, force: true });
  });

  describe('a version already in the registry', () => {
    beforeAll(() => {
      ws.nx(['run-many', '--targets=gate-version,gate-publish', '--projects=nrg-taken,nrg-resumed', '--outputStyle=static']);
      ws.nx(['run', 'hexyl:gate-version', '--outputStyle=static']);
    });

    it('fails gate-publish and gate-version and says to bump the version', () => {
      for (const gate of ['gate-publish', 'gate-version']) {
        const result = ws.result('nrg-taken', gate);
        expect(result.status).toBe('failed');
        expect(result.details.registry).toBe('taken');
        expect(result.reason).toMatch(/already published.*bump the version/);
      }
    });

    it('passes a resumed release (the packaged .crate is the published one) and says so', () => {
      const publish = ws.result('nrg-resumed', 'gate-publish');
      expect(publish.status).toBe('passed');
      expect(publish.details.registry).toBe('resumed');
      expect(publish.reason).toContain('the release is being resumed');
      // The verify build's lint warning is counted apart, not as a publish warning.
      expect(publish.details.compilerWarnings).toBe(1);
      expect(publish.details.warnings).toEqual(['manifest has no documentation, homepage or repository']);
      expect(ws.result('nrg-resumed', 'gate-version')).toMatchObject({ status: 'passed', details: { registry: 'resumed' } });
    });

    it('reads the real crates.io index', () => {
      const result = ws.result('hexyl', 'gate-version');
      expect(result).toMatchObject({ status: 'failed', details: { registry: 'taken' } });
    });
  });

  describe('build, test and doc verdicts', () => {
    const projects = ['nrg-bin-docs', 'nrg-lib-docs', 'nrg-many-fail', 'nrg-nextest-fail', 'nrg-nextest-pass', 'nrg-excluded', 'nrg-sys-fail', 'nrg-req-bin'];
    beforeAll(() => {
      ws.nx(['run-many', '--targets=gate-build,gate-test,gate-doc', `--projects=${projects.join(',')}`, '--outputStyle=static', '--parallel=1']);
    });

    it('gate-doc does not count a binary-only crate as undocumented, nor escalate the warn level', () => {
      expect(ws.result('nrg-bin-docs', 'gate-doc')).toMatchObject({ status: 'passed', details: { undocumentedItems: 0, checked: 1 } });
      const lib = ws.result('nrg-lib-docs', 'gate-doc');
      expect(lib.status).toBe('passed');
      // Counted once: an undocumented item, not also a warning.
      expect(lib.details).toMatchObject({ undocumentedItems: 1, warnings: 0, errors: 0 });
    });

    it('gate-test gives a bounded reason with the first failure, and excludeFeatures leaves the feature out', () => {
      const many = ws.result('nrg-many-fail', 'gate-test');
      expect(many.status).toBe('failed');
      expect(many.reason.length).toBeLessThan(300);
      expect(many.reason).toMatch(/^40 test\(s\) failed, 1 passed; every failure needs feature needs-tool \(excludeFeatures = \["needs-tool"\] leaves it out\); first: tests::needs_tool_\d+: .*Failed to spawn no-such-tool-here/);
      expect(many.details.failedTests).toHaveLength(40);
      // Found by listing the tests without each optional feature: `quiet` removes none of them.
      expect(many.details.failuresByFeature).toEqual([{ feature: 'needs-tool', failures: 40 }]);
      const excluded = ws.result('nrg-excluded', 'gate-test');
      expect(excluded).toMatchObject({ status: 'passed', details: { passed: 1, checked: 1 } });
      expect(excluded.details.excludedByOption.sort()).toEqual(['full', 'needs-tool']);
    });

    it('gate-test under cargo-nextest names the failures, the first message and the feature from its JUnit report', () => {
      const nextest = ws.result('nrg-nextest-fail', 'gate-test');
      expect(nextest).toMatchObject({ status: 'failed', details: { runner: 'nextest', failed: 40, passed: 1 } });
      expect(nextest.reason).toMatch(/^40 test\(s\) failed, 1 passed; every failure needs feature needs-tool .*; first: tests::needs_tool_\d+: .*Failed to spawn no-such-tool-here/);
      expect(nextest.details.failedTests).toHaveLength(40);
      expect(nextest.details.failuresByFeature).toEqual([{ feature: 'needs-tool', failures: 40 }]);
      expect(ws.result('nrg-nextest-pass', 'gate-test')).toMatchObject({ status: 'passed', reason: '1 passed, 0 ignored', details: { runner: 'nextest', checked: 1 } });
    });

    it("keeps a build script's own message and says the tests and docs did not build", () => {
      const build = ws.result('nrg-sys-fail', 'gate-build');
      expect(build.status).toBe('failed');
      expect(build.reason).toContain('set the LIBFOO_PATH environment variable');
      expect(ws.result('nrg-sys-fail', 'gate-test')).toMatchObject({ status: 'failed', details: { built: false } });
      expect(ws.result('nrg-sys-fail', 'gate-test').reason).toMatch(/^tests did not build: .*LIBFOO_PATH/);
      expect(ws.result('nrg-sys-fail', 'gate-doc')).toMatchObject({ status: 'failed', details: { built: false } });
    });

    it('gate-build names the required-features that left a binary out', () => {
      const result = ws.result('nrg-req-bin', 'gate-build');
      expect(result.status).toBe('passed');
      expect(result.details.skippedBinaries).toEqual([{ name: 'nrg-req-bin', missingFeatures: ['binary'] }]);
      expect(result.reason).toContain('required-features = ["binary"]');
    });

    it('every gate says how many things it checked, and every reason stays under 300 characters', () => {
      for (const project of projects) {
        for (const gate of ['gate-build', 'gate-test', 'gate-doc']) {
          const result = ws.result(project, gate);
          expect(typeof result.details.checked).toBe('number');
          expect(result.reason.length).toBeLessThan(300);
        }
      }
    });
  });

  it('gate-cuda without a toolkit does not repeat gate-build when the fallback is the same build', () => {
    ws.nx(['run', 'nrg-cuda-only:gate-cuda', '--outputStyle=static'], { PATH: pathWithout(['nvcc']) });
    const result = ws.result('nrg-cuda-only', 'gate-cuda');
    expect(result).toMatchObject({ status: 'fallback', details: { mode: 'cpu-fallback', sameAsBuild: true, checked: 0 } });
    expect(result.commands.filter((c: string) => c.startsWith('cargo build'))).toEqual([]);
    ws.nx(['run', 'nrg-cuda-twin:gate-cuda', '--outputStyle=static'], { PATH: pathWithout(['nvcc']) });
    const twin = ws.result('nrg-cuda-twin', 'gate-cuda');
    expect(twin).toMatchObject({ status: 'fallback', details: { mode: 'cpu-fallback', features: ['llama'], sameAsBuild: true, checked: 0 } });
    expect(twin.commands.filter((c: string) => c.startsWith('cargo build'))).toEqual([]);
  });

  it('gate-fmt records the rustfmt.toml options stable rustfmt ignored', () => {
    ws.nx(['run', 'nrg-fmt-nightly:gate-fmt', '--outputStyle=static']);
    const result = ws.result('nrg-fmt-nightly', 'gate-fmt');
    expect(result.status).toBe('passed');
    expect(result.details.ignoredOptions).toEqual(['imports_granularity = Crate']);
    expect(result.details.checked).toBe(1);
  });

  it("a cargo-fuzz crate's test and doc gates say there is nothing to run, not that it passed", () => {
    ws.nx(['run-many', '--targets=gate-test,gate-doc,gate-package', '--projects=nrg-fuzz', '--outputStyle=static']);
    // Never published: no .crate to judge.
    expect(ws.result('nrg-fuzz', 'gate-package')).toMatchObject({ status: 'skipped', details: { checked: 0 } });
    expect(ws.result('nrg-fuzz', 'gate-test')).toMatchObject({ status: 'skipped', details: { checked: 0 } });
    expect(ws.result('nrg-fuzz', 'gate-test').reason).toMatch(/every target sets test = false in nrg-fuzz\/Cargo.toml/);
    expect(ws.result('nrg-fuzz', 'gate-doc')).toMatchObject({ status: 'skipped', details: { checked: 0 } });
  });

  it('the generated workflows leave a publish = false crate out unless named', () => {
    const generated = ws.nx(['g', 'nx-release-gates:workflows', '--no-interactive']);
    expect(generated.exitCode).toBe(0);
    const script = ws.read('scripts/dry-run-release.sh');
    expect(script).toContain('nrg-taken');
    expect(script).not.toContain('nrg-fuzz');
  });
});
