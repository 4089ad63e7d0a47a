/**
 * Nx runs every runtime cache input through a shell before it hashes a task, so the gates have none: a crate folder
 * whose name is shell syntax must reach the plugin's probes as data, never as a command: a standalone crate in a folder named
 * `q$(touch PWNED)` (its own Cargo workspace, so the folder is gate-lockfile's state argument too) runs gate-lockfile
 * and gate-fmt through nx; both hash, run and write their results, a second run replays them (the inputs printed the
 * same state), and no file named PWNED appears anywhere.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crateFiles } from '../support/crates';
import { stackTraceLines } from '../support/checks';
import { TestWorkspace } from '../support/workspace';

const FOLDER = 'q$(touch PWNED)';
const CRATE = 'shellsafe';
const GATES = ['gate-lockfile', 'gate-fmt'] as const;

/** Every file or folder named PWNED below `dir` (node_modules and cargo's target folders aside). */
function pwnedBelow(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.name === 'PWNED') found.push(full);
    if (entry.isDirectory() && !entry.isSymbolicLink() && entry.name !== 'node_modules' && entry.name !== 'target') found.push(...pwnedBelow(full));
  }
  return found;
}

describe('the cache key of a crate in a folder named like shell syntax', () => {
  let parent: string;
  let ws: TestWorkspace;

  beforeAll(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-shellsafe-'));
    ws = TestWorkspace.create('shellsafe', {
      parent,
      // A `*` pattern too: sh would expand it against the workspace's files.
      pluginOptions: { envInputs: ['SHELLSAFE_*'] },
      files: crateFiles({ name: CRATE, dir: FOLDER }),
    });
  });
  afterAll(() => {
    ws?.remove();
    if (!process.env.KEEP_E2E_WORKSPACES) fs.rmSync(parent, { recursive: true, force: true });
  });

  it('gives the folder to no shell: no gate input is a command, and the state probes hold it as data', () => {
    const show = ws.nx(['show', 'project', CRATE, '--json']);
    expect(show.exitCode).toBe(0);
    const targets = JSON.parse(show.stdout).targets as Record<string, { inputs?: unknown[]; metadata?: { stateProbes?: string[][] } }>;
    for (const gate of GATES) {
      const runtimes = (targets[gate].inputs ?? []).filter((i) => i && typeof i === 'object' && 'runtime' in i);
      expect(runtimes).toEqual([]);
    }
    // gate-lockfile's probe names the crate's Cargo workspace, which is the folder itself, whole.
    expect(targets['gate-lockfile'].metadata?.stateProbes).toEqual([['lockfile', FOLDER]]);
    expect(pwnedBelow(parent)).toEqual([]);
  });

  it.each(GATES)('%s hashes, runs and writes its result; a second run replays it; nothing named PWNED appears', (gate) => {
    const run = ws.nx(['run', `${CRATE}:${gate}`]);
    expect(stackTraceLines(run.output)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(ws.exists(`dist/release-gates/${CRATE}/${gate}.json`)).toBe(true);
    expect(ws.result(CRATE, gate).status).toBe('passed');
    const again = ws.nx(['run', `${CRATE}:${gate}`]);
    expect(again.exitCode).toBe(0);
    expect(again.output).toMatch(/existing outputs match the cache|\[local cache\]/);
    // The workspace root (where Nx runs the inputs, and the crate folder's parent) and the folder above it.
    expect(fs.existsSync(ws.path('PWNED'))).toBe(false);
    expect(fs.existsSync(path.join(parent, 'PWNED'))).toBe(false);
    expect(pwnedBelow(parent)).toEqual([]);
  });
});
