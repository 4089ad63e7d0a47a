import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lockfileLines, probeLines, probeStartOrder, workflowsLines } from './state-lines';

describe('gate state lines (real git in a temporary repository)', () => {
  let dir: string;
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, stdio: 'pipe' });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-state-'));
    fs.mkdirSync(path.join(dir, 'member'));
    fs.writeFileSync(path.join(dir, 'Cargo.toml'), '[workspace]\nmembers = ["member"]\n');
    fs.writeFileSync(path.join(dir, 'member', 'Cargo.toml'), '[package]\nname = "member"\nversion = "0.1.0"\n');
    fs.writeFileSync(path.join(dir, 'Cargo.lock'), 'version = 4\n');
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'one');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lockfile: changes with the lockfile content, its git state and any member manifest', async () => {
    const clean = await lockfileLines(dir, '.');
    expect(await lockfileLines(dir, '.')).toEqual(clean);
    fs.appendFileSync(path.join(dir, 'Cargo.lock'), '# edit\n');
    const modified = await lockfileLines(dir, '.');
    expect(modified).not.toEqual(clean);
    git('add', 'Cargo.lock');
    const staged = await lockfileLines(dir, '.');
    expect(staged).not.toEqual(modified); // same content, other git state
    git('commit', '-q', '-m', 'two');
    fs.appendFileSync(path.join(dir, 'member', 'Cargo.toml'), '[dependencies]\n');
    expect((await lockfileLines(dir, '.')).find((l) => l.startsWith('manifest member/'))).not.toEqual(staged.find((l) => l.startsWith('manifest member/')));
  });

  it('lockfile: changes when cargo would discover other targets, not when a target file is edited', async () => {
    fs.mkdirSync(path.join(dir, 'member', 'src', 'bin'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'member', 'src', 'main.rs'), 'fn main() {}\n');
    const before = await lockfileLines(dir, '.');
    fs.appendFileSync(path.join(dir, 'member', 'src', 'main.rs'), '// a comment\n');
    expect(await lockfileLines(dir, '.')).toEqual(before);
    fs.writeFileSync(path.join(dir, 'member', 'src', 'bin', 'tool.rs'), 'fn main() {}\n');
    const withBin = await lockfileLines(dir, '.');
    expect(withBin).not.toEqual(before);
    expect(withBin).toContain('targets member/Cargo.toml src/bin/tool.rs src/main.rs');
    fs.rmSync(path.join(dir, 'member', 'src', 'main.rs'));
    expect(await lockfileLines(dir, '.')).not.toEqual(withBin);
  });

  it('lockfile: outside a git repository it is a line, not an exception', async () => {
    fs.rmSync(path.join(dir, '.git'), { recursive: true });
    expect((await lockfileLines(dir, '.')).find((l) => l.startsWith('git '))).toMatch(/^git git failed: .*not a git repository/i);
  });


  it("workflows: holds the workflows generator's record of its options, by content", async () => {
    const record = (lines: string[]) => lines.find((l) => l.startsWith('record '));
    const none = await workflowsLines(dir);
    expect(record(none)).toBe('record missing');
    fs.mkdirSync(path.join(dir, '.github'));
    fs.writeFileSync(path.join(dir, '.github', 'nx-release-gates.json'), '{}\n');
    const empty = await workflowsLines(dir);
    fs.writeFileSync(path.join(dir, '.github', 'nx-release-gates.json'), '{ "nxCache": true }\n');
    const changed = await workflowsLines(dir);
    expect(new Set([record(none), record(empty), record(changed)]).size).toBe(3);
    // Without a record the drift check is not loaded; with one, its report is in the key.
    const drift = (lines: string[]) => lines.find((l) => l.startsWith('drift '));
    expect(drift(none)).toBe('drift not generated');
    expect(drift(empty)).not.toBe('drift not generated');
  });

  it('reads a probe as target metadata names it, and gives a line that never matches for a kind it does not know', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-lines-'));
    try {
      execFileSync('git', ['init', '-q'], { cwd: root });
      expect(await probeLines(root, ['tags', 'tool'])).toEqual([]);
      const [unknown] = await probeLines(root, ['no-such-kind']);
      expect(unknown).toMatch(/^unknown state kind no-such-kind /);
      expect((await probeLines(root, ['no-such-kind']))[0]).not.toBe(unknown);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('starts the probes that ask a registry over the network first, the others in the order given', () => {
    const probes = [['lockfile', 'Cargo.lock'], ['tags', 'tool'], ['resolution', 'a', 'b', 'c', 'd'], ['workflows'], ['registry', 'index', 'tool'], ['no-such-kind']];
    expect(probeStartOrder(probes)).toEqual([2, 4, 0, 1, 3, 5]);
    expect(probeStartOrder([])).toEqual([]);
  });
});
