import { judgeLockfile, LockCheck, LockfileFacts, needsOnlineCheck } from './lockfile';

const ok: LockCheck = { offline: true, exitCode: 0, stderr: '' };
const facts = (overrides: Partial<Extract<LockfileFacts, { lockfile: string }>> = {}): LockfileFacts => ({
  lockfile: 'Cargo.lock',
  lockedPackages: 3,
  git: { state: 'clean' },
  check: ok,
  ...overrides,
});
const lockedRefusal = [
  '    Updating tool v0.1.0 -> v0.2.0',
  'error: cannot update the lock file /w/Cargo.lock because --locked was passed to prevent this',
].join('\n');

describe('judgeLockfile', () => {
  it('passes a committed, clean lockfile cargo would not rewrite', () => {
    expect(judgeLockfile(facts())).toEqual({
      status: 'passed',
      reason: 'Cargo.lock (3 packages) is committed, clean and agrees with the manifests',
      details: { lockfile: 'Cargo.lock', checked: 3, gitState: 'clean', offline: true },
    });
  });

  it('fails without a lockfile, naming where it belongs', () => {
    expect(judgeLockfile({ lockfile: null, expected: 'crates/Cargo.lock' })).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^no Cargo\.lock at crates\/Cargo\.lock; run `cargo generate-lockfile`/),
      details: { lockfile: 'crates/Cargo.lock' },
    });
  });

  it('fails on git\'s problem or a state other than clean, with the fix for that state', () => {
    expect(judgeLockfile(facts({ git: { problem: 'not a git repository: /w' }, check: null }))).toMatchObject({ status: 'failed', reason: 'not a git repository: /w' });
    const ignored = judgeLockfile(facts({ git: { state: 'ignored' }, check: null }));
    expect(ignored).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^Cargo\.lock is ignored by git/), details: { gitState: 'ignored' } });
    expect(judgeLockfile(facts({ git: { state: 'modified' }, check: null })).reason).toMatch(/has uncommitted changes/);
    expect(judgeLockfile(facts({ check: null })).status).toBe('failed');
  });

  it('fails when cargo would rewrite the lockfile, listing the changes', () => {
    const outcome = judgeLockfile(facts({ check: { offline: false, exitCode: 101, stderr: lockedRefusal } }));
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toMatch(/^Cargo\.lock does not match the manifests, cargo would rewrite it: Updating tool v0\.1\.0 -> v0\.2\.0; run `cargo update --workspace`/);
    expect(outcome.details).toMatchObject({ offline: false, wouldChange: ['Updating tool v0.1.0 -> v0.2.0'] });
  });

  it('is skipped when the registry index is unreachable, and fails on any other cargo error', () => {
    const unreachable = judgeLockfile(facts({ check: { offline: false, exitCode: 101, stderr: 'error: failed to query replaced source registry `crates-io`\n\nCaused by:\n  Could not connect' } }));
    expect(unreachable.status).toBe('skipped');
    const broken = judgeLockfile(facts({ check: { offline: true, exitCode: 101, stderr: 'error: failed to parse manifest at `/w/Cargo.toml`' } }));
    expect(broken).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^cargo could not check Cargo\.lock against the manifests: /) });
  });
});

describe('needsOnlineCheck', () => {
  it('asks the index online only after an offline cache miss, not after a locked refusal', () => {
    expect(needsOnlineCheck('error: no matching package named `x` found\nAs a reminder, you\'re using offline mode (--offline)')).toBe(true);
    expect(needsOnlineCheck(`${lockedRefusal}\n--offline was specified`)).toBe(false);
  });
});
