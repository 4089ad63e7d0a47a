/**
 * Every gate's cache key, as the gate executors' custom hasher (executors.json `hasher`): Nx's own hash of the
 * target's inputs, plus two things computed here, in the Nx process that hashes the run, rather than by one runtime
 * input's Node process each (which was most of a warm dry run):
 * - the fingerprint check (fingerprint-env.ts): whether the fingerprint variables the inputs hold were computed by
 *   this run's preTasksExecution hook from this task's environment; otherwise a value no other run gives, so the gate
 *   runs instead of replaying;
 * - for a gate that reads outside state (GateSpec.stateInputs), the state itself (state-lines.ts): all of a run's
 *   probes at once, and a probe several gates share (the registry entries of gate-version, gate-semver and
 *   gate-publish) asked once.
 * Nx calls custom hashers with the daemon on too, in the process that runs the tasks, so the state is read afresh
 * on every run. What each gate probes is written at inference into the target's metadata (stateProbes: [kind,
 * ...arguments], as stateArgs lays them out); keyed-options.ts refuses a run whose options would make the gate read
 * other state.
 */
// Nx's own module, not @nx/devkit's index: loading the whole devkit cost every process that hashes gates (the dry
// run's included) 0.1 s, and this is the one function the hasher needs from it.
import { workspaceRoot } from 'nx/src/utils/workspace-root';
import { isDaemonEnabled } from 'nx/src/daemon/client/client';
import type { CustomHasher, HasherContext, Task } from '@nx/devkit';
import { sha256 } from '../util/hash';
import { probeLines } from './state-lines';
import { probeLinesInThread, stopStateThreadEarly, type StateThreadWork } from './state-thread';
import { fingerprintGuardLine } from './fingerprint-env';
import { asksTheNetwork } from '../model/state-kinds';

/** The key of the target metadata entry holding a gate's state probes. */
export const STATE_PROBES = 'stateProbes';

/** The probes a target's metadata names, or [] (a hand-written target, or one inferred by an older plugin). */
export function stateProbesOf(metadata: unknown): string[][] {
  const probes = metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>)[STATE_PROBES] : undefined;
  return Array.isArray(probes) ? probes.filter((p): p is string[] => Array.isArray(p) && p.length > 0 && p.every((a) => typeof a === 'string')) : [];
}

/** How long an answer is shared: the tasks of one run are hashed within moments; a later run asks again. */
const SHARED_FOR_MS = 5_000;
const recent = new Map<string, { at: number; lines: Promise<string[]> }>();

const probeKey = (workspaceRoot: string, probe: readonly string[]) => JSON.stringify([workspaceRoot, ...probe]);

/** The answer asked for at `now`, if one was asked for within the sharing window before it. */
function sharedAnswer(key: string, now: number): Promise<string[]> | undefined {
  const seen = recent.get(key);
  return seen && now >= seen.at && now - seen.at < SHARED_FOR_MS ? seen.lines : undefined;
}

function share(key: string, now: number, lines: Promise<string[]>): Promise<string[]> {
  // Answers older than the sharing window are never used again: drop them, so a long-lived process keeps none.
  for (const [other, answer] of recent) if (now - answer.at >= SHARED_FOR_MS || now < answer.at) recent.delete(other);
  recent.set(key, { at: now, lines });
  return lines;
}

/** The state lines of one probe; a probe that cannot be read gives a line no other run gives, so the key misses. */
export function probeState(workspaceRoot: string, probe: readonly string[], now = Date.now()): Promise<string[]> {
  const key = probeKey(workspaceRoot, probe);
  return sharedAnswer(key, now) ?? share(key, now, probeLines(workspaceRoot, probe));
}

/** Where prefetched probes are answered: a worker thread (state-thread.ts); unit tests pass another. */
export type ProbeElsewhere = (work: StateThreadWork) => Promise<string[][]>;

/**
 * Starts the probes the given targets' keys will need, so that hashing them later in this process (within the sharing
 * window) finds the answers ready. They are read on another thread, off the one about to load Nx's task runner; one
 * the thread does not answer is read here instead. Nothing is returned and nothing can fail: an answer that is late
 * or unreadable is exactly what hashing would have got.
 */
export function prefetchGateStates(targets: ReadonlyArray<{ metadata?: unknown } | undefined>, root = workspaceRoot, now = Date.now(), elsewhere: ProbeElsewhere = probeLinesInThread): void {
  const wanted = new Map<string, string[]>();
  for (const target of targets) for (const probe of stateProbesOf(target?.metadata)) wanted.set(probeKey(root, probe), probe);
  const probes = [...wanted].filter(([key]) => !sharedAnswer(key, now)).map(([, probe]) => probe);
  if (!probes.length) return stopStateThreadEarly();
  const answers = elsewhere({ workspaceRoot: root, probes });
  probes.forEach((probe, i) => void share(probeKey(root, probe), now, answers.then((all) => all[i]).catch(() => probeLines(root, probe))));
}

type NxHash = Awaited<ReturnType<CustomHasher>>;
type TaskHasher = HasherContext['hasher'];
interface Waiting {
  task: Task;
  env: NodeJS.ProcessEnv;
  settle: { resolve(hash: NxHash): void; reject(error: unknown): void };
}
/** Tasks waiting to be hashed together: one batch per hasher and task graph (release-dry-run hashes its gates in a graph of their own). */
const waiting = new Map<TaskHasher, Map<HasherContext['taskGraph'], Waiting[]>>();

/**
 * Nx's hash of a task's declared inputs. Nx calls custom hashers one task at a time, and its hasher runs a target's
 * runtime inputs again for each call (the shared fingerprint check, once per task instead of once per run): the
 * tasks asked for in one turn of the event loop, which is how Nx asks for a run's tasks, are hashed in one batch.
 */
export function declaredInputsHash(context: HasherContext & { env?: NodeJS.ProcessEnv }, task: Task): Promise<NxHash> {
  const { hasher, taskGraph } = context;
  const byGraph = waiting.get(hasher) ?? new Map<HasherContext['taskGraph'], Waiting[]>();
  waiting.set(hasher, byGraph);
  let batch = byGraph.get(taskGraph);
  if (!batch) {
    const started: Waiting[] = [];
    batch = started;
    byGraph.set(taskGraph, started);
    setImmediate(() => {
      byGraph.delete(taskGraph);
      if (!byGraph.size) waiting.delete(hasher);
      const envs = Object.fromEntries(started.map((w) => [w.task.id, w.env]));
      hasher
        .hashTasks(
          started.map((w) => w.task),
          taskGraph,
          envs as never,
        )
        .then((hashes) => started.forEach((w, i) => w.settle.resolve(hashes[i])))
        .catch((error: unknown) => started.forEach((w) => w.settle.reject(error)));
    });
  }
  const queue = batch;
  return new Promise((resolve, reject) => queue.push({ task, env: context.env ?? process.env, settle: { resolve, reject } }));
}

/**
 * When the probes that read the workspace may start: once Nx's hashes are in, with the daemon on. The daemon answers a
 * hash request only after its file watcher has seen the workspace settle, and reading a file counts: git and the
 * probes reading the workspace meanwhile held each answer about 50 ms instead of 10 (its debug log). Probes that ask
 * the network start at once (the registry's answer is the longest wait). Daemon off, Nx hashes in this process and
 * everything starts at once.
 */
export function workspaceReadsAfter(nxHashes: ReadonlyArray<Promise<unknown>>, daemon = isDaemonEnabled()): Promise<void> | undefined {
  return daemon ? Promise.allSettled(nxHashes).then(() => undefined) : undefined;
}

/** One probe's state lines, started now or, for a probe that reads the workspace, once `readsAfter` settles. */
function probeWhen(workspaceRoot: string, probe: readonly string[], readsAfter: Promise<void> | undefined): Promise<string[]> {
  return readsAfter && !asksTheNetwork(probe[0]) ? readsAfter.then(() => probeState(workspaceRoot, probe)) : probeState(workspaceRoot, probe);
}

/**
 * Nx's hash of the task's declared inputs and the hash of each probe's state, combined. `given` lets a caller that
 * asks Nx for other hashes too (the dry run's hasher) pass the declared-inputs hash it started and when to read.
 */
export async function hashWithState(
  task: Task,
  context: HasherContext & { env?: NodeJS.ProcessEnv },
  workspaceRoot: string,
  given: { base?: Promise<NxHash>; readsAfter?: Promise<void> } = {},
): Promise<NxHash> {
  const target = context.projectsConfigurations.projects[task.target.project]?.targets?.[task.target.target];
  const probes = stateProbesOf(target?.metadata);
  const declared = given.base ?? declaredInputsHash(context, task);
  const readsAfter = 'readsAfter' in given ? given.readsAfter : workspaceReadsAfter([declared]);
  const [base, ...states] = await Promise.all([declared, ...probes.map((p) => probeWhen(workspaceRoot, p, readsAfter))]);
  const stateHashes = states.map((lines) => sha256(lines.join('\n')));
  // Whether the fingerprint variables the key holds were computed for this run and this task's environment.
  const guard = sha256(fingerprintGuardLine(context.env ?? process.env));
  const runtime = { ...(base.details.runtime ?? {}), fingerprints: guard, ...Object.fromEntries(probes.map((p, i) => [`state ${p.join(' ')}`, stateHashes[i]])) };
  return { value: sha256([base.value, guard, ...stateHashes].join('\n')), details: { ...base.details, runtime } };
}

/** The custom hasher of every gate executor (executors.json `hasher`). */
export const stateHasher: CustomHasher = (task, context) => hashWithState(task, context, workspaceRoot);
