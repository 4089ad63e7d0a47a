/**
 * A newcomer's first steps, as README tells them: `npm run example` with no terminal to answer a prompt, `nx add`
 * in a crate repository that has Nx installed but no nx.json yet, and the two ways to learn what a gate does
 * (`nx show project --json`, `nx run <crate>:<gate> --help`). Assertions are on exit codes and files; the help text
 * is read only because it is the product there (no file holds it).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crateFiles } from '../support/crates';
import { TestWorkspace } from '../support/workspace';

const REPO = path.resolve(__dirname, '..', '..', '..');

describe('first steps', () => {
  it("README's first command completes with stdin closed and no CI variable (no prompt waits for an answer)", () => {
    const env: Record<string, string | undefined> = { ...process.env, NX_RELEASE_GATES_TARBALL: undefined };
    delete env.CI;
    delete env.NX_RELEASE_GATES_TARBALL;
    const run = spawnSync('npm', ['run', 'example'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 });
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(REPO, 'tmp', 'example', 'dist', 'release-gates', 'release-gates-demo', 'release-dry-run.json'), 'utf8'));
    expect(report.status).toBe('passed');
  }, 16 * 60_000);

  describe('a crate repository with nx installed and no nx.json', () => {
    let ws: TestWorkspace;
    beforeAll(() => {
      ws = TestWorkspace.create('first-steps', { registerPlugin: false, files: crateFiles({ name: 'first-tool', version: '0.2.0' }) });
      fs.rmSync(ws.path('nx.json'));
      ws.commitAll('no nx.json, as after `npm i -D nx` in a crate repository');
    });
    afterAll(() => ws.remove());

    it('nx add registers the plugin in a new nx.json, and the crate gets its gate targets', () => {
      const add = ws.nx(['add', `nx-release-gates@file:${process.env.NX_RELEASE_GATES_TARBALL}`]);
      expect(add.exitCode).toBe(0);
      expect(JSON.parse(ws.read('nx.json')).plugins).toEqual([{ plugin: 'nx-release-gates', options: {} }]);
      const projects = ws.nx(['show', 'projects', '--json']);
      expect(projects.exitCode).toBe(0);
      expect(JSON.parse(projects.stdout)).toContain('first-tool');
    });

    it('nx show project --json lists every gate with its description, grouped as release gates', () => {
      const show = ws.nx(['show', 'project', 'first-tool', '--json']);
      expect(show.exitCode).toBe(0);
      const project = JSON.parse(show.stdout);
      const group: string[] = project.metadata.targetGroups['Release gates'];
      expect(group).toContain('release-dry-run');
      const gates = Object.keys(project.targets).filter((name) => name.startsWith('gate-'));
      expect(gates.length).toBeGreaterThanOrEqual(14);
      for (const gate of gates) {
        expect(group).toContain(gate);
        expect(project.targets[gate].metadata.description.length).toBeGreaterThan(20);
        expect(project.targets[gate].metadata.help.command).toBe(`nx run first-tool:${gate} --help`);
      }
    });

    it('nx run <crate>:<gate> --help prints the options that gate takes, and runs nothing', () => {
      const help = ws.nx(['run', 'first-tool:gate-size', '--help']);
      expect(help.exitCode).toBe(0);
      expect(help.stdout).toContain('--maxBinarySize');
      expect(ws.exists('dist/release-gates/first-tool/gate-size.json')).toBe(false);
      expect(ws.exists('target')).toBe(false);
    });
  });
});
