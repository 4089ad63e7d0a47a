/**
 * Where options are resolved. Precedence, highest first:
 *   target options (project.json, targetDefaults, command line)
 *   > `[package.metadata.release-gates]` in the crate's Cargo.toml
 *   > `[workspace.metadata.release-gates]` in the Cargo workspace's root manifest
 *   > the plugin's options in nx.json
 *   > defaults.
 * Inference merges the lower four layers into each target's options (so `nx show project` shows the effective
 * values and Nx hashes them); Nx then merges the user's target options on top. The executor validates the result
 * and names the layer a bad value came from.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CrateModel } from './crate-model';
import { isSecretName } from './env-families';
import { fromKebabCase, OPTION_DEFINITIONS, OPTION_NAMES, OptionDefinition, optionsForGate, toKebabCase } from './options';
import { parseSize } from '../util/sizes';

export interface OptionLayer {
  /** Where a person finds these values, e.g. "Cargo.toml [package.metadata.release-gates]". */
  source: string;
  values: Record<string, unknown>;
  /** True when keys are spelled in kebab-case (Cargo.toml metadata). */
  kebab: boolean;
}

export interface GateOptions {
  features: string[];
  noDefaultFeatures: boolean;
  cudaFeatures?: string[];
  cpuFallbackFeatures?: string[];
  requireCuda: boolean;
  requiredFiles: string[];
  maxCrateSize: number;
  maxBinarySize: number;
  runner: 'cargo' | 'nextest';
  targetDirectory: 'shared' | 'per-gate';
  missingDocs: 'allow' | 'warn' | 'deny';
  denyWarnings: boolean;
  versionCommand?: string[];
  dockerfile?: string;
  dockerContext?: string;
  containerEngines: string[];
  envInputs: string[];
  excludeFeatures: string[];
  registryIndex: string;
  undeclaredInputs: 'warn' | 'deny';
  /** Rust target triple of the build (`--target`); unset: the host. */
  targetTriple?: string;
  install: boolean;
  semver: boolean;
  semverFeatures?: string[];
  allowNoTests: boolean;
}

/** Where the crate is, for options that name paths: they must stay inside the workspace. */
export interface PathScope {
  workspaceRoot: string;
  crateDir: string;
}

export class OptionError extends Error {}

export const TARGET_OPTIONS_SOURCE = 'target options (project.json, targetDefaults or the command line)';

/** The layers below target options, lowest first. */
export function lowerLayers(crate: CrateModel, pluginOptions: Record<string, unknown> | undefined): OptionLayer[] {
  const defaults: Record<string, unknown> = {};
  for (const d of OPTION_DEFINITIONS) if (d.default !== undefined) defaults[d.name] = d.default;
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

/** Values of one layer under camelCase names; unknown keys (typos) are errors naming the layer. */
function layerValues(layer: OptionLayer): Record<string, unknown> {
  if (!layer.kebab) return layer.values;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(layer.values)) {
    const name = fromKebabCase(key);
    if (!OPTION_NAMES.has(name) || toKebabCase(name) !== key) {
      const known = OPTION_DEFINITIONS.map((d) => toKebabCase(d.name)).join(', ');
      throw new OptionError(`unknown key "${key}" in ${layer.source}; known keys: ${known}`);
    }
    out[name] = value;
  }
  return out;
}

/** Merge of the lower layers for one gate: what inference writes into the target's options. */
export function inferredOptionsForGate(gate: string, layers: OptionLayer[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const wanted = new Set(optionsForGate(gate).map((d) => d.name));
  for (const layer of layers) {
    let values: Record<string, unknown>;
    try {
      values = layerValues(layer);
    } catch {
      // Inference never fails on a bad key: the gate reports it when it runs, with the fix.
      values = Object.fromEntries(Object.entries(layer.values).map(([k, v]) => [layer.kebab ? fromKebabCase(k) : k, v]));
    }
    for (const [name, value] of Object.entries(values)) if (wanted.has(name)) result[name] = value;
  }
  return result;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Which layer supplied the value a gate received: the top lower layer that set it, unless a target option changed it. */
function sourceOf(name: string, value: unknown, layers: OptionLayer[]): string {
  const spelled = (layer: OptionLayer) => (layer.kebab ? ` ${toKebabCase(name)}` : '');
  for (let i = layers.length - 1; i >= 0; i--) {
    const values = safeLayerValues(layers[i]);
    if (name in values) {
      return sameValue(values[name], value) ? `${layers[i].source}${spelled(layers[i])}` : TARGET_OPTIONS_SOURCE;
    }
  }
  return TARGET_OPTIONS_SOURCE;
}

function safeLayerValues(layer: OptionLayer): Record<string, unknown> {
  try {
    return layerValues(layer);
  } catch {
    return {};
  }
}

function checkValue(def: OptionDefinition, value: unknown, where: string): unknown {
  const shown = JSON.stringify(value);
  switch (def.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw new OptionError(`option ${def.name} ${shown} (from ${where}) must be true or false`);
      return value;
    case 'string':
      if (typeof value !== 'string') throw new OptionError(`option ${def.name} ${shown} (from ${where}) must be a string`);
      return value;
    case 'string[]':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.length === 0)) {
        throw new OptionError(`option ${def.name} ${shown} (from ${where}) must be a list of non-empty strings, e.g. ["a", "b"]`);
      }
      return value;
    case 'enum':
      if (typeof value !== 'string' || !def.values?.includes(value)) {
        throw new OptionError(`option ${def.name} ${shown} (from ${where}) must be one of: ${def.values?.join(', ')}`);
      }
      return value;
    case 'size': {
      const bytes = parseSize(value);
      if (bytes === null) {
        throw new OptionError(
          `option ${def.name} ${shown} (from ${where}) is not a size; write bytes or a number with KB, MB, GB, KiB, MiB or GiB, e.g. "20MiB"`,
        );
      }
      return bytes;
    }
  }
}

/**
 * Validates the options a gate received (already merged by Nx) and returns them typed. Throws OptionError with a
 * one-line message naming the option, its value, where it came from and what is accepted.
 */
export function resolveGateOptions(gate: string, received: Record<string, unknown>, layers: OptionLayer[], scope?: PathScope): GateOptions {
  // A typo in Cargo.toml metadata fails every gate, not only the gates that read the misspelt key.
  for (const layer of layers) layerValues(layer);
  const unknown = Object.keys(received).filter((key) => !OPTION_NAMES.has(key));
  if (unknown.length) {
    throw new OptionError(
      `unknown option${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')} in ${TARGET_OPTIONS_SOURCE}; known options: ${[...OPTION_NAMES].join(', ')}`,
    );
  }
  const resolved: Record<string, unknown> = {};
  for (const def of optionsForGate(gate)) {
    const value = received[def.name];
    if (value === undefined || value === null) {
      if (def.default !== undefined) resolved[def.name] = checkValue(def, def.default, 'defaults');
      continue;
    }
    const where = sourceOf(def.name, value, layers);
    resolved[def.name] = checkValue(def, value, where);
    if (def.inferenceOnly && where === TARGET_OPTIONS_SOURCE) {
      throw new OptionError(
        `option ${def.name} is set in ${TARGET_OPTIONS_SOURCE}, where inference cannot add it to the cache key; set it in [package.metadata.release-gates] (${toKebabCase(def.name)}) or in nx.json plugin options instead`,
      );
    }
    if (def.name === 'envInputs') checkEnvPatterns(resolved[def.name] as string[], where);
    if (def.name === 'registryIndex') checkRegistryIndex(resolved[def.name] as string, where);
    if (def.crateRelativePath && scope) {
      for (const entry of [resolved[def.name]].flat() as string[]) checkInsideWorkspace(def.name, entry, where, scope);
    }
  }
  return resolved as unknown as GateOptions;
}

/** registryIndex is an http(s) URL of a sparse index, or a local folder (absolute path or file:// URL). */
function checkRegistryIndex(index: string, where: string): void {
  const ok = /^(sparse\+)?https?:\/\/[^\s/]+/.test(index) || /^file:\/\/\//.test(index) || path.isAbsolute(index);
  if (!ok) {
    throw new OptionError(`option registryIndex ${JSON.stringify(index)} (from ${where}) is not an index location; use an http(s) URL such as https://index.crates.io/, or an absolute folder or file:/// URL`);
  }
}

/**
 * envInputs entries are variable names or `PREFIX_*` patterns. A name that looks like a secret (`MAX_TOKENS`) is
 * accepted when written in full: only a slow hash of its value joins the key, and it is never printed. A pattern whose
 * fixed part looks like one is refused: it could sweep in credentials the person never meant to hand to a build.
 */
function checkEnvPatterns(patterns: string[], where: string): void {
  for (const pattern of patterns) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*\*?$/.test(pattern)) {
      throw new OptionError(`envInputs entry ${JSON.stringify(pattern)} (from ${where}) is not a variable name or a PREFIX_* pattern; use letters, digits and _ with an optional trailing *`);
    }
    if (pattern.endsWith('*') && isSecretName(pattern.slice(0, -1))) {
      throw new OptionError(`envInputs entry ${JSON.stringify(pattern)} (from ${where}) is a pattern that names a secret; list each variable by its full name instead (a name in full is hashed, never printed)`);
    }
  }
}

/** The deepest existing folder of `target` (the part before any glob character), symlinks resolved. */
function realExistingPrefix(target: string): string {
  let current = target;
  for (;;) {
    try {
      return path.join(fs.realpathSync(current), path.relative(current, target));
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return target;
      current = parent;
    }
  }
}

function checkInsideWorkspace(name: string, entry: string, where: string, scope: PathScope): void {
  const staticPart = entry.split(/[*?[{]/)[0];
  const real = realExistingPrefix(path.resolve(scope.crateDir, staticPart || '.'));
  const root = fs.realpathSync(scope.workspaceRoot);
  const rel = path.relative(root, real);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new OptionError(
      `option ${name} ${JSON.stringify(entry)} (from ${where}) resolves to ${real}, outside the workspace; paths are relative to the crate folder and must stay inside the workspace (symlinks followed)`,
    );
  }
}
