import { environmentDigest, fingerprintCheck, FINGERPRINT_CHECK_VARIABLE, fingerprintGuardLine, fingerprintVariable, fingerprintVariableArgs } from './fingerprint-env';

describe('fingerprint variables', () => {
  it.each([[['crates/app']], [['.']], [['my crates/$(rm -rf ~);x', '--env', 'MY_*', '--tree', "../it's"]], [['ünï', '--env', 'A']]])('name a request in letters and digits, and give it back: %j', (args) => {
    const name = fingerprintVariable(args);
    expect(name).toMatch(/^NX_RELEASE_GATES_FP_[A-Z2-7]+$/);
    expect(fingerprintVariableArgs(name)).toEqual(args);
  });

  it('differ for different requests', () => {
    expect(fingerprintVariable(['crates/a'])).not.toBe(fingerprintVariable(['crates/b']));
    expect(fingerprintVariable(['crates/a'])).not.toBe(fingerprintVariable(['crates/a', '--env', 'X']));
  });

  it('read nothing from other names', () => {
    for (const name of ['PATH', 'NX_RELEASE_GATES_FP_', 'NX_RELEASE_GATES_FP_abc', 'NX_RELEASE_GATES_FP_18', 'NX_RELEASE_GATES_FP_MFRGG']) expect(fingerprintVariableArgs(name)).toBeNull();
  });
});

describe('the shared check', () => {
  const env = { PATH: '/usr/bin', HOME: '/home/me', RUSTFLAGS: '-C opt-level=2', MY_MODE: 'fast', OTHER: 'x' };
  const unique = (() => {
    let n = 0;
    return () => `u${++n}`;
  })();

  it('prints the same line in every run the hook computed for this environment', () => {
    const checked = { ...env, [FINGERPRINT_CHECK_VARIABLE]: fingerprintCheck(env, ['MY_*'], ['LEARNED']) };
    expect(fingerprintGuardLine(checked, unique)).toBe('fingerprints: computed once for this run');
    expect(fingerprintGuardLine({ ...checked, OTHER: 'y' }, unique)).toBe('fingerprints: computed once for this run');
  });

  it('prints a line no other run prints when the hook did not run', () => {
    const a = fingerprintGuardLine(env, unique);
    const b = fingerprintGuardLine(env, unique);
    expect(a).toMatch(/^fingerprints: not computed for this run /);
    expect(a).not.toBe(b);
    expect(fingerprintGuardLine({ ...env, [FINGERPRINT_CHECK_VARIABLE]: 'garbage' }, unique)).toMatch(/^fingerprints: not computed/);
  });

  it.each([
    ['a hashed family', { RUSTFLAGS: '-C opt-level=3' }],
    ['an envInputs pattern', { MY_MODE: 'slow' }],
    ['a variable the lock file names', { LEARNED: 'set' }],
    ['a locating variable', { PATH: '/opt/bin:/usr/bin' }],
    ['a new member of a family', { CARGO_PROFILE_RELEASE_LTO: 'true' }],
  ])('prints a unique line when the task environment differs from the hook’s in %s', (_what, change) => {
    const checked = { ...env, [FINGERPRINT_CHECK_VARIABLE]: fingerprintCheck(env, ['MY_*'], ['LEARNED']) };
    expect(fingerprintGuardLine({ ...checked, ...change }, unique)).toMatch(/^fingerprints: computed for another environment u\d+$/);
  });

  it('digests values, never holds them', () => {
    const check = fingerprintCheck({ ...env, MY_MODE: 'a-secret-looking-value' }, ['MY_*'], []);
    expect(check).not.toContain('a-secret-looking-value');
    expect(environmentDigest(env, [], [])).not.toBe(environmentDigest({ ...env, CARGO_HOME: '/elsewhere' }, [], []));
  });
});
