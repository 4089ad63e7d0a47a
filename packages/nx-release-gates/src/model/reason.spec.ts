import { boundReason, clip, firstFew, MAX_REASON_LENGTH } from './reason';
import { failed } from '../gates/types';

describe('firstFew', () => {
  it('names a few and counts the rest', () => {
    expect(firstFew(['a', 'b'])).toBe('a, b');
    expect(firstFew(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c and 2 more');
    expect(firstFew(['a', 'b', 'c', 'd'], 1)).toBe('a and 3 more');
  });
});

describe('boundReason', () => {
  it('keeps a short reason as one line', () => {
    expect(boundReason('tests failed:\n  a')).toEqual({ reason: 'tests failed: a' });
  });

  it('cuts a long one under the limit and keeps the whole text', () => {
    const long = `387 tests failed: ${Array.from({ length: 387 }, (_, i) => `test_${i}`).join(', ')}`;
    const bounded = boundReason(long);
    expect(bounded.reason.length).toBeLessThan(MAX_REASON_LENGTH);
    expect(bounded.reason.endsWith('…')).toBe(true);
    expect(bounded.fullReason).toBe(long);
  });

  it('clip never returns more than asked', () => {
    expect(clip('x'.repeat(50), 10)).toHaveLength(10);
  });
});

describe('outcome helpers', () => {
  it('put a cut reason whole into details.fullReason beside the gate details', () => {
    const outcome = failed('y'.repeat(400), { checked: 3 });
    expect(outcome.reason.length).toBeLessThan(MAX_REASON_LENGTH);
    expect(outcome.details).toEqual({ checked: 3, fullReason: 'y'.repeat(400) });
  });
});
