/**
 * The executor adapter every gate target uses: take the gate's locks, clear its previous outputs, resolve options,
 * run the gate, write its result file, and exit non-zero exactly when the status is a failure. Bad input of any kind
 * ends here as one line and a failed result, never a stack trace; a result that cannot be written fails the task.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { readCrateAt } from '../../ops/read-crates';
import { CARGO_NOT_FOUND } from '../../parsers/cargo-errors';
import { CrateModel } from '../../model/crate-model';
import { interruption, runCommand, signalExitCode } from '../../ops/process';
import { detectToolchain, Toolchain } from '../../ops/toolchain';
import { cpuFallbackFeaturesOf, cudaFeaturesOf, unknownFeatures } from '../../model/feature-sets';
import { EmergencySkip, EmergencySkipError, readEmergencySkip } from '../../model/emergency';
import { cargoTargetDirectory } from '../../ops/target-directory';
import { findGate } from '../../gates';
import { GATE_TARGETS, gateTarget } from '../../model/catalog';
import type { GateContext, GateDefinition, GateLog, GateOutcome, UpstreamResult } from '../../gates/types';
import { pluginOptionsFrom } from '../../model/plugin-options';
import { GateOptions, lowerLayers, OptionError, resolveGateOptions } from '../../model/resolve-options';
import { environmentOf, GateResult, isFailure, readGateResult, RESULT_SCHEMA_VERSION, resultFile, resultFolder, writeGateResult } from '../../report/result';
import { printGateLine } from '../../report/console';
import { HeldLock, waitForLock } from '../../ops/lock';
import { RUN_ID_VARIABLE } from '../../plugin/run-identity';
import { DeclaredInputs, declaredInputs } from '../../cache-key/declared-inputs';

export function gateExecutor(gateName: string) {
  return async function executor(options: Record<string, unknown>, context: ExecutorContext): Promise<{ success: boolean }> {
    const gate = findGate(gateName)!;
    const target = gateTarget(gate);
    const project = context.projectName!;
    // A build for another target triple keeps its own result folder; an invalid value is judged (failed) in runGate.
    const triple = validTriple(options.targetTriple);
    const say = (line: string) => console.error(`✖ ${project}:${target} failed: ${line}`);
    const locks: HeldLock[] = [];
    try {
      // One run of a crate's gate at a time: a second waits instead of deleting or mixing the first one's files.
      locks.push(await waitForLock(`${context.root}\0${project}\0${target}\0${triple ?? ''}`, `${project}:${target}`, (owner) => console.error(`${project}:${target}: waiting for another run of this gate (pid ${owner.pid}, since ${owner.since})`)));
      const cleared = clearOutputs(gate, context.root, project, triple);
      if (cleared) {
        say(cleared);
        return { success: false };
      }
      const result = await runGate(gate, options, context, locks);
      let file: string;
      try {
        file = writeGateResult(context.root, result);
      } catch (error) {
        say(`cannot write its result file ${path.join(resultFolder(project, triple), `${target}.json`)}: ${(error as Error).message}; make dist/release-gates writable and run again (the gate's verdict, ${result.status}, is void without it)`);
        return { success: false };
      }
      printGateLine(result, path.relative(context.root, file));
      const signal = interruption();
      if (signal) process.exit(signalExitCode(signal));
      return { success: !isFailure(result.status) };
    } finally {
      for (const lock of locks) lock.release();
    }
  };
}

/**
 * Cargo reports a rustc or build script that a signal ended: `(signal: 15, SIGTERM: termination signal)`. Nx stopping a
 * run signals the task's whole process tree, so cargo may exit on its own with that line: the gate was interrupted.
 */
export function childEndedBySignal(stderr: string): NodeJS.Signals | undefined {
  const match = /\(signal: \d+, (SIGINT|SIGTERM|SIGHUP)\b/.exec(stderr);
  return match ? (match[1] as NodeJS.Signals) : undefined;
}

/**
 * The previous run's result file and extra outputs go before the gate starts, so nothing can read them as this
 * run's (a gate that fails half way, or is interrupted, leaves no stale pass behind). A message when they cannot go.
 */
function clearOutputs(gate: GateDefinition, workspaceRoot: string, project: string, triple: string | undefined): string | null {
  const folder = path.join(workspaceRoot, resultFolder(project, triple));
  for (const file of [resultFile(workspaceRoot, project, gateTarget(gate), triple), ...(gate.extraOutputs ?? []).map((o) => path.join(folder, o))]) {
    try {
      fs.rmSync(file, { recursive: true, force: true });
    } catch (error) {
      return `cannot remove the previous ${path.relative(workspaceRoot, file)}: ${(error as Error).message}; make dist/release-gates writable and run again`;
    }
  }
  try {
    fs.mkdirSync(folder, { recursive: true });
    fs.accessSync(folder, fs.constants.W_OK);
  } catch (error) {
    return `cannot write to ${path.relative(workspaceRoot, folder)}: ${(error as Error).message}; make dist/release-gates writable and run again`;
  }
  return null;
}

/** What the gate prints goes to stderr: stdout belongs to tools whose output Nx shows as is. */
const consoleLog: GateLog = {
  info: (text) => {
    if (text) process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  },
  warn: (text) => process.stderr.write(`warning: ${text}\n`),
};

async function runGate(gate: GateDefinition, options: Record<string, unknown>, context: ExecutorContext, locks: HeldLock[]): Promise<GateResult> {
  const project = context.projectName!;
  const root = context.projectsConfigurations?.projects[project]?.root ?? '.';
  const started = new Date();
  const commands: string[] = [];
  let crate: CrateModel | null = null;
  let toolchain: Toolchain | null = null;
  // Set once the options are resolved: a build for another target triple writes its own result folder.
  let targetTriple: string | undefined;
  // A command ended by a signal we did not send (Nx stopping the run kills the task's process tree, a runner
  // cancelling the job) interrupted the gate just as a signal to this process does.
  let commandKilledBy: NodeJS.Signals | undefined;
  const finish = (outcome: GateOutcome): GateResult => {
    const signal = interruption() ?? commandKilledBy;
    // A gate cut off by a signal judged nothing: whatever its commands returned, it says so.
    const final: GateOutcome = signal
      ? { status: 'interrupted', reason: `interrupted by ${signal} before it finished; run it again`, details: { ...outcome.details, interruptedBy: signal } }
      : outcome;
    const result: GateResult = {
      schemaVersion: RESULT_SCHEMA_VERSION,
      gate: gateTarget(gate),
      project,
      crate: crate?.name ?? project,
      version: crate?.version ?? '',
      status: final.status,
      reason: final.reason,
      startedAt: started.toISOString(),
      durationMs: Date.now() - started.getTime(),
      commands,
      details: final.details ?? {},
      ...(targetTriple ? { targetTriple } : {}),
      run: { taskHash: process.env.NX_TASK_HASH ?? null, runId: process.env[RUN_ID_VARIABLE] ?? null, host: os.hostname(), commit },
      environment: environmentOf(toolchain),
    };
    // The table's figure is worked out once, while the gate's own code is at hand: the report only reads it.
    return { ...result, keyFigure: gate.keyFigure(result) };
  };
  const fail = (reason: string) => finish({ status: 'failed', reason });

  // Which commit computed the result: a replay (local or remote cache) then names the run it came from.
  const head = await runCommand('git', ['rev-parse', 'HEAD'], { cwd: context.root, live: 'none' }).catch(() => null);
  const commit = head && head.exitCode === 0 ? head.stdout.trim() : null;
  try {
    crate = await readCrateAt(root, context.root);
    if (!crate) return fail(`no cargo package at ${root}/Cargo.toml; the project is not a crate`);
    if (crate.error) return fail(crate.error);
    const emergency = emergencySkipFor(gateTarget(gate));
    if (typeof emergency === 'string') return fail(emergency);
    if (emergency) return finish({ status: 'skipped', reason: `emergency: ${emergency.reason}`, details: { emergency: emergency.reason, emergencyUntil: emergency.until } });
    let resolved: GateOptions;
    try {
      resolved = resolveGateOptions(gate.name, options, lowerLayers(crate, pluginOptionsFrom(context.nxJsonConfiguration)), {
        workspaceRoot: context.root,
        crateDir: path.join(context.root, crate.root),
      });
      checkFeatures(crate, resolved);
      targetTriple = checkTargetTriple(resolved.targetTriple);
    } catch (error) {
      if (error instanceof OptionError) return fail(error.message);
      throw error;
    }
    const crateDir = path.join(context.root, crate.root);
    toolchain = await detectToolchain(crateDir);
    if (!toolchain.cargo) return fail(toolchain.cargoProblem ?? CARGO_NOT_FOUND);
    const targetDirectory =
      resolved.targetDirectory === 'per-gate' ? path.join(cargoTargetDirectory({ crate, crateDir }), 'release-gates', gate.name) : undefined;
    // nvcc found through $CUDA_PATH or $CUDA_HOME only: build scripts look for it on PATH (as the cc crate does), and
    // gate-test and gate-doc build the CUDA features too when the toolkit is present, so every command gets its folder.
    const nvccDir = toolchain.cuda && path.isAbsolute(toolchain.cuda.nvcc) ? path.dirname(toolchain.cuda.nvcc) : null;
    const env: Record<string, string | undefined> = { ...process.env, ...(nvccDir ? { PATH: `${nvccDir}${path.delimiter}${process.env.PATH ?? ''}` } : {}) };
    const run: GateContext['run'] = async (file, args, runOptions) => {
      const live = runOptions?.live ?? 'all';
      const commandResult = await runCommand(file, args, { cwd: crateDir, env: { ...env, ...runOptions?.env }, live, timeoutMs: runOptions?.timeoutMs });
      if (!runOptions?.probe) commands.push(commandResult.commandLine);
      if (!commandResult.timedOut) commandKilledBy ??= commandResult.signal ?? childEndedBySignal(commandResult.stderr);
      return commandResult;
    };
    const gateContext: GateContext = {
      project,
      gateName: gate.name,
      crate,
      workspaceRoot: context.root,
      crateDir,
      resultDir: path.join(context.root, resultFolder(project, targetTriple)),
      options: resolved,
      toolchain,
      env,
      log: consoleLog,
      startedAt: started,
      upstream: (name) => upstreamResult(context, project, name, targetTriple),
      declaredInputs: () => declaredInputsOfTask(context, project),
      run,
      targetDirectory,
      // per-gate: this gate's cargo calls get their own target directory, so gates do not wait on cargo's lock.
      // targetTriple: cargo's own CARGO_BUILD_TARGET (= --target) reaches every cargo subcommand, nextest included.
      cargo: (args, runOptions) =>
        run('cargo', args, {
          ...runOptions,
          env: { ...runOptions?.env, ...(targetDirectory ? { CARGO_TARGET_DIR: targetDirectory } : {}), ...(targetTriple ? { CARGO_BUILD_TARGET: targetTriple } : {}) },
        }),
    };
    // Gates that write and read back the same part of a shared target directory (target/package) take turns.
    if (!targetDirectory) {
      const shared = cargoTargetDirectory({ crate, crateDir }, env);
      for (const part of gate.targetDirectoryParts ?? []) {
        locks.push(await waitForLock(`${shared}\0${part}`, `${project}:${gateTarget(gate)}`, (owner) => consoleLog.info(`${project}:${gateTarget(gate)}: waiting for ${owner.what} (pid ${owner.pid}), which uses ${path.join(shared, part)}`)));
      }
    }
    return finish(await gate.run(gateContext));
  } catch (error) {
    // A bug of ours, not the user's input: still one line and a failed gate, with the stack only on request.
    if (process.env.NX_VERBOSE_LOGGING === 'true') console.error(error);
    return fail(`internal error: ${(error as Error).message ?? error} (set NX_VERBOSE_LOGGING=true for details)`);
  }
}

/**
 * Another gate's result, only when it belongs to this Nx run: Nx scheduled that task in this run (it is in the
 * task graph) and the file on disk records that task's hash, which also holds for a result Nx replayed from a cache
 * for the same inputs. A file an earlier run left (the gate skipped, failed before writing, or excluded from the run)
 * is never judged.
 */
function upstreamResult(context: ExecutorContext, project: string, gate: string, triple: string | undefined): UpstreamResult {
  const target = gateTarget(gate);
  const task = context.taskGraph?.tasks[`${project}:${target}`];
  if (!task) return { problem: `${target} is not part of this Nx run; run it with this gate (do not exclude task dependencies)` };
  const result = readGateResult(context.root, project, target, triple);
  if (!result) return { problem: `${target} wrote no result in this run` };
  if (!task.hash || result.run?.taskHash !== task.hash) {
    return { problem: `the ${target} result on disk was not written by this run's ${target} (it is left from an earlier run); run ${target} again` };
  }
  return { result };
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
  return declaredInputs({
    project,
    projectRoot: projects[project]?.root ?? '.',
    inputs: (context.target?.inputs as unknown[] | undefined) ?? projects[project]?.targets?.[context.targetName ?? '']?.inputs,
    namedInputs: (name) => ({ ...(context.nxJsonConfiguration?.namedInputs ?? {}), ...(projects[name]?.namedInputs ?? {}) }) as Record<string, unknown[]>,
    rootOf: (name) => projects[name]?.root,
    dependenciesOf,
  });
}

/** This gate's part of the emergency skip: the skip when it names this gate, a refusal line, or null. */
function emergencySkipFor(target: string): EmergencySkip | string | null {
  try {
    const skip = readEmergencySkip(process.env, GATE_TARGETS);
    return skip?.gates.includes(target) ? skip : null;
  } catch (error) {
    if (error instanceof EmergencySkipError) return error.message;
    throw error;
  }
}

const TRIPLE = /^[a-z0-9_.]+(?:-[a-z0-9_.]+){2,3}$/;

function validTriple(value: unknown): string | undefined {
  return typeof value === 'string' && TRIPLE.test(value) ? value : undefined;
}

/** The targetTriple option: unset (the host) or a triple; never a value that could become a path or an argument. */
function checkTargetTriple(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !TRIPLE.test(value)) {
    throw new OptionError(`option targetTriple ${JSON.stringify(value)} is not a Rust target triple; write e.g. x86_64-unknown-linux-gnu (rustc --print target-list lists them)`);
  }
  return value;
}

/** A misspelt feature is caught before cargo runs, with the crate's real features listed. */
function checkFeatures(crate: CrateModel, options: GateOptions): void {
  const named = [
    ...(options.features ?? []),
    ...(options.excludeFeatures ?? []),
    ...(options.cudaFeatures ? cudaFeaturesOf(crate, options) : []),
    ...(options.cpuFallbackFeatures ? cpuFallbackFeaturesOf(crate, options) : []),
  ];
  const unknown = unknownFeatures(crate, named);
  if (unknown.length) {
    const known = Object.keys(crate.features).filter((f) => f !== 'default');
    throw new OptionError(
      `${unknown.length === 1 ? 'feature' : 'features'} ${unknown.map((f) => JSON.stringify(f)).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not defined by crate ${crate.name} (its features: ${known.join(', ') || 'none'}); correct the name in the options or define the feature under [features] in ${crate.manifestPath}`,
    );
  }
}
