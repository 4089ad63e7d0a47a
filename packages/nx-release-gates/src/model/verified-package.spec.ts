import {
  CARGO_VCS_INFO,
  comparePackages,
  describeDifference,
  isSamePackage,
  isTooManyRequests,
  MAX_RETRY_WAIT_SECONDS,
  publishOrder,
  recordProblem,
  resumeDecision,
  retryAfterFromMessage,
  retryWaitSeconds,
  VerifiedRecord,
} from './verified-package';

const file = (path: string, sha256 = 'a'.repeat(64), bytes = 1) => ({ path, sha256, bytes });

describe('comparePackages', () => {
  it('finds no difference between the same files in any order', () => {
    const diff = comparePackages([file('a'), file('b')], [file('b'), file('a')]);
    expect(isSamePackage(diff)).toBe(true);
  });

  it('names files changed (content or size), added and dropped', () => {
    const diff = comparePackages([file('src/lib.rs'), file('README.md'), file('gone.txt'), file('sized', 'c'.repeat(64), 1)], [file('src/lib.rs', 'b'.repeat(64)), file('README.md'), file('new.txt'), file('sized', 'c'.repeat(64), 2)]);
    expect(diff).toEqual({ changed: ['sized', 'src/lib.rs'], added: ['new.txt'], dropped: ['gone.txt'] });
    expect(isSamePackage(diff)).toBe(false);
    expect(describeDifference(diff)).toBe('changed sized, src/lib.rs; added new.txt; dropped gone.txt');
  });

  it("leaves cargo's commit record out: the commit is checked on its own", () => {
    const diff = comparePackages([file(CARGO_VCS_INFO, 'a'.repeat(64))], [file(CARGO_VCS_INFO, 'b'.repeat(64)), file('x')]);
    expect(diff).toEqual({ changed: [], added: ['x'], dropped: [] });
  });

  it('names the first three files of a kind and counts the rest', () => {
    const diff = comparePackages([], ['a', 'b', 'c', 'd', 'e'].map((n) => file(n)));
    expect(describeDifference(diff)).toBe('added a, b, c and 2 more');
  });
});

describe('recordProblem', () => {
  const expected = { crate: 'core', version: '1.0.0', commit: 'c'.repeat(40), file: 'reports/core/gate-package.json' };
  const record: VerifiedRecord = { crate: 'core', version: '1.0.0', status: 'passed', commit: 'c'.repeat(40), verified: { cksum: 'f'.repeat(64), bytes: 10, files: [] }, emergency: null };

  it('accepts a passed record of this crate, version and commit', () => {
    expect(recordProblem(record, expected)).toBeNull();
    expect(recordProblem({ ...record, commit: null }, expected)).toBeNull();
  });

  it('lets an emergency skip of gate-package through, without a file list', () => {
    expect(recordProblem({ ...record, status: 'skipped', verified: null, emergency: 'CVE hotfix' }, expected)).toBeNull();
    expect(recordProblem({ ...record, status: 'skipped', verified: null }, expected)).toContain('(skipped)');
  });

  it('refuses a missing record, another crate or version, a failed gate, no file list, another commit: one line each', () => {
    const problems = [
      recordProblem(null, expected),
      recordProblem({ ...record, version: '0.9.0' }, expected),
      recordProblem({ ...record, status: 'failed' }, expected),
      recordProblem({ ...record, verified: null }, expected),
      recordProblem({ ...record, commit: 'd'.repeat(40) }, expected),
    ];
    for (const problem of problems) {
      expect(problem).toMatch(/^core@1\.0\.0: /);
      expect(problem).toContain('release dry run');
      expect(problem!.split('\n')).toHaveLength(1);
    }
    expect(problems[1]).toContain('core@0.9.0');
    expect(problems[4]).toContain('dddddddddddd');
  });
});

describe('publishOrder', () => {
  it('puts path dependencies first and keeps the given order otherwise', () => {
    expect(publishOrder([{ name: 'app', dependsOn: ['core', 'util'] }, { name: 'zeta', dependsOn: [] }, { name: 'core', dependsOn: ['util'] }, { name: 'util', dependsOn: [] }])).toEqual(['util', 'core', 'app', 'zeta']);
  });

  it('does not wait for crates outside the list and survives a cycle', () => {
    expect(publishOrder([{ name: 'app', dependsOn: ['elsewhere'] }])).toEqual(['app']);
    expect(publishOrder([{ name: 'a', dependsOn: ['b'] }, { name: 'b', dependsOn: ['a'] }])).toEqual(['b', 'a']);
  });
});

describe('resumeDecision', () => {
  const cksum = 'ab'.repeat(32);
  it('publishes a version the registry lacks', () => {
    expect(resumeDecision('core@1.0.0', cksum, { kind: 'absent' }, 'crates.io').action).toBe('publish');
  });
  it('skips a version already there with the verified bytes, saying so', () => {
    const decision = resumeDecision('core@1.0.0', cksum, { kind: 'published', cksum: cksum.toUpperCase() }, 'crates.io');
    expect(decision).toMatchObject({ action: 'skip' });
    expect(decision.sentence).toContain('already on crates.io');
  });
  it('skips a version already there when gate-package was skipped in an emergency (nothing to compare)', () => {
    expect(resumeDecision('core@1.0.0', null, { kind: 'published', cksum }, 'crates.io')).toMatchObject({ action: 'skip' });
    expect(resumeDecision('core@1.0.0', null, { kind: 'absent' }, 'crates.io')).toMatchObject({ action: 'publish' });
  });
  it('refuses a version there with other bytes, and an index that does not answer', () => {
    expect(resumeDecision('core@1.0.0', cksum, { kind: 'published', cksum: 'cd'.repeat(32) }, 'crates.io')).toMatchObject({ action: 'refuse' });
    expect(resumeDecision('core@1.0.0', cksum, { kind: 'unknown', problem: 'HTTP 500' }, 'crates.io')).toMatchObject({ action: 'refuse', sentence: expect.stringContaining('HTTP 500') });
  });
});

describe('retryWaitSeconds', () => {
  const now = new Date('2026-12-02T10:00:00Z');
  it('waits the seconds the registry asks for, bounded', () => {
    expect(retryWaitSeconds('5', now, 1)).toBe(5);
    expect(retryWaitSeconds('0', now, 1)).toBe(1);
    expect(retryWaitSeconds('99999', now, 1)).toBe(MAX_RETRY_WAIT_SECONDS);
  });
  it('reads an HTTP date, and waits 30 s without a readable value', () => {
    expect(retryWaitSeconds('Wed, 02 Dec 2026 10:01:00 GMT', now, 1)).toBe(60);
    expect(retryWaitSeconds(null, now, 1)).toBe(30);
    expect(retryWaitSeconds('soon', now, 2)).toBe(30);
  });
  it('gives up after the last attempt', () => {
    expect(retryWaitSeconds('5', now, 4)).toBeNull();
  });
});

describe('isTooManyRequests / retryAfterFromMessage', () => {
  it("recognises the registry's 429 as cargo prints it and reads the wait it asks for", () => {
    const crates = 'error: failed to publish to registry at https://crates.io\n\nCaused by:\n  the remote server responded with an error (status 429 Too Many Requests): You have published too many crates in a short period of time. Please try again after Wed, 02 Dec 2026 10:01:00 GMT or email help@crates.io';
    expect(isTooManyRequests(crates)).toBe(true);
    expect(retryAfterFromMessage(crates)).toBe('Wed, 02 Dec 2026 10:01:00 GMT');
    expect(retryAfterFromMessage('status 429 Too Many Requests: slow down, Retry-After: 3')).toBe('3');
    expect(retryAfterFromMessage('too many requests, try again in 7 seconds')).toBe('7');
    expect(retryAfterFromMessage('status 429 Too Many Requests')).toBeNull();
    expect(isTooManyRequests('error: failed to verify package tarball')).toBe(false);
  });
});
