/**
 * The gates' targetTriple option with the one triple these machines have (the host's, x86_64-unknown-linux-gnu):
 * cargo builds into target/<triple>/, the results and binaries land in dist/release-gates/<project>/<triple>/, and
 * the triple is part of the cache key, so a host build and a triple build never share a result.
 */
import * as fs from 'node:fs';
import { crateFiles } from '../support/crates';
import { TestWorkspace } from '../support/workspace';

const CRATE = 'triple-tool';
const TRIPLE = 'x86_64-unknown-linux-gnu';
const GATES = ['gate-build', 'gate-size', 'gate-test'];

describe('gates for an explicit target triple', () => {
  let ws: TestWorkspace;
  const sources = () => Object.fromEntries((JSON.parse(ws.read('dist/release-gates/summary.json')).rows as any[]).map((r) => [r.gate, r.source]));
  const tripleResult = (gate: string) => ws.result(CRATE, `${TRIPLE}/${gate}`);

  beforeAll(() => {
    ws = TestWorkspace.create('triple', { files: crateFiles({ name: CRATE }) });
  });
  afterAll(() => ws?.remove());

  it('builds for the host first: results in the project folder, no triple', () => {
    const run = ws.nx(['run-many', '-t', ...GATES, '-p', CRATE]);
    expect(run.exitCode).toBe(0);
    for (const gate of GATES) expect(ws.result(CRATE, gate)).toMatchObject({ status: 'passed' });
    expect(ws.result(CRATE, 'gate-build').targetTriple).toBeUndefined();
    expect(ws.exists(`dist/release-gates/${CRATE}/bin/${CRATE}`)).toBe(true);
  });

  it('runs again for the triple instead of replaying the host result, and writes its own results and binary', () => {
    const hostBuild = ws.read(`dist/release-gates/${CRATE}/gate-build.json`);
    const run = ws.nx(['run-many', '-t', ...GATES, '-p', CRATE, `--targetTriple=${TRIPLE}`]);
    expect(run.exitCode).toBe(0);
    expect(sources()).toEqual(Object.fromEntries(GATES.map((g) => [g, 'ran'])));
    for (const gate of GATES) expect(tripleResult(gate)).toMatchObject({ status: 'passed', targetTriple: TRIPLE, gate });
    // cargo built into target/<triple>/ (what --target does), and gate-build copied that binary.
    expect(ws.exists(`${CRATE}/target/${TRIPLE}/release/${CRATE}`)).toBe(true);
    const copied = tripleResult('gate-build').details.binaries;
    expect(copied).toEqual([expect.objectContaining({ name: CRATE, path: `dist/release-gates/${CRATE}/${TRIPLE}/bin/${CRATE}` })]);
    expect(fs.statSync(ws.path(copied[0].path)).mode & 0o111).not.toBe(0);
    // gate-size measured the triple's binary, gate-test ran the tests for it.
    expect(tripleResult('gate-size').details.binaries[0].bytes).toBe(copied[0].bytes);
    expect(tripleResult('gate-test').details).toMatchObject({ passed: 1, failed: 0 });
    // The host's results are left as they were.
    expect(ws.read(`dist/release-gates/${CRATE}/gate-build.json`)).toBe(hostBuild);
  });

  it('replays the triple build from the cache, restoring its files, and the host build from its own entry', () => {
    fs.rmSync(ws.path(`dist/release-gates/${CRATE}/${TRIPLE}`), { recursive: true, force: true });
    expect(ws.nx(['run-many', '-t', ...GATES, '-p', CRATE, `--targetTriple=${TRIPLE}`]).exitCode).toBe(0);
    expect(sources()).toEqual(Object.fromEntries(GATES.map((g) => [g, 'local cache'])));
    expect(ws.exists(`dist/release-gates/${CRATE}/${TRIPLE}/bin/${CRATE}`)).toBe(true);
    expect(tripleResult('gate-build').targetTriple).toBe(TRIPLE);
    expect(ws.nx(['run-many', '-t', ...GATES, '-p', CRATE]).exitCode).toBe(0);
    expect(sources()).toEqual(Object.fromEntries(GATES.map((g) => [g, 'local cache'])));
    expect(ws.result(CRATE, 'gate-build').targetTriple).toBeUndefined();
  });

  it('refuses a value that is not a triple, in one line and a failed result', () => {
    const run = ws.nx(['run', `${CRATE}:gate-build`, '--targetTriple=../../etc']);
    expect(run.exitCode).not.toBe(0);
    expect(ws.result(CRATE, 'gate-build')).toMatchObject({ status: 'failed' });
    expect(ws.result(CRATE, 'gate-build').reason).toMatch(/option targetTriple "\.\.\/\.\.\/etc" is not a Rust target triple/);
  });
});
