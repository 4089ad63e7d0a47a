/**
 * The release's publish step: upload only the bytes the dry run verified. For every crate to publish, gate-package's
 * result (from the dry run's reports) holds each file of the .crate it checked with its sha256. The crates are
 * packaged again now (`cargo package --no-verify --locked`) and compared file by file; any file changed, added or
 * dropped refuses the whole step before anything is uploaded. Then, path dependencies first, each crate is either
 * skipped (the registry already holds that version with the verified .crate: a release resumed), refused (it holds
 * other bytes), or published (`cargo publish --no-verify --locked`). A registry's "too many requests" is waited out
 * for the time it asks, a bounded number of times. The decisions are model/verified-package.ts's.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { joinRoot, type CrateModel } from '../../model/crate-model';
import {
  comparePackages,
  describeDifference,
  isSamePackage,
  isTooManyRequests,
  publishOrder,
  recordProblem,
  resumeDecision,
  retryAfterFromMessage,
  retryWaitSeconds,
  type RegistryState,
  type VerifiedPackage,
  type VerifiedRecord,
} from '../../model/verified-package';
import { verifiedPackage } from '../../parsers/crate-files';
import { summarizeCargoError } from '../../parsers/cargo-errors';
import { indexName, type IndexLookup } from '../../ops/registry-index';
import type { CommandResult } from '../../ops/process';
import { readJsonIfExists } from '../../util/files';

export interface PublishOptions {
  /** The workspace root (the checkout being released). */
  root: string;
  /** The dry run's reports: `<results>/<project>/gate-package.json` (and release-dry-run.json). */
  results: string;
  /** The crates to publish; null: every publishable crate of the workspace. */
  projects: string[] | null;
  /** A registry named in cargo's configuration (`--registry`), or null for cargo's default. */
  registry: string | null;
  /** The registry's index, to tell which versions it holds: `sparse+https://…` or a folder. */
  index: string;
  /** Do everything but upload. */
  dryRun: boolean;
}

/** What the publish step does outside itself, passed in so the order of things can be tested without a registry. */
export interface PublishEffects {
  crates(): Promise<CrateModel[] | { problem: string }>;
  headCommit(): Promise<string | null>;
  /** Runs cargo in `cwd` with live output. */
  cargo(args: string[], cwd: string): Promise<CommandResult>;
  lookUp(index: string, crate: string): Promise<IndexLookup>;
  sleep(seconds: number): Promise<void>;
  now(): Date;
  log(line: string): void;
  /** Something to act on that does not stop the publish. */
  warn(line: string): void;
  error(line: string): void;
}

/** 0: published or skipped as planned (or, with dryRun, would be); 1: refused, nothing more uploaded. */
export type PublishExit = 0 | 1;

const GATE_PACKAGE = 'gate-package';

/** The record of `crate` in the reports: gate-package's result, with the commit of the dry run that covered it. */
export function readRecord(results: string, crate: string): { record: VerifiedRecord | null; file: string } {
  const file = path.join(results, crate, `${GATE_PACKAGE}.json`);
  const result = readJsonIfExists<{ crate?: string; version?: string; status?: string; run?: { commit?: string | null }; details?: { verifiedPackage?: VerifiedPackage; emergency?: string } }>(file);
  if (!result) return { record: null, file };
  const dryRun = readJsonIfExists<{ git?: { commit?: string | null } }>(path.join(results, crate, 'release-dry-run.json'));
  const commit = dryRun?.git?.commit ?? result.run?.commit ?? null;
  const { verifiedPackage: verified, emergency } = result.details ?? {};
  return { record: { crate: result.crate ?? '', version: result.version ?? '', status: result.status ?? '', commit, verified: verified ?? null, emergency: emergency ?? null }, file };
}

/** The crates to publish, path dependencies first; or the line saying which asked-for crate cannot be. */
export function cratesToPublish(all: readonly CrateModel[], projects: readonly string[] | null): CrateModel[] | { problem: string } {
  const byName = new Map(all.map((c) => [c.name, c]));
  for (const name of projects ?? []) {
    const crate = byName.get(name);
    if (!crate) return { problem: `--projects names ${name}, which is no crate of this workspace; pass the crate names (${all.map((c) => c.name).join(', ') || 'none found'})` };
    if (crate.error) return { problem: `${name}: ${crate.error}` };
    if (!crate.publish) return { problem: `--projects names ${name}, which is not published (publish = false in ${crate.manifestPath}); leave it out` };
  }
  const chosen = projects ? all.filter((c) => projects.includes(c.name)) : all.filter((c) => c.publish && !c.error);
  const order = publishOrder(chosen.map((c) => ({ name: c.name, dependsOn: c.pathDependencies.filter((d) => d.kind !== 'dev').map((d) => d.name) })));
  return order.map((name) => byName.get(name)!);
}

const registryArgs = (options: PublishOptions) => (options.registry ? ['--registry', options.registry] : []);
const manifestOf = (root: string, crate: CrateModel) => path.join(root, joinRoot(crate.workspaceRoot, 'Cargo.toml'));

/**
 * Packages `crates` again, each Cargo workspace in one call (unpublished path siblings need each other), into a
 * folder of its own, and reads each .crate. A problem is one line.
 */
async function packageAgain(crates: readonly CrateModel[], options: PublishOptions, fx: PublishEffects): Promise<Map<string, VerifiedPackage> | { problem: string }> {
  const packaged = new Map<string, VerifiedPackage>();
  const groups = new Map<string, CrateModel[]>();
  for (const crate of crates) groups.set(crate.workspaceRoot, [...(groups.get(crate.workspaceRoot) ?? []), crate]);
  const targetDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nx-release-gates-publish-'));
  try {
    for (const group of groups.values()) {
      const args = ['package', '--no-verify', '--locked', '--target-dir', targetDir, '--manifest-path', manifestOf(options.root, group[0]), ...registryArgs(options), ...group.flatMap((c) => ['-p', c.name])];
      const result = await fx.cargo(args, path.join(options.root, group[0].workspaceRoot));
      if (result.exitCode !== 0) return { problem: `cargo package of ${group.map((c) => c.name).join(', ')} failed: ${summarizeCargoError(result.stderr)}` };
      for (const crate of group) {
        const file = path.join(targetDir, 'package', `${crate.name}-${crate.version}.crate`);
        if (!fs.existsSync(file)) return { problem: `cargo package wrote no ${path.basename(file)}; check the crate's version and cargo's output above` };
        packaged.set(crate.name, verifiedPackage(fs.readFileSync(file), crate.name, crate.version));
      }
    }
    return packaged;
  } finally {
    fs.rmSync(targetDir, { recursive: true, force: true });
  }
}

/** The index's answer about `crate@version`, waiting out "too many requests" as the index asks. */
async function registryState(crate: CrateModel, options: PublishOptions, fx: PublishEffects): Promise<RegistryState> {
  for (let attempt = 1; ; attempt++) {
    const lookup = await fx.lookUp(options.index, crate.name);
    if (lookup.kind === 'absent') return { kind: 'absent' };
    if (lookup.kind === 'found') {
      const published = lookup.versions.find((v) => v.version === crate.version);
      return published ? { kind: 'published', cksum: published.checksum } : { kind: 'absent' };
    }
    const wait = lookup.retryAfter !== undefined ? retryWaitSeconds(lookup.retryAfter, fx.now(), attempt) : null;
    if (wait === null) return { kind: 'unknown', problem: lookup.problem };
    fx.log(`${crate.name}: the registry index asks to wait (too many requests); asking again in ${wait} s`);
    await fx.sleep(wait);
  }
}

/** `cargo publish` of one crate, waiting out "too many requests" as the registry asks. Null: published. */
async function upload(crate: CrateModel, options: PublishOptions, fx: PublishEffects): Promise<string | null> {
  const args = ['publish', '--no-verify', '--locked', '--manifest-path', manifestOf(options.root, crate), '-p', crate.name, ...registryArgs(options)];
  for (let attempt = 1; ; attempt++) {
    const result = await fx.cargo(args, path.join(options.root, crate.workspaceRoot));
    if (result.exitCode === 0) return null;
    const wait = isTooManyRequests(result.stderr) ? retryWaitSeconds(retryAfterFromMessage(result.stderr), fx.now(), attempt) : null;
    if (wait === null) return `${crate.name}@${crate.version}: cargo publish failed: ${summarizeCargoError(result.stderr)}`;
    fx.log(`${crate.name}: the registry asks to wait (too many requests); publishing again in ${wait} s`);
    await fx.sleep(wait);
  }
}

/** Every check that comes before the first upload; the crates with their verified packages, or the lines refusing. */
async function verifyAll(options: PublishOptions, fx: PublishEffects): Promise<{ crates: CrateModel[]; verified: Map<string, VerifiedPackage> } | { problems: string[] }> {
  const all = await fx.crates();
  if ('problem' in all) return { problems: [all.problem] };
  const crates = cratesToPublish(all, options.projects);
  if ('problem' in crates) return { problems: [crates.problem] };
  const commit = await fx.headCommit();
  const verified = new Map<string, VerifiedPackage>();
  const problems: string[] = [];
  for (const crate of crates) {
    const { record, file } = readRecord(options.results, crate.name);
    const problem = recordProblem(record, { crate: crate.name, version: crate.version, commit, file });
    if (problem) problems.push(problem);
    else if (record!.verified) verified.set(crate.name, record!.verified);
    else fx.warn(`${crate.name}@${crate.version}: gate-package was skipped in an emergency (${record!.emergency}); publishing a package nobody verified`);
  }
  if (problems.length) return { problems };
  const packaged = await packageAgain(crates, options, fx);
  if ('problem' in packaged) return { problems: [packaged.problem] };
  for (const crate of crates.filter((c) => verified.has(c.name))) {
    const difference = comparePackages(verified.get(crate.name)!.files, packaged.get(crate.name)!.files);
    if (!isSamePackage(difference)) problems.push(`${crate.name}@${crate.version}: the package differs from the one the dry run verified (${describeDifference(difference)}); run the dry run on what you release`);
  }
  return problems.length ? { problems } : { crates, verified };
}

export async function publishVerified(options: PublishOptions, fx: PublishEffects): Promise<PublishExit> {
  const checked = await verifyAll(options, fx);
  if ('problems' in checked) {
    for (const problem of checked.problems) fx.error(problem);
    fx.error('nothing was published');
    return 1;
  }
  const registry = options.registry ?? indexName(options.index);
  const plan = [];
  for (const crate of checked.crates) {
    const decision = resumeDecision(`${crate.name}@${crate.version}`, checked.verified.get(crate.name)?.cksum ?? null, await registryState(crate, options, fx), registry);
    plan.push({ crate, decision });
  }
  const refused = plan.filter((p) => p.decision.action === 'refuse');
  if (refused.length) {
    for (const { decision } of refused) fx.error(decision.sentence);
    fx.error('nothing was published');
    return 1;
  }
  for (const { crate, decision } of plan) {
    if (decision.action === 'skip' || options.dryRun) {
      fx.log(options.dryRun && decision.action === 'publish' ? `${crate.name}@${crate.version}: verified; would publish (--dry-run)` : decision.sentence);
      continue;
    }
    fx.log(decision.sentence);
    const failure = await upload(crate, options, fx);
    if (failure) {
      fx.error(failure);
      return 1;
    }
    fx.log(`${crate.name}@${crate.version}: published the verified package`);
  }
  return 0;
}
