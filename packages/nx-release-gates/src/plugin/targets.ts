/**
 * The targets a crate gets: one `gate-*` per gate and `release-dry-run`. Built from the crate model and options
 * only; nothing runs here.
 */
import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import type { CrateModel } from '../model/crate-model';
import { GATE_SPECS, GATE_TARGETS, gateTarget } from '../model/catalog';
import { crateNamedInputs, gateInputs } from '../cache-key/inputs';
import { inferredOptionsForGate, lowerLayers } from '../model/resolve-options';
import { PLUGIN_NAME } from '../model/plugin-options';

export const RELEASE_DRY_RUN = 'release-dry-run';
export const RELEASE_REHEARSAL = 'release-rehearsal';
export const RELEASE_PARITY = 'release-parity';
export const TARGET_GROUP = 'Release gates';
const RESULTS = '{workspaceRoot}/dist/release-gates/{projectName}';

/** An example of each gate's options for `nx show project` (metadata.help); gates with no option of note run as they are. */
const HELP_EXAMPLES: Record<string, Record<string, unknown>> = {
  'gate-build': { features: ['huggingface'] },
  'gate-cuda': { requireCuda: true },
  'gate-package': { requiredFiles: ['templates/docker/Dockerfile'] },
  'gate-size': { maxBinarySize: '20MiB' },
  'gate-test': { runner: 'nextest' },
  'gate-doc': { missingDocs: 'deny' },
  'gate-version': { versionCommand: ['--version'] },
  'gate-docker': { dockerfile: 'templates/docker/Dockerfile' },
  [RELEASE_DRY_RUN]: { gates: ['gate-build', 'gate-test'] },
  [RELEASE_REHEARSAL]: { releaseVersion: '1.7.2' },
  [RELEASE_PARITY]: { against: 'dry-run-report/release-dry-run.json' },
};

function help(project: string, target: string): NonNullable<TargetConfiguration['metadata']>['help'] {
  return { command: `nx run ${project}:${target} --help`, example: { options: HELP_EXAMPLES[target] ?? {} } };
}

export function crateProject(crate: CrateModel, pluginOptions: Record<string, unknown>, workspaceRoot: string): Omit<ProjectConfiguration, 'root'> {
  const layers = lowerLayers(crate, pluginOptions);
  const targets: Record<string, TargetConfiguration> = {};
  for (const gate of GATE_SPECS) {
    const target = gateTarget(gate);
    const options = inferredOptionsForGate(gate.name, layers);
    const dependsOn = [...(gate.dependsOn ?? []), ...(gate.optionalDependsOn?.(options) ?? [])];
    targets[target] = {
      executor: `${PLUGIN_NAME}:${target}`,
      options,
      cache: gate.cacheable,
      inputs: gateInputs(crate, workspaceRoot, gate.envInputs ?? [], Array.isArray(options.envInputs) ? (options.envInputs as string[]) : [], gate.stateInput),
      outputs: [
        `${RESULTS}/${target}.json`,
        ...(gate.extraOutputs ?? []).map((o) => `${RESULTS}/${o}`),
        // With --targetTriple, that triple's folder; Nx drops an output whose option is unset (the host build).
        ...(gate.name === 'build' || gate.name === 'size' || gate.name === 'test' ? [`${RESULTS}/{options.targetTriple}/${target}.json`, ...(gate.extraOutputs ?? []).map((o) => `${RESULTS}/{options.targetTriple}/${o}`)] : []),
      ],
      ...(dependsOn.length ? { dependsOn: dependsOn.map(gateTarget) } : {}),
      metadata: { description: gate.description, technologies: ['rust'], help: help(crate.name, target) },
    };
  }
  // The crate-level targets: never cached (each reads or writes state of the whole release), one executor each.
  const crateTarget = (name: string, options: Record<string, unknown>, description: string): TargetConfiguration => ({
    executor: `${PLUGIN_NAME}:${name}`,
    options,
    cache: false,
    metadata: { description, technologies: ['rust'], help: help(crate.name, name) },
  });
  targets[RELEASE_DRY_RUN] = crateTarget(
    RELEASE_DRY_RUN,
    { gates: [...GATE_TARGETS] },
    'Runs every release gate of the crate through Nx (cached gates replay, live output), then prints one table and writes dist/release-gates/<project>/release-dry-run.json, also when gates fail.',
  );
  targets[RELEASE_REHEARSAL] = crateTarget(
    RELEASE_REHEARSAL,
    {},
    'Pushes test-release-v<version> (HEAD) so the "Release dry run" workflow runs, e.g. `--releaseVersion=1.7.2`; `--cleanup` deletes the branch here and on the remote. Refuses a dirty tree, an existing branch and a version that is not the crate\'s.',
  );
  targets[RELEASE_PARITY] = crateTarget(
    RELEASE_PARITY,
    {},
    'Compares this crate\'s release-dry-run.json with another run\'s (`--against=<path or http(s) URL>`) and prints each difference (toolchain, host, target, features, CUDA mode, Cargo.lock, commit, hashed environment) that keeps gate results from being shared.',
  );
  return {
    name: crate.name,
    projectType: crate.binaries.length ? 'application' : 'library',
    tags: ['rust', 'cargo'],
    namedInputs: crateNamedInputs(),
    targets,
    metadata: { technologies: ['rust'], targetGroups: { [TARGET_GROUP]: [...GATE_TARGETS, RELEASE_DRY_RUN, RELEASE_REHEARSAL, RELEASE_PARITY] } },
  };
}
