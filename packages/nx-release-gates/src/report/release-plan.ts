/**
 * release-plan: what a release of one crate would do, before anything builds (as `dist plan` previews a release):
 * which gates run or replay and why (and whether the whole dry run replays), what the release workflow builds for which targets and the archives it packs,
 * and what it publishes. Pure: the executor (executors/release-plan/) gathers the facts; this decides and renders.
 *
 * A gate's replay is predicted from its Nx task hash and the local cache: an entry under that hash is what Nx would
 * restore. A remote cache is not asked (a download per gate), so "will run" means "unless a remote cache holds it";
 * without a hash (Nx could not compute one here) the plan says "may replay" rather than guess.
 */
import type { PlatformTarget } from '../generators/workflows/platform-targets';

export const RELEASE_PLAN_SCHEMA_VERSION = 1;

export interface PlanGateFact {
  /** `gate-build`. */
  target: string;
  cacheable: boolean;
  /** Nx's task hash, or null when it could not be computed. */
  hash: string | null;
  /** The local cache entry under that hash: the status its result file holds (null: no result file in it). */
  cached: { status: string | null } | null;
}

/** The whole dry run: whether it must run (why), else its key and the local cache entry under it. */
export interface PlanDryRunFact {
  /** Why it cannot replay whole (cache-key/dry-run-key.ts), or null. */
  mustRun: string | null;
  /** Its key, or null when it must run or Nx could not compute it (`problem`). */
  hash: string | null;
  problem: string | null;
  /** The local cache entry under that key: the status its report holds. */
  cached: { status: string | null } | null;
}

export interface ReleasePlanInput {
  project: string;
  crate: { name: string; version: string; binaries: string[]; publish: boolean };
  createdAt: string;
  gates: PlanGateFact[];
  /** Why Nx could not hash the gates, when it could not. */
  hashProblem: string | null;
  /** The whole release-dry-run, or null for a crate without one. */
  dryRun: PlanDryRunFact | null;
  /** The generated workflows' recorded options (.github/nx-release-gates.json), or null when there are none. */
  workflows: { crates: string[] | null; targets: PlatformTarget[] } | null;
  /** The registry the crate would be published to, and whether it already holds this version. */
  registry: { name: string; index: string; published: boolean | null; problem: string | null };
}

export type GatePlan = 'run' | 'replay' | 'may-replay';

export interface ReleasePlan {
  schemaVersion: number;
  project: string;
  crate: string;
  version: string;
  createdAt: string;
  gates: { gate: string; plan: GatePlan; why: string; hash: string | null }[];
  /** release-dry-run as a whole: `replay` when Nx will restore it from the local cache, no gate running. */
  dryRun: { plan: GatePlan; why: string; hash: string | null } | null;
  build: {
    /** The generated release workflow releases this crate. */
    released: boolean;
    why: string;
    binaries: string[];
    targets: { target: string; runsOn: string[]; testsRun: boolean; archive: string | null }[];
  };
  publish: { publish: boolean; why: string; crate: string; version: string; registry: string; index: string; alreadyPublished: boolean | null };
}

/** The archive the release workflow packs for one crate and target (partials/jobs/build.ejs names it the same). */
export const archiveName = (crate: string, version: string, target: string) => `${crate}-${version}-${target}.tar.gz`;

const shortHash = (hash: string) => hash.slice(0, 12);

function planGate(gate: PlanGateFact, hashProblem: string | null): ReleasePlan['gates'][number] {
  const row = (plan: GatePlan, why: string) => ({ gate: gate.target, plan, why, hash: gate.hash });
  if (!gate.cacheable) return row('run', 'never cached: it runs every time');
  if (!gate.hash) return row('may-replay', `Nx could not hash it here (${hashProblem ?? 'no hash'}); it replays only if its inputs match a cached run`);
  if (gate.cached) {
    const status = gate.cached.status ? `, ${gate.cached.status}` : '';
    return row('replay', `its inputs match a run in the local cache (${shortHash(gate.hash)}${status})`);
  }
  return row('run', `no local cache entry for its inputs (${shortHash(gate.hash)}); a remote cache may still hold one`);
}

function planDryRun(fact: PlanDryRunFact | null): ReleasePlan['dryRun'] {
  if (!fact) return null;
  const row = (plan: GatePlan, why: string) => ({ plan, why, hash: fact.hash });
  if (fact.mustRun) return row('run', `it cannot replay whole: ${fact.mustRun}; its gates run or replay as listed`);
  if (!fact.hash) return row('may-replay', `Nx could not compute its key here (${fact.problem ?? 'no key'})`);
  if (fact.cached) {
    const status = fact.cached.status ? `, ${fact.cached.status}` : '';
    return row('replay', `its key matches a dry run in the local cache (${shortHash(fact.hash)}${status}): Nx restores its report and every gate's outputs, no gate runs`);
  }
  return row('run', `no local cache entry for its key (${shortHash(fact.hash)}); its gates run or replay as listed`);
}

function planBuild(input: ReleasePlanInput): ReleasePlan['build'] {
  const { crate, workflows } = input;
  const base = { binaries: crate.binaries, targets: [] as ReleasePlan['build']['targets'] };
  if (!workflows) return { ...base, released: false, why: 'no generated release workflow (.github/nx-release-gates.json); run nx g nx-release-gates:workflows' };
  if (workflows.crates && !workflows.crates.includes(crate.name)) {
    return { ...base, released: false, why: `the release workflow releases ${workflows.crates.join(', ') || 'no crate'}, not ${crate.name}` };
  }
  const targets = workflows.targets.map((t) => ({
    target: t.target,
    runsOn: t.runsOn,
    testsRun: t.test,
    archive: crate.binaries.length ? archiveName(crate.name, crate.version, t.target) : null,
  }));
  const why = crate.binaries.length
    ? `the release workflow builds ${crate.binaries.join(', ')} for ${targets.length} target(s), one archive each`
    : 'no binaries: the release publishes the crate and packs no archive';
  return { ...base, targets, released: true, why };
}

function planPublish(input: ReleasePlanInput): ReleasePlan['publish'] {
  const { crate, registry } = input;
  const base = { crate: crate.name, version: crate.version, registry: registry.name, index: registry.index, alreadyPublished: registry.published };
  if (!crate.publish) return { ...base, publish: false, why: 'publish = false in Cargo.toml: nothing is published' };
  if (registry.published === true) return { ...base, publish: false, why: `${registry.name} already holds ${crate.name} ${crate.version}: the release skips publishing it` };
  if (registry.published === null) return { ...base, publish: true, why: `${registry.name} could not be asked (${registry.problem ?? 'no answer'}); the release publishes unless it holds ${crate.version}` };
  return { ...base, publish: true, why: `${crate.name} ${crate.version} is not on ${registry.name} yet` };
}

export function buildReleasePlan(input: ReleasePlanInput): ReleasePlan {
  return {
    schemaVersion: RELEASE_PLAN_SCHEMA_VERSION,
    project: input.project,
    crate: input.crate.name,
    version: input.crate.version,
    createdAt: input.createdAt,
    gates: input.gates.map((g) => planGate(g, input.hashProblem)),
    dryRun: planDryRun(input.dryRun),
    build: planBuild(input),
    publish: planPublish(input),
  };
}

const PLAN_WORDS: Record<GatePlan, string> = { run: 'will run', replay: 'will replay', 'may-replay': 'may replay' };

/** The short plan printed to the terminal. */
export function planText(plan: ReleasePlan): string {
  const count = (p: GatePlan) => plan.gates.filter((g) => g.plan === p).length;
  const width = Math.max(0, ...plan.gates.map((g) => g.gate.length));
  const lines = [
    `Release plan of ${plan.crate} ${plan.version}`,
    '',
    `Gates: ${count('run')} will run, ${count('replay')} will replay, ${count('may-replay')} may replay`,
    ...plan.gates.map((g) => `  ${g.gate.padEnd(width)}  ${PLAN_WORDS[g.plan].padEnd(11)}  ${g.why}`),
    ...(plan.dryRun ? ['', `Dry run: ${PLAN_WORDS[plan.dryRun.plan]}${plan.dryRun.plan === 'replay' ? ' whole' : ''}: ${plan.dryRun.why}`] : []),
    '',
    `Build: ${plan.build.why}`,
    ...plan.build.targets.map((t) => `  ${t.target} on ${t.runsOn.join(', ')}${t.testsRun ? ' (gate-test runs there)' : ''}${t.archive ? `: ${t.archive}` : ''}`),
    '',
    `Publish: ${plan.publish.publish ? `${plan.crate} ${plan.version} to ${plan.publish.registry}` : 'nothing'}: ${plan.publish.why}`,
  ];
  return lines.join('\n');
}
