/**
 * The targets a crate gets: one `gate-*` per gate and `release-dry-run`. Built from the crate model and options
 * only; nothing runs here.
 */
import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import type { CrateModel } from '../model/crate-model';
import { GateSpec, GATE_SPECS, GATE_TARGETS, gateTarget, RELEASE_DRY_RUN, RELEASE_PARITY, RELEASE_PLAN, RELEASE_REHEARSAL, RESULTS_FOLDER } from '../model/catalog';
import { crateNamedInputs, gateInputs, gateStateProbes, stateInputsOf } from '../cache-key/inputs';
import { STATE_PROBES } from '../cache-key/state-hasher';
import { DRY_RUN_GATES } from '../cache-key/dry-run-key';
import { inferredOptionsForGate, lowerLayers } from '../model/resolve-options';
import { TRACE_SWITCH } from '../ops/trace';
import { PLUGIN_NAME } from '../model/plugin-options';
import { ciDependentOptions } from '../model/options';
import { DRY_RUN_REPORT_FOLDER } from '../generators/workflows/remote-cache';
import { signatureName } from '../report/result-signature';

export const TARGET_GROUP = 'Release gates';
const RESULTS = `{workspaceRoot}/${RESULTS_FOLDER}/{projectName}`;

/** `nx show project`'s help (metadata.help): the command that lists the target's options, and an example of them. */
function help(project: string, target: string, example: Readonly<Record<string, unknown>> = {}): NonNullable<TargetConfiguration['metadata']>['help'] {
  return { command: `nx run ${project}:${target} --help`, example: { options: { ...example } } };
}

/** CI, for a gate with an option left to its CI-dependent default: a pass under `warn` must not replay in CI. */
function ciInput(gate: string, options: Record<string, unknown>): string[] {
  return ciDependentOptions(gate).some((name) => options[name] === undefined) ? ['CI'] : [];
}

/** envInputs as inference merged it, before validation: the gate refuses a bad value when it runs. */
function envInputsOf(options: Record<string, unknown>): string[] {
  return Array.isArray(options.envInputs) ? options.envInputs.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * The gates a release-dry-run runs when nothing chooses others: nx.json's targetDefaults (by target name, then by
 * executor), else every gate. Read at inference because the target's outputs must name exactly their files.
 */
export function defaultDryRunGates(nxJson: { targetDefaults?: Record<string, { options?: Record<string, unknown> } | undefined> } | undefined): string[] {
  const defaults = nxJson?.targetDefaults ?? {};
  for (const key of [RELEASE_DRY_RUN, `${PLUGIN_NAME}:${RELEASE_DRY_RUN}`]) {
    const gates = defaults[key]?.options?.gates;
    if (Array.isArray(gates) && gates.length && gates.every((g) => typeof g === 'string' && (GATE_TARGETS as readonly string[]).includes(g))) return [...(gates as string[])];
  }
  return [...GATE_TARGETS];
}

/**
 * A gate's output as the release-dry-run task declares it: `{options.*}` stands for the dry run's options there, so
 * the gate's own value is written in, and an output whose option the gate leaves unset is dropped (as Nx drops it).
 */
function withGateOptions(output: string, options: Record<string, unknown>): string | null {
  let dropped = false;
  const resolved = output.replace(/\{options\.([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = options[name];
    if (typeof value === 'string' && value !== '') return value;
    dropped = true;
    return '';
  });
  return dropped ? null : resolved;
}

/** The gates a dry run of `gates` runs: those and, through dependsOn, the gates they need first (same crate). */
export function gatesWithDependencies(targets: Readonly<Record<string, TargetConfiguration>>, gates: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (gate: string) => {
    if (seen.has(gate) || !targets[gate]) return;
    seen.add(gate);
    for (const dependency of targets[gate].dependsOn ?? []) if (typeof dependency === 'string' && !dependency.startsWith('^')) visit(dependency);
  };
  gates.forEach(visit);
  return [...seen];
}

/**
 * release-dry-run's outputs: its report and every output of the gates it runs, so that a replay of the whole dry run
 * (executors/release-dry-run/dry-run-hasher.ts) restores the same files a run that replayed each gate would leave.
 */
function dryRunOutputs(targets: Readonly<Record<string, TargetConfiguration>>, gates: readonly string[]): string[] {
  const outputs = gatesWithDependencies(targets, gates).flatMap((gate) => (targets[gate].outputs ?? []).map((o) => withGateOptions(o, targets[gate].options ?? {})));
  return [...new Set([`${RESULTS}/${RELEASE_DRY_RUN}.json`, ...outputs.filter((o): o is string => o !== null)])];
}

export function crateProject(crate: CrateModel, pluginOptions: Record<string, unknown>, workspaceRoot: string, dryRunGates: readonly string[] = GATE_TARGETS): Omit<ProjectConfiguration, 'root'> {
  const layers = lowerLayers(crate, pluginOptions);
  const targets: Record<string, TargetConfiguration> = {};
  for (const gate of GATE_SPECS) {
    const target = gateTarget(gate);
    const options = inferredOptionsForGate(gate.name, layers);
    const stateKinds = stateInputsOf(gate, crate, options);
    const dependsOn = [...(gate.dependsOn ?? []), ...(gate.optionalDependsOn?.(options) ?? [])];
    targets[target] = {
      executor: `${PLUGIN_NAME}:${target}`,
      options,
      cache: gate.cacheable,
      inputs: gateInputs(crate, workspaceRoot, [...(gate.envInputs ?? []), ...ciInput(gate.name, options), ...(gate.traced ? [TRACE_SWITCH] : [])], envInputsOf(options), stateKinds, gate.name, options) ?? [],
      outputs: [
        `${RESULTS}/${target}.json`,
        // A trusted writer's signature replays with what it vouches for (report/result-signature.ts).
        `${RESULTS}/${signatureName(target)}`,
        ...(gate.extraOutputs ?? []).map((o) => `${RESULTS}/${o}`),
        // With --targetTriple, that triple's folder; Nx drops an output whose option is unset (the host build).
        ...(gate.takesTargetTriple
          ? [`${RESULTS}/{options.targetTriple}/${target}.json`, `${RESULTS}/{options.targetTriple}/${signatureName(target)}`, ...(gate.extraOutputs ?? []).map((o) => `${RESULTS}/{options.targetTriple}/${o}`)]
          : []),
      ],
      ...(dependsOn.length ? { dependsOn: dependsOn.map(gateTarget) } : {}),
      metadata: {
        description: gate.description,
        technologies: ['rust'],
        help: help(crate.name, target, gate.helpExample),
        ...(stateKinds.length ? { [STATE_PROBES]: gateStateProbes(crate, stateKinds, options, gate.name) } : {}),
      },
    };
  }
  // The crate-level targets: one executor each, never cached (each reads or writes state of the whole release), but
  // release-dry-run, below.
  const crateTarget = (name: string, options: Record<string, unknown>, description: string, example: Record<string, unknown>): TargetConfiguration => ({
    executor: `${PLUGIN_NAME}:${name}`,
    options,
    cache: false,
    metadata: { description, technologies: ['rust'], help: help(crate.name, name, example) },
  });
  const dryRun = crateTarget(
    RELEASE_DRY_RUN,
    { gates: [...GATE_TARGETS] },
    `Runs every release gate of the crate through Nx (cached gates replay, live output), then prints one table and writes ${RESULTS_FOLDER}/<project>/${RELEASE_DRY_RUN}.json, also when gates fail. Replays whole when no gate's key changed.`,
    { gates: ['gate-build', 'gate-test'] },
  );
  // Cached, keyed by its gates' keys (executors/release-dry-run/dry-run-hasher.ts): a warm dry run is one Nx start, with no process of
  // its own. The lockfile is hashed whole because the report records its hash.
  targets[RELEASE_DRY_RUN] = {
    ...dryRun,
    cache: true,
    inputs: crate.lockfile ? [`{workspaceRoot}/${crate.lockfile}`] : [],
    outputs: dryRunOutputs(targets, dryRunGates),
    metadata: { ...dryRun.metadata, [DRY_RUN_GATES]: [...dryRunGates] },
  };
  targets[RELEASE_PLAN] = crateTarget(
    RELEASE_PLAN,
    {},
    `Before anything builds: which gates will run or replay (Nx's task hashes against the local cache) and why, whether the whole dry run replays, what the release workflow builds for which targets and the archives it packs, and what it publishes; writes ${RESULTS_FOLDER}/<project>/${RELEASE_PLAN}.json.`,
    {},
  );
  targets[RELEASE_REHEARSAL] = crateTarget(
    RELEASE_REHEARSAL,
    {},
    'Pushes test-release-v<version> (HEAD) so the "Release dry run" workflow runs, e.g. `--releaseVersion=1.7.2`; `--cleanup` deletes the branch here and on the remote. Refuses a dirty tree, an existing branch and a version that is not the crate\'s.',
    { releaseVersion: '1.7.2' },
  );
  targets[RELEASE_PARITY] = crateTarget(
    RELEASE_PARITY,
    {},
    'Compares this crate\'s release-dry-run.json with another run\'s (`--against=<path or http(s) URL>`) and prints each difference (toolchain, host, target, features, CUDA mode, Cargo.lock, commit, hashed environment) that keeps gate results from being shared.',
    { against: `${DRY_RUN_REPORT_FOLDER}/${RELEASE_DRY_RUN}.json` },
  );
  return {
    name: crate.name,
    projectType: crate.binaries.length ? 'application' : 'library',
    tags: ['rust', 'cargo'],
    namedInputs: crateNamedInputs(),
    targets,
    metadata: { technologies: ['rust'], targetGroups: { [TARGET_GROUP]: [...GATE_TARGETS, RELEASE_DRY_RUN, RELEASE_PLAN, RELEASE_REHEARSAL, RELEASE_PARITY] } },
  };
}
