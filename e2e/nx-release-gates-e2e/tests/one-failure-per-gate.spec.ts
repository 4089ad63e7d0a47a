/**
 * One failure per gate: each crate of one workspace fails exactly one gate. The gates run once for every crate
 * with `nx run-many`; each crate's release-dry-run then runs on its own (passing gates replay from the cache, the
 * failing one runs again), and must exit non-zero with a report that still holds every gate's result.
 */
import { crateFiles, DOCUMENTED_MAIN } from '../support/crates';
import { GATE_TARGETS, gateResults, pathWithout } from '../support/checks';
import { RunResult, TestWorkspace } from '../support/workspace';

const CRATES: Record<string, { gate: string; files: Record<string, string> }> = {
  'pkg-missing': {
    gate: 'gate-package',
    files: crateFiles({
      name: 'pkg-missing',
      packageExtra: 'exclude = ["templates/docker/*"]',
      releaseGates: 'required-files = ["src/main.rs", "templates/docker/Dockerfile"]',
      files: { 'templates/docker/Dockerfile': 'FROM scratch\n', 'templates/README.txt': 'templates\n' },
    }),
  },
  'size-over': {
    gate: 'gate-size',
    files: crateFiles({ name: 'size-over', releaseGates: 'max-binary-size = "1KiB"' }),
  },
  'test-fail': {
    gate: 'gate-test',
    files: crateFiles({
      name: 'test-fail',
      main: DOCUMENTED_MAIN.replace(
        '#[cfg(test)]\nmod tests {',
        '#[cfg(test)]\nmod tests {\n    #[test]\n    fn adds_wrongly() {\n        assert_eq!(super::add(2, 2), 5);\n    }\n\n    #[test]\n    #[ignore]\n    fn slow() {}\n',
      ),
    }),
  },
  'doc-missing': {
    gate: 'gate-doc',
    files: crateFiles({
      name: 'doc-missing',
      lib: '//! A library.\n\n/// Documented.\npub fn documented() {}\n\npub fn undocumented() {}\n',
      // A library without tests: allowed, so only gate-doc fails.
      releaseGates: 'missing-docs = "deny"\nallow-no-tests = true',
    }),
  },
  'doc-link': {
    gate: 'gate-doc',
    files: crateFiles({
      name: 'doc-link',
      lib: '//! A library.\n\n/// Works like [`NoSuchThing`].\npub fn linked() {}\n',
      releaseGates: 'deny-warnings = true\nallow-no-tests = true',
    }),
  },
};

/** A compile error: gate-build fails, so Nx does not run gate-size (it needs the binary); gate-cuda still runs. */
const BUILD_FAIL = crateFiles({ name: 'build-fail', main: 'fn main() {\n    let x: u32 = "not a number";\n}\n', features: { cuda: [] } });

describe('one failing gate per crate', () => {
  let ws: TestWorkspace;
  let gates: RunResult;
  const dryRuns: Record<string, RunResult> = {};

  beforeAll(() => {
    ws = TestWorkspace.create('gates-fail', {
      files: Object.assign({}, BUILD_FAIL, ...Object.values(CRATES).map((c) => c.files)),
      // The six gates of the release process (gates added later have their own tests).
      nxJson: { targetDefaults: { 'release-dry-run': { options: { gates: [...GATE_TARGETS] } } } },
    });
    gates = ws.nx(['run-many', `--targets=${GATE_TARGETS.join(',')}`, `--projects=${Object.keys(CRATES).join(',')}`, '--outputStyle=static']);
  });
  afterAll(() => ws?.remove());

  it('fails the run of all gates, and every gate of every crate still wrote a result', () => {
    expect(gates.exitCode).not.toBe(0);
    const withoutResult = Object.keys(CRATES).flatMap((crate) => {
      const results = gateResults(ws, crate);
      return GATE_TARGETS.filter((target) => !results[target]).map((target) => `${crate}:${target}`);
    });
    expect(withoutResult).toEqual([]);
  });

  it.each(Object.keys(CRATES))('%s: release-dry-run exits non-zero, fails only its gate and still runs every gate', (crate) => {
    const run = ws.nx(['run', `${crate}:release-dry-run`]);
    dryRuns[crate] = run;
    expect(run.exitCode).not.toBe(0);
    const report = ws.result(crate, 'release-dry-run');
    expect(report.status).toBe('failed');
    expect(report.notRun).toEqual([]);
    expect(report.gates.map((g: any) => g.gate)).toEqual([...GATE_TARGETS]);
    const failedGates = report.gates.filter((g: any) => g.status === 'failed').map((g: any) => g.gate);
    expect(failedGates).toEqual([CRATES[crate].gate]);
    // The failing gate ran again (failures are never cached); the report's copy is the file on disk.
    const failing = report.gates.find((g: any) => g.gate === CRATES[crate].gate);
    expect(failing.source).toBe('ran');
    const onDisk = ws.result(crate, CRATES[crate].gate);
    expect(onDisk).toMatchObject({ status: 'failed', startedAt: failing.startedAt, reason: failing.reason });
    for (const { gate } of report.gates) expect(ws.exists(`dist/release-gates/${crate}/${gate}.json`)).toBe(true);
  });

  it('a failed gate-build: gate-size is not run and says why, gate-cuda still runs, and nothing is called an interruption', () => {
    // Nx 23.2.1 exits 130 when it skipped a task after a failed dependency, as it does for an interrupted run.
    const run = ws.nx(['run', 'build-fail:release-dry-run'], { PATH: pathWithout(['nvcc']) });
    expect(run.exitCode).not.toBe(0);
    const report = ws.result('build-fail', 'release-dry-run');
    expect(report.interruptedBy).toBeNull();
    const rows = Object.fromEntries(report.rows.map((r: any) => [r.gate, r]));
    expect(rows['gate-build']).toMatchObject({ status: 'failed', source: 'ran' });
    expect(rows['gate-size']).toMatchObject({ status: 'failed', source: 'not run', reason: 'not run: gate-build failed, and gate-size needs its result' });
    expect(rows['gate-cuda']).toMatchObject({ status: 'fallback', source: 'ran' });
    expect(report.gates.find((g: any) => g.gate === 'gate-build').reason).toMatch(/could not compile `build-fail` \(bin "build-fail"\): mismatched types at src\/main.rs:2:/);
  });

  it('gate-package names the excluded required file and what the package holds there', () => {
    const result = ws.result('pkg-missing', 'gate-package');
    expect(result.status).toBe('failed');
    expect(result.details.missing).toEqual(['templates/docker/Dockerfile']);
    // The rule that dropped it, from Cargo.toml's exclude list.
    expect(result.details.causes).toEqual([{ pattern: 'templates/docker/Dockerfile', rule: 'exclude pattern "templates/docker/*" matches it' }]);
    expect(result.reason).toContain('exclude pattern "templates/docker/*"');
    expect(result.commands.some((c: string) => c.startsWith('cargo package '))).toBe(true);
    // Excluded, not absent: the file is on disk.
    expect(ws.exists('pkg-missing/templates/docker/Dockerfile')).toBe(true);
  });

  it('gate-size gives the binary size against the limit', () => {
    const result = ws.result('size-over', 'gate-size');
    expect(result.status).toBe('failed');
    expect(result.details.limit).toBe(1024);
    expect(result.details.binaries).toHaveLength(1);
    const [binary] = result.details.binaries;
    expect(binary).toMatchObject({ name: 'size-over', limit: 1024 });
    expect(binary.bytes).toBeGreaterThan(1024);
    expect(binary.headroom).toBe(1024 - binary.bytes);
    // The binary measured is the one gate-build copied.
    expect(ws.result('size-over', 'gate-build').details.binaries[0].bytes).toBe(binary.bytes);
  });

  it('gate-test counts the failed, passed and ignored tests', () => {
    const result = ws.result('test-fail', 'gate-test');
    expect(result.status).toBe('failed');
    expect(result.details).toMatchObject({ passed: 1, failed: 1, ignored: 1 });
    expect(result.details.failedTests).toEqual(['tests::adds_wrongly']);
  });

  it('gate-doc fails on an undocumented public item with missing-docs = "deny"', () => {
    const result = ws.result('doc-missing', 'gate-doc');
    expect(result.status).toBe('failed');
    expect(result.details.missingDocs).toBe('deny');
    expect(result.details.undocumentedItems).toBe(1);
    expect(result.details.rustdocFlags).toContain('-D missing_docs');
  });

  it('gate-doc fails on a broken intra-doc link with deny-warnings = true', () => {
    const result = ws.result('doc-link', 'gate-doc');
    expect(result.status).toBe('failed');
    expect(result.details.denyWarnings).toBe(true);
    expect(result.details.errors).toBeGreaterThanOrEqual(1);
    expect(result.details.undocumentedItems).toBe(0);
    expect(result.details.rustdocFlags).toContain('-D warnings');
  });
});
