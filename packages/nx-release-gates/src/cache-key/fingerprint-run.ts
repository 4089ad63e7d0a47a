/**
 * Every fingerprint of a run at once (fingerprint-env.ts): what the preTasksExecution hook exports. The programs are
 * asked once per toolchain rustup would pick (a rust-toolchain file or a `rustup override` applies per folder), not
 * once per crate, and every file is read in this one process.
 */
import { rustupOverrideFolder, toolchainFile } from '../ops/config-files';
import { directLookups, FileLookups, sharedLookups } from '../ops/file-lookups';
import { sha256 } from '../util/hash';
import { askPrograms, fingerprintLines, FingerprintRequest, parseFingerprintArgs, ProgramLines } from './fingerprint';
import { learnedForCrate } from './learned-inputs';
import { fingerprintCheck, FINGERPRINT_CHECK_VARIABLE, fingerprintVariable } from './fingerprint-env';

type Env = FingerprintRequest['env'];

/** Asks the programs once per toolchain choice: folders under the same pin and override share one answer. */
export function sharedPrograms(ask: ProgramLines = askPrograms, lookups: FileLookups = directLookups): ProgramLines {
  const answers = new Map<string, Promise<string[]>>();
  return (cwd, env) => {
    const key = `${toolchainFile(cwd, lookups) ?? 'no pin'}\0${rustupOverrideFolder(cwd, env, lookups) ?? 'no override'}`;
    let answer = answers.get(key);
    if (!answer) {
      answer = ask(cwd, env);
      answers.set(key, answer);
    }
    return answer;
  };
}

/** The variables the crate's release-gates.lock entries name: the fingerprint reads each by name. */
function learnedVariables(workspaceRoot: string, crateRoot: string, lookups: FileLookups): string[] {
  try {
    const found = learnedForCrate(workspaceRoot, crateRoot, lookups);
    return found ? found.learned.reads.filter((r) => r.kind === 'env' && r.crate === found.crate).map((r) => r.name) : [];
  } catch {
    return [];
  }
}

/**
 * The variables for the hook to set: one `NX_RELEASE_GATES_FP_*` per request (its argument list), holding a hash of
 * its fingerprint lines, and the check the shared runtime input compares the task's environment with.
 */
export async function fingerprintVariables(workspaceRoot: string, requests: ReadonlyArray<readonly string[]>, env: Env, ask: ProgramLines = askPrograms): Promise<Record<string, string>> {
  // Every crate's walk up the folders (pins, config files, release-gates.lock) shares one set of lookups: the files
  // are stat-ed, read and parsed once for the run (500 crates: docs/benchmarks.md).
  const lookups = sharedLookups();
  const programs = sharedPrograms(ask, lookups);
  const named = new Set<string>();
  const patterns = new Set<string>();
  const out: Record<string, string> = {};
  for (const args of requests) {
    const request = parseFingerprintArgs([...args]);
    for (const p of request.envPatterns) patterns.add(p);
    for (const name of learnedVariables(workspaceRoot, request.crateRoot, lookups)) named.add(name);
    // As the runtime input printed it: a file that cannot be read is a line, never a failed Nx run.
    const lines = await fingerprintLines({ workspaceRoot, env, ...request }, programs, lookups).catch((error: NodeJS.ErrnoException) => [`unreadable: ${error.code ?? error.name}`]);
    out[fingerprintVariable(args)] = sha256(lines.join('\n'));
  }
  out[FINGERPRINT_CHECK_VARIABLE] = fingerprintCheck(env, [...patterns], [...named]);
  return out;
}
