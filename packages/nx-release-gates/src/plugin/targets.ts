/**
 * The targets a crate gets: one `gate-*` per gate and `release-dry-run`. Built from the crate model and options
 * only; nothing runs here.
 */
import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import type { CrateModel } from '../model/crate-model';
import { GateSpec, GATE_SPECS, GATE_TARGETS, gateTarget, RELEASE_DRY_RUN, RELEASE_PARITY, RELEASE_PLAN, RELEASE_REHEARSAL, RESULTS_FOLDER } from '../model/catalog';
import { crateNamedInputs, gateInputs, gateStateProbes, stateInputsOf } from '../cache-key/inputs';
import { STATE_PROBES } from '../cache-key/state-hasher';
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

export function crateProject(crate: CrateModel, pluginOptions: Record<string, unknown>, workspaceRoot: string): Omit<ProjectConfiguration, 'root'> {
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
  // The crate-level targets: never cached (each reads or writes state of the whole release), one executor each.
  const crateTarget = (name: string, options: Record<string, unknown>, description: string, example: Record<string, unknown>): TargetConfiguration => ({
    executor: `${PLUGIN_NAME}:${name}`,
    options,
    cache: false,
    metadata: { description, technologies: ['rust'], help: help(crate.name, name, example) },
  });
  targets[RELEASE_DRY_RUN] = crateTarget(
    RELEASE_DRY_RUN,
    { gates: [...GATE_TARGETS] },
    `Runs every release gate of the crate through Nx (cached gates replay, live output), then prints one table and writes ${RESULTS_FOLDER}/<project>/${RELEASE_DRY_RUN}.json, also when gates fail.`,
    { gates: ['gate-build', 'gate-test'] },
  );
  targets[RELEASE_PLAN] = crateTarget(
    RELEASE_PLAN,
    {},
    `Before anything builds: which gates will run or replay (Nx's task hashes against the local cache) and why, what the release workflow builds for which targets and the archives it packs, and what it publishes; writes ${RESULTS_FOLDER}/<project>/${RELEASE_PLAN}.json.`,
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
