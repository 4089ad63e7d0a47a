/**
 * Reports stay readable under stress: a failing test that prints 200,000 lines leaves a small result and JUnit file
 * naming the failure, with the whole output in gate-test.log; two runs of different crates at once both end up in the
 * run summary.
 */
import * as fs from 'node:fs';
import { crateFiles, DOCUMENTED_MAIN } from '../support/crates';
import { TestWorkspace } from '../support/workspace';

const NOISY_LINES = 200_000;
const NOISY_MAIN = DOCUMENTED_MAIN.replace(
  '#[cfg(test)]\nmod tests {',
  `#[cfg(test)]\nmod tests {\n    #[test]\n    fn noisy_failure() {\n        for i in 0..${NOISY_LINES} {\n            println!("noise line {i}");\n        }\n        panic!("the noisy test gave up");\n    }\n`,
);

const MB = 1024 * 1024;

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('bounded reports', () => {
  let ws: TestWorkspace;

  beforeAll(() => {
    ws = TestWorkspace.create('bounded', {
      files: { ...crateFiles({ name: 'noisy', main: NOISY_MAIN }), ...crateFiles({ name: 'calm-a' }), ...crateFiles({ name: 'calm-b' }) },
    });
  });
  afterAll(() => ws?.remove());

  it('a failing test that prints 200,000 lines: small result and JUnit naming it, the whole output in gate-test.log', () => {
    const run = ws.nx(['run', 'noisy:gate-test', '--outputStyle=static']);
    expect(run.exitCode).not.toBe(0);
    const resultFile = ws.path('dist/release-gates/noisy/gate-test.json');
    const junitFile = ws.path('dist/release-gates/noisy/junit.xml');
    expect(fs.statSync(resultFile).size).toBeLessThan(MB);
    expect(fs.statSync(junitFile).size).toBeLessThan(MB);
    const result = ws.result('noisy', 'gate-test');
    expect(result.status).toBe('failed');
    expect(result.reason).toContain('noisy_failure');
    expect(result.reason).toContain('the noisy test gave up');
    expect(result.details.log).toBe('dist/release-gates/noisy/gate-test.log');
    const junit = fs.readFileSync(junitFile, 'utf8');
    expect(junit).toContain('name="tests::noisy_failure"');
    expect(junit).toContain('noise line 0\n');
    expect(junit).toContain('the noisy test gave up');
    expect(junit).toContain('lines cut, full output in dist/release-gates/noisy/gate-test.log');
    const log = ws.read('dist/release-gates/noisy/gate-test.log');
    expect(log.match(/^noise line \d+$/gm)?.length).toBe(NOISY_LINES);
    expect(log).toContain('the noisy test gave up');
  });

  it('two runs of different crates at once: the run summary holds the rows of both', async () => {
    // "At once" must be made true, not hoped for: two processes started together may not overlap at all on a loaded
    // machine (one Nx start can take longer than the other's whole run), and then the second rightly replaces the
    // first's rows. So the test holds calm-a's gate lock (the one a second run of the same gate waits on): calm-a's run
    // is inside its task when calm-b's run starts and ends, and finishes last, merging into calm-b's summary.
    const { tryLock } = require(ws.path('node_modules/nx-release-gates/src/ops/lock.js')) as typeof import('../../../packages/nx-release-gates/src/ops/lock');
    const held = tryLock(`${ws.root}\0calm-a\0gate-lockfile\0`, 'the e2e test, holding calm-a back');
    if (!('release' in held)) throw new Error(`calm-a's gate lock is held by ${JSON.stringify(held.heldBy)}`);
    let aOutput = '';
    const a = ws.nxAsync(['run', 'calm-a:gate-lockfile', '--outputStyle=stream'], {}, (chunk) => (aOutput += chunk));
    try {
      await waitFor(() => aOutput.includes('waiting for another run of this gate'), 120_000);
      const b = await ws.nxAsync(['run', 'calm-b:gate-lockfile']);
      expect(b.exitCode).toBe(0);
    } finally {
      held.release();
    }
    expect((await a).exitCode).toBe(0);
    const rows = JSON.parse(ws.read('dist/release-gates/summary.json')).rows as Array<{ project: string; gate: string }>;
    expect(rows.map((r) => `${r.project}:${r.gate}`).sort()).toEqual(['calm-a:gate-lockfile', 'calm-b:gate-lockfile']);
    expect(ws.read('dist/release-gates/junit.xml')).toContain('calm-a');
    expect(ws.read('dist/release-gates/junit.xml')).toContain('calm-b');
  });
});
