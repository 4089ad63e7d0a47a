import { dryRunKeyLines, outputsNotCovered, whyDryRunRuns } from './dry-run-key';
import { GATE_TARGETS } from '../model/catalog';

describe('when a whole release-dry-run may replay', () => {
  const declared = [...GATE_TARGETS];

  it('replays when the gates asked for are the ones its outputs cover, in any order', () => {
    expect(whyDryRunRuns({ gates: undefined, declaredGates: declared, env: {}, dryRunsInRun: 1, daemon: false })).toBeNull();
    expect(whyDryRunRuns({ gates: [...declared].reverse(), declaredGates: declared, env: {}, dryRunsInRun: 1, daemon: false })).toBeNull();
  });

  it('runs when other gates are asked for: the outputs would restore other files', () => {
    expect(whyDryRunRuns({ gates: ['gate-fmt'], declaredGates: declared, env: {}, dryRunsInRun: 1, daemon: false })).toMatch(/not the ones its outputs cover/);
    expect(whyDryRunRuns({ gates: declared, declaredGates: ['gate-fmt'], env: {}, dryRunsInRun: 1, daemon: false })).toMatch(/not the ones its outputs cover/);
  });

  it('runs for a target the plugin did not infer and for a gates option that is no list of gates', () => {
    expect(whyDryRunRuns({ gates: declared, declaredGates: undefined, env: {}, dryRunsInRun: 1, daemon: false })).toMatch(/not inferred/);
    expect(whyDryRunRuns({ gates: ['gate-nope'], declaredGates: ['gate-nope'], env: {}, dryRunsInRun: 1, daemon: false })).toMatch(/not a list of gate targets/);
    expect(whyDryRunRuns({ gates: 'gate-fmt', declaredGates: declared, env: {}, dryRunsInRun: 1, daemon: false })).toMatch(/not a list of gate targets/);
    expect(whyDryRunRuns({ gates: [], declaredGates: [], env: {}, dryRunsInRun: 1, daemon: false })).toMatch(/not a list of gate targets/);
  });

  it('runs in a run over several crates with the daemon on, whose combined table only running dry runs print', () => {
    expect(whyDryRunRuns({ gates: undefined, declaredGates: declared, env: {}, dryRunsInRun: 2, daemon: true })).toMatch(/several crates/);
    expect(whyDryRunRuns({ gates: undefined, declaredGates: declared, env: {}, dryRunsInRun: 2, daemon: false })).toBeNull();
    expect(whyDryRunRuns({ gates: undefined, declaredGates: declared, env: {}, dryRunsInRun: 1, daemon: true })).toBeNull();
  });

  it('runs with a trusted key (each replayed gate is checked for a signature) and with an emergency skip', () => {
    expect(whyDryRunRuns({ gates: undefined, declaredGates: declared, env: { NX_RELEASE_GATES_TRUSTED_KEY: 'keys/release.pub' }, dryRunsInRun: 1, daemon: false })).toMatch(/NX_RELEASE_GATES_TRUSTED_KEY/);
    expect(whyDryRunRuns({ gates: undefined, declaredGates: declared, env: { NX_RELEASE_GATES_TRUSTED_KEY: '  ' }, dryRunsInRun: 1, daemon: false })).toBeNull();
    expect(whyDryRunRuns({ gates: undefined, declaredGates: declared, env: { RELEASE_GATES_SKIP: 'gate-doc' }, dryRunsInRun: 1, daemon: false })).toMatch(/RELEASE_GATES_SKIP/);
  });
});

describe('the lines of a dry run key', () => {
  const parts = { own: 'o', gates: [['a:gate-fmt', '1'], ['a:gate-build', '2']] as const, git: { commit: 'c0ffee', clean: true }, environment: { RUSTFLAGS: 'h', CARGO_HOME: null } };

  it('list the gates sorted, so the order Nx hashed them in does not matter', () => {
    expect(dryRunKeyLines(parts)).toEqual(dryRunKeyLines({ ...parts, gates: [...parts.gates].reverse() }));
    expect(dryRunKeyLines(parts).filter((l) => l.startsWith('gate '))).toEqual(['gate a:gate-build 2', 'gate a:gate-fmt 1']);
  });

  it('change with any gate key, the commit, the tree state and the fingerprinted variables', () => {
    const key = dryRunKeyLines(parts).join('\n');
    for (const other of [
      { ...parts, own: 'p' },
      { ...parts, gates: [['a:gate-fmt', '1'], ['a:gate-build', '3']] as const },
      { ...parts, git: { commit: 'c0ffee', clean: false } },
      { ...parts, git: { commit: 'beef', clean: true } },
      { ...parts, git: { commit: 'c0ffee', clean: null } },
      { ...parts, environment: { RUSTFLAGS: 'h2', CARGO_HOME: null } },
    ]) {
      expect(dryRunKeyLines(other).join('\n')).not.toBe(key);
    }
  });
});

describe('whether a whole replay restores every file the gates write', () => {
  it('names the first gate output the dry run does not declare (a targetTriple set where inference does not see it)', () => {
    const declared = ['dist/release-gates/a/gate-build.json', 'dist/release-gates/a/bin'];
    expect(outputsNotCovered([['a:gate-build', ['dist/release-gates/a/gate-build.json', 'dist/release-gates/a/bin']]], declared)).toBeNull();
    expect(outputsNotCovered([['a:gate-build', ['dist/release-gates/a/aarch64-apple-darwin/gate-build.json']]], declared)).toMatch(/^a:gate-build writes dist\/release-gates\/a\/aarch64-apple-darwin\/gate-build\.json, which its outputs do not name/);
  });
});
