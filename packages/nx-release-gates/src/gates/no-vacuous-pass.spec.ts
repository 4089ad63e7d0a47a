import { judgeTestCount } from './test';
import { cudaGate } from './cuda';
import type { GateResult } from '../report/result';

describe('judgeTestCount', () => {
  it('fails a suite that ran no test, unless allowNoTests', () => {
    const none = judgeTestCount({ passed: 0, failed: 0, ignored: 1 }, false, '', {});
    expect(none.status).toBe('failed');
    expect(none.reason).toContain('allow-no-tests = true');
    expect(none.details?.checked).toBe(0);
    expect(judgeTestCount(null, true, '', {}).status).toBe('passed');
  });

  it('passes and counts the tests that ran', () => {
    const outcome = judgeTestCount({ passed: 3, failed: 0, ignored: 1 }, false, '', {});
    expect(outcome.status).toBe('passed');
    expect(outcome.details?.checked).toBe(3);
  });
});

describe('gate-cuda key figure', () => {
  it('says "no CUDA features" for a crate without them', () => {
    expect(cudaGate.keyFigure({ details: { mode: 'none' } } as unknown as GateResult)).toBe('no CUDA features');
  });
});
