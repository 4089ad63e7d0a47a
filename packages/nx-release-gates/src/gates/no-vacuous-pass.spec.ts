import { judgeTests, TestFacts } from './test/test';
import { cudaGate } from './cuda/cuda';
import type { GateResult } from '../report/result';

describe('judgeTests: no vacuous pass', () => {
  const facts = (counts: TestFacts['counts'], allowNoTests: boolean): TestFacts => ({
    runner: 'cargo',
    runnerMissing: false,
    exitCode: 0,
    counts,
    cases: [],
    stderr: '',
    excludedCuda: [],
    excludedByOption: [],
    allowNoTests,
  });

  it('fails a suite that ran no test, unless allowNoTests', () => {
    const none = judgeTests(facts({ passed: 0, failed: 0, ignored: 1 }, false));
    expect(none.status).toBe('failed');
    expect(none.reason).toContain('allow-no-tests = true');
    expect(none.details?.checked).toBe(1);
    expect(judgeTests(facts(null, true)).status).toBe('passed');
  });

  it('passes and counts the tests', () => {
    const outcome = judgeTests(facts({ passed: 3, failed: 0, ignored: 1 }, false));
    expect(outcome.status).toBe('passed');
    expect(outcome.details?.checked).toBe(4);
  });
});

describe('gate-cuda key figure', () => {
  it('says "no CUDA features" for a crate without them', () => {
    expect(cudaGate.keyFigure({ details: { mode: 'none' } } as unknown as GateResult)).toBe('no CUDA features');
  });
});
