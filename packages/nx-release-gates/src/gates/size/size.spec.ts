import { judgeSize, SizeFacts } from './size';
import type { GateResult } from '../../report/result';

const build = (status: GateResult['status'], reason = 'r'): SizeFacts['build'] => ({ result: { status, reason } as GateResult });
const facts = (overrides: Partial<SizeFacts> = {}): SizeFacts => ({
  declared: ['tool'],
  build: build('passed'),
  sizes: new Map([['tool', 1000]]),
  limit: 2000,
  binFolder: 'dist/release-gates/tool/bin',
  ...overrides,
});

describe('judgeSize', () => {
  it('passes a binary within the limit, with its headroom and how many it checked', () => {
    const outcome = judgeSize(facts());
    expect(outcome.status).toBe('passed');
    expect(outcome.details).toMatchObject({ checked: 1, binaries: [{ name: 'tool', bytes: 1000, headroom: 1000 }] });
  });

  it('fails a binary over the limit, and a declared binary gate-build did not produce', () => {
    expect(judgeSize(facts({ sizes: new Map([['tool', 3000]]) })).status).toBe('failed');
    const missing = judgeSize(facts({ sizes: new Map([['tool', null]]) }));
    expect(missing.status).toBe('failed');
    expect(missing.reason).toMatch(/binary tool missing from dist\/release-gates\/tool\/bin/);
  });

  it('measures nothing unless gate-build passed in this run', () => {
    expect(judgeSize(facts({ build: build('skipped', 'emergency: hotfix') }))).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/gate-build was skipped in this run \(emergency: hotfix\)/) });
    expect(judgeSize(facts({ build: build('failed') })).status).toBe('failed');
    expect(judgeSize(facts({ build: build('interrupted') })).status).toBe('failed');
    const stale = judgeSize(facts({ build: { problem: 'the gate-build result on disk was not written by this run' } }));
    expect(stale).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^no binary to measure: the gate-build result on disk/) });
  });

  it('skips a crate without binaries', () => {
    expect(judgeSize(facts({ declared: [] })).status).toBe('skipped');
  });
});
