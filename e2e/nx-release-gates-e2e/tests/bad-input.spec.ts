/**
 * Bad input: each case ends as status `failed` in the gate's result file, a non-zero exit, one line naming the
 * crate and the gate, and no stack trace; a feature name with shell metacharacters executes nothing. A crate in a
 * folder whose path holds spaces is not bad input: its gates must work. All crates share one workspace, which also
 * shows that one broken crate does not break the others.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crateFiles } from '../support/crates';
import { failedGateLines, GATE_TARGETS, pathWithout, stackTraceLines } from '../support/checks';
import { RunResult, TestWorkspace } from '../support/workspace';

const CUDA_FEATURES = { default: [], llama: [], 'llama-cuda': ['llama'] };
const SPACED_DIR = 'crates with spaces/space tool';

/** The line each bad input printed, shown at the end (the note lists them). */
const printed: string[] = [];

describe('bad input', () => {
  let ws: TestWorkspace;

  beforeAll(() => {
    ws = TestWorkspace.create('bad-input', {
      files: {
        'bad-toml/Cargo.toml': '[package]\nname = "bad-toml"\nversion = "0.1.0\nedition = "2021"\n',
        'bad-toml/src/main.rs': 'fn main() {}\n',
        ...crateFiles({ name: 'plain-tool' }),
        ...crateFiles({ name: 'unknown-feature', features: { default: [], fast: [] }, releaseGates: 'features = ["turbo"]' }),
        ...crateFiles({ name: 'bad-size', releaseGates: 'max-binary-size = "20 parsecs"' }),
        ...crateFiles({ name: 'no-such-file', releaseGates: 'required-files = ["src/main.rs", "templates/docker/*.Dockerfile"]' }),
        ...crateFiles({ name: 'wrong-type', features: CUDA_FEATURES, releaseGates: 'require-cuda = "yes"' }),
        ...crateFiles({
          name: 'wrong-type-target',
          files: { 'project.json': JSON.stringify({ name: 'wrong-type-target', targets: { 'gate-doc': { options: { denyWarnings: 'yes' } } } }) },
        }),
        ...crateFiles({
          name: 'misspelt-option',
          files: { 'project.json': JSON.stringify({ name: 'misspelt-option', targets: { 'gate-size': { options: { maxBinarySise: '1MiB' } } } }) },
        }),
        ...crateFiles({ name: 'meta-chars', features: { default: [], a: [] }, releaseGates: 'features = ["a;touch pwned", "$(touch pwned)", "`touch pwned`"]' }),
        // A `dep/feature` name is left to cargo: it reaches cargo as one literal argument, which cargo rejects.
        ...crateFiles({ name: 'meta-chars-cargo', releaseGates: 'features = ["x/y;touch pwned", "x/$(touch pwned)"]' }),
        ...crateFiles({ name: 'space-tool', dir: SPACED_DIR }),
      },
      // The six gates of the release process (gates added later have their own tests).
      nxJson: { targetDefaults: { 'release-dry-run': { options: { gates: [...GATE_TARGETS] } } } },
    });
  });
  afterAll(() => {
    if (printed.length) console.log(`bad-input lines:\n${printed.join('\n')}`);
    ws?.remove();
  });

  /** Runs one gate and checks what every bad input must give; returns the result file. */
  function expectOneLineFailure(project: string, gate: string, env: Record<string, string> = {}): { run: RunResult; result: Record<string, any> } {
    const file = `dist/release-gates/${project}/${gate}.json`;
    fs.rmSync(ws.path(file), { force: true });
    const run = ws.nx(['run', `${project}:${gate}`], env);
    const lines = failedGateLines(run.output, project, gate);
    printed.push(`${project}:${gate} -> ${lines.join(' | ') || '(no line)'}`);
    expect(stackTraceLines(run.output)).toEqual([]);
    expect(ws.exists(file)).toBe(true);
    const result = ws.result(project, gate);
    expect(result).toMatchObject({ project, gate, status: 'failed' });
    expect(result.reason).not.toMatch(/\n/);
    expect(result.reason.length).toBeGreaterThan(10);
    expect(lines).toHaveLength(1);
    expect(run.exitCode).not.toBe(0);
    return { run, result };
  }

  it('a malformed Cargo.toml', () => {
    const { result } = expectOneLineFailure('bad-toml', 'gate-build');
    expect(result.reason).toContain('bad-toml/Cargo.toml');
    expect(result.commands).toEqual([]);
  });

  describe('cargo not installed', () => {
    const noCargo = () => ({ PATH: pathWithout(['cargo', 'rustc']) });

    it('when the gate runs (the crate was read with cargo before)', () => {
      const { result } = expectOneLineFailure('plain-tool', 'gate-build', noCargo());
      expect(result.environment.cargo).toBeNull();
      expect(result.commands).toEqual([]);
    });

    it('already when Nx reads a crate it has not seen', () => {
      for (const [file, content] of Object.entries(crateFiles({ name: 'late-tool' }))) ws.write(file, content);
      const { run, result } = expectOneLineFailure('late-tool', 'gate-build', noCargo());
      expect(result.commands).toEqual([]);
      // The project graph was still computed: the other crates are there.
      expect(run.output).not.toMatch(/Failed to process project graph/i);
    });
  });

  it('an unknown feature', () => {
    const { result } = expectOneLineFailure('unknown-feature', 'gate-build');
    expect(result.reason).toContain('"turbo"');
    expect(result.commands).toEqual([]);
  });

  it('an unparseable size', () => {
    const { result } = expectOneLineFailure('bad-size', 'gate-size');
    expect(result.reason).toContain('20 parsecs');
  });

  it('a required-files entry that matches nothing', () => {
    const { result } = expectOneLineFailure('no-such-file', 'gate-package');
    expect(result.details.notOnDisk).toEqual(['templates/docker/*.Dockerfile']);
  });

  it('an option of the wrong type in Cargo.toml metadata', () => {
    const { result } = expectOneLineFailure('wrong-type', 'gate-cuda');
    expect(result.reason).toContain('requireCuda');
    expect(result.commands).toEqual([]);
  });

  it('an option of the wrong type in project.json target options', () => {
    const { result } = expectOneLineFailure('wrong-type-target', 'gate-doc');
    expect(result.reason).toContain('denyWarnings');
    expect(result.commands).toEqual([]);
  });

  it('an option no gate knows in project.json target options', () => {
    const { result } = expectOneLineFailure('misspelt-option', 'gate-size');
    expect(result.reason).toContain('maxBinarySise');
    expect(result.commands).toEqual([]);
  });

  describe('feature names holding shell metacharacters', () => {
    const pwned = () => {
      const found: string[] = [];
      const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
          if (entry.name === 'node_modules' || entry.name === '.git') continue;
          if (entry.name === 'pwned') found.push(path.join(dir, entry.name));
          else if (entry.isDirectory()) walk(path.join(dir, entry.name));
        }
      };
      walk(ws.root);
      return found;
    };

    it('are refused before cargo runs when they name no feature of the crate', () => {
      const { result } = expectOneLineFailure('meta-chars', 'gate-build');
      expect(result.commands).toEqual([]);
      expect(pwned()).toEqual([]);
    });

    it('reach cargo as one literal argument, which cargo rejects', () => {
      const { result } = expectOneLineFailure('meta-chars-cargo', 'gate-build');
      expect(result.commands).toHaveLength(1);
      expect(result.commands[0]).toContain("--features 'x/y;touch pwned,x/$(touch pwned)'");
      expect(pwned()).toEqual([]);
    });
  });

  it('a crate path with spaces works: every gate runs and passes', () => {
    expect(ws.exists(`${SPACED_DIR}/Cargo.toml`)).toBe(true);
    const run = ws.nx(['run', 'space-tool:release-dry-run']);
    expect(stackTraceLines(run.output)).toEqual([]);
    const report = ws.result('space-tool', 'release-dry-run');
    expect(run.exitCode).toBe(0);
    const statuses = Object.fromEntries(report.gates.map((g: any) => [g.gate, g.status]));
    expect(statuses).toEqual({
      'gate-build': 'passed',
      'gate-cuda': 'skipped',
      'gate-package': 'passed',
      'gate-size': 'passed',
      'gate-test': 'passed',
      'gate-doc': 'passed',
    });
    expect(ws.exists('dist/release-gates/space-tool/bin/space-tool')).toBe(true);
    expect(ws.result('space-tool', 'gate-test').details.passed).toBe(1);
  });
});
