/**
 * A gate's processes get only the variables its cache key covers: a test that records what reached it sees an
 * undeclared NRG_PROBE (and CI) withheld and named in the result, sees it arrive once env-inputs declares it, and a
 * declared secret-looking MAX_TOKENS reaches the test, joins the key (a new value re-runs the gate), and its value is
 * never in a file under dist/release-gates or in nx's output. Steps run in order on one workspace.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crateFiles } from '../support/crates';
import { TestWorkspace } from '../support/workspace';

const CRATE = 'probe-tool';
const SECRET = 'nrg-max-tokens-5f3a9c';
const OTHER_SECRET = 'nrg-max-tokens-81d2e7';

// The integration test writes what reached it to cargo's tmp folder for integration tests (target/tmp).
const PROBE_TEST = `use std::env;

#[test]
fn records_what_reached_the_test() {
    let seen: Vec<String> = ["NRG_PROBE", "MAX_TOKENS", "CI"]
        .iter()
        .map(|name| format!("{}={}", name, env::var(name).unwrap_or_else(|_| "<unset>".to_string())))
        .collect();
    std::fs::write(concat!(env!("CARGO_TARGET_TMPDIR"), "/probe.txt"), seen.join("\\n")).unwrap();
}
`;

/** Every file below `dir`, recursively. */
function filesBelow(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesBelow(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('the environment of a gate', () => {
  let ws: TestWorkspace;

  const probe = () => Object.fromEntries(ws.read(`${CRATE}/target/tmp/probe.txt`).split('\n').map((l) => l.split('=') as [string, string]));
  const gateTest = (env: Record<string, string>) => ws.nx(['run', `${CRATE}:gate-test`, '--outputStyle=static'], env);
  const declare = (entries: string[]) => {
    const manifest = ws.read(`${CRATE}/Cargo.toml`).replace(/\n\[package\.metadata\.release-gates\][^[]*/, '\n');
    ws.write(`${CRATE}/Cargo.toml`, `${manifest}\n[package.metadata.release-gates]\nenv-inputs = ${JSON.stringify(entries)}\n`);
  };
  /** The secret's value is in no file under dist/release-gates and not in nx's output. */
  const neverShown = (output: string, value: string) => {
    expect(output).not.toContain(value);
    const files = filesBelow(ws.path('dist/release-gates'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect([path.relative(ws.root, file), fs.readFileSync(file, 'utf8').includes(value)]).toEqual([path.relative(ws.root, file), false]);
  };

  beforeAll(() => {
    ws = TestWorkspace.create('hermetic', {
      files: crateFiles({ name: CRATE, files: { 'tests/probe.rs': PROBE_TEST } }),
      nxJson: { targetDefaults: { 'release-dry-run': { options: { gates: ['gate-test'] } } } },
    });
  });
  afterAll(() => ws?.remove());

  it('withholds an undeclared variable from the tests and names it in the result and one warning line', () => {
    const run = gateTest({ NRG_PROBE: '1', MAX_TOKENS: SECRET });
    const result = ws.result(CRATE, 'gate-test');
    expect([result.status, result.reason]).toEqual(['passed', expect.any(String)]);
    expect(run.exitCode).toBe(0);
    // The test ran and saw none of them (the e2e helpers run nx with CI=true).
    expect(probe()).toEqual({ NRG_PROBE: '<unset>', MAX_TOKENS: '<unset>', CI: '<unset>' });
    expect(result.details.withheldEnv).toEqual(expect.arrayContaining(['CI', 'MAX_TOKENS', 'NRG_PROBE']));
    expect(result.details.withheldEnvCount).toBeGreaterThanOrEqual(3);
    expect(result.details.withheldEnv).toEqual([...result.details.withheldEnv].sort());
    expect(result.reason).not.toContain('withheld');
    const lines = run.output.split('\n').filter((l) => l.includes(`${CRATE}:gate-test withheld`));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/withheld \d+ variables the cache key does not cover: .*; declare one with envInputs \(Cargo\.toml \[package\.metadata\.release-gates\] env-inputs = \["[A-Z_]+"\]\) if the build or tests need it/);
    neverShown(run.output, SECRET);
  });

  it('passes a variable on once env-inputs declares it, a secret-looking name included, and never shows its value', () => {
    declare(['NRG_PROBE', 'MAX_TOKENS']);
    const run = gateTest({ NRG_PROBE: '1', MAX_TOKENS: SECRET });
    const result = ws.result(CRATE, 'gate-test');
    expect([result.status, result.reason]).toEqual(['passed', expect.any(String)]);
    expect(run.exitCode).toBe(0);
    expect(probe()).toEqual({ NRG_PROBE: '1', MAX_TOKENS: SECRET, CI: '<unset>' });
    expect(result.details.withheldEnv).toContain('CI');
    expect(result.details.withheldEnv).not.toContain('NRG_PROBE');
    expect(result.details.withheldEnv).not.toContain('MAX_TOKENS');
    neverShown(run.output, SECRET);
  });

  it('replays with the same value of the declared secret-looking variable, and re-runs with a new one', () => {
    const before = ws.result(CRATE, 'gate-test');
    const same = gateTest({ NRG_PROBE: '1', MAX_TOKENS: SECRET });
    expect(same.exitCode).toBe(0);
    expect(ws.result(CRATE, 'gate-test').startedAt).toBe(before.startedAt);
    const changed = gateTest({ NRG_PROBE: '1', MAX_TOKENS: OTHER_SECRET });
    expect(changed.exitCode).toBe(0);
    expect(ws.result(CRATE, 'gate-test').startedAt).not.toBe(before.startedAt);
    expect(probe().MAX_TOKENS).toBe(OTHER_SECRET);
    neverShown(changed.output, OTHER_SECRET);
  });

  it('keeps the value out of release-dry-run.json and its output', () => {
    const run = ws.nx(['run', `${CRATE}:release-dry-run`, '--outputStyle=static'], { NRG_PROBE: '1', MAX_TOKENS: OTHER_SECRET });
    const report = ws.result(CRATE, 'release-dry-run');
    expect(report.gates.map((g: any) => [g.gate, g.status])).toEqual([['gate-test', 'passed']]);
    expect(run.exitCode).toBe(0);
    neverShown(run.output, OTHER_SECRET);
    expect(JSON.stringify(report)).not.toContain(OTHER_SECRET);
  });
});
