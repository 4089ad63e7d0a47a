import { crateWithGateMetadata, LAYER_SOURCES } from '../testing/crate-model';
import { OPTION_DEFINITIONS, optionsForGate } from './options';
import { inferredOptionsForGate, lowerLayers } from './resolve-options';

const crate = crateWithGateMetadata;
const { package: PACKAGE_SOURCE, workspace: WORKSPACE_SOURCE, plugin: PLUGIN_SOURCE } = LAYER_SOURCES;

describe('lowerLayers', () => {
  it('lists defaults, nx.json, workspace metadata and package metadata, lowest first, naming the manifests', () => {
    const layers = lowerLayers(crate({ runner: 'nextest' }, { 'missing-docs': 'deny' }), { maxBinarySize: '15MB' });
    expect(layers.map((l) => l.source)).toEqual(['defaults', PLUGIN_SOURCE, WORKSPACE_SOURCE, PACKAGE_SOURCE]);
    expect(layers.map((l) => l.kebab)).toEqual([false, false, true, true]);
    expect(layers[1].values).toEqual({ maxBinarySize: '15MB' });
    expect(layers[2].values).toEqual({ 'missing-docs': 'deny' });
    expect(layers[3].values).toEqual({ runner: 'nextest' });
  });

  it('puts every option that has a default into the defaults layer', () => {
    const defaults = lowerLayers(crate(null, null), undefined)[0].values;
    expect(defaults).toMatchObject({ maxCrateSize: '10MiB', maxBinarySize: '20MiB', runner: 'cargo', missingDocs: 'warn', features: [] });
    expect(Object.keys(defaults).sort()).toEqual(OPTION_DEFINITIONS.filter((d) => d.default !== undefined && d.ciDefault === undefined).map((d) => d.name).sort());
    expect('cudaFeatures' in defaults).toBe(false);
    // Its default depends on CI, which inference does not see: the gate resolves it when it runs.
    expect('undeclaredInputs' in defaults).toBe(false);
  });

  it('keeps only gate options from the nx.json plugin options', () => {
    const layers = lowerLayers(crate(null, null), { targetPrefix: 'x-', runner: 'nextest', somethingElse: true });
    expect(layers[1].values).toEqual({ runner: 'nextest' });
  });

  it('uses empty tables when the crate has no metadata', () => {
    const layers = lowerLayers(crate(null, null), undefined);
    expect(layers[1].values).toEqual({});
    expect(layers[2].values).toEqual({});
    expect(layers[3].values).toEqual({});
  });
});

describe('inferredOptionsForGate', () => {
  it('takes package metadata over workspace metadata over nx.json over defaults', () => {
    const all = lowerLayers(
      crate({ 'max-crate-size': '7MB' }, { 'max-crate-size': '8MiB', 'required-files': ['README.md'] }),
      { maxCrateSize: '9MiB', requiredFiles: ['LICENSE'], noDefaultFeatures: true },
    );
    expect(inferredOptionsForGate('package', all)).toMatchObject({
      features: [],
      noDefaultFeatures: true,
      requiredFiles: ['README.md'],
      maxCrateSize: '7MB',
    });
  });

  it('falls through to the next layer when a higher one does not set the option', () => {
    const noPackage = lowerLayers(crate(null, { 'max-crate-size': '8MiB' }), { maxCrateSize: '9MiB' });
    expect(inferredOptionsForGate('package', noPackage).maxCrateSize).toBe('8MiB');
    const onlyPlugin = lowerLayers(crate(null, null), { maxCrateSize: '9MiB' });
    expect(inferredOptionsForGate('package', onlyPlugin).maxCrateSize).toBe('9MiB');
    const none = lowerLayers(crate(null, null), undefined);
    expect(inferredOptionsForGate('package', none).maxCrateSize).toBe('10MiB');
  });

  it('gives a gate only the options it reads', () => {
    const layers = lowerLayers(crate({ 'max-binary-size': '1MB', runner: 'nextest' }, null), undefined);
    const size = inferredOptionsForGate('size', layers);
    const readBySize = new Set(optionsForGate('size').map((d) => d.name));
    expect(Object.keys(size).every((k) => readBySize.has(k))).toBe(true);
    expect(size).not.toHaveProperty('runner');
    expect(size).not.toHaveProperty('requiredFiles');
    expect(size.maxBinarySize).toBe('1MB');
    expect(inferredOptionsForGate('test', layers).runner).toBe('nextest');
    expect(inferredOptionsForGate('test', layers)).not.toHaveProperty('maxBinarySize');
  });

  it('never throws on a misspelt Cargo key: the gate reports it when it runs', () => {
    const layers = lowerLayers(crate({ 'max-binary-sise': '1MB', 'max-binary-size': '2MB' }, null), undefined);
    const size = inferredOptionsForGate('size', layers);
    expect(size.maxBinarySize).toBe('2MB');
    expect(size).not.toHaveProperty('maxBinarySise');
  });
});
