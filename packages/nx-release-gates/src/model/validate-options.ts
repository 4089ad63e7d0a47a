/**
 * The one place a gate's options are checked: the keys of every layer, each value's type, where an option may be
 * set, the environment patterns, the registry index, paths that must stay in the workspace, the target triple and
 * the features the crate must define. Each mistake is one line naming the option, its value, the layer it came
 * from and what is accepted; every mistake found is reported at once, so one run shows all there is to fix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CrateModel } from './crate-model';
import { isSecretName } from './env-families';
import { cpuFallbackFeaturesOf, cudaFeaturesOf, unknownFeatures } from './feature-sets';
import { fromKebabCase, GateOptions, OPTION_DEFINITIONS, OPTION_NAMES, OptionDefinition, optionsForGate, toKebabCase } from './options';
import { OptionLayer, sourceOf, TARGET_OPTIONS_SOURCE, unknownKeysOf } from './resolve-options';
import { closestName } from '../util/closest-name';
import { parseSize } from '../util/sizes';

/** Where the crate is, for the options that name paths (they must stay inside the workspace) or features. */
export interface CrateScope {
  workspaceRoot: string;
  crateDir: string;
  /** The crate whose [features] the feature options must name; unset: features are not checked. */
  crate?: CrateModel;
}

/** Bad options: `message` is one line (the mistake, or all of them numbered), `mistakes` one line each. */
export class OptionError extends Error {
  constructor(readonly mistakes: string[]) {
    super(mistakes.length === 1 ? mistakes[0] : `${mistakes.length} option mistakes: ${mistakes.map((m, i) => `(${i + 1}) ${m}`).join('; ')}`);
  }
}

const TRIPLE = /^[a-z0-9_.]+(?:-[a-z0-9_.]+){2,3}$/;

/** The targetTriple a gate's results go under: a valid triple, else the host (an invalid one fails in validation). */
export function validTriple(value: unknown): string | undefined {
  return typeof value === 'string' && TRIPLE.test(value) ? value : undefined;
}

/**
 * Validates the options a gate received (already merged by Nx) and returns them typed. Throws OptionError when
 * anything is wrong. A misspelt key stops the checks there: the values of a layer with a typo are not the ones meant.
 */
export function validateGateOptions(gate: string, received: Record<string, unknown>, layers: OptionLayer[], scope?: CrateScope): GateOptions {
  // A typo in Cargo.toml metadata fails every gate, not only the gates that read the misspelt key.
  const keyMistakes = [...layers.flatMap(layerKeyMistakes), ...targetKeyMistakes(received)];
  if (keyMistakes.length) throw new OptionError(keyMistakes);
  const mistakes: string[] = [];
  const resolved: Record<string, unknown> = {};
  const where = (name: string) => sourceOf(name, received[name], layers);
  for (const def of optionsForGate(gate)) {
    const value = received[def.name];
    // An empty triple is how a command line says "the host".
    if (value === undefined || value === null || (def.name === 'targetTriple' && value === '')) {
      if (def.default !== undefined) resolved[def.name] = checkValue(def, def.default, 'defaults').value;
      continue;
    }
    const checked = checkValue(def, value, where(def.name));
    if (checked.mistake) mistakes.push(checked.mistake);
    else resolved[def.name] = checked.value;
    if (def.inferenceOnly && where(def.name) === TARGET_OPTIONS_SOURCE) {
      mistakes.push(
        `option ${def.name} is set in ${TARGET_OPTIONS_SOURCE}, where inference cannot add it to the cache key; set it in [package.metadata.release-gates] (${toKebabCase(def.name)}) or in nx.json plugin options instead`,
      );
    }
  }
  // The one boundary where options become typed: each key present passed checkValue for its definition's type, and
  // each option with a default has a value. The rules below take them as Partial, as a value that failed is absent.
  const options = resolved as GateOptions;
  mistakes.push(...ruleMistakes(options, where, scope));
  if (mistakes.length) throw new OptionError(mistakes);
  return options;
}

/** Unknown keys in a Cargo.toml metadata table, each with the known key it was probably meant to be. */
function layerKeyMistakes(layer: OptionLayer): string[] {
  const known = OPTION_DEFINITIONS.map((d) => toKebabCase(d.name));
  return unknownKeysOf(layer).map((key) => {
    const kebab = toKebabCase(key).replace(/_/g, '-');
    const hint = known.includes(kebab) ? kebab : closestName(kebab, known);
    const why = hint && kebab !== key ? ' (Cargo.toml keys are kebab-case)' : '';
    return `unknown key "${key}" in ${layer.source}; known keys: ${known.join(', ')}${hint ? `; did you mean ${hint}${why}?` : ''}`;
  });
}

/** Target options no gate knows (options of other gates are accepted: one targetDefaults entry can serve every gate). */
function targetKeyMistakes(received: Record<string, unknown>): string[] {
  const unknown = Object.keys(received).filter((key) => !OPTION_NAMES.has(key));
  if (!unknown.length) return [];
  const hints = unknown.flatMap((key) => {
    const hint = closestName(fromKebabCase(key), OPTION_NAMES);
    return hint ? [unknown.length === 1 ? hint : `${hint} for ${key}`] : [];
  });
  return [
    `unknown option${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')} in ${TARGET_OPTIONS_SOURCE}; known options: ${[...OPTION_NAMES].join(', ')}${hints.length ? `; did you mean ${hints.join(', ')}?` : ''}`,
  ];
}

type Checked = { value: unknown; mistake?: undefined } | { value?: undefined; mistake: string };

function checkValue(def: OptionDefinition, value: unknown, where: string): Checked {
  const bad = (what: string): Checked => ({ mistake: `option ${def.name} ${JSON.stringify(value)} (from ${where}) ${what}` });
  switch (def.type) {
    case 'boolean':
      return typeof value === 'boolean' ? { value } : bad('must be true or false');
    case 'string':
      return typeof value === 'string' ? { value } : bad('must be a string');
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' && v.length > 0)
        ? { value }
        : bad('must be a list of non-empty strings, e.g. ["a", "b"]');
    case 'enum':
      return typeof value === 'string' && def.values?.includes(value) ? { value } : bad(`must be one of: ${def.values?.join(', ')}`);
    case 'size': {
      const bytes = parseSize(value);
      return bytes === null ? bad('is not a size; write bytes or a number with KB, MB, GB, KiB, MiB or GiB, e.g. "20MiB"') : { value: bytes };
    }
  }
}

/** Checks beyond a value's type: what it names must exist, stay inside the workspace, or be safe to hash. */
function ruleMistakes(options: Partial<GateOptions>, where: (name: string) => string, scope: CrateScope | undefined): string[] {
  const mistakes: string[] = [];
  if (options.envInputs) mistakes.push(...envPatternMistakes(options.envInputs, where('envInputs')));
  if (options.registryIndex !== undefined) mistakes.push(...registryIndexMistakes(options.registryIndex, where('registryIndex')));
  if (options.targetTriple !== undefined && !validTriple(options.targetTriple)) {
    mistakes.push(`option targetTriple ${JSON.stringify(options.targetTriple)} is not a Rust target triple; write e.g. x86_64-unknown-linux-gnu (rustc --print target-list lists them)`);
  }
  if (!scope) return mistakes;
  for (const def of OPTION_DEFINITIONS.filter((d) => d.crateRelativePath)) {
    const value = options[def.name];
    for (const entry of value === undefined ? [] : [value].flat()) mistakes.push(...outsideWorkspaceMistakes(def.name, String(entry), where(def.name), scope));
  }
  if (scope.crate) mistakes.push(...featureMistakes(scope.crate, options));
  return mistakes;
}

/** registryIndex is an http(s) URL of a sparse index, or a local folder (absolute path or file:// URL). */
function registryIndexMistakes(index: string, where: string): string[] {
  const ok = /^(sparse\+)?https?:\/\/[^\s/]+/.test(index) || /^file:\/\/\//.test(index) || path.isAbsolute(index);
  return ok
    ? []
    : [`option registryIndex ${JSON.stringify(index)} (from ${where}) is not an index location; use an http(s) URL such as https://index.crates.io/, or an absolute folder or file:/// URL`];
}

/**
 * envInputs entries are variable names or `PREFIX_*` patterns. A name that looks like a secret (`MAX_TOKENS`) is
 * accepted when written in full: only a slow hash of its value joins the key, and it is never printed. A pattern whose
 * fixed part looks like one is refused: it could sweep in credentials the person never meant to hand to a build.
 */
function envPatternMistakes(patterns: string[], where: string): string[] {
  return patterns.flatMap((pattern) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*\*?$/.test(pattern)) {
      return [`envInputs entry ${JSON.stringify(pattern)} (from ${where}) is not a variable name or a PREFIX_* pattern; use letters, digits and _ with an optional trailing *`];
    }
    if (pattern.endsWith('*') && isSecretName(pattern.slice(0, -1))) {
      return [`envInputs entry ${JSON.stringify(pattern)} (from ${where}) is a pattern that names a secret; list each variable by its full name instead (a name in full is hashed, never printed)`];
    }
    return [];
  });
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

function outsideWorkspaceMistakes(name: string, entry: string, where: string, scope: CrateScope): string[] {
  const staticPart = entry.split(/[*?[{]/)[0];
  const real = realExistingPrefix(path.resolve(scope.crateDir, staticPart || '.'));
  const root = fs.realpathSync(scope.workspaceRoot);
  const rel = path.relative(root, real);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    return [
      `option ${name} ${JSON.stringify(entry)} (from ${where}) resolves to ${real}, outside the workspace; paths are relative to the crate folder and must stay inside the workspace (symlinks followed)`,
    ];
  }
  return [];
}

/** A misspelt feature is caught before cargo runs, with the crate's real features listed. */
function featureMistakes(crate: CrateModel, options: Partial<GateOptions>): string[] {
  const named = [
    ...(options.features ?? []),
    ...(options.excludeFeatures ?? []),
    ...(options.cudaFeatures ? cudaFeaturesOf(crate, options) : []),
    ...(options.cpuFallbackFeatures ? cpuFallbackFeaturesOf(crate, options) : []),
  ];
  const unknown = unknownFeatures(crate, named);
  if (!unknown.length) return [];
  const known = Object.keys(crate.features).filter((f) => f !== 'default');
  return [
    `${unknown.length === 1 ? 'feature' : 'features'} ${unknown.map((f) => JSON.stringify(f)).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not defined by crate ${crate.name} (its features: ${known.join(', ') || 'none'}); correct the name in the options or define the feature under [features] in ${crate.manifestPath}`,
  ];
}
