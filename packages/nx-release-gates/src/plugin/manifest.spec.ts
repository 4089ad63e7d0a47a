import * as fs from 'node:fs';
import * as path from 'node:path';
import { crateModel } from '../testing/crate-model';
import { GATE_SPECS as GATES, gateTarget } from '../model/catalog';
import { executorManifest } from './manifest';
import { OPTION_DEFINITIONS, optionsForGate } from '../model/options';
import { crateProject } from './targets';

const manifest = executorManifest();
const gateTargets = GATES.map((g) => gateTarget(g));
type Schema = { properties: Record<string, Record<string, unknown>>; [key: string]: unknown };
const schemaOf = (name: string) => manifest[name].schema as Schema;

describe('executorManifest', () => {
  it('has one executor per gate plus release-dry-run', () => {
    for (const target of [...gateTargets, 'release-dry-run']) expect(manifest[target]).toBeDefined();
    const extra = Object.keys(manifest).filter((name) => !gateTargets.includes(name) && name !== 'release-dry-run');
    // Anything else must not look like a gate the registry does not know.
    for (const name of extra) expect(name.startsWith('gate-')).toBe(false);
  });

  it('lists in each gate schema exactly the options optionsForGate gives, with their descriptions and defaults', () => {
    for (const gate of GATES) {
      const schema = schemaOf(gateTarget(gate));
      const defs = optionsForGate(gate.name);
      expect(Object.keys(schema.properties).sort()).toEqual(defs.map((d) => d.name).sort());
      for (const def of defs) {
        const property = schema.properties[def.name];
        expect(property.description).toBe(def.description);
        expect(typeof property.description === 'string' && property.description.length > 10).toBe(true);
        // A CI-dependent default is resolved when the gate runs (the description says it), never by Nx from the schema.
        if (def.default === undefined || def.ciDefault !== undefined) expect(property).not.toHaveProperty('default');
        else expect(property.default).toEqual(def.default);
      }
    }
  });

  it('spells each option type the way Nx and editors read it', () => {
    const property = (gate: string, name: string) => schemaOf(`gate-${gate}`).properties[name];
    expect(property('size', 'maxBinarySize').type).toEqual(['string', 'number']);
    expect(property('package', 'requiredFiles')).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect(property('test', 'runner')).toMatchObject({ type: 'string', enum: ['cargo', 'nextest'] });
    expect(property('doc', 'missingDocs')).toMatchObject({ type: 'string', enum: ['allow', 'warn', 'deny'] });
    expect(property('cuda', 'requireCuda')).toMatchObject({ type: 'boolean', default: false });
  });

  it('gives every option of the definitions to at least one executor', () => {
    const listed = new Set(GATES.flatMap((g) => Object.keys(schemaOf(gateTarget(g)).properties)));
    for (const def of OPTION_DEFINITIONS) expect(listed.has(def.name)).toBe(true);
  });

  it('writes draft-07 schemas titled after the executor and described like the gate, open to keys the resolver judges', () => {
    for (const gate of GATES) {
      const target = gateTarget(gate);
      expect(manifest[target].description).toBe(gate.description);
      expect(schemaOf(target)).toMatchObject({
        $schema: 'https://json-schema.org/draft-07/schema',
        version: 2,
        title: target,
        description: gate.description,
        type: 'object',
        additionalProperties: true,
      });
    }
  });

  it('gives release-dry-run its gates list and parallelism', () => {
    const schema = schemaOf('release-dry-run');
    expect(Object.keys(schema.properties).sort()).toEqual(['gates', 'parallel']);
    expect(schema.properties.gates).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect(manifest['release-dry-run'].description.length).toBeGreaterThan(20);
  });

  it('has an implementation for every executor it lists (tools/build.mjs points executors.json at them)', () => {
    for (const [name, entry] of Object.entries(manifest)) {
      const [file, exportName] = entry.implementation.split('#');
      const modulePath = path.join(__dirname, '..', '..', `${file}.ts`);
      expect(fs.existsSync(modulePath)).toBe(true);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const loaded = require(modulePath);
      expect(typeof loaded[exportName ?? 'default']).toBe('function');
      if (name.startsWith('gate-')) expect(exportName).toBeTruthy();
    }
  });

  it('covers every target that inference creates', () => {
    const crate = crateModel({ name: 'c', version: '0.1.0', root: 'c', workspaceRoot: 'c', workspaceManifestPath: 'c/Cargo.toml', lockfile: null, targetDirectory: '/ws/c/target', binaries: [], hasLibrary: true });
    const targets = crateProject(crate, {}, '/ws').targets!;
    for (const [name, target] of Object.entries(targets)) {
      expect(target.executor).toBe(`nx-release-gates:${name}`);
      expect(manifest[name]).toBeDefined();
      // Every inferred option must be a schema property (the resolver refuses keys no gate knows).
      for (const option of Object.keys(target.options ?? {})) expect(Object.keys(schemaOf(name).properties)).toContain(option);
    }
  });
});
