import { parseFileState } from './git';
import { lockChanges } from '../gates/lockfile/lockfile';

describe('parseFileState', () => {
  it.each([
    ['', 'clean'],
    ['?? Cargo.lock\n', 'untracked'],
    ['!! Cargo.lock\n', 'ignored'],
    [' M Cargo.lock\n', 'modified'],
    ['MM Cargo.lock\n', 'modified'],
    ['M  Cargo.lock\n', 'staged'],
    ['A  Cargo.lock\n', 'staged'],
    [' D Cargo.lock\n', 'deleted'],
  ])('%j -> %s', (porcelain, state) => {
    expect(parseFileState(porcelain)).toBe(state);
  });
});

describe('lockChanges', () => {
  it('keeps the lines where cargo says what it would change', () => {
    const stderr = `     Locking 1 package to latest Rust 1.95.0 compatible version
    Updating lk2 v0.1.0 (/tmp/lk2) -> v0.2.0
      Adding ryu v1.0.23
error: cannot update the lock file /tmp/lk2/Cargo.lock because --locked was passed to prevent this`;
    expect(lockChanges(stderr)).toEqual(['Updating lk2 v0.1.0 (/tmp/lk2) -> v0.2.0', 'Adding ryu v1.0.23']);
  });
});
