/**
 * A gate's state probes and option-dependent file inputs are written at inference, from the options inference sees
 * (nx.json plugin options, Cargo.toml metadata). Target options (project.json, targetDefaults, the command line)
 * reach the gate but not those inputs: a gate run against another registry index, engine list or Docker context than
 * its key reads would be cached under state nobody looked at. Such a run is refused, in one line saying where to set
 * the option instead.
 */
import type { CrateModel } from '../model/crate-model';
import { isGateStateKind } from '../model/state-kinds';
import { GATE_SPECS } from '../model/catalog';
import { dockerFileInputs, stateArgs, stateInputsOf, type StateOptions } from './inputs';

/** The options each probe kind reads, for the refusal line. */
const OPTIONS_OF: Partial<Record<string, string>> = { registry: 'registryIndex', resolution: 'registryIndex', engines: 'containerEngines' };

const WHERE = 'set it in the nx.json plugin options or in Cargo.toml [package.metadata.release-gates] instead of the target options (project.json, targetDefaults, the command line), which do not reach the cache key';

/**
 * Null when the key reads what the gate will read; else the line that refuses the run. `probes` are the state probes
 * the key holds (the target's metadata, state-hasher.ts), `inputs` its declared inputs.
 */
export function keyedOptionsProblem(gateName: string, inputs: readonly unknown[] | undefined, probes: readonly (readonly string[])[], crate: CrateModel, options: StateOptions, workspaceRoot: string): string | null {
  if (!inputs) return null;
  const spec = GATE_SPECS.find((g) => g.name === gateName);
  const wanted = spec?.readsNoStateWhen && probes.length === 0 ? stateInputsOf(spec, crate, { ...options }) : [];
  if (wanted.length) {
    // Inference saw options under which the gate skips before reading state; this run's would have it read some.
    return `gate-${gateName}'s cache key holds no ${wanted.join(', ')} state (the options inference saw skip the gate), but this run's options would read it: ${WHERE}`;
  }
  for (const [kind, ...keyed] of probes) {
    if (!kind || !isGateStateKind(kind)) continue;
    const wanted = stateArgs(crate, kind, options, gateName);
    if (JSON.stringify(wanted) === JSON.stringify(keyed)) continue;
    const option = OPTIONS_OF[kind];
    if (!option) return `gate-${gateName}'s cache key reads ${kind} state other than this run would (${keyed.join(' ')} / ${wanted.join(' ')}); run \`nx reset\` and run again`;
    return `option ${option} differs from what gate-${gateName}'s cache key reads (${JSON.stringify(options[option as keyof StateOptions] ?? null)}): ${WHERE}`;
  }
  const declared = new Set(inputs.filter((i): i is string => typeof i === 'string'));
  const missing = gateName === 'docker' ? dockerFileInputs(crate, workspaceRoot, options).filter((i) => !declared.has(i)) : [];
  if (missing.length) return `options dockerfile/dockerContext name ${missing.join(', ')}, which gate-docker's cache key does not hold: ${WHERE}`;
  return null;
}
