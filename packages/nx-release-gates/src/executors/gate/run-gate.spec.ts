import { childEndedBySignal } from './run-gate';

describe('childEndedBySignal', () => {
  it('reads the signal cargo reports for a rustc or build script that a signal ended', () => {
    expect(childEndedBySignal('error: failed to run custom build command for `slow v0.1.0`\n  process didn\'t exit successfully: `/t/build-script-build` (signal: 15, SIGTERM: termination signal)')).toBe('SIGTERM');
    expect(childEndedBySignal('(signal: 2, SIGINT: interrupt)')).toBe('SIGINT');
  });

  it('is undefined for an ordinary failure, and for SIGKILL or SIGSEGV (out of memory, a crash: a failure of the build)', () => {
    expect(childEndedBySignal('error[E0308]: mismatched types')).toBeUndefined();
    expect(childEndedBySignal('(signal: 9, SIGKILL: kill)')).toBeUndefined();
    expect(childEndedBySignal('(signal: 11, SIGSEGV: invalid memory reference)')).toBeUndefined();
  });
});
