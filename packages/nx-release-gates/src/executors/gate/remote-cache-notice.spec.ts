import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { announceRemoteCacheOff } from './remote-cache-notice';

describe('the remote cache line when the hook ran in the daemon', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'notice-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('is printed by the first gate of the run only', () => {
    const env = { NX_RELEASE_GATES_REMOTE_CACHE_NOTICE: 'nx-release-gates: remote cache: down', NX_RELEASE_GATES_RUN_ID: 'run-1' };
    const printed: string[] = [];
    expect(announceRemoteCacheOff(root, env, (l) => printed.push(l))).toBe(true);
    expect(announceRemoteCacheOff(root, env, (l) => printed.push(l))).toBe(false);
    expect(announceRemoteCacheOff(root, { ...env, NX_RELEASE_GATES_RUN_ID: 'run-2' }, (l) => printed.push(l))).toBe(true);
    expect(printed).toEqual(['nx-release-gates: remote cache: down', 'nx-release-gates: remote cache: down']);
  });

  it('is not printed without the notice, or with a run id that is no file name', () => {
    const printed: string[] = [];
    expect(announceRemoteCacheOff(root, { NX_RELEASE_GATES_RUN_ID: 'run-3' }, (l) => printed.push(l))).toBe(false);
    expect(announceRemoteCacheOff(root, { NX_RELEASE_GATES_REMOTE_CACHE_NOTICE: 'x', NX_RELEASE_GATES_RUN_ID: '../../etc' }, (l) => printed.push(l))).toBe(false);
    expect(printed).toEqual([]);
  });
});
