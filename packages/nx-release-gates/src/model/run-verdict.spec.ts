import { mayAwaitSignal, NestedRunFacts, ResultFacts, runVerdict } from './run-verdict';

interface Row {
  project: string;
  gate: string;
  status: string;
  source: string;
  reason: string;
}

const GATES = ['gate-lockfile', 'gate-build', 'gate-size', 'gate-test'];

function result(status: string, runId: string, details: Record<string, unknown> = {}): ResultFacts {
  return { status, reason: `${status} here`, durationMs: 1200, keyFigure: 'fig', details, run: { taskHash: `hash-${runId}`, runId } };
}

function facts(overrides: Partial<NestedRunFacts<string, Row>> & { results?: Record<string, ResultFacts> }): NestedRunFacts<string, Row> {
  const { results = {}, ...rest } = overrides;
  return { project: 'alpha', gates: GATES, runId: 'this-run', exitCode: 0, received: null, record: null, resultOf: (gate) => results[gate] ?? null, ...rest };
}

/** The row a gate ends with, or its not-run status and reason. */
function outcomeOf(verdict: ReturnType<typeof runVerdict<string, Row>>, gate: string) {
  const row = verdict.rows.get(gate);
  return row ? { status: row.status, source: row.source, reason: row.reason } : { ...verdict.notRun, source: 'not run' };
}

describe('runVerdict: what release-dry-run makes of its nested Nx run', () => {
  it('SIGINT to this process: interrupted; gates this run finished or cut off show it, the others were not run', () => {
    const f = facts({
      exitCode: 130,
      received: 'SIGINT',
      results: { 'gate-lockfile': result('passed', 'this-run'), 'gate-build': result('interrupted', 'this-run', { interruptedBy: 'SIGINT' }) },
    });
    expect(mayAwaitSignal(f)).toBe(false);
    const verdict = runVerdict(f);
    expect(verdict.interruptedBy).toBe('SIGINT');
    expect(outcomeOf(verdict, 'gate-lockfile')).toEqual({ status: 'passed', source: 'ran', reason: 'passed here' });
    expect(outcomeOf(verdict, 'gate-build')).toEqual({ status: 'interrupted', source: 'ran', reason: 'interrupted here' });
    expect(outcomeOf(verdict, 'gate-size')).toEqual({ status: 'interrupted', source: 'not run', reason: 'not run: SIGINT interrupted the dry run before this gate started' });
    expect(verdict.nxFailed).toBe(false);
  });

  it('SIGTERM to this process: interrupted by SIGTERM, even when a record was written', () => {
    const record = { rows: [{ project: 'alpha', gate: 'gate-lockfile', status: 'passed', source: 'ran', reason: 'from the record' }], stoppedTasks: 2 };
    const verdict = runVerdict(facts({ exitCode: 130, received: 'SIGTERM', record, results: { 'gate-build': result('interrupted', 'this-run', { interruptedBy: 'SIGTERM' }) } }));
    expect(verdict.interruptedBy).toBe('SIGTERM');
    // The record of a stopped run is not the verdict: this run's result files are.
    expect(outcomeOf(verdict, 'gate-lockfile').status).toBe('interrupted');
    expect(outcomeOf(verdict, 'gate-build')).toMatchObject({ status: 'interrupted', source: 'ran' });
  });

  it('Nx stopped the tree before our signal came: the signal a cut-off gate of this run recorded, else the one Nx\'s exit status names', () => {
    const cutOff = facts({ exitCode: 130, results: { 'gate-build': result('interrupted', 'this-run', { interruptedBy: 'SIGTERM' }) } });
    expect(mayAwaitSignal(cutOff)).toBe(true);
    expect(runVerdict(cutOff).interruptedBy).toBe('SIGTERM');
    expect(runVerdict(facts({ exitCode: 143 })).interruptedBy).toBe('SIGTERM');
    expect(runVerdict(facts({ exitCode: 130, record: { rows: [], stoppedTasks: 1 } })).interruptedBy).toBe('SIGINT');
  });

  it('a failed dependency with exit 130 is not an interruption: the rows are the record\'s, and the skipped gate names the gate it waited for', () => {
    const record = {
      rows: [
        { project: 'alpha', gate: 'gate-lockfile', status: 'passed', source: 'ran', reason: 'ok' },
        { project: 'alpha', gate: 'gate-build', status: 'failed', source: 'ran', reason: 'could not compile' },
        { project: 'alpha', gate: 'gate-size', status: 'failed', source: 'not run', reason: 'not run (it needs gate-build)' },
        { project: 'beta', gate: 'gate-test', status: 'passed', source: 'ran', reason: 'another crate' },
      ],
      stoppedTasks: 0,
    };
    const f = facts({ exitCode: 130, record, results: { 'gate-build': result('failed', 'this-run') } });
    expect(mayAwaitSignal(f)).toBe(false);
    const verdict = runVerdict(f);
    expect(verdict.interruptedBy).toBeNull();
    expect(outcomeOf(verdict, 'gate-build')).toEqual({ status: 'failed', source: 'ran', reason: 'could not compile' });
    expect(outcomeOf(verdict, 'gate-size')).toEqual({ status: 'failed', source: 'not run', reason: 'not run (it needs gate-build)' });
    // Another crate's row is not this crate's gate-test.
    expect(outcomeOf(verdict, 'gate-test')).toMatchObject({ status: 'failed', source: 'not run' });
    expect(verdict.nxFailed).toBe(true);
  });

  it('a missing nested record: every gate fails, saying Nx\'s exit status, and this run\'s result files do not stand in for it', () => {
    const verdict = runVerdict(facts({ exitCode: 1, results: { 'gate-lockfile': result('passed', 'this-run') } }));
    expect(verdict.interruptedBy).toBeNull();
    expect(verdict.rows.size).toBe(0);
    expect(outcomeOf(verdict, 'gate-lockfile')).toEqual({ status: 'failed', source: 'not run', reason: 'no record of this gate from the nested Nx run (it exited with 1); see the output above' });
    expect(verdict.nxFailed).toBe(true);
    expect(runVerdict(facts({ exitCode: 0 })).notRun.reason).toBe('no record of this gate from the nested Nx run (it exited with 0); see the output above');
    expect(runVerdict(facts({ exitCode: 0 })).nxFailed).toBe(false);
  });

  it('a leftover result file of another run is not this run\'s result, nor its interruption', () => {
    const leftover = { 'gate-lockfile': result('passed', 'earlier-run'), 'gate-build': result('interrupted', 'earlier-run', { interruptedBy: 'SIGINT' }) };
    const interrupted = runVerdict(facts({ exitCode: 143, received: 'SIGTERM', results: leftover }));
    expect(interrupted.rows.size).toBe(0);
    expect(outcomeOf(interrupted, 'gate-lockfile')).toMatchObject({ status: 'interrupted', source: 'not run' });
    // Its recorded SIGINT does not make a failed run an interrupted one.
    expect(runVerdict(facts({ exitCode: 1, results: leftover })).interruptedBy).toBeNull();
    // A file without a run stamp is no run's.
    expect(runVerdict(facts({ exitCode: 143, received: 'SIGTERM', results: { 'gate-lockfile': { ...result('passed', 'x'), run: undefined } } })).rows.size).toBe(0);
  });
});
