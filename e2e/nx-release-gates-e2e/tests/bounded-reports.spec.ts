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
    const [a, b] = await Promise.all([ws.nxAsync(['run', 'calm-a:gate-lockfile']), ws.nxAsync(['run', 'calm-b:gate-lockfile'])]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    const rows = JSON.parse(ws.read('dist/release-gates/summary.json')).rows as Array<{ project: string; gate: string }>;
    expect(rows.map((r) => `${r.project}:${r.gate}`).sort()).toEqual(['calm-a:gate-lockfile', 'calm-b:gate-lockfile']);
    expect(ws.read('dist/release-gates/junit.xml')).toContain('calm-a');
    expect(ws.read('dist/release-gates/junit.xml')).toContain('calm-b');
  });
});
