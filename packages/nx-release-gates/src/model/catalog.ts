/**
 * The gate catalog: every gate in the order release-dry-run shows them, with what each says about itself as data
 * (what it protects against, whether Nx may replay it, what it reads that no file input sees, what it waits for,
 * which parts of a shared target directory it writes, which files it writes beside its result). Inference, the
 * report, the manifest and the generators read this list; the code that runs a gate lives in gates/<name>/ and is
 * looked up by name, so nothing below the gates needs a gate's code.
 */
import type { GateStateKind } from './state-kinds';
import type { CrateModel } from './crate-model';

/** Variables that name the release tag (gate-version): a tag push sets the GITHUB_REF_* pair. */
export const RELEASE_TAG_ENV = ['RELEASE_TAG', 'GITHUB_REF_NAME', 'GITHUB_REF_TYPE'] as const;

/** The crate-level targets beside the gates. */
export const RELEASE_DRY_RUN = 'release-dry-run';
export const RELEASE_REHEARSAL = 'release-rehearsal';
export const RELEASE_PARITY = 'release-parity';
export const RELEASE_PLAN = 'release-plan';

/**
 * Where gate results, reports, summaries and run records go, relative to the workspace root (posix separators, as
 * Nx's `outputs` and .gitignore spell it).
 */
export const RESULTS_FOLDER = 'dist/release-gates';

export interface GateSpec {
  /** Short name: the target is `gate-<name>`, the executor `nx-release-gates:gate-<name>`. */
  name: string;
  /** What the gate protects against, for `nx show project` and README. */
  description: string;
  /**
   * Whether Nx may replay the gate's result: true for every gate whose inputs and state probes (stateInputs) cover
   * what its answer depends on.
   */
  cacheable: boolean;
  /** Environment variables (beyond the cargo families every gate hashes) that change this gate's answer. */
  envInputs?: readonly string[];
  /**
   * Outside state this gate's answer depends on that no file input sees (git's index, the generated workflow files'
   * drift, the registry index, release tags, container engines): the kinds of state probe whose output joins the
   * gate's cache key, one runtime input each.
   */
  stateInputs?: readonly GateStateKind[];
  /** More state probes for a crate without Cargo.lock, whose build then resolves its dependencies afresh. */
  stateInputsWithoutLockfile?: readonly GateStateKind[];
  /**
   * True when the verdict cannot depend on the state inputs, for a reason inference sees (the gate skips before it
   * reads any): the key then holds no probe, and a dry run asks no registry, git or engine for this gate. `options`
   * are the gate's options as inference merged them; a run whose options say otherwise is refused (keyed-options.ts).
   */
  readsNoStateWhen?(crate: Pick<CrateModel, 'hasLibrary'>, options: Record<string, unknown>): boolean;
  /** Other gates of the same crate that must finish first (their outputs are read). */
  dependsOn?: string[];
  /** Gates that must finish first depending on the options (e.g. gate-version runs gate-build's binary). */
  optionalDependsOn?(options: Record<string, unknown>): string[];
  /**
   * Parts of a shared cargo target directory the gate writes and reads back (e.g. `package` for target/package):
   * gates naming the same part never run at the same time there. Ignored with per-gate target directories.
   */
  targetDirectoryParts?: readonly string[];
  /** Files or folders the gate writes beside its result file (under dist/release-gates/<project>/), cached with it. */
  extraOutputs?: string[];
  /**
   * The gate builds or judges for the `targetTriple` option: its results go to that triple's own folder, and the
   * option is one of its options.
   */
  takesTargetTriple?: boolean;
  /**
   * The gate's verdict depends on what its cargo process tree reads (sources, build scripts, tests, rustfmt.toml):
   * on Linux its cargo calls run under strace, and a file read outside the cache key is an undeclared input.
   */
  traced?: boolean;
  /**
   * The gate's tool searches for its configuration without opening it (rustfmt: `Path::exists` on rustfmt.toml up the
   * folders): its trace also stops at the stat family, so that an absent configuration file it looked for is seen.
   * Other traced gates leave stats out, half of a build's traced calls (ops/trace.ts).
   */
  tracesLookups?: boolean;
  /**
   * The gate compiles nothing and checks the crate's own files alone: its key holds those and the workspace manifest,
   * not the sources of the crates it depends on by path nor Cargo.lock's packages, so an edit in a dependency re-runs
   * the gates that compile it and not this one. A file it reads elsewhere (a `#[path]` module) is seen by its trace
   * and reported like any undeclared input.
   */
  ownFilesOnly?: boolean;
  /** Options worth showing as the example in `nx show project` (metadata.help); unset: the gate runs as it is. */
  helpExample?: Readonly<Record<string, unknown>>;
}

export const GATE_SPECS: readonly GateSpec[] = [
  // Pre-flight checks first (cheap, and a failure there explains later ones), then the version, the builds, what
  // crates.io and `cargo install` users receive, the tests and docs, the API check, and publishing last.
  {
    name: 'lockfile',
    cacheable: true,
    stateInputs: ['lockfile'],
    description:
      "Pre-flight: Cargo.lock exists, is tracked by git with no uncommitted change, and agrees with the manifests (`cargo update --workspace --locked --offline`). Cached by the lockfile's content, its git state and the workspace manifests.",
  },
  {
    name: 'fmt',
    traced: true,
    tracesLookups: true,
    cacheable: true,
    // `cargo fmt` loads the workspace's manifests (sibling manifests are gate-lockfile's key) and formats this
    // crate's files: it reads no dependency's source and resolves nothing (strace: no Cargo.lock, no source of a
    // path dependency).
    ownFilesOnly: true,
    description:
      "Pre-flight: `cargo fmt --check`; the result lists every file that needs formatting and the rustfmt.toml options stable rustfmt ignored. Cached by the crate's own files and rustfmt's configuration: an edit in a crate it depends on does not re-run it.",
  },
  {
    name: 'workflows',
    cacheable: true,
    stateInputs: ['workflows'],
    description:
      'Generated release files: the workflows, scripts/dry-run-release.sh and RELEASE_PROCESS.md match what `nx g nx-release-gates:workflows` writes from its recorded options; files marked owned-by-hand are reported, not compared.',
  },
  {
    name: 'version',
    helpExample: { versionCommand: ['--version'] },
    // The registry may publish the version and a tag may appear at any moment: both are in the key.
    cacheable: true,
    stateInputs: ['registry', 'tags'],
    envInputs: RELEASE_TAG_ENV,
    // The binary versionCommand runs is gate-build's.
    optionalDependsOn: (options) => (Array.isArray(options.versionCommand) && options.versionCommand.length > 0 ? ['build'] : []),
    description:
      'Version: Cargo.toml version is semver and not yet in the registry index (a resumed release with the identical .crate passes); a release tag (RELEASE_TAG, or GITHUB_REF_NAME on a tag push; v1.7.2 or <crate>-v1.7.2) matches it and does not exist yet; optionally `<binary> <versionCommand>` prints it. Cached by the registry index entries it reads and the release tags (and, with a release tag, the checked-out commit).',
  },
  {
    name: 'build',
    traced: true,
    takesTargetTriple: true,
    helpExample: { features: ['huggingface'] },
    cacheable: true,
    // gate-cuda's release build writes the same target/release/<bin>: in a shared target directory the two take turns
    // for their whole run (cargo and the copy to bin/), so neither copies the other's binary.
    targetDirectoryParts: ['release'],
    extraOutputs: ['bin'],
    description: 'Release build (`cargo build --release`) with the configured features; copies the binaries to dist/release-gates/<project>/bin.',
  },
  {
    name: 'cuda',
    traced: true,
    helpExample: { requireCuda: true },
    cacheable: true,
    // Both release builds write target/release/<bin>: in a shared target directory gate-cuda and gate-build take turns
    // (a lock over the whole gate), so gate-cuda's build never replaces the file between gate-build's cargo and its
    // copy. A lock and not dependsOn: with dependsOn Nx does not run gate-cuda once gate-build fails, and the CUDA
    // variant's verdict would be lost with it. Taken only when gate-cuda builds (its needsTargetDirectory), so a crate
    // without CUDA features never waits for gate-build's release build.
    targetDirectoryParts: ['release'],
    description:
      'CUDA build (release features + CUDA features) when nvcc is present (a compile error fails); without the toolkit, the CPU fallback build (release features + CPU twins), reported as `fallback`.',
  },
  {
    name: 'package',
    helpExample: { requiredFiles: ['templates/docker/Dockerfile'] },
    cacheable: true,
    // gate-publish rewrites the same target/package/<crate>-<version>.crate.
    targetDirectoryParts: ['package'],
    description: 'Package contents: the .crate `cargo package` writes holds every requiredFiles entry and fits maxCrateSize.',
  },
  {
    name: 'install',
    // The registry's newest versions are in the key (resolution); the gate's own memo still saves the build when the
    // Nx cache is cold (a new machine) but the fresh resolution is one it built before.
    cacheable: true,
    stateInputs: ['resolution'],
    description:
      'What `cargo install` without --locked gets: the .crate unpacked, dependencies resolved afresh, the binaries built (release) or the library checked; lists every dependency that differs from Cargo.lock. Cached by the registry index entries of every package the resolution can reach (and the local sources cargo config puts in the registry\'s place); its own memo replays when the fresh resolution and the inputs are unchanged.',
  },
  {
    name: 'size',
    takesTargetTriple: true,
    helpExample: { maxBinarySize: '20MiB' },
    cacheable: true,
    description: 'Binary size: each binary gate-build produced in this run is at most maxBinarySize; a missing binary fails.',
    dependsOn: ['build'],
  },
  {
    name: 'test',
    traced: true,
    takesTargetTriple: true,
    helpExample: { runner: 'nextest' },
    cacheable: true,
    // Integration tests run target/debug/<bin> (CARGO_BIN_EXE_*), and gate-publish's verify build writes that file with
    // the default features, so tests would run a binary built without the features they expect. The two take turns
    // over target/debug for their whole run, from gate-test's build of the tests to its last test.
    targetDirectoryParts: ['debug'],
    // gate-test.log: the test run's whole output (the result and junit.xml keep a bounded part of it).
    extraOutputs: ['junit.xml', 'gate-test.log'],
    description: 'Test suite with all features (CUDA features left out when nvcc is absent, excludeFeatures always); counts passed, failed and ignored tests; writes junit.xml and the whole output to gate-test.log.',
  },
  {
    name: 'doc',
    traced: true,
    helpExample: { missingDocs: 'deny' },
    cacheable: true,
    targetDirectoryParts: ['debug'],
    description: 'Documentation build (`cargo doc --no-deps`); counts rustdoc warnings and undocumented public items; missingDocs/denyWarnings decide what fails.',
  },
  {
    name: 'semver',
    // Tags and the registry decide the baseline, the installed cargo-semver-checks the comparison: all in the key.
    cacheable: true,
    stateInputs: ['registry', 'tags', 'semver-tool'],
    // Turned off, or no library (no public API): skipped before any baseline is looked for.
    readsNoStateWhen: (crate, options) => options.semver === false || !crate.hasLibrary,
    description:
      'Public API against the previous release (its release tag, else the newest earlier version in the registry index) with cargo-semver-checks: a breaking change without a major bump fails, naming the items. Between releases (the version is still that of the latest tag) it compares with that tag and says which bump the changes need. A missing tool fails with the install command; a first release is skipped without it. Cached by the release tags, the registry index entry and the installed tool.',
  },
  {
    name: 'publish',
    // What the registry holds decides the verdict: its entries are in the key, and without Cargo.lock the verify build
    // resolves afresh, so the resolution is too.
    cacheable: true,
    stateInputs: ['registry'],
    stateInputsWithoutLockfile: ['resolution'],
    // It rewrites target/package/<crate>-<version>.crate (gate-package reads it) and verify-builds into target/debug
    // (gate-doc's check builds live there).
    targetDirectoryParts: ['package', 'debug'],
    description:
      '`cargo publish --dry-run --allow-dirty` with the configured features, and the registry index must not hold the version yet (unless the packaged .crate is the published one: a resumed release); an unreachable registry is `skipped`, never a pass or a failure. Cached by the registry index entries of the crate and its path dependencies.',
  },
  {
    name: 'docker',
    helpExample: { dockerfile: 'templates/docker/Dockerfile' },
    // The engines found are in the key. Base images are not: a moved tag (rust:1) is the engines' own cache's business.
    cacheable: true,
    stateInputs: ['engines'],
    // Without a dockerfile the gate is skipped before any engine is looked for.
    readsNoStateWhen: (_crate, options) => typeof options.dockerfile !== 'string' || options.dockerfile === '',
    description:
      'Dockerfile: every COPY/ADD source exists in the build context (static), then a real build with docker, podman or buildah; no engine reports `fallback`. Skipped without a `dockerfile` option. Cached by the engines found (and their versions); base images are not in the key.',
  },
];

export const gateTarget = (gate: GateSpec | string) => `gate-${typeof gate === 'string' ? gate : gate.name}`;

/** Every gate's target name, in table order. */
export const GATE_TARGETS: readonly string[] = GATE_SPECS.map(gateTarget);

/** The spec of a gate, by target (`gate-build`) or short name (`build`). */
export function findGateSpec(target: string): GateSpec | undefined {
  return GATE_SPECS.find((g) => gateTarget(g) === target || g.name === target);
}

/** The spec of a gate the catalog must have (a gate's own code asking for itself). */
export function gateSpec(name: string): GateSpec {
  const spec = findGateSpec(name);
  if (!spec) throw new Error(`no gate named ${name} in the catalog`);
  return spec;
}
