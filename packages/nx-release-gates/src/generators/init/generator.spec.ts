import { readNxJson, Tree, updateNxJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { quietFormatterWarnings } from '../workflows/testing/fixtures';
import { initGenerator } from './generator';

beforeAll(() => quietFormatterWarnings());

function contents(tree: Tree): Record<string, string> {
  return Object.fromEntries(tree.listChanges().map((c) => [c.path, c.content?.toString('utf8') ?? '']));
}

describe('init generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('registers the plugin with an options object and ignores dist/release-gates (snapshot)', async () => {
    await initGenerator(tree, {});
    expect(readNxJson(tree)?.plugins).toContainEqual({ plugin: 'nx-release-gates', options: {} });
    expect(tree.read('.gitignore', 'utf-8')).toMatchSnapshot('.gitignore');
    expect(tree.read('nx.json', 'utf-8')).toMatchSnapshot('nx.json');
  });

  it('adds nothing twice and changes nothing on a second run', async () => {
    await initGenerator(tree, {});
    const first = contents(tree);
    await initGenerator(tree, {});
    expect(contents(tree)).toEqual(first);
    expect(readNxJson(tree)?.plugins?.filter((p) => (typeof p === 'string' ? p : p.plugin) === 'nx-release-gates')).toHaveLength(1);
    expect(tree.read('.gitignore', 'utf-8')!.match(/dist\/release-gates/g)).toHaveLength(1);
  });

  it('keeps unrelated nx.json content and an existing registration with its options', async () => {
    const nxJson = readNxJson(tree)!;
    const custom = {
      ...nxJson,
      plugins: ['@nx/js', { plugin: 'nx-release-gates', options: { maxBinarySize: '15MiB' } }],
      targetDefaults: { build: { cache: true } },
      namedInputs: { default: ['{projectRoot}/**/*'], production: ['default'] },
    };
    updateNxJson(tree, custom);
    const before = tree.read('nx.json', 'utf-8');
    await initGenerator(tree, {});
    expect(tree.read('nx.json', 'utf-8')).toBe(before);
  });

  it('adds its entry after other plugins and leaves their order', async () => {
    updateNxJson(tree, { ...readNxJson(tree)!, plugins: ['@nx/js', { plugin: '@nx/jest', options: { targetName: 'test' } }] });
    await initGenerator(tree, {});
    expect(readNxJson(tree)?.plugins).toEqual(['@nx/js', { plugin: '@nx/jest', options: { targetName: 'test' } }, { plugin: 'nx-release-gates', options: {} }]);
  });

  it('writes an nx.json holding the plugin when the workspace has none (a crate repository with only nx installed)', async () => {
    tree.delete('nx.json');
    await initGenerator(tree, {});
    expect(tree.exists('nx.json')).toBe(true);
    expect(readNxJson(tree)?.plugins).toEqual([{ plugin: 'nx-release-gates', options: {} }]);
  });

  it('does not add the ignore line when dist is ignored already, and creates .gitignore when missing', async () => {
    tree.write('.gitignore', 'node_modules\n/dist\n');
    await initGenerator(tree, {});
    expect(tree.read('.gitignore', 'utf-8')).toBe('node_modules\n/dist\n');
    tree.delete('.gitignore');
    await initGenerator(tree, {});
    expect(tree.read('.gitignore', 'utf-8')).toContain('/dist/release-gates\n');
  });
});
