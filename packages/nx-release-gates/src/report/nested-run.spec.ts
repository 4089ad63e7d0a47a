import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nestedRunIdFromArgv, nestedRunMarker, takeNestedRun, writeNestedRun } from './nested-run';
import { rowForGate } from './summary';
import { timeCell } from './table';

describe('nested run marker', () => {
  it('round-trips the run id through the command line, and finds nothing in other runs', () => {
    const argv = ['node', '/x/nx.js', 'run-many', '--targets=gate-build', '--projects=a', nestedRunMarker('3f2a-77'), '--outputStyle=static'];
    expect(nestedRunIdFromArgv(argv)).toBe('3f2a-77');
    expect(nestedRunIdFromArgv(['node', 'nx', 'run-many', '--exclude=other'])).toBeNull();
    expect(nestedRunIdFromArgv(['node', 'nx', 'run', 'a:gate-build'])).toBeNull();
  });

  it('a record is read once, and only by its own run id', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nested-run-'));
    const row = { project: 'a', gate: 'gate-fmt', status: 'passed' as const, source: 'ran', durationMs: 5, figure: '', reason: 'ok' };
    writeNestedRun(root, { runId: 'one', rows: [row], stoppedTasks: 0 });
    expect(takeNestedRun(root, 'two')).toBeNull();
    expect(takeNestedRun(root, 'one')?.rows).toEqual([row]);
    expect(takeNestedRun(root, 'one')).toBeNull();
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
