import { asReplayed, replaySourceOf } from './replayed-report';
import type { ReleaseReport } from './release-report';

describe('a release report replayed with the whole dry run', () => {
  const row = (gate: string, source: string, status = 'passed') => ({ project: 'a', gate, status, source, durationMs: 1200, figure: '', reason: '', emergency: false });
  const report = {
    status: 'passed',
    startedAt: '2026-12-04T10:00:00.000Z',
    rows: [row('gate-build', 'ran'), row('gate-fmt', 'local cache'), row('gate-doc', 'remote cache'), row('gate-cuda', 'not run', 'skipped')],
    gates: [{ gate: 'gate-build', status: 'passed', source: 'ran' }],
    run: { taskHash: 'h', runId: 'r' },
  } as unknown as ReleaseReport;

  it('names the cache Nx restored it from, from the task status', () => {
    expect(replaySourceOf('local-cache')).toBe('local cache');
    expect(replaySourceOf('local-cache-kept-existing')).toBe('local cache');
    expect(replaySourceOf('remote-cache')).toBe('remote cache');
    for (const ran of ['success', 'failure', 'skipped']) expect(replaySourceOf(ran)).toBeNull();
  });

  it('says every gate with a result came from that cache, and keeps the verdict, times and the writing run', () => {
    const replayed = asReplayed(report, 'remote cache');
    expect(replayed.rows.map((r) => r.source)).toEqual(['remote cache', 'remote cache', 'remote cache', 'not run']);
    expect(replayed.gates.map((g) => g.source)).toEqual(['remote cache']);
    expect(replayed.replayedFrom).toBe('remote cache');
    expect([replayed.status, replayed.startedAt, replayed.run, replayed.rows[0].durationMs]).toEqual(['passed', report.startedAt, report.run, 1200]);
    expect(asReplayed(replayed, 'remote cache')).toEqual(replayed);
    expect(report.rows[0].source).toBe('ran');
  });
});
