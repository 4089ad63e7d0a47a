/**
 * Every option the gates understand, defined once. The executor schemas, the Cargo.toml metadata keys, the
 * resolver's validation, README's option table and the GateOptions type are all derived from this list, so they
 * cannot drift apart.
 */
import { GATE_SPECS } from './catalog';

export type OptionType = 'boolean' | 'string' | 'string[]' | 'size' | 'enum';

export interface OptionDefinition {
  /** camelCase name used in project.json, targetDefaults and nx.json plugin options. */
  name: string;
  type: OptionType;
  /** Allowed values for `enum` options. */
  values?: readonly string[];
  /** Value used when no layer sets the option; `undefined` means "derived from the crate" (see description). */
  default?: unknown;
  description: string;
  /** The gates (target names without the `gate-` prefix) that read this option. */
  gates: readonly string[];
  /** A path (or glob) relative to the crate folder: it must stay inside the workspace, symlinks followed. */
  crateRelativePath?: boolean;
  /**
   * Read at inference to build the cache key, so it must be set where inference sees it (Cargo.toml metadata or
   * nx.json plugin options), not only in project.json target options.
   */
  inferenceOnly?: boolean;
  /**
   * The default when the variable CI says this is a CI run (`true` or `1`), resolved when the gate runs: inference
   * leaves the option unset (Nx caches inference without hashing CI), and the gates reading it hash CI instead.
   */
  ciDefault?: unknown;
}

/** Every gate that runs cargo on the crate's sources and so can read an input the key does not cover. */
const SOURCE_GATES = ['build', 'cuda', 'test', 'doc'] as const;
const ALL_GATES = GATE_SPECS.map((g) => g.name);
const TRIPLE_GATES = GATE_SPECS.filter((g) => g.takesTargetTriple).map((g) => g.name);

const FEATURE_GATES = ['build', 'package', 'install', 'size', 'publish', 'version', 'semver'] as const;

/** The list as written (`as const`): GateOptions is derived from its literal names, types and enum values. */
const DEFINITIONS = [
  {
    name: 'features',
    type: 'string[]',
    default: [],
    description:
      'Cargo features for the release build (gate-build, gate-package, gate-publish; gate-cuda adds the CUDA features or their CPU twins to them). Empty means the default features.',
    gates: [...FEATURE_GATES, 'cuda'],
  },
  {
    name: 'noDefaultFeatures',
    type: 'boolean',
    default: false,
    description: 'Pass --no-default-features to the release build and to the CUDA and CPU fallback builds.',
    gates: [...FEATURE_GATES, 'cuda'],
  },
  {
    name: 'cudaFeatures',
    type: 'string[]',
    description:
      'Features that need the CUDA toolkit. Default: every feature whose name has a `cuda` word (e.g. `llama-cuda`). gate-cuda builds them; gate-test and gate-doc leave them out when nvcc is absent.',
    gates: ['cuda', 'test', 'doc'],
  },
  {
    name: 'cpuFallbackFeatures',
    type: 'string[]',
    description:
      'Features gate-cuda builds instead when the CUDA toolkit is absent. Default: each CUDA feature with its `cuda` word removed, when the crate has such a feature (`llama-cuda` -> `llama`).',
    gates: ['cuda'],
  },
  {
    name: 'requireCuda',
    type: 'boolean',
    default: false,
    description: 'Fail gate-cuda instead of falling back to the CPU build when the CUDA toolkit (nvcc) is absent. Use on GPU runners.',
    gates: ['cuda'],
  },
  {
    name: 'requiredFiles',
    type: 'string[]',
    default: [],
    description:
      'Paths or globs (relative to the crate) that the published .crate must contain, e.g. `templates/docker/Dockerfile`.',
    gates: ['package'],
    crateRelativePath: true,
  },
  {
    name: 'maxCrateSize',
    type: 'size',
    default: '10MiB',
    description: 'Largest allowed .crate file (crates.io rejects uploads over 10MiB). Bytes, or a size such as `8MB` or `10MiB`.',
    gates: ['package'],
  },
  {
    name: 'maxBinarySize',
    type: 'size',
    default: '20MiB',
    description: 'Largest allowed release binary, for each binary gate-build produced. Bytes, or a size such as `15MB` or `20MiB`.',
    gates: ['size'],
  },
  {
    name: 'runner',
    type: 'enum',
    values: ['cargo', 'nextest'],
    default: 'cargo',
    description: 'Test runner for gate-test: `cargo` (cargo test) or `nextest` (cargo nextest run, which must be installed).',
    gates: ['test'],
  },
  {
    name: 'targetDirectory',
    type: 'enum',
    values: ['shared', 'per-gate'],
    default: 'shared',
    description:
      "Cargo target directory of the gates' cargo calls. `shared`: the crate's own (cargo builds one at a time there, so gates wait for each other; least disk). `per-gate`: <target>/release-gates/<gate> for each gate (gates compile in parallel; each keeps its own copy of the dependencies' artifacts).",
    gates: ['build', 'cuda', 'package', 'install', 'test', 'doc', 'publish', 'semver'],
  },
  {
    name: 'targetTriple',
    type: 'string',
    description:
      'Rust target triple to build and test for (`cargo build --target <triple>`, through CARGO_BUILD_TARGET), e.g. `aarch64-apple-darwin`; install it first (`rustup target add`). Results and binaries then go to dist/release-gates/<project>/<triple>/, apart from the host build, and the triple is part of the cache key. Give it on the command line as `--targetTriple=<triple>` (Nx keeps `--target` for itself). Default: the host.',
    gates: TRIPLE_GATES,
  },
  {
    name: 'missingDocs',
    type: 'enum',
    values: ['allow', 'warn', 'deny'],
    default: 'warn',
    description: 'Level of the `missing_docs` lint in gate-doc. `deny` fails the gate on an undocumented public item.',
    gates: ['doc'],
  },
  {
    name: 'denyWarnings',
    type: 'boolean',
    default: false,
    description: 'Add `-D warnings` to RUSTDOCFLAGS in gate-doc, so any rustdoc warning (e.g. a broken intra-doc link) fails it.',
    gates: ['doc'],
  },
  {
    name: 'versionCommand',
    type: 'string[]',
    description:
      'Arguments that make the release binary print its version, e.g. ["--version"]. When set, gate-version runs the binary gate-build produced (the one named like the crate, or the only one) and checks it prints the crate version; gate-version then depends on gate-build.',
    gates: ['version'],
  },
  {
    name: 'dockerfile',
    type: 'string',
    description:
      'Dockerfile to check and build in gate-docker, relative to the crate folder, e.g. `templates/docker/Dockerfile`. Unset: gate-docker is skipped.',
    gates: ['docker'],
    crateRelativePath: true,
  },
  {
    name: 'dockerContext',
    type: 'string',
    description: 'Build context of the Dockerfile, relative to the crate folder. Default: the crate folder.',
    gates: ['docker'],
    crateRelativePath: true,
  },
  {
    name: 'containerEngines',
    type: 'string[]',
    default: ['docker', 'podman', 'buildah'],
    description:
      'Engines gate-docker may build with, in order of preference; the first that works builds (docker only with a reachable daemon). `[]` keeps the static COPY/ADD check and skips the build.',
    gates: ['docker'],
  },
  {
    name: 'excludeFeatures',
    type: 'string[]',
    default: [],
    description:
      'Features gate-test and gate-doc leave out of "all features", e.g. features whose tests need a tool the CI lacks. Features that switch them on are left out too; the result lists what was left out.',
    gates: ['test', 'doc'],
  },
  {
    name: 'registryIndex',
    type: 'string',
    default: 'https://index.crates.io/',
    description:
      "Registry index gate-publish and gate-version read to tell whether the crate's version is already published, gate-semver reads for the newest earlier version when there is no earlier release tag, and gate-install's cache key reads for the dependencies a fresh resolution can pick (crates.io's sparse index by default; point it at the mirror cargo's config uses). An http(s) URL (`sparse+` prefix allowed) or a local folder with the same file layout (absolute path or file:// URL).",
    gates: ['publish', 'version', 'semver', 'install'],
  },
  {
    name: 'install',
    type: 'boolean',
    default: true,
    description:
      'Run gate-install: unpack the .crate, resolve its dependencies afresh as `cargo install` without --locked does, and build it. false turns the gate off (reported as skipped).',
    gates: ['install'],
  },
  {
    name: 'semver',
    type: 'boolean',
    default: true,
    description:
      'Run gate-semver (cargo-semver-checks against the last published version or the previous release tag). false turns it off; otherwise a missing cargo-semver-checks fails the gate with the install command.',
    gates: ['semver'],
  },
  {
    name: 'semverFeatures',
    type: 'string[]',
    description: 'Features whose public API gate-semver compares. Default: the release features (`features`, with noDefaultFeatures).',
    gates: ['semver'],
  },
  {
    name: 'allowNoTests',
    type: 'boolean',
    default: false,
    description: 'Let gate-test pass when the crate has no test at all (it fails by default: a test gate that ran nothing checked nothing).',
    gates: ['test'],
  },
  {
    name: 'envInputs',
    type: 'string[]',
    default: [],
    description:
      'Extra environment variables your build or tests read (beyond the families every gate hashes: CARGO_*, RUSTFLAGS, RUSTC*, CC/CFLAGS/..., PKG_CONFIG*, ...): names or `PREFIX_*` patterns. Their values (hashed) join every gate\'s cache key, and only declared variables reach the gates\' processes (the others are withheld and named in details.withheldEnv). A name that looks like a secret (`MAX_TOKENS`) is accepted written in full; a pattern never matches one. Set it in Cargo.toml metadata or nx.json plugin options, where inference reads it.',
    gates: ALL_GATES,
    inferenceOnly: true,
  },
  {
    name: 'undeclaredInputs',
    type: 'enum',
    values: ['warn', 'deny'],
    default: 'warn',
    ciDefault: 'deny',
    description:
      'What a gate does when cargo\'s own records (dep-info files, build-script rerun-if lines) or, on Linux, a trace of the files its cargo process tree opened show it read a file or variable the cache key does not cover: `warn` lists it in the result and the table, `deny` fails the gate. Default: `deny` when CI=true or CI=1, else `warn` (resolved when the gate runs; CI is then part of the cache key).',
    gates: [...SOURCE_GATES, 'fmt'],
  },
] as const satisfies readonly OptionDefinition[];

type Definition = (typeof DEFINITIONS)[number];
export type OptionName = Definition['name'];

/** The list as the rest of the code reads it: one shape for every definition, with names typed as option names. */
export const OPTION_DEFINITIONS: readonly (OptionDefinition & { name: OptionName })[] = DEFINITIONS;

/** What a definition's `type` stands for once validated: a size is a number of bytes, an enum one of its values. */
type ValueOf<D extends Definition> = D['type'] extends 'boolean'
  ? boolean
  : D['type'] extends 'string'
    ? string
    : D['type'] extends 'string[]'
      ? string[]
      : D['type'] extends 'size'
        ? number
        : D extends { values: readonly (infer V)[] }
          ? V
          : never;

/** An option with a default always has a value after resolution; one without stays unset unless a layer sets it. */
type WithDefault = Extract<Definition, { default: unknown }>;
type Simplify<T> = { [K in keyof T]: T[K] };

/** The options a gate receives, validated: derived from DEFINITIONS, so a new option is typed where it is defined. */
export type GateOptions = Simplify<
  { [D in WithDefault as D['name']]: ValueOf<D> } & { [D in Exclude<Definition, WithDefault> as D['name']]?: ValueOf<D> }
>;

export const OPTION_NAMES: ReadonlySet<string> = new Set(OPTION_DEFINITIONS.map((d) => d.name));

export function optionsForGate(gate: string): OptionDefinition[] {
  return OPTION_DEFINITIONS.filter((d) => d.gates.includes(gate));
}

/** `maxBinarySize` -> `max-binary-size`: the spelling used in `[package.metadata.release-gates]`. */
export function toKebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function fromKebabCase(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Whether the variable CI marks this as a CI run. */
export function isCiRun(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.CI === 'true' || env.CI === '1';
}

/** The options a gate did not receive, with their ciDefault on a CI run: what the gate adapter adds before validating. */
export function runtimeDefaults(gate: string, received: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  if (!isCiRun(env)) return received;
  const added: Record<string, unknown> = {};
  for (const def of optionsForGate(gate)) if (def.ciDefault !== undefined && (received[def.name] === undefined || received[def.name] === null)) added[def.name] = def.ciDefault;
  return { ...received, ...added };
}

/** Options of a gate whose default depends on CI: left unset by inference, CI joins the gate's key while unset. */
export function ciDependentOptions(gate: string): string[] {
  return optionsForGate(gate).filter((d) => d.ciDefault !== undefined).map((d) => d.name);
}
