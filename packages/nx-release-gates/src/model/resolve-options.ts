/**
 * Where options are resolved. Precedence, highest first:
 *   target options (project.json, targetDefaults, command line)
 *   > `[package.metadata.release-gates]` in the crate's Cargo.toml
 *   > `[workspace.metadata.release-gates]` in the Cargo workspace's root manifest
 *   > the plugin's options in nx.json
 *   > defaults.
 * Inference merges the lower four layers into each target's options (so `nx show project` shows the effective
 * values and Nx hashes them); Nx then merges the user's target options on top. The executor validates the result
 * (model/validate-options.ts) and names the layer a bad value came from.
 */
import type { CrateModel } from './crate-model';
import { fromKebabCase, OPTION_DEFINITIONS, OPTION_NAMES, optionsForGate, toKebabCase } from './options';

export interface OptionLayer {
  /** Where a person finds these values, e.g. "Cargo.toml [package.metadata.release-gates]". */
  source: string;
  values: Record<string, unknown>;
  /** True when keys are spelled in kebab-case (Cargo.toml metadata). */
  kebab: boolean;
}

export const TARGET_OPTIONS_SOURCE = 'target options (project.json, targetDefaults or the command line)';

/** The layers below target options, lowest first. */
export function lowerLayers(crate: CrateModel, pluginOptions: Record<string, unknown> | undefined): OptionLayer[] {
  const defaults: Record<string, unknown> = {};
  // An option whose default depends on CI stays unset here: the gate adapter resolves it when the gate runs.
  for (const d of OPTION_DEFINITIONS) if (d.default !== undefined && d.ciDefault === undefined) defaults[d.name] = d.default;
  const manifest = `${crate.manifestPath}`;
  return [
    { source: 'defaults', values: defaults, kebab: false },
    { source: 'nx.json plugin options (nx-release-gates)', values: pickGateOptions(pluginOptions ?? {}), kebab: false },
    {
      source: `${crate.workspaceManifestPath} [workspace.metadata.release-gates]`,
      values: crate.releaseGatesMetadata.workspace ?? {},
      kebab: true,
    },
    { source: `${manifest} [package.metadata.release-gates]`, values: crate.releaseGatesMetadata.package ?? {}, kebab: true },
  ];
}

/** The plugin options object also carries non-gate settings (target name prefix, ...); keep only gate options. */
function pickGateOptions(values: Record<string, unknown>): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) if (OPTION_NAMES.has(k)) picked[k] = v;
  return picked;
}

/**
 * Keys of a layer that name no option as that layer spells them (a typo, or camelCase in Cargo.toml metadata,
 * whose keys are kebab-case). The validator reports them; inference never fails on them.
 */
export function unknownKeysOf(layer: OptionLayer): string[] {
  return Object.keys(layer.values).filter((key) => {
    const name = layer.kebab ? fromKebabCase(key) : key;
    return !OPTION_NAMES.has(name) || (layer.kebab && toKebabCase(name) !== key);
  });
}

/**
 * Values of one layer under camelCase names, as inference passes them on: a misspelt key is carried along (the
 * gate reports it with the fix when it runs, where one line can say what is wrong) rather than dropped in silence.
 */
function namedValues(layer: OptionLayer): Record<string, unknown> {
  if (!layer.kebab) return layer.values;
  return Object.fromEntries(Object.entries(layer.values).map(([key, value]) => [fromKebabCase(key), value]));
}

/** Merge of the lower layers for one gate: what inference writes into the target's options. */
export function inferredOptionsForGate(gate: string, layers: OptionLayer[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const wanted = new Set(optionsForGate(gate).map((d) => d.name));
  for (const layer of layers) {
    for (const [name, value] of Object.entries(namedValues(layer))) if (wanted.has(name)) result[name] = value;
  }
  return result;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Which layer supplied the value a gate received: the top lower layer that set it, unless a target option changed it. */
export function sourceOf(name: string, value: unknown, layers: OptionLayer[]): string {
  const spelled = (layer: OptionLayer) => (layer.kebab ? ` ${toKebabCase(name)}` : '');
  for (let i = layers.length - 1; i >= 0; i--) {
    const values = namedValues(layers[i]);
    if (name in values) {
      return sameValue(values[name], value) ? `${layers[i].source}${spelled(layers[i])}` : TARGET_OPTIONS_SOURCE;
    }
  }
  return TARGET_OPTIONS_SOURCE;
}
