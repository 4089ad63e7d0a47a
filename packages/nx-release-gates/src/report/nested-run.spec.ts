import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nestedRunRecord } from './nested-run';
import { rowForGate } from './summary';
import { timeCell } from './table';

describe('the record of a nested run, from Nx\'s task results', () => {
  const task = (project: string, target: string, hash?: string) => ({ target: { project, target }, hash });
  it('has a row per gate task judged against its hash, the stopped count and every task\'s hash', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nested-run-'));
    const record = nestedRunRecord(root, 'one', {
      'a:gate-fmt': { task: task('a', 'gate-fmt', 'h1'), status: 'local-cache' },
      'a:gate-build': { task: task('a', 'gate-build', 'h2'), status: 'stopped' },
      'a:lint': { task: task('a', 'lint', 'h3'), status: 'success' },
    });
    expect(record.runId).toBe('one');
    expect(record.rows.map((r) => [r.gate, r.source, r.status])).toEqual([
      // A replay that restored no result file is no pass.
      ['gate-fmt', 'local cache', 'failed'],
      ['gate-build', 'not run', 'failed'],
    ]);
    expect(record.stoppedTasks).toBe(1);
    expect(record.taskHashes).toEqual({ 'a:gate-fmt': 'h1', 'a:gate-build': 'h2', 'a:lint': 'h3' });
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe('rows of replayed gates', () => {
  it('a cache hit that restored no result file fails and names nx reset', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'no-file-'));
    const row = rowForGate(root, 'a', 'gate-build', 'local cache', { hash: 'h', succeeded: true });
    expect(row.status).toBe('failed');
    expect(row.reason).toContain('`nx reset`');
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('the time of a replayed gate says it was replayed and what it saved', () => {
    expect(timeCell({ source: 'local cache', durationMs: 71_000 })).toBe('replayed, saved 1m11s');
    expect(timeCell({ source: 'ran', durationMs: 900 })).toBe('900ms');
    expect(timeCell({ source: 'not run', durationMs: null })).toBe('-');
  });
});
