/**
 * The executor adapter every gate target uses: take the gate's locks, clear its previous outputs, resolve options,
 * run the gate, write its result file, and exit non-zero exactly when the status is a failure. Bad input of any kind
 * ends here as one line and a failed result, never a stack trace; a result that cannot be written fails the task.
 * Everything it does to the outside world goes through GateEffects, so unit tests drive it with fakes.
 */
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { CARGO_NOT_FOUND } from '../../parsers/cargo-errors';
import { CrateModel } from '../../model/crate-model';
import { commandLine, signalExitCode } from '../../ops/process';
import { headCommit } from '../../ops/git';
import type { Toolchain } from '../../ops/toolchain';
import { EmergencySkip, EmergencySkipError, readEmergencySkip } from '../../model/emergency';
import { cargoTargetDirectory } from '../../ops/target-directory';
import { findGate } from '../../gates';
import { GATE_TARGETS, gateTarget } from '../../model/catalog';
import type { GateContext, GateDefinition, GateOutcome, UpstreamResult } from '../../gates/types';
import { pluginOptionsFrom } from '../../model/plugin-options';
import { GateOptions, runtimeDefaults } from '../../model/options';
import { lowerLayers } from '../../model/resolve-options';
import { OptionError, validateGateOptions, validTriple } from '../../model/validate-options';
import { environmentOf, GateResult, isFailure, RESULT_SCHEMA_VERSION, resultFolder } from '../../report/result';
import { HeldLock, holderText } from '../../ops/lock';
import { resultBelongsToTask, runStampFrom } from '../../model/freshness';
import { DeclaredInputs, declaredInputs, withLearnedCoverage } from '../../cache-key/declared-inputs';
import { keyedOptionsProblem } from '../../cache-key/keyed-options';
import { stateProbesOf } from '../../cache-key/state-hasher';
import { gateEnvironment, pathVariable, withheldDetails, withheldSummary, worthWarning } from '../../cache-key/gate-environment';
import { GateEffects, processEffects } from './effects';
import { withContradiction } from './contradiction';
import { startHeartbeat } from './heartbeat';
import { GateProgress, gateProgress } from './progress';
import { gateTracer } from './tracing';
import { withTracedInputs } from '../../gates/shared/undeclared-check';
import { announceRemoteCacheOff } from './remote-cache-notice';

export type { GateEffects } from './effects';

export function gateExecutor(gateName: string, effects: GateEffects = processEffects) {
  return async function executor(options: Record<string, unknown>, context: ExecutorContext): Promise<{ success: boolean }> {
    return runGateTask(findGate(gateName)!, options, context, effects);
  };
}

/** One gate task as Nx sees it: success exactly when the result's status is not a failure. */
export async function runGateTask(gate: GateDefinition, options: Record<string, unknown>, context: ExecutorContext, fx: GateEffects): Promise<{ success: boolean }> {
  const project = context.projectName!;
  const target = gateTarget(gate);
  // A build for another target triple keeps its own result folder; an invalid value is judged (failed) in runGate.
  const triple = validTriple(options.targetTriple);
  const say = (line: string) => fx.error(`✖ ${project}:${target} failed: ${line}`);
  const locks: HeldLock[] = [];
  announceRemoteCacheOff(context.root, process.env, fx.error);
  try {
    // One run of a crate's gate at a time: a second waits instead of deleting or mixing the first one's files.
    const what = `${project}:${target}`;
    locks.push(await fx.waitForLock(`${context.root}\0${project}\0${target}\0${triple ?? ''}`, what, (owner) => fx.notice(`${what}: waiting for another run of this gate (pid ${owner.pid}, since ${owner.since})`)));
    const progress = gateProgress(what, fx.liveStream?.() ?? null, (line) => fx.log.info(line), () => fx.now().getTime());
    progress.started();
    const cleared = fx.clearOutputs(gate, context.root, project, triple);
    if (cleared) {
      say(cleared);
      progress.ended('failed');
      return { success: false };
    }
    const result = await withContradiction(await runGate(gate, options, context, { locks, progress }, fx), gate, context, fx);
    return settle(result, { root: context.root, triple, say, progress }, fx);
  } finally {
    for (const lock of locks) lock.release();
  }
}

interface Settling {
  root: string;
  triple: string | undefined;
  say: (line: string) => void;
  progress: GateProgress;
}

/** Writes the result and says the verdict; an interrupted process then ends with the signal's exit status. */
function settle(result: GateResult, { root, triple, say, progress }: Settling, fx: GateEffects): { success: boolean } {
  const failed = (line: string) => {
    say(line);
    progress.ended('failed');
    return { success: false };
  };
  let file: string;
  try {
    file = fx.writeResult(root, result);
  } catch (error) {
    return failed(`cannot write its result file ${path.join(resultFolder(result.project, triple), `${result.gate}.json`)}: ${(error as Error).message}; make dist/release-gates writable and run again (the gate's verdict, ${result.status}, is void without it)`);
  }
  try {
    fx.signOutputs?.(root, result, fx.env);
  } catch (error) {
    return failed(`cannot sign its outputs: ${(error as Error).message} (the gate's verdict, ${result.status}, does not count unsigned)`);
  }
  fx.printGateLine(result, path.relative(root, file));
  progress.ended(result.status);
  const signal = fx.interruption();
  if (signal) fx.exit(signalExitCode(signal));
  return { success: !isFailure(result.status) };
}

/**
 * Cargo reports a rustc or build script that a signal ended: `(signal: 15, SIGTERM: termination signal)`. Nx stopping a
 * run signals the task's whole process tree, so cargo may exit on its own with that line: the gate was interrupted.
 */
export function childEndedBySignal(stderr: string): NodeJS.Signals | undefined {
  const match = /\(signal: \d+, (SIGINT|SIGTERM|SIGHUP)\b/.exec(stderr);
  return match ? (match[1] as NodeJS.Signals) : undefined;
}

/** What one run of the gate learns as it goes, for its result. */
interface GateRun {
  gate: GateDefinition;
  project: string;
  started: Date;
  /** Which commit computed the result: a replay (local or remote cache) then names the run it came from. */
  commit: string | null;
  commands: string[];
  crate: CrateModel | null;
  toolchain: Toolchain | null;
  /** Set once the options are resolved: a build for another target triple writes its own result folder. */
  targetTriple?: string;
  /**
   * A command ended by a signal we did not send (Nx stopping the run kills the task's process tree, a runner
   * cancelling the job) interrupted the gate just as a signal to this process does.
   */
  commandKilledBy?: NodeJS.Signals;
  /** Variables of the task's environment the gate's processes did not get (names only), once its context is built. */
  withheldEnv?: string[];
  /** Where the heartbeat goes while cargo runs. */
  progress: GateProgress;
}

/** What the task holds while the gate runs: its locks (the gate adds its target directory's) and its progress lines. */
interface Holding {
  locks: HeldLock[];
  progress: GateProgress;
}

async function runGate(gate: GateDefinition, options: Record<string, unknown>, context: ExecutorContext, { locks, progress }: Holding, fx: GateEffects): Promise<GateResult> {
  const started = fx.now();
  // Which commit computed the result: a replay (local or remote cache) then names the run it came from.
  const commit = await headCommit({ run: (file, args) => fx.runCommand(file, args, { cwd: context.root, live: 'none' }) }).catch(() => null);
  const run: GateRun = { gate, project: context.projectName!, started, commit, commands: [], crate: null, toolchain: null, progress };
  try {
    const prepared = await prepareGate(run, options, context, fx);
    if ('status' in prepared) return buildResult(run, prepared, fx);
    await takeTargetDirectoryLocks(run, prepared, locks, fx);
    const outcome = await gate.run(prepared);
    return buildResult(run, gate.traced ? await withTracedInputs(prepared, outcome) : outcome, fx);
  } catch (error) {
    // A bug of ours, not the user's input: still one line and a failed gate, with the stack only on request.
    if (fx.env.NX_VERBOSE_LOGGING === 'true') fx.error(error);
    return buildResult(run, failure(`internal error: ${(error as Error).message ?? error} (set NX_VERBOSE_LOGGING=true for details)`), fx);
  }
}

const failure = (reason: string): GateOutcome => ({ status: 'failed', reason });

/** The result file's content. A gate cut off by a signal judged nothing: whatever its commands returned, it says so. */
function buildResult(run: GateRun, outcome: GateOutcome, fx: GateEffects): GateResult {
  const signal = fx.interruption() ?? run.commandKilledBy;
  const final: GateOutcome = signal
    ? { status: 'interrupted', reason: `interrupted by ${signal} before it finished; run it again`, details: { ...outcome.details, interruptedBy: signal } }
    : outcome;
  const result: GateResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    gate: gateTarget(run.gate),
    project: run.project,
    crate: run.crate?.name ?? run.project,
    version: run.crate?.version ?? '',
    status: final.status,
    reason: final.reason,
    startedAt: run.started.toISOString(),
    durationMs: fx.now().getTime() - run.started.getTime(),
    commands: run.commands,
    details: { ...final.details, ...withheldDetails(run.withheldEnv ?? []) },
    ...(run.targetTriple ? { targetTriple: run.targetTriple } : {}),
    run: { ...runStampFrom(fx.env), host: fx.hostname(), commit: run.commit },
    environment: environmentOf(run.toolchain),
  };
  // The table's figure is worked out once, while the gate's own code is at hand: the report only reads it.
  return { ...result, keyFigure: run.gate.keyFigure(result) };
}

/** The crate, the emergency skip, the options and the toolchain: the gate's context, or the outcome that ends it early. */
async function prepareGate(run: GateRun, options: Record<string, unknown>, context: ExecutorContext, fx: GateEffects): Promise<GateContext | GateOutcome> {
  const root = context.projectsConfigurations?.projects[run.project]?.root ?? '.';
  const crate = (run.crate = await fx.readCrate(root, context.root));
  if (!crate) return failure(`no cargo package at ${root}/Cargo.toml; the project is not a crate`);
  if (crate.error) return failure(crate.error);
  const emergency = emergencySkipFor(gateTarget(run.gate), fx.env);
  if (typeof emergency === 'string') return failure(emergency);
  if (emergency) return { status: 'skipped', reason: `emergency: ${emergency.reason}`, details: { emergency: emergency.reason, emergencyUntil: emergency.until } };
  const resolved = resolveOptions(run.gate, options, crate, context, fx.env);
  if (typeof resolved === 'string') return failure(resolved);
  const keyed = keyedOptionsProblem(run.gate.name, taskInputs(context, run.project), stateProbesOf(taskMetadata(context, run.project)), crate, resolved.options, context.root);
  if (keyed) return failure(keyed);
  run.targetTriple = resolved.targetTriple;
  const crateDir = path.join(context.root, crate.root);
  const toolchain = (run.toolchain = await fx.detectToolchain(crateDir));
  if (!toolchain.cargo) return failure(toolchain.cargoProblem ?? CARGO_NOT_FOUND);
  return gateContextFor(run, { crate, crateDir, toolchain, options: resolved.options }, context, fx);
}

/** The gate's options from every layer, checked: the options, or the one line saying what is wrong. */
function resolveOptions(gate: GateDefinition, options: Record<string, unknown>, crate: CrateModel, context: ExecutorContext, env: NodeJS.ProcessEnv): { options: GateOptions; targetTriple?: string } | string {
  try {
    const resolved = validateGateOptions(gate.name, runtimeDefaults(gate.name, options, env), lowerLayers(crate, pluginOptionsFrom(context.nxJsonConfiguration)), {
      workspaceRoot: context.root,
      crateDir: path.join(context.root, crate.root),
      crate,
    });
    return { options: resolved, targetTriple: resolved.targetTriple };
  } catch (error) {
    if (error instanceof OptionError) return error.message;
    throw error;
  }
}

interface PreparedCrate {
  crate: CrateModel;
  crateDir: string;
  toolchain: Toolchain;
  options: GateOptions;
}

function gateContextFor(run: GateRun, { crate, crateDir, toolchain, options }: PreparedCrate, context: ExecutorContext, fx: GateEffects): GateContext {
  const { gate, project, targetTriple } = run;
  const targetDirectory = options.targetDirectory === 'per-gate' ? path.join(cargoTargetDirectory({ crate, crateDir }), 'release-gates', gate.name) : undefined;
  // nvcc found through $CUDA_PATH or $CUDA_HOME only: build scripts look for it on PATH (as the cc crate does), and
  // gate-test and gate-doc build the CUDA features too when the toolkit is present, so every command gets its folder.
  const nvccDir = toolchain.cuda && path.isAbsolute(toolchain.cuda.nvcc) ? path.dirname(toolchain.cuda.nvcc) : null;
  // Only what the cache key covers reaches the gate's processes, so an undeclared variable cannot change a verdict
  // Nx later replays. The names left out go into the result and one warning line.
  const hermetic = gateEnvironment(fx.env, gate, options);
  run.withheldEnv = hermetic.withheld;
  if (worthWarning(hermetic.withheld)) fx.log.warn(withheldSummary(`${project}:${gateTarget(gate)}`, hermetic.withheld));
  const PATH = pathVariable(hermetic.env);
  const env: Record<string, string | undefined> = { ...hermetic.env, ...(nvccDir ? { [PATH]: `${nvccDir}${path.delimiter}${hermetic.env[PATH] ?? ''}` } : {}) };
  // The switch that turns tracing off is the run's own setting (and in the key), not a variable the gate's processes get.
  const tracer = gate.traced && fx.traceAvailability ? gateTracer(() => fx.traceAvailability!(fx.env), { lookups: gate.tracesLookups === true }) : null;
  const runProgram: GateContext['run'] = async (file, args, runOptions) => {
    const commandResult = await fx.runCommand(file, args, { cwd: crateDir, env: { ...env, ...runOptions?.env }, replaceEnv: true, live: runOptions?.live ?? 'all', timeoutMs: runOptions?.timeoutMs, capture: runOptions?.capture, onLine: runOptions?.onLine, priority: runOptions?.priority });
    if (!runOptions?.probe) run.commands.push(commandResult.commandLine);
    if (!commandResult.timedOut) run.commandKilledBy ??= commandResult.signal ?? childEndedBySignal(commandResult.stderr);
    return commandResult;
  };
  return {
    project,
    gateName: gate.name,
    crate,
    workspaceRoot: context.root,
    crateDir,
    resultDir: path.join(context.root, resultFolder(project, targetTriple)),
    options,
    toolchain,
    env,
    log: fx.log,
    startedAt: run.started,
    upstream: (name) => upstreamResult(context, project, name, targetTriple, fx),
    declaredInputs: () => declaredInputsOfTask(context, project),
    run: runProgram,
    targetDirectory,
    tracedReads: () => tracer?.reads() ?? null,
    // per-gate: this gate's cargo calls get their own target directory, so gates do not wait on cargo's lock.
    // targetTriple: cargo's own CARGO_BUILD_TARGET (= --target) reaches every cargo subcommand, nextest included.
    cargo: async (args, runOptions) => {
      const beat = startHeartbeat(`${project}:${gateTarget(gate)}: cargo ${args[0] ?? ''}`, (line) => run.progress.say(line), fx.heartbeatClock);
      const cargoOptions = {
        ...runOptions,
        env: { ...runOptions?.env, ...(targetDirectory ? { CARGO_TARGET_DIR: targetDirectory } : {}), ...(targetTriple ? { CARGO_BUILD_TARGET: targetTriple } : {}) },
        onLine: (_stream: 'stdout' | 'stderr', line: string) => beat.saw(line),
      };
      try {
        const traced = await tracer?.wrap('cargo', args, crateDir);
        if (!traced) return await runProgram('cargo', args, cargoOptions);
        // The result lists the cargo command, not its strace wrapper.
        const result = await runProgram(traced.file, traced.args, { ...cargoOptions, probe: true }).finally(traced.done);
        const line = commandLine('cargo', args);
        if (!runOptions?.probe) run.commands.push(line);
        return { ...result, commandLine: line };
      } finally {
        beat.stop();
      }
    },
  };
}

/**
 * Gates that write and read back the same part of a shared target directory (target/package) take turns; a gate whose
 * pre-check says this run builds nothing takes no lock.
 */
async function takeTargetDirectoryLocks(run: GateRun, gateContext: GateContext, locks: HeldLock[], fx: GateEffects): Promise<void> {
  if (gateContext.targetDirectory || run.gate.needsTargetDirectory?.(gateContext) === false) return;
  const shared = cargoTargetDirectory(gateContext, gateContext.env);
  const what = `${run.project}:${gateTarget(run.gate)}`;
  for (const part of run.gate.targetDirectoryParts ?? []) {
    locks.push(await fx.waitForLock(`${shared}\0${part}`, what, (owner) => fx.notice(`${what}: waiting for ${holderText(owner)}, which uses ${path.join(shared, part)}`)));
  }
}

/**
 * Another gate's result, only when it belongs to this Nx run: Nx scheduled that task in this run (it is in the
 * task graph) and the file on disk records that task's hash, which also holds for a result Nx replayed from a cache
 * for the same inputs. A file an earlier run left (the gate skipped, failed before writing, or excluded from the run)
 * is never judged.
 */
function upstreamResult(context: ExecutorContext, project: string, gate: string, triple: string | undefined, fx: GateEffects): UpstreamResult {
  const target = gateTarget(gate);
  const task = context.taskGraph?.tasks[`${project}:${target}`];
  if (!task) return { problem: `${target} is not part of this Nx run; run it with this gate (do not exclude task dependencies)` };
  const result = fx.readResult(context.root, project, target, triple);
  if (!result) return { problem: `${target} wrote no result in this run` };
  if (!resultBelongsToTask(result, task.hash)) {
    return { problem: `the ${target} result on disk was not written by this run's ${target} (it is left from an earlier run); run ${target} again` };
  }
  return { result };
}

/** The running target's inputs as Nx merged them (undefined when Nx does not say). */
function taskInputs(context: ExecutorContext, project: string): unknown[] | undefined {
  return (context.target?.inputs as unknown[] | undefined) ?? context.projectsConfigurations?.projects[project]?.targets?.[context.targetName ?? '']?.inputs;
}

function taskMetadata(context: ExecutorContext, project: string): unknown {
  return context.target?.metadata ?? context.projectsConfigurations?.projects[project]?.targets?.[context.targetName ?? '']?.metadata;
}

/** The running target's inputs as Nx merged them, with the named inputs and dependencies Nx expands them with. */
function declaredInputsOfTask(context: ExecutorContext, project: string): DeclaredInputs {
  const projects = context.projectsConfigurations?.projects ?? {};
  const graph = context.projectGraph;
  const dependenciesOf = (name: string): string[] => {
    const seen = new Set<string>();
    const visit = (p: string) => {
      for (const dep of graph?.dependencies[p] ?? []) {
        if (!projects[dep.target] || seen.has(dep.target)) continue;
        seen.add(dep.target);
        visit(dep.target);
      }
    };
    visit(name);
    return [...seen];
  };
  // What release-gates.lock learned for the crate counts as declared: the fingerprint hashes it.
  return withLearnedCoverage(declaredInputs({
    project,
    projectRoot: projects[project]?.root ?? '.',
    inputs: taskInputs(context, project),
    namedInputs: (name) => ({ ...(context.nxJsonConfiguration?.namedInputs ?? {}), ...(projects[name]?.namedInputs ?? {}) }) as Record<string, unknown[]>,
    rootOf: (name) => projects[name]?.root,
    dependenciesOf,
  }), context.root, projects[project]?.root ?? '.');
}

/** This gate's part of the emergency skip: the skip when it names this gate, a refusal line, or null. */
function emergencySkipFor(target: string, env: NodeJS.ProcessEnv): EmergencySkip | string | null {
  try {
    const skip = readEmergencySkip(env, GATE_TARGETS);
    return skip?.gates.includes(target) ? skip : null;
  } catch (error) {
    if (error instanceof EmergencySkipError) return error.message;
    throw error;
  }
}
