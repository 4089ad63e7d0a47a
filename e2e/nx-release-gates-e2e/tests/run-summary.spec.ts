/**
 * A maintainer reads the run summary: one row per crate x gate after every run, also when gates fail, from
 * cache, with the daemon on and off; JUnit files; GitHub step summary and annotations; the emergency skip.
 */
import { crateFiles, DOCUMENTED_MAIN } from '../support/crates';
import { TestWorkspace } from '../support/workspace';

const FAILING_TEST_MAIN = DOCUMENTED_MAIN.replace('assert_eq!(super::add(1, 2), 3);', 'assert_eq!(super::add(1, 2), 4);');

interface Row {
  project: string;
  gate: string;
  status: string;
  source: string;
  emergency?: boolean;
}

/** testsuite/testcase counts of a JUnit document. */
function junitCounts(xml: string) {
  const suites = [...xml.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)"[^>]*skipped="(\d+)"/g)].map((m) => ({
    name: m[1],
    tests: Number(m[2]),
    failures: Number(m[3]),
    skipped: Number(m[4]),
  }));
  const cases = [...xml.matchAll(/<testcase /g)].length;
  expect(xml.startsWith('<?xml')).toBe(true);
  expect(xml.trim().endsWith('</testsuites>')).toBe(true);
  return { suites, cases };
}

describe('the run summary and reports', () => {
  let ws: TestWorkspace;
  const summary = () => JSON.parse(ws.read('dist/release-gates/summary.json'));
  const summaryRows = () => summary().rows as Row[];

  beforeAll(() => {
    ws = TestWorkspace.create('report', {
      files: {
        ...crateFiles({ name: 'nrg-steady' }),
        ...crateFiles({ name: 'nrg-shaky', main: FAILING_TEST_MAIN, releaseGates: 'max-binary-size = "10KiB"' }),
      },
    });
  });
  afterAll(() => ws.remove());

  it('lists every gate of every crate after a run with two failed gates, all other gates having run', () => {
    const run = ws.nx(['run-many', '-t', 'gate-build', 'gate-size', 'gate-test', 'gate-doc', 'gate-package']);
    expect(run.exitCode).not.toBe(0);
    const rows = summaryRows();
    const shaky = Object.fromEntries(rows.filter((r) => r.project === 'nrg-shaky').map((r) => [r.gate, r.status]));
    expect(shaky).toEqual({ 'gate-build': 'passed', 'gate-package': 'passed', 'gate-size': 'failed', 'gate-test': 'failed', 'gate-doc': 'passed' });
    expect(rows.filter((r) => r.project === 'nrg-steady').every((r) => r.status === 'passed')).toBe(true);
    expect(rows.every((r) => r.source === 'ran')).toBe(true);
    expect(summary().status).toBe('failed');
    expect(ws.read('dist/release-gates/summary.md')).toContain('| nrg-shaky | gate-size | FAILED |');
  });

  it('writes JUnit for the gates and for the Rust tests, with the right counts', () => {
    const gates = junitCounts(ws.read('dist/release-gates/junit.xml'));
    expect(gates.suites.find((s) => s.name === 'nrg-shaky')).toMatchObject({ tests: 5, failures: 2 });
    expect(gates.suites.find((s) => s.name === 'nrg-steady')).toMatchObject({ tests: 5, failures: 0 });
    const tests = junitCounts(ws.read('dist/release-gates/nrg-shaky/junit.xml'));
    expect(tests.cases).toBe(1);
    expect(tests.suites.reduce((n, s) => n + s.failures, 0)).toBe(1);
    expect(ws.read('dist/release-gates/nrg-shaky/junit.xml')).toContain('tests::adds');
  });

  it('marks gates replayed from the cache', () => {
    ws.nx(['run-many', '-t', 'gate-build', 'gate-size', 'gate-test', 'gate-doc', 'gate-package', '-p', 'nrg-steady']);
    const rows = summaryRows();
    expect(rows.length).toBe(5);
    expect(rows.every((r) => r.source === 'local cache')).toBe(true);
  });

  it('appends the step summary and emits annotations for failed gates on GitHub Actions', () => {
    ws.write('step-summary.md', '# earlier step\n');
    const run = ws.nx(['run-many', '-t', 'gate-size', '-p', 'nrg-shaky'], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: ws.path('step-summary.md') });
    expect(run.exitCode).not.toBe(0);
    const summary = ws.read('step-summary.md');
    expect(summary.startsWith('# earlier step\n')).toBe(true);
    expect(summary).toContain('| nrg-shaky | gate-size | FAILED |');
    expect(run.stdout.split('\n').filter((l) => l.startsWith('::error title=nrg-shaky gate-size failed::'))).toHaveLength(1);
  });

  for (const daemon of ['false', 'true']) {
    it(`release-dry-run prints the table in the terminal with the daemon ${daemon === 'true' ? 'on' : 'off'}, also when gates fail`, () => {
      const run = ws.nx(['run', 'nrg-shaky:release-dry-run'], { NX_DAEMON: daemon });
      expect(run.exitCode).not.toBe(0);
      const report = ws.result('nrg-shaky', 'release-dry-run');
      expect(report.status).toBe('failed');
      // The table itself is what must reach the terminal: one line per gate of the report.
      const lines = run.stdout.split('\n');
      expect(lines.some((l) => /^Crate\s+Gate\s+Status\s+Source/.test(l))).toBe(true);
      for (const row of report.rows as Row[]) {
        expect(lines.some((l) => new RegExp(`^nrg-shaky\\s+${row.gate}\\s+${row.status.toUpperCase()}`).test(l))).toBe(true);
      }
      expect(report.git.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(report.lockfile.sha256).toMatch(/^[0-9a-f]{64}$/);
    });
  }

  describe('the emergency skip', () => {
    const skip = { RELEASE_GATES_SKIP: 'gate-doc,gate-test' };

    it('is refused without a reason, before any gate runs', () => {
      ws.nx(['reset']);
      const before = ws.exists('dist/release-gates/nrg-steady/gate-doc.json') ? ws.read('dist/release-gates/nrg-steady/gate-doc.json') : null;
      const run = ws.nx(['run', 'nrg-steady:release-dry-run'], skip);
      expect(run.exitCode).not.toBe(0);
      const after = ws.exists('dist/release-gates/nrg-steady/gate-doc.json') ? ws.read('dist/release-gates/nrg-steady/gate-doc.json') : null;
      expect(after).toBe(before);
    });

    it('is refused for an unknown gate, also on a gate run directly', () => {
      const run = ws.nx(['run', 'nrg-steady:gate-doc'], { RELEASE_GATES_SKIP: 'gate-docs', RELEASE_GATES_SKIP_REASON: 'hotfix' });
      expect(run.exitCode).not.toBe(0);
      expect(ws.result('nrg-steady', 'gate-doc').status).toBe('failed');
    });

    it('skips the named gates with the reason, shown first', () => {
      const run = ws.nx(['run', 'nrg-steady:release-dry-run'], { ...skip, RELEASE_GATES_SKIP_REASON: 'CVE-2026-1234 hotfix' });
      expect(run.exitCode).toBe(0);
      const report = ws.result('nrg-steady', 'release-dry-run');
      expect(report.emergency).toEqual({ gates: ['gate-doc', 'gate-test'], reason: 'CVE-2026-1234 hotfix', until: null });
      expect(report.rows.slice(0, 2).map((r: Row) => [r.gate, r.status, r.emergency])).toEqual([
        ['gate-test', 'skipped', true],
        ['gate-doc', 'skipped', true],
      ]);
      expect(ws.result('nrg-steady', 'gate-doc').reason).toBe('emergency: CVE-2026-1234 hotfix');
    });

    // Lines the Actions runner would read as workflow commands. Allowed: the plugin's own annotations, and the log
    // groups Nx itself opens around each task on GitHub Actions (`::group::✅ > nx run nrg-steady:gate-doc`).
    const ownCommand = (line: string) => {
      const plain = line.replace(/\u001b\[[0-9;]*m/g, '');
      return /^::(error|warning) title=[^:]*::/.test(plain) || plain === '::endgroup::' || /^::group::\S+ > nx run nrg-steady:gate-[a-z]+$/.test(plain);
    };
    const forgedCommands = (output: string) => output.split(/\r\n|\r|\n/).filter((l) => l.trimStart().startsWith('::') && !ownCommand(l));

    it('refuses a reason holding a line break and a workflow command in one line, under GITHUB_ACTIONS=true', () => {
      const run = ws.nx(['run', 'nrg-steady:release-dry-run'], {
        GITHUB_ACTIONS: 'true',
        ...skip,
        RELEASE_GATES_SKIP_REASON: 'hotfix\n::error file=src/main.rs,line=1::forged\n::stop-commands::off',
      });
      expect(run.exitCode).not.toBe(0);
      expect(forgedCommands(run.output)).toEqual([]);
      const refusal = run.output.split('\n').filter((l) => l.includes('RELEASE_GATES_SKIP_REASON holds a line break'));
      expect(refusal).toHaveLength(1);
      expect(run.output).not.toContain('forged');
    });

    it('prints a one-line reason that looks like a workflow command only as text, under GITHUB_ACTIONS=true', () => {
      ws.write('step-summary.md', '');
      const reason = '::error file=src/main.rs::forged ##[add-mask]x';
      const run = ws.nx(['run', 'nrg-steady:release-dry-run'], {
        GITHUB_ACTIONS: 'true',
        GITHUB_STEP_SUMMARY: ws.path('step-summary.md'),
        ...skip,
        RELEASE_GATES_SKIP_REASON: reason,
      });
      expect(run.exitCode).toBe(0);
      expect(ws.result('nrg-steady', 'release-dry-run').emergency.reason).toBe(reason);
      expect(forgedCommands(run.output)).toEqual([]);
      expect(run.output).not.toContain('##[');
      // The plugin's own warning annotations carry the reason escaped, one per skipped gate.
      expect(run.stdout.split('\n').filter((l) => l.startsWith('::warning title=Emergency skip nrg-steady '))).toHaveLength(2);
      expect(forgedCommands(ws.read('step-summary.md'))).toEqual([]);
    });

    it('never replays a skipped result into a normal run', () => {
      const run = ws.nx(['run', 'nrg-steady:release-dry-run']);
      expect(run.exitCode).toBe(0);
      expect(ws.result('nrg-steady', 'gate-doc').status).toBe('passed');
      expect(ws.result('nrg-steady', 'gate-test').status).toBe('passed');
      expect(ws.result('nrg-steady', 'release-dry-run').emergency).toBeNull();
    });
  });
});
