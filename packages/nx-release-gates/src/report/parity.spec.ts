import { buildFingerprint, hashedEnvironment, RunFingerprint } from './fingerprint';
import { compareFingerprints } from './parity';
import type { GateResult } from './result';

const environment = { rustc: 'rustc 1.95.0 (59807616e 2026-04-14)', cargo: 'cargo 1.95.0', host: 'x86_64-unknown-linux-gnu', cudaToolkit: null };
const result = (gate: string, details: Record<string, unknown>): GateResult => ({
  schemaVersion: 1,
  gate,
  project: 'tool',
  crate: 'tool',
  version: '1.0.0',
  status: 'passed',
  reason: '',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 1,
  commands: [],
  details,
  environment,
});
const gates = [result('gate-build', { features: ['b', 'a'], noDefaultFeatures: false }), result('gate-cuda', { mode: 'cpu-fallback' })];

function fingerprint(change: { env?: NodeJS.ProcessEnv; commit?: string; lock?: string; emergency?: RunFingerprint['emergency'] } = {}): RunFingerprint {
  return buildFingerprint({ gates, env: change.env ?? {}, lockfileSha256: change.lock ?? 'aa', commit: change.commit ?? 'c1', emergency: change.emergency ?? null });
}
const fields = (here: RunFingerprint, there: RunFingerprint) => compareFingerprints(here, there).map((d) => d.field);

describe('buildFingerprint', () => {
  it('takes toolchain, host, features and CUDA mode from the results, the target from CARGO_BUILD_TARGET or the host', () => {
    const f = fingerprint();
    expect(f).toMatchObject({
      rustc: environment.rustc,
      host: 'x86_64-unknown-linux-gnu',
      target: 'x86_64-unknown-linux-gnu',
      features: { features: ['a', 'b'], noDefaultFeatures: false },
      cuda: { mode: 'cpu-fallback', toolkit: null },
      lockfileSha256: 'aa',
      commit: 'c1',
    });
    expect(fingerprint({ env: { CARGO_BUILD_TARGET: 'aarch64-unknown-linux-gnu' } }).target).toBe('aarch64-unknown-linux-gnu');
  });

  it('stores environment variables by name and hash, never their value', () => {
    const env = hashedEnvironment({ RUSTFLAGS: '-C secret-path=/home/alice', HOME: '/home/alice' });
    expect(env.RUSTFLAGS).toMatch(/^[0-9a-f]{64}$/);
    // Unset family members are not listed (a missing name reads as unset); the emergency variables always are.
    expect('RUSTDOCFLAGS' in env).toBe(false);
    expect(env.RELEASE_GATES_SKIP).toBeNull();
    expect('HOME' in env).toBe(false);
    expect(JSON.stringify(fingerprint({ env: { RUSTFLAGS: '-C secret-path=/home/alice' } }))).not.toContain('alice');
  });
});

describe('compareFingerprints', () => {
  it('finds no difference between two runs of the same commit in the same environment', () => {
    expect(compareFingerprints(fingerprint(), fingerprint())).toEqual([]);
  });

  it('names a cargo config or toolchain file that differs or exists on one side only', () => {
    const files = (...lines: string[]) => fingerprint({}) && { ...fingerprint(), files: lines };
    const differences = compareFingerprints(
      files('config: .cargo/config.toml aaaa1111', 'toolchain-file: rust-toolchain.toml bbbb2222'),
      files('config: .cargo/config.toml cccc3333'),
    );
    expect(differences.map((d) => [d.field, d.here, d.there])).toEqual([
      ['config: .cargo/config.toml', 'sha256 aaaa1111', 'sha256 cccc3333'],
      ['toolchain-file: rust-toolchain.toml', 'sha256 bbbb2222', 'absent'],
    ]);
  });

  it('sees a variable set on one side only', () => {
    const differences = compareFingerprints(fingerprint(), fingerprint({ env: { CARGO_PROFILE_RELEASE_LTO: 'fat' } }));
    expect(differences.map((d) => d.field)).toEqual(['env CARGO_PROFILE_RELEASE_LTO']);
  });

  it('lists each difference with both sides and why it keeps results from being shared', () => {
    const differences = compareFingerprints(fingerprint(), fingerprint({ env: { RUSTFLAGS: '-C debuginfo=1' }, commit: 'c2' }));
    expect(differences.map((d) => d.field)).toEqual(['commit', 'env RUSTFLAGS']);
    expect(differences[1]).toEqual({ field: 'env RUSTFLAGS', here: 'unset', there: expect.stringMatching(/^set \(sha256 [0-9a-f]{12}\)$/), why: expect.stringContaining('cache input') });
    expect(JSON.stringify(differences)).not.toContain('debuginfo');
  });

  it.each<[string, Partial<RunFingerprint>]>([
    ['rustc', { rustc: 'rustc 1.96.0' }],
    ['host', { host: 'aarch64-apple-darwin' }],
    ['target', { target: 'wasm32-unknown-unknown' }],
    ['features', { features: { features: ['a', 'b'], noDefaultFeatures: true } }],
    ['CUDA mode', { cuda: { mode: 'cuda', toolkit: null } }],
    ['CUDA toolkit', { cuda: { mode: 'cpu-fallback', toolkit: '13.5' } }],
    ['Cargo.lock', { lockfileSha256: 'bb' }],
    ['emergency skip', { emergency: { gates: ['gate-doc'], reason: 'hotfix' } }],
  ])('names a different %s', (field, change) => {
    expect(fields(fingerprint(), { ...fingerprint(), ...change })).toEqual([field]);
  });

  it('does not count what one side does not know (another plugin version\'s report) as a difference', () => {
    const partial: Partial<RunFingerprint> = { rustc: environment.rustc, commit: 'c1' };
    expect(compareFingerprints(fingerprint(), partial)).toEqual([]);
    expect(compareFingerprints(fingerprint(), { ...partial, commit: 'c9' }).map((d) => d.field)).toEqual(['commit']);
  });
});
