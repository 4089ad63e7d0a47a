/**
 * gate-install: what a user's `cargo install <crate>` (without --locked) gets. Users resolve dependencies afresh,
 * the maintainer builds with the committed Cargo.lock: a dependency that released a newer compatible version with a
 * changed API breaks every install while every other gate passes. This gate packages the crate into its own folder,
 * unpacks the .crate, resolves afresh (`cargo generate-lockfile`: the newest compatible versions), and builds the
 * binaries (release profile, release features) or, for a library, `cargo check`s it. The result lists every
 * dependency whose resolved version differs from Cargo.lock, so the cause of a failure is one line away.
 *
 * The unpacked copy lives in the crate's cargo target directory (target/release-gates/install), so cargo reads the
 * same cargo config the other gates do (registry mirrors, source replacement); an empty `[workspace]` table appended
 * to its manifest makes it its own workspace, as the unpacked crate of `cargo install` is.
 *
 * Caching. Nx replays the gate by its files, its fingerprint and the state a fresh resolution could pick from
 * (cache-key/outside-state.ts, `resolution`): the index entries of every registry package the manifest, Cargo.lock
 * and this gate's last fresh resolution (details.resolvedNames) name, and the local sources cargo config puts in the
 * registry's place. The gate also keeps its own memo, for a cold Nx cache (a new machine): resolving is cheap (an
 * index query), building is not. The memo key is the fresh Cargo.lock, the .crate files this run packaged (byte for
 * byte: sources, manifest), the build mode and features, and the crate's runtime fingerprint (toolchain, CUDA, cargo
 * config files, cargo's environment families, outside path dependencies): everything that could change the verdict.
 * A key seen before replays that pass, marked `replayed`; anything else builds. Only passes are memoized (a failure
 * re-runs: it may come from an interruption), never a `skipped` (registry unreachable).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registryUnreachable, summarizeCargoError } from '../../parsers/cargo-errors';
import { LockPackage, parseLockfile } from '../../parsers/lockfile';
import { interruption } from '../../ops/process';
import { cargoPackage, crateWrittenThisRun } from '../../ops/cargo-package';
import { fingerprintLines } from '../../cache-key/fingerprint';
import { outsideTrees } from '../../cache-key/inputs';
import { writeFileAtomic, readJsonIfExists } from '../../util/files';
import { sha256 } from '../../util/hash';
import { tarFiles } from '../../parsers/tar-entries';
import { cargoTargetDirectory } from '../../ops/target-directory';
import { binariesSkippedByFeatures, enabledFeatures, featureArgs } from '../../model/feature-sets';
import { failed, GateContext, GateDefinition, GateOutcome, passed, skipped } from '../types';
import { gateSpec } from '../../model/catalog';

export interface VersionDifference {
  name: string;
  /** Versions Cargo.lock pins (empty: Cargo.lock has no such package). */
  locked: string[];
  fresh: string[];
}

/** Registry and git packages whose versions differ between the committed Cargo.lock and the fresh resolution. */
export function lockDifferences(committed: readonly LockPackage[], fresh: readonly LockPackage[]): VersionDifference[] {
  const versions = (packages: readonly LockPackage[]) => {
    const byName = new Map<string, string[]>();
    for (const p of packages) if (p.source) byName.set(p.name, [...(byName.get(p.name) ?? []), p.version].sort());
    return byName;
  };
  const before = versions(committed);
  const after = versions(fresh);
  const differences: VersionDifference[] = [];
  for (const [name, freshVersions] of [...after].sort(([a], [b]) => a.localeCompare(b))) {
    const locked = before.get(name) ?? [];
    if (locked.join(',') !== freshVersions.join(',')) differences.push({ name, locked, fresh: freshVersions });
  }
  return differences;
}

export const describeDifference = (d: VersionDifference) => `${d.name} ${d.locked.length ? d.locked.join('/') : '(not in Cargo.lock)'} -> ${d.fresh.join('/')}`;

export type Step = { ok: true } | { problem: string };

export interface InstallFacts {
  enabled: boolean;
  publish: boolean;
  /** The crate packaged in this run and unpacked. */
  packaged: Step;
  /** `cargo generate-lockfile` in the unpacked copy. */
  resolution: Step | { unreachable: string };
  /** Packages of the fresh resolution, and of the committed Cargo.lock (null: the workspace has none). */
  fresh: readonly LockPackage[];
  committed: readonly LockPackage[] | null;
  mode: 'build' | 'check';
  /** The build or check of the fresh resolution. */
  build: Step;
}

/** The verdict, from facts only. `details.checked` is the number of dependencies the fresh resolution built. */
export function judgeInstall(facts: InstallFacts): GateOutcome {
  if (!facts.enabled) return skipped('install: false turns this gate off', { checked: 0 });
  if (!facts.publish) return skipped('crate is not published (publish = false): nobody installs it from a registry', { checked: 0 });
  if ('problem' in facts.packaged) return failed(`could not package the crate to install it: ${facts.packaged.problem}`, { checked: 0 });
  if ('unreachable' in facts.resolution) return skipped(`registry unreachable, fresh resolution not checked: ${facts.resolution.unreachable}`, { checked: 0, registryUnreachable: true });
  if ('problem' in facts.resolution) return failed(`the dependencies do not resolve afresh (as \`cargo install\` resolves them): ${facts.resolution.problem}`, { checked: 0 });
  const differences = facts.committed ? lockDifferences(facts.committed, facts.fresh) : [];
  const dependencies = facts.fresh.filter((p) => p.source).length;
  const details = {
    mode: facts.mode,
    checked: dependencies,
    differences,
    comparedWith: facts.committed ? 'Cargo.lock' : null,
    // The registry names the resolution reached: the next run's cache key reads their index entries.
    resolvedNames: [...new Set(facts.fresh.filter((p) => p.source).map((p) => p.name))].sort(),
  };
  const changed = differences.length
    ? `resolved differently from Cargo.lock: ${differences.map(describeDifference).join(', ')}`
    : facts.committed
      ? 'same versions as Cargo.lock'
      : 'no Cargo.lock to compare with';
  const what = facts.mode === 'build' ? 'release build' : 'cargo check';
  if ('problem' in facts.build) {
    return failed(`\`cargo install\` would fail: the ${what} of the fresh resolution failed: ${facts.build.problem}; ${changed}`, details);
  }
  return passed(`fresh resolution of ${dependencies} dependenc${dependencies === 1 ? 'y' : 'ies'} builds (${what}); ${changed}`, details);
}

/** Writes the regular files of a .crate under `into` (its top folder `<name>-<version>/` kept), refusing escapes. */
export function unpackCrate(crateFile: string, into: string): string {
  const files = tarFiles(fs.readFileSync(crateFile));
  const top = new Set<string>();
  for (const file of files) {
    const parts = file.name.split('/');
    if (path.isAbsolute(file.name) || parts.includes('..') || parts.length < 2) throw new Error(`${path.basename(crateFile)} holds an unsafe path ${JSON.stringify(file.name)}`);
    top.add(parts[0]);
    const target = path.join(into, ...parts);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.data, { mode: file.mode & 0o777 });
  }
  if (top.size !== 1) throw new Error(`${path.basename(crateFile)} does not hold exactly one top folder`);
  return path.join(into, [...top][0]);
}

/** The unpacked crate's manifest as its own workspace, with its unpublished siblings patched in from their .crate. */
export function installManifest(manifest: string, siblings: ReadonlyArray<{ name: string; folder: string }>): string {
  const patch = siblings.length
    ? `\n[patch.crates-io]\n${siblings.map((s) => `${JSON.stringify(s.name)} = { path = ${JSON.stringify(`../${s.folder}`)} }`).join('\n')}\n`
    : '';
  return `${manifest.trimEnd()}\n\n# Added by gate-install: the unpacked crate is its own workspace, as under \`cargo install\`.\n[workspace]\n${patch}`;
}

interface Memo {
  outcome: GateOutcome;
  at: string;
}

/** Packages the crate (and unpublished path siblings) into `folder`; returns the unpacked crate folder. */
async function packageAndUnpack(context: GateContext, folder: string): Promise<{ dir: string; crates: string[] } | { problem: string }> {
  const packageTarget = path.join(folder, 'package-target');
  const unpacked = path.join(folder, 'unpacked');
  fs.rmSync(path.join(packageTarget, 'package'), { recursive: true, force: true });
  fs.rmSync(unpacked, { recursive: true, force: true });
  const { result: pack, siblings } = await cargoPackage(context, packageTarget);
  if (pack.exitCode !== 0) return { problem: `cargo package failed: ${summarizeCargoError(pack.stderr)}` };
  const crateFiles: string[] = [];
  const siblingFolders: Array<{ name: string; folder: string }> = [];
  let dir = '';
  for (const name of [context.crate.name, ...siblings]) {
    const found = crateWrittenThisRun([path.join(packageTarget, 'package')], name, name === context.crate.name ? context.crate.version : null, context.startedAt);
    if (found.written !== 'this-run') return { problem: `cargo package wrote no ${name} .crate in this run under ${path.relative(context.workspaceRoot, packageTarget)}` };
    const file = found.file;
    crateFiles.push(file);
    const unpackedDir = unpackCrate(file, unpacked);
    if (name === context.crate.name) dir = unpackedDir;
    else siblingFolders.push({ name, folder: path.basename(unpackedDir) });
  }
  const manifest = path.join(dir, 'Cargo.toml');
  fs.writeFileSync(manifest, installManifest(fs.readFileSync(manifest, 'utf8'), siblingFolders));
  return { dir, crates: crateFiles };
}

export const installGate: GateDefinition = {
  ...gateSpec('install'),
  async run(context) {
    const { crate, options } = context;
    // Build the binaries the release features can build; a binary behind required-features they leave off is built by
    // nobody (`cargo build --bins` would be a no-op and pass on nothing): then the library is checked instead.
    const skippedByFeatures = binariesSkippedByFeatures({
      declared: crate.binaries,
      requiredFeatures: crate.binaryRequiredFeatures ?? {},
      enabled: enabledFeatures(crate, options.features, options.noDefaultFeatures),
    }).map((b) => b.name);
    const mode = crate.binaries.some((b) => !skippedByFeatures.includes(b)) ? 'build' : 'check';
    const base: InstallFacts = {
      enabled: options.install,
      publish: crate.publish,
      packaged: { ok: true },
      resolution: { ok: true },
      fresh: [],
      committed: null,
      mode,
      build: { ok: true },
    };
    if (!base.enabled || !base.publish) return judgeInstall(base);
    const folder = path.join(cargoTargetDirectory(context, context.env), 'release-gates', 'install');
    const unpacked = await packageAndUnpack(context, folder);
    if ('problem' in unpacked) return judgeInstall({ ...base, packaged: unpacked });
    const manifestArgs = ['--manifest-path', path.join(unpacked.dir, 'Cargo.toml')];
    const resolve = await context.cargo(['generate-lockfile', ...manifestArgs], { live: 'stderr' });
    if (resolve.exitCode !== 0) {
      const why = summarizeCargoError(resolve.stderr);
      return judgeInstall({ ...base, resolution: registryUnreachable(resolve.stderr) ? { unreachable: why } : { problem: why } });
    }
    const freshLock = fs.readFileSync(path.join(unpacked.dir, 'Cargo.lock'), 'utf8');
    const lockfile = crate.lockfile ? path.join(context.workspaceRoot, crate.lockfile) : null;
    const facts: InstallFacts = {
      ...base,
      fresh: parseLockfile(freshLock),
      committed: lockfile && fs.existsSync(lockfile) ? parseLockfile(fs.readFileSync(lockfile, 'utf8')) : null,
    };
    const buildArgs =
      mode === 'build'
        ? ['build', '--release', '--bins', ...manifestArgs, ...featureArgs(options.features, options.noDefaultFeatures)]
        : ['check', '--lib', ...manifestArgs, ...featureArgs(options.features, options.noDefaultFeatures)];
    // --locked: build exactly the resolution that was hashed; its own target directory keeps Cargo.lock's artifacts apart.
    const command = [...buildArgs, '--locked', '--target-dir', path.join(folder, 'target')];
    const fingerprint = await fingerprintLines({ workspaceRoot: context.workspaceRoot, crateRoot: crate.root, envPatterns: options.envInputs, trees: outsideTrees(crate), env: context.env });
    const crateHashes = unpacked.crates.map((f) => sha256(fs.readFileSync(f).toString('base64')));
    const key = sha256(JSON.stringify({ freshLock, crateHashes, command: buildArgs.filter((a) => !a.startsWith('/')), fingerprint, committed: facts.committed }));
    const memoFile = path.join(folder, 'memo', `${key}.json`);
    const memo = readJsonIfExists<Memo>(memoFile);
    if (memo?.outcome) {
      context.log.info(`gate-install: fresh resolution and inputs unchanged since ${memo.at}; replaying that verdict`);
      return { ...memo.outcome, details: { ...memo.outcome.details, replayed: true, memoKey: key } };
    }
    const build = await context.cargo(command, { live: 'stderr' });
    const outcome = judgeInstall({ ...facts, build: build.exitCode === 0 ? { ok: true } : { problem: summarizeCargoError(build.stderr) } });
    // Only a pass is memoized: a failure may come from an interruption or a full disk, and failures re-run anyway.
    if (outcome.status === 'passed' && !interruption()) writeFileAtomic(memoFile, JSON.stringify({ outcome, at: new Date().toISOString() } satisfies Memo));
    return { ...outcome, details: { ...outcome.details, replayed: false, memoKey: key } };
  },
  keyFigure: (r) => {
    if (r.details.registryUnreachable) return 'registry unreachable';
    const differences = (r.details.differences as VersionDifference[] | undefined) ?? [];
    if (typeof r.details.checked !== 'number' || r.status === 'skipped') return '';
    return `${r.details.checked} deps fresh, ${differences.length} differ from Cargo.lock${r.details.replayed ? ' (memo)' : ''}`;
  },
};
