/** Helpers shared by the gate, CUDA, cache and bad-input specs: environments without a program, and output checks. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestWorkspace } from './workspace';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const GATE_TARGETS = ['gate-build', 'gate-cuda', 'gate-package', 'gate-size', 'gate-test', 'gate-doc'] as const;

function holds(dir: string, program: string): boolean {
  try {
    fs.accessSync(path.join(dir, program), fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * A PATH on which none of `programs` can be found, but node, git and a shell still can: every folder holding one of
 * `programs` is dropped, and a shim folder links the essentials that lived in a dropped folder.
 */
export function pathWithout(programs: string[]): string {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const kept = dirs.filter((d) => !programs.some((p) => holds(d, p)));
  const shims = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-path-'));
  process.once('exit', () => fs.rmSync(shims, { recursive: true, force: true }));
  for (const essential of ['node', 'git', 'sh', 'bash', 'env']) {
    if (kept.some((d) => holds(d, essential))) continue;
    const from = essential === 'node' ? process.execPath : dirs.map((d) => path.join(d, essential)).find((f) => holds(path.dirname(f), essential));
    if (from) fs.symlinkSync(from, path.join(shims, essential));
  }
  return [shims, ...kept].join(path.delimiter);
}

/** Where the test nvcc lives (tools/install-cuda-nvcc.sh); a missing toolkit fails the test with the fix. */
export function testCudaPath(): string {
  const base = process.env.NX_RELEASE_GATES_TEST_CUDA_PATH ?? path.join(REPO_ROOT, 'tmp', 'cuda', 'nvidia', 'cu13');
  const nvcc = path.join(base, 'bin', 'nvcc');
  if (!holds(path.dirname(nvcc), 'nvcc')) {
    throw new Error(`no nvcc at ${nvcc}: run \`bash tools/install-cuda-nvcc.sh\` in the repository first (the CUDA tests need a real nvcc)`);
  }
  return base;
}

/** Lines of a stack trace (`    at fn (file:line)`). */
export function stackTraceLines(output: string): string[] {
  return output.split('\n').filter((l) => /^\s+at\s/.test(l));
}

/** The line a gate prints when it ends with status failed: `✖ <project>:<gate> failed: <reason> [<file>]`. */
export function failedGateLines(output: string, project: string, gate: string): string[] {
  return output.split('\n').filter((l) => l.includes(`${project}:${gate} failed:`));
}

/** Result files of every gate of a project, keyed by target, null where a gate wrote none. */
export function gateResults(ws: TestWorkspace, project: string): Record<string, Record<string, any> | null> {
  return Object.fromEntries(
    GATE_TARGETS.map((t) => [t, ws.exists(`dist/release-gates/${project}/${t}.json`) ? ws.result(project, t) : null]),
  );
}
