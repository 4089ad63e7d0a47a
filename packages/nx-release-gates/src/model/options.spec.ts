import * as fs from 'node:fs';
import * as path from 'node:path';
import { ciDependentOptions, GateOptions, isCiRun, OPTION_DEFINITIONS, optionsForGate, runtimeDefaults, toKebabCase } from './options';
import { GATE_SPECS as GATES, gateTarget } from './catalog';

// README is part of the product: every option (both spellings) and every gate must be documented there.
const README = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');

describe('README documents', () => {
  it.each(OPTION_DEFINITIONS.map((d) => d.name))('option %s in camelCase and its Cargo.toml key', (name) => {
    expect(README).toContain(`| \`${name}\` (\`${toKebabCase(name)}\`) |`);
  });

  it.each(GATES.map((g) => gateTarget(g)))('gate %s in the gate table', (target) => {
    expect(README).toContain(`| \`${target}\` |`);
  });
});

/** True only when X and Y are the same type (checked by tsc over the spec files). */
type Same<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;

describe('GateOptions', () => {
  it('is derived from the definitions: each type, enum values, sizes in bytes, optional without a default', () => {
    const derived: [
      Same<GateOptions['noDefaultFeatures'], boolean>,
      Same<GateOptions['dockerfile'], string | undefined>,
      Same<GateOptions['features'], string[]>,
      Same<GateOptions['runner'], 'cargo' | 'nextest'>,
      Same<GateOptions['missingDocs'], 'allow' | 'warn' | 'deny'>,
      Same<GateOptions['maxBinarySize'], number>,
      Same<GateOptions['cudaFeatures'], string[] | undefined>,
      Same<keyof GateOptions, (typeof OPTION_DEFINITIONS)[number]['name']>,
    ] = [true, true, true, true, true, true, true, true];
    expect(derived.every(Boolean)).toBe(true);
    const withDefault = OPTION_DEFINITIONS.filter((d) => d.default !== undefined).map((d) => d.name);
    expect(withDefault).toContain('runner');
    expect(withDefault).not.toContain('cudaFeatures');
  });
});

describe('per-gate facts in the catalog', () => {
  it.each(GATES.filter((g) => g.helpExample).map((g) => [g.name, g.helpExample!] as const))("gate-%s's help example sets only options the gate reads", (gate, example) => {
    const read = optionsForGate(gate).map((d) => d.name);
    for (const name of Object.keys(example)) expect(read).toContain(name);
  });

  it('targetTriple is an option of exactly the gates that take a target triple', () => {
    const triple = OPTION_DEFINITIONS.find((d) => d.name === 'targetTriple')!;
    expect([...triple.gates].sort()).toEqual(GATES.filter((g) => g.takesTargetTriple).map((g) => g.name).sort());
    expect(triple.gates).toEqual(expect.arrayContaining(['build', 'size', 'test']));
  });
});

describe('runtimeDefaults', () => {
  it('makes undeclaredInputs deny on a CI run when nothing set it, and leaves a set value and other runs alone', () => {
    expect(runtimeDefaults('test', {}, { CI: 'true' })).toEqual({ undeclaredInputs: 'deny' });
    expect(runtimeDefaults('fmt', {}, { CI: '1' })).toEqual({ undeclaredInputs: 'deny' });
    expect(runtimeDefaults('test', { undeclaredInputs: 'warn' }, { CI: 'true' })).toEqual({ undeclaredInputs: 'warn' });
    expect(runtimeDefaults('test', {}, { CI: 'false' })).toEqual({});
    expect(runtimeDefaults('test', {}, {})).toEqual({});
    expect(runtimeDefaults('lockfile', {}, { CI: 'true' })).toEqual({});
    expect(isCiRun({ CI: 'TRUE' })).toBe(false);
    expect(ciDependentOptions('build')).toEqual(['undeclaredInputs']);
  });
});
