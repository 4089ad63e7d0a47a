import { GATE_TARGETS } from '../support/checks';
import { crateFiles } from '../support/crates';
import { TestWorkspace } from '../support/workspace';

describe('a crate where every gate passes', () => {
  let ws: TestWorkspace;
  beforeAll(() => {
    ws = TestWorkspace.create('smoke', {
      files: crateFiles({ name: 'good-tool', features: { default: [], llama: [], 'llama-cuda': ['llama'] }, releaseGates: 'required-files = ["src/main.rs"]' }),
    });
  });
  afterAll(() => ws.remove());

  it('runs release-dry-run and writes a passing report', () => {
    const run = ws.nx(['run', 'good-tool:release-dry-run']);
    expect(run.exitCode).toBe(0);
    const report = ws.result('good-tool', 'release-dry-run');
    expect(report.status).toBe('passed');
    // The six gates of the release process; gates other issues add have their own tests.
    const statuses = Object.fromEntries(report.gates.filter((g: any) => GATE_TARGETS.includes(g.gate)).map((g: any) => [g.gate, g.status]));
    expect(statuses).toEqual({
      'gate-build': 'passed',
      'gate-cuda': 'fallback',
      'gate-package': 'passed',
      'gate-size': 'passed',
      'gate-test': 'passed',
      'gate-doc': 'passed',
    });
    expect(ws.result('good-tool', 'gate-test').details.passed).toBe(1);
  });
});
