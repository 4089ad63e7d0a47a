/**
 * Learn once, key forever; a contradiction invalidates. A gate that reads a file its key does not cover records it
 * in release-gates.lock (undeclaredInputs: warn); from then on the file is in the key, so breaking it re-runs the gate
 * instead of replaying the old pass, and a fresh clone of the commit prints the same fingerprint. A gate whose fresh
 * run fails where Nx's cache holds a pass for the same key (an input nothing can see changed) records the key as
 * contradicted, so the next plain run does not replay that pass.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crateFiles } from '../support/crates';
import { TestWorkspace } from '../support/workspace';

/** A system path the test reads by `exists()` alone: no open, so neither cargo's records nor tracing can see it. */
const FLAG = '/etc/nrg-contradiction-flag';

const FLAG_TEST = `//! Passes while the flag is absent.
pub fn one() -> u32 {
    1
}

#[cfg(test)]
mod tests {
    #[test]
    fn flag_is_absent() {
        assert!(!std::path::Path::new("${FLAG}").exists(), "the contradiction flag is set");
    }
}
`;

describe('learned inputs and contradictions', () => {
  let ws: TestWorkspace;

  beforeAll(() => {
    fs.rmSync(FLAG, { force: true });
    ws = TestWorkspace.create('learned', {
      files: {
        ...crateFiles({
          name: 'learner',
          dir: 'crates/learner',
          // A file in no project's inputs, which cargo records as read.
          main: '//! Includes a shared constant.\ninclude!("../../../shared/answer.rs");\nfn main() {\n    println!("{}", ANSWER);\n}\n',
          releaseGates: 'undeclared-inputs = "warn"',
        }),
        ...crateFiles({ name: 'flagged', dir: 'crates/flagged', lib: FLAG_TEST }),
        'shared/answer.rs': 'pub const ANSWER: u32 = 42;\n',
      },
    });
  });
  afterAll(() => {
    fs.rmSync(FLAG, { force: true });
    ws?.remove();
  });

  function gate(project: string, target: string, args: string[] = []) {
    const run = ws.nx(['run', `${project}:${target}`, ...args]);
    return { run, result: ws.result(project, target) };
  }
  const summarySource = (project: string, target: string) =>
    (JSON.parse(ws.read('dist/release-gates/summary.json')).rows as any[]).find((r) => r.project === project && r.gate === target)?.source;

  it('records a file the key misses, keys on it from then on, and re-runs (failing) when it breaks', () => {
    const first = gate('learner', 'gate-build');
    expect(first.result.status).toBe('passed');
    expect(first.result.details.undeclaredInputs).toEqual([expect.objectContaining({ kind: 'file', name: 'shared/answer.rs' })]);
    expect(first.result.details.learned).toEqual(['shared/answer.rs']);
    expect(first.run.output).toContain('recorded 1 input(s) in release-gates.lock: commit it so every clone keys on them');
    const lock = ws.read('crates/learner/release-gates.lock');
    expect(lock).toContain('[[read]]\ncrate = "learner"\ngate = "gate-build"\nfile = "shared/answer.rs"\n');
    ws.commitAll('learned inputs');

    // The key now holds the file: one run under the new key (nothing left to learn), then it replays.
    const second = gate('learner', 'gate-build');
    expect(second.result.status).toBe('passed');
    expect(second.result.details.undeclaredInputs).toBeUndefined();
    expect(second.result.details.learned).toBeUndefined();
    const third = gate('learner', 'gate-build');
    expect(third.result.status).toBe('passed');
    expect(summarySource('learner', 'gate-build')).toBe('local cache');
    expect(ws.read('crates/learner/release-gates.lock')).toBe(lock);

    ws.write('shared/answer.rs', 'pub const ANSWER: u32 = "not a number";\n');
    const broken = gate('learner', 'gate-build');
    expect(summarySource('learner', 'gate-build')).toBe('ran');
    expect(broken.result.status).toBe('failed');
    ws.git(['checkout', '--', 'shared/answer.rs']);
  });

  it('prints the same learned lines in a fresh clone of the commit', () => {
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-learned-clone-'));
    try {
      ws.git(['clone', '-q', ws.root, clone]);
      const script = path.join(ws.root, 'node_modules', 'nx-release-gates', 'src', 'cache-key', 'fingerprint-cli.js');
      const lines = (cwd: string) => spawnSync(process.execPath, [script, 'crates/learner'], { cwd, encoding: 'utf8' }).stdout.split('\n').filter((l) => l.startsWith('learned'));
      const here = lines(ws.root);
      expect(here).toEqual([expect.stringMatching(/^learned file shared\/answer\.rs [0-9a-f]{64}$/)]);
      expect(lines(clone)).toEqual(here);
    } finally {
      fs.rmSync(clone, { recursive: true, force: true });
    }
  });

  it('records a contradicted key when a fresh run fails where the cache holds a pass, and never replays that pass', () => {
    expect(gate('flagged', 'gate-test').result.status).toBe('passed');
    fs.writeFileSync(FLAG, 'set\n');
    const fresh = gate('flagged', 'gate-test', ['--skip-nx-cache']);
    expect(fresh.result.status).toBe('failed');
    expect(fresh.result.details.contradiction).toEqual({
      // Nx's task hash, as the gates' custom hasher finishes it (cache-key/state-hasher.ts).
      key: expect.stringMatching(/^[0-9a-f]{64}$/),
      explanation: 'no input found: the key misses something this run read; tracing and the undeclared-input check found nothing',
    });
    expect(ws.read('crates/flagged/release-gates.lock')).toContain(`[[contradicted]]\ncrate = "flagged"\ngate = "gate-test"\nkey = "${fresh.result.details.contradiction.key}"\n`);

    // Without the record, this plain run would replay the pass cached under that key.
    const plain = gate('flagged', 'gate-test');
    expect(summarySource('flagged', 'gate-test')).toBe('ran');
    expect(plain.result.status).toBe('failed');
    expect(plain.run.exitCode).not.toBe(0);
  });
});
