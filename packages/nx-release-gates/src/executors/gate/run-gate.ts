/**
 * The executor adapter every gate target uses: resolve options, run the gate, write its result file, and exit
 * non-zero exactly when the status is `failed`. Bad input of any kind ends here as one line and a failed result,
 * never a stack trace.
 */
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { readCrateAt } from '../../cargo/read-crates';
import { CARGO_NOT_FOUND } from '../../cargo/cargo-errors';
import { CrateModel } from '../../cargo/crate-model';
import { runCommand } from '../../cargo/run-command';
import { detectToolchain, Toolchain } from '../../cargo/toolchain';
import { cpuFallbackFeaturesOf, cudaFeaturesOf, unknownFeatures } from '../../gates/feature-sets';
import { EmergencySkip, EmergencySkipError, readEmergencySkip } from '../../gates/emergency';
import { cargoTargetDirectory } from '../../gates/target-directory';
import { findGate, GATE_TARGETS, gateTarget } from '../../gates/registry';
import type { GateContext, GateDefinition, GateOutcome } from '../../gates/types';
import { pluginOptionsFrom } from '../../options/plugin-options';
import { GateOptions, lowerLayers, OptionError, resolveGateOptions } from '../../options/resolve';
import { environmentOf, GateResult, RESULT_SCHEMA_VERSION, resultFolder, writeGateResult } from '../../report/result';
import { printGateLine } from '../../report/console';

export function gateExecutor(gateName: string) {
  return async function executor(options: Record<string, unknown>, context: ExecutorContext): Promise<{ success: boolean }> {
    const gate = findGate(gateName)!;
    const result = await runGate(gate, options, context);
    const file = writeGateResult(context.root, result);
    printGateLine(result, path.relative(context.root, file));
    return { success: result.status !== 'failed' };
  };
}

async function runGate(gate: GateDefinition, options: Record<string, unknown>, context: ExecutorContext): Promise<GateResult> {
  const project = context.projectName!;
  const root = context.projectsConfigurations?.projects[project]?.root ?? '.';
  const started = new Date();
  const commands: string[] = [];
  let crate: CrateModel | null = null;
  let toolchain: Toolchain | null = null;
  // Set once the options are resolved: a build for another target triple writes its own result folder.
  let targetTriple: string | undefined;
  const finish = (outcome: GateOutcome): GateResult => ({
    schemaVersion: RESULT_SCHEMA_VERSION,
    gate: gateTarget(gate),
    project,
    crate: crate?.name ?? project,
    version: crate?.version ?? '',
    status: outcome.status,
    reason: outcome.reason,
    startedAt: started.toISOString(),
    durationMs: Date.now() - started.getTime(),
    commands,
    details: outcome.details ?? {},
    ...(targetTriple ? { targetTriple } : {}),
    environment: environmentOf(toolchain),
  });
  const fail = (reason: string) => finish({ status: 'failed', reason: `${project}:${gateTarget(gate)}: ${reason}` });

  try {
    crate = await readCrateAt(root, context.root);
    if (!crate) return fail(`no cargo package at ${root}/Cargo.toml; the project is not a crate`);
    if (crate.error) return fail(crate.error);
    const emergency = emergencySkipFor(gateTarget(gate));
    if (typeof emergency === 'string') return fail(emergency);
    if (emergency) return finish({ status: 'skipped', reason: `emergency: ${emergency.reason}`, details: { emergency: emergency.reason } });
    let resolved: GateOptions;
    try {
      resolved = resolveGateOptions(gate.name, options, lowerLayers(crate, pluginOptionsFrom(context.nxJsonConfiguration)));
      checkFeatures(crate, resolved);
      targetTriple = checkTargetTriple(resolved.targetTriple);
    } catch (error) {
      if (error instanceof OptionError) return fail(error.message);
      throw error;
    }
    const crateDir = path.join(context.root, crate.root);
    toolchain = await detectToolchain(crateDir);
    if (!toolchain.cargo) return fail(CARGO_NOT_FOUND);
    const targetDirectory =
      resolved.targetDirectory === 'per-gate' ? path.join(cargoTargetDirectory({ crate, crateDir }), 'release-gates', gate.name) : undefined;
    // nvcc found through $CUDA_PATH or $CUDA_HOME only: build scripts look for it on PATH (as the cc crate does), and
    // gate-test and gate-doc build the CUDA features too when the toolkit is present, so every command gets its folder.
    const nvccDir = toolchain.cuda && path.isAbsolute(toolchain.cuda.nvcc) ? path.dirname(toolchain.cuda.nvcc) : null;
    const toolkitEnv = nvccDir ? { PATH: `${nvccDir}${path.delimiter}${process.env.PATH ?? ''}` } : {};
    const run: GateContext['run'] = async (file, args, runOptions) => {
      const live = runOptions?.live ?? 'all';
      const commandResult = await runCommand(file, args, { cwd: crateDir, env: { ...toolkitEnv, ...runOptions?.env }, live, timeoutMs: runOptions?.timeoutMs });
      commands.push(commandResult.commandLine);
      return commandResult;
    };
    const gateContext: GateContext = {
      project,
      crate,
      workspaceRoot: context.root,
      crateDir,
      resultDir: path.join(context.root, resultFolder(project, targetTriple)),
      options: resolved,
      toolchain,
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
    return finish(await gate.run(gateContext));
  } catch (error) {
    // A bug of ours, not the user's input: still one line and a failed gate, with the stack only on request.
    if (process.env.NX_VERBOSE_LOGGING === 'true') console.error(error);
    return fail(`internal error: ${(error as Error).message ?? error} (set NX_VERBOSE_LOGGING=true for details)`);
  }
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
