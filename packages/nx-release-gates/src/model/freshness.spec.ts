import { CLOCK_SLACK_MS, fileWrittenDuring, resultBelongsToRun, resultBelongsToTask, RUN_ID_VARIABLE, runStampFrom, startedDuring } from './freshness';

describe('freshness: does this belong to this run?', () => {
  it('a result belongs to the task whose hash it records, and never when the task has no hash', () => {
    const result = { run: { taskHash: 'abc', runId: 'r1' } };
    expect(resultBelongsToTask(result, 'abc')).toBe(true);
    expect(resultBelongsToTask(result, 'def')).toBe(false);
    expect(resultBelongsToTask(result, undefined)).toBe(false);
    expect(resultBelongsToTask({ run: { taskHash: null } }, undefined)).toBe(false);
    expect(resultBelongsToTask({}, 'abc')).toBe(false);
  });

  it('a result belongs to the run whose id it records; a missing file or id never does', () => {
    expect(resultBelongsToRun({ run: { runId: 'r1' } }, 'r1')).toBe(true);
    expect(resultBelongsToRun({ run: { runId: 'r0' } }, 'r1')).toBe(false);
    expect(resultBelongsToRun(null, 'r1')).toBe(false);
    expect(resultBelongsToRun({ run: { runId: null } }, null)).toBe(false);
  });

  it('a file is written during a run from the start minus the slack on, and never earlier', () => {
    const start = new Date('2026-01-01T10:00:00.000Z');
    expect(fileWrittenDuring(start.getTime() + 5, start)).toBe(true);
    expect(fileWrittenDuring(start.getTime() - CLOCK_SLACK_MS, start)).toBe(true);
    expect(fileWrittenDuring(start.getTime() - CLOCK_SLACK_MS - 1, start)).toBe(false);
    expect(fileWrittenDuring(start.getTime() - 60_000, start.getTime())).toBe(false);
  });

  it('a report started during the run counts, one from a run before it does not', () => {
    const runStart = Date.parse('2026-01-01T10:00:00.000Z');
    expect(startedDuring('2026-01-01T10:00:03.000Z', runStart)).toBe(true);
    expect(startedDuring('2026-01-01T09:59:59.000Z', runStart)).toBe(true);
    expect(startedDuring('2026-01-01T09:58:00.000Z', runStart)).toBe(false);
    expect(startedDuring('not a date', runStart)).toBe(false);
  });

  it('stamps a result with the task hash and run id of its environment', () => {
    expect(runStampFrom({ NX_TASK_HASH: 'h', [RUN_ID_VARIABLE]: 'r' })).toEqual({ taskHash: 'h', runId: 'r' });
    expect(runStampFrom({})).toEqual({ taskHash: null, runId: null });
  });
});
