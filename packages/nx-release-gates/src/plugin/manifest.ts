/**
 * What executors.json, generators.json and the executor schemas say, derived from the gate registry and the option
 * definitions. tools/build.mjs writes them into the package; a unit test checks them.
 */
import { GATE_SPECS, gateTarget, RELEASE_DRY_RUN, RELEASE_PARITY, RELEASE_PLAN, RELEASE_REHEARSAL, RESULTS_FOLDER } from '../model/catalog';
import { OPTION_DEFINITIONS, OptionDefinition, optionsForGate } from '../model/options';

/**
 * Nx checks a target's options against the executor's schema before the executor runs. Its rejection of a wrong
 * type is a bare "Property 'requireCuda' does not match the schema" that names neither the crate, nor the gate, nor
 * where the value was set, and leaves no result file, so release-dry-run could only say "not run". The resolver
 * (options/resolve.ts) checks every option itself, names the layer the bad value came from (Cargo.toml metadata,
 * nx.json, project.json) and what is accepted, and the gate then fails with a result file like any other failure.
 * So each property keeps its precise `type` and description (Nx coerces command-line strings by `type`, e.g.
 * `--features=a,b` to a list; editors and `nx show project` show them), and adds an `anyOf` that admits every JSON
 * type. Nx's validator accepts a value as soon as one `anyOf` branch matches and checks nothing more (`enum`
 * included), which leaves the verdict to the resolver; a standard JSON Schema validator (an editor) still applies
 * `type` and `anyOf` together, so it keeps flagging wrong types while the file is edited.
 */
const ANY_JSON_VALUE = ['string', 'number', 'boolean', 'array', 'object', 'null'].map((type) => ({ type }));

function propertySchema(def: OptionDefinition): Record<string, unknown> {
  return { ...declaredSchema(def), anyOf: ANY_JSON_VALUE };
}

function declaredSchema(def: OptionDefinition): Record<string, unknown> {
  // A CI-dependent default is not the schema's: Nx would fill it in, and the gate could not tell it from a set value.
  const base = { description: def.description, ...(def.default !== undefined && def.ciDefault === undefined ? { default: def.default } : {}) };
  switch (def.type) {
    case 'boolean':
      return { type: 'boolean', ...base };
    case 'string':
      return { type: 'string', ...base };
    case 'string[]':
      return { type: 'array', items: { type: 'string' }, ...base };
    case 'enum':
      return { type: 'string', enum: def.values, ...base };
    case 'size':
      return { type: ['string', 'number'], ...base };
  }
}

export interface ExecutorEntry {
  description: string;
  /** Where Nx loads the executor from, relative to the package root (`file#export` for a named export). */
  implementation: string;
  schema: Record<string, unknown>;
  /** The executor's custom hasher (`file#export`), when its key holds more than Nx's inputs can say. */
  hasher?: string;
}

/**
 * Gate schemas admit unknown keys for the same reason: Nx's "'maxBinarySise' is not found in schema" names no crate
 * and leaves no result file, while the resolver refuses a key no gate knows with the list of known options (and
 * accepts options of other gates, so one targetDefaults entry can serve every gate).
 */
function schema(title: string, description: string, properties: Record<string, unknown>, additionalProperties = false): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft-07/schema',
    version: 2,
    title,
    description,
    type: 'object',
    properties,
    additionalProperties,
  };
}

/** The named export of a gate's executor in executors/gate/executor.ts (`package` is a reserved word there). */
export const gateExportName = (gate: string) => (gate === 'package' ? 'packageGate' : gate);

export function executorManifest(): Record<string, ExecutorEntry> {
  const entries: Record<string, ExecutorEntry> = {};
  for (const gate of GATE_SPECS) {
    const properties = Object.fromEntries(optionsForGate(gate.name).map((d) => [d.name, propertySchema(d)]));
    entries[gateTarget(gate)] = {
      description: gate.description,
      implementation: `./src/executors/gate/executor#${gateExportName(gate.name)}`,
      schema: schema(gateTarget(gate), gate.description, properties, true),
      // Every gate's key holds the fingerprint check and, for the gates that read outside state, that state, both
      // computed in the Nx process (cache-key/state-hasher.ts) rather than by a runtime input's process each.
      hasher: './src/cache-key/state-hasher#stateHasher',
    };
  }
  const dryRun = 'Runs the crate\'s gates through Nx, prints one table (also when gates fail) and writes release-dry-run.json.';
  entries[RELEASE_DRY_RUN] = {
    description: dryRun,
    implementation: './src/executors/release-dry-run/executor',
    // Keyed by its gates' keys, so a dry run whose gates would all replay replays whole (executors/release-dry-run/dry-run-hasher.ts).
    hasher: './src/executors/release-dry-run/dry-run-hasher#dryRunHasher',
    schema: schema(RELEASE_DRY_RUN, dryRun, {
      gates: { type: 'array', items: { type: 'string' }, description: 'Gate targets to run, in table order. Default: every gate.' },
      parallel: { type: 'number', description: 'How many gates Nx runs at once (cargo still serializes builds that share a target directory).' },
    }),
  };
  const plan = 'Prints which gates will run or replay and why (and whether the whole dry run replays), what the release builds for which targets (the archive names) and what it publishes; writes release-plan.json. Builds nothing.';
  entries[RELEASE_PLAN] = {
    description: plan,
    implementation: './src/executors/release-plan/executor',
    schema: schema(RELEASE_PLAN, plan, {
      registryIndex: { type: 'string', description: "Registry index asked whether the version is already published. Default: gate-publish's registryIndex (crates.io's sparse index unless set)." },
    }),
  };
  const rehearsal = 'Creates test-release-v<version> at HEAD and pushes it (the "Release dry run" workflow runs on it), or deletes it with --cleanup.';
  entries[RELEASE_REHEARSAL] = {
    description: rehearsal,
    implementation: './src/executors/release-rehearsal/executor',
    schema: schema(RELEASE_REHEARSAL, rehearsal, {
      version: {
        type: 'string',
        description:
          'Version to rehearse (e.g. 1.7.2); must be the crate\'s version. Nx reads `--version` on its command line itself, so pass it as --releaseVersion or after `--` (`-- --version=1.7.2`). Required unless --cleanup (which defaults to the crate\'s version).',
      },
      releaseVersion: { type: 'string', description: 'Same as version, under a name Nx passes through from its command line: --releaseVersion=1.7.2.' },
      remote: { type: 'string', default: 'origin', description: 'Git remote to push the branch to (and delete it from with --cleanup).' },
      cleanup: { type: 'boolean', default: false, description: 'Delete the test-release branch locally and on the remote instead of creating it.' },
      crateTag: {
        type: 'boolean',
        default: false,
        description: 'Name the branch test-release-<crate>-v<version> (the crate\'s own tag in a multi-crate workspace): the dry run then runs this crate only.',
      },
    }),
  };
  const parity = 'Compares this crate\'s release-dry-run.json with another run\'s and prints each fingerprint difference that keeps gate results from being shared.';
  entries[RELEASE_PARITY] = {
    description: parity,
    implementation: './src/executors/release-parity/executor',
    schema: schema(RELEASE_PARITY, parity, {
      against: {
        type: 'string',
        description:
          'Path (relative to the workspace root) or http(s) URL of the other run\'s release-dry-run.json, e.g. the private dry run\'s uploaded report: `--against=dry-run/release-dry-run.json`.',
      },
      failOnDifference: { type: 'boolean', default: false, description: 'Fail when the fingerprints differ (by default the differences are printed and the target passes).' },
      timeoutMs: { type: 'number', default: 15000, description: 'How long to wait for an --against URL, in ms.' },
    }),
  };
  return entries;
}

export interface GeneratorEntry {
  description: string;
  aliases?: string[];
}

export function generatorManifest(): Record<string, GeneratorEntry> {
  return {
    init: {
      description: `Registers nx-release-gates in nx.json and ignores ${RESULTS_FOLDER} (what \`nx add nx-release-gates\` runs).`,
    },
    workflows: {
      description:
        'Writes the release dry-run, release and CI workflows, scripts/dry-run-release.sh and RELEASE_PROCESS.md, all running the same Nx targets; options are recorded in nx.json for gate-workflows.',
      aliases: ['workflow'],
    },
  };
}

export { OPTION_DEFINITIONS };
