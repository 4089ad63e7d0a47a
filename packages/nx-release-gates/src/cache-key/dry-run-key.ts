/**
 * When a whole release-dry-run may replay from a cache, and what its key holds (the hasher is executors/release-dry-run/dry-run-hasher.ts).
 *
 * A dry run's verdict is a function of its gates' verdicts, each a function of that gate's key, plus what the report
 * records beside them: the commit and whether the tree is clean, the lockfile's hash, the fingerprinted variables and
 * the dry run's options. So its key is those gates' keys (with the gates they depend on) and those facts. It never
 * replays when a replay could not be the same dry run: a trusted key asks every replayed gate to be checked for a
 * trusted run's signature (only a run can check), an emergency skip holds a date that expires, gates other than the
 * ones the target's outputs name would restore other files, and with the daemon on a run over several crates ends
 * with one combined table that only dry runs that run can print.
 */
import { EMERGENCY_ENV_INPUTS } from './inputs';
import { TRUSTED_KEY_VARIABLE } from '../model/replay-trust';
import { GATE_TARGETS } from '../model/catalog';

/** The target metadata entry naming the gates whose outputs release-dry-run declares (plugin/targets.ts). */
export const DRY_RUN_GATES = 'dryRunGates';

export interface DryRunKeyFacts {
  /** The gates this run asks for: the task's options (overrides over the target's). */
  gates: unknown;
  /** The gates the target's outputs were written for (metadata), or undefined for a target the plugin did not infer. */
  declaredGates: unknown;
  env: Readonly<Record<string, string | undefined>>;
  /** How many release-dry-run tasks this Nx run holds (one per crate). */
  dryRunsInRun: number;
  /** Whether this Nx run uses the daemon, where the post-run hook runs and prints nowhere. */
  daemon: boolean;
}

const gateList = (value: unknown): string[] | null =>
  Array.isArray(value) && value.every((g) => typeof g === 'string') ? (value as string[]) : null;

/** Why this dry run must run rather than replay whole, or null when a replay is the same dry run. */
export function whyDryRunRuns(facts: DryRunKeyFacts): string | null {
  if (facts.env[TRUSTED_KEY_VARIABLE]?.trim()) return `${TRUSTED_KEY_VARIABLE} is set: every replayed gate is checked for a trusted run's signature`;
  const skip = EMERGENCY_ENV_INPUTS.find((name) => facts.env[name]?.trim());
  if (skip) return `${skip} is set: an emergency skip is checked when the dry run runs`;
  // A run over several crates ends with one combined table: printed by the last dry run to finish, or, when one
  // replayed whole (it never runs to add its rows), by the post-run hook, which with the daemon on prints nowhere.
  if (facts.dryRunsInRun > 1 && facts.daemon) return 'with the Nx daemon on, a run over several crates ends with one combined table that only running dry runs can print';
  const declared = gateList(facts.declaredGates);
  if (!declared) return 'the target names no gates its outputs cover (not inferred by this plugin)';
  const asked = facts.gates === undefined ? [...GATE_TARGETS] : gateList(facts.gates);
  if (!asked || !asked.length || asked.some((g) => !(GATE_TARGETS as readonly string[]).includes(g))) return 'the gates option is not a list of gate targets';
  if (new Set(asked).size !== new Set(declared).size || asked.some((g) => !declared.includes(g))) {
    return `the gates asked for (${asked.join(', ')}) are not the ones its outputs cover (${declared.join(', ')}); set them in nx.json targetDefaults to replay whole`;
  }
  return null;
}

/**
 * Why a replay would not restore every file its gates write, or null: each gate task's outputs, as Nx resolves them
 * from the options in force (a `targetTriple` set in project.json or targetDefaults moves a gate's results), must be
 * among the dry run task's, which inference wrote from the options it saw.
 */
export function outputsNotCovered(gateOutputs: ReadonlyArray<readonly [string, readonly string[]]>, dryRunOutputs: readonly string[]): string | null {
  const covered = new Set(dryRunOutputs);
  for (const [gate, outputs] of gateOutputs) {
    const missing = outputs.filter((o) => !covered.has(o));
    if (missing.length) return `${gate} writes ${missing.join(', ')}, which its outputs do not name (an option set where inference does not see it)`;
  }
  return null;
}

/** The lines a replayable dry run's key is made of, in a fixed order. */
export function dryRunKeyLines(parts: { own: string; gates: ReadonlyArray<readonly [string, string]>; git: { commit: string | null; clean: boolean | null }; environment: Record<string, string | null> }): string[] {
  return [
    `own ${parts.own}`,
    ...[...parts.gates].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, hash]) => `gate ${id} ${hash}`),
    `git ${parts.git.commit ?? '-'} ${parts.git.clean === null ? '-' : parts.git.clean ? 'clean' : 'dirty'}`,
    `environment ${JSON.stringify(Object.entries(parts.environment).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}`,
  ];
}
