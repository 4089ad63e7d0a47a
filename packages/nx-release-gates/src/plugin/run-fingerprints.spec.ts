import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ProjectGraph } from '@nx/devkit';
import { FINGERPRINT_CHECK_VARIABLE, fingerprintVariable } from '../cache-key/fingerprint-env';
import { exportFingerprints, fingerprintRequestsIn } from './run-fingerprints';

const graphWith = (inputs: unknown[][]): Pick<ProjectGraph, 'nodes'> => ({
  nodes: Object.fromEntries(
    inputs.map((list, i) => [`p${i}`, { name: `p${i}`, type: 'lib', data: { root: `crates/p${i}`, targets: { 'gate-build': { inputs: list as never }, other: {} } } }]),
  ) as ProjectGraph['nodes'],
});

describe('the fingerprints of a run', () => {
  it('are the fingerprint variables the graph’s targets hash, each once', () => {
    const a = fingerprintVariable(['crates/p0']);
    const b = fingerprintVariable(['crates/p1', '--env', 'MY_*']);
    const requests = fingerprintRequestsIn(graphWith([[{ env: a }, { env: 'CI' }, 'rust-crate'], [{ env: b }, { env: a }, { runtime: 'node x' }]]));
    expect([...requests.entries()]).toEqual([
      [a, ['crates/p0']],
      [b, ['crates/p1', '--env', 'MY_*']],
    ]);
  });

  it('are set in the environment with the check beside them', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'run-fp-'));
    try {
      fs.mkdirSync(path.join(ws, 'crates', 'p0'), { recursive: true });
      const env: NodeJS.ProcessEnv = { PATH: '/nowhere', HOME: ws, CARGO_HOME: path.join(ws, 'cargo') };
      const count = await exportFingerprints(ws, () => graphWith([[{ env: fingerprintVariable(['crates/p0']) }]]), env);
      expect(count).toBe(1);
      expect(env[fingerprintVariable(['crates/p0'])]).toMatch(/^[0-9a-f]{64}$/);
      expect(env[FINGERPRINT_CHECK_VARIABLE]).toBeDefined();
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });

  it('leave the environment alone when there is no graph to read (the gates then run, never replay)', async () => {
    const env: NodeJS.ProcessEnv = { PATH: '/nowhere' };
    const count = await exportFingerprints('/nowhere', () => {
      throw new Error('No cached ProjectGraph is available.');
    }, env);
    expect(count).toBeNull();
    expect(env).toEqual({ PATH: '/nowhere' });
  });
});
