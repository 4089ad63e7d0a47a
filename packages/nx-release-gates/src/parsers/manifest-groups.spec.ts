import { describeManifest, groupManifests, isBuildOutputManifest, ManifestGroup } from './manifest-groups';

const pkg = (name: string, extra = '') => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${extra}`;

function group(files: Record<string, string>): Record<string, string[]> {
  const groups: ManifestGroup[] = groupManifests(Object.entries(files).map(([file, content]) => describeManifest(file, content)));
  return Object.fromEntries(groups.map((g) => [g.root, g.manifests.map((m) => m.file).sort()]));
}

describe('describeManifest', () => {
  it('reads package name, workspace table and excludes relative to the Nx root', () => {
    const info = describeManifest('rust/Cargo.toml', `${pkg('root')}\n[workspace]\nmembers = ["crates/*"]\nexclude = ["tools/standalone", "./scratch"]\n`);
    expect(info).toMatchObject({
      file: 'rust/Cargo.toml',
      dir: 'rust',
      isWorkspaceRoot: true,
      hasPackage: true,
      packageName: 'root',
      workspaceExcludes: ['rust/tools/standalone', 'rust/scratch'],
    });
    expect(info.parseError).toBeUndefined();
  });

  it('describes a virtual workspace as a workspace root without a package', () => {
    const info = describeManifest('Cargo.toml', '[workspace]\nresolver = "2"\nmembers = ["a"]\n');
    expect(info).toMatchObject({ dir: '.', isWorkspaceRoot: true, hasPackage: false, workspaceExcludes: [] });
    expect(info.packageName).toBeUndefined();
  });

  it('resolves package.workspace relative to the manifest folder', () => {
    const info = describeManifest('nested/deep/crate/Cargo.toml', pkg('deep', 'workspace = "../.."\n'));
    expect(info.explicitWorkspace).toBe('nested');
    expect(info.isWorkspaceRoot).toBe(false);
  });

  it('keeps the first line of a TOML error and still counts the file as a package', () => {
    const info = describeManifest('broken/Cargo.toml', '[package\nname = "broken"\n');
    expect(info.parseError).toEqual(expect.any(String));
    expect(info.parseError!.length).toBeGreaterThan(0);
    expect(info.parseError).not.toContain('\n');
    expect(info.hasPackage).toBe(true);
    expect(info.isWorkspaceRoot).toBe(false);
  });
});

describe('groupManifests', () => {
  it('puts the members of a virtual workspace under its root', () => {
    expect(
      group({
        'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n',
        'crates/a/Cargo.toml': pkg('a'),
        'crates/b/Cargo.toml': pkg('b', '\n[dependencies]\na = { path = "../a" }\n'),
      }),
    ).toEqual({ '.': ['Cargo.toml', 'crates/a/Cargo.toml', 'crates/b/Cargo.toml'] });
  });

  it('groups a root package that is also the workspace with its members', () => {
    const groups = groupManifests(
      [
        ['app/Cargo.toml', `${pkg('app')}\n[workspace]\nmembers = ["plugins/x"]\n`],
        ['app/plugins/x/Cargo.toml', pkg('x')],
      ].map(([f, c]) => describeManifest(f, c)),
    );
    expect(groups).toHaveLength(1);
    expect(groups[0].root).toBe('app');
    expect(groups[0].manifests.map((m) => m.packageName)).toEqual(['app', 'x']);
  });

  it('makes an excluded crate a standalone group of its own', () => {
    expect(
      group({
        'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\nexclude = ["crates/legacy", "experiments"]\n',
        'crates/a/Cargo.toml': pkg('a'),
        'crates/legacy/Cargo.toml': pkg('legacy'),
        'experiments/try/Cargo.toml': pkg('try'),
      }),
    ).toEqual({
      '.': ['Cargo.toml', 'crates/a/Cargo.toml'],
      'crates/legacy': ['crates/legacy/Cargo.toml'],
      'experiments/try': ['experiments/try/Cargo.toml'],
    });
  });

  it('does not treat a sibling whose name starts like an excluded folder as excluded', () => {
    expect(
      group({
        'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\nexclude = ["crates/a"]\n',
        'crates/a/Cargo.toml': pkg('a'),
        'crates/ab/Cargo.toml': pkg('ab'),
      }),
    ).toEqual({ '.': ['Cargo.toml', 'crates/ab/Cargo.toml'], 'crates/a': ['crates/a/Cargo.toml'] });
  });

  it('follows a package.workspace pointer over the nearest ancestor workspace', () => {
    expect(
      group({
        'outer/Cargo.toml': '[workspace]\nmembers = ["inner/*"]\n',
        'outer/inner/Cargo.toml': '[workspace]\nmembers = ["a"]\n',
        'outer/inner/a/Cargo.toml': pkg('a'),
        'outer/inner/b/Cargo.toml': pkg('b', 'workspace = "../.."\n'),
      }),
    ).toEqual({
      outer: ['outer/Cargo.toml', 'outer/inner/b/Cargo.toml'],
      'outer/inner': ['outer/inner/Cargo.toml', 'outer/inner/a/Cargo.toml'],
    });
  });

  it('keeps several independent workspaces and standalone crates apart, sorted by root', () => {
    const groups = groupManifests(
      Object.entries({
        'services/api/Cargo.toml': '[workspace]\nmembers = ["server", "client"]\n',
        'services/api/server/Cargo.toml': pkg('server'),
        'services/api/client/Cargo.toml': pkg('client'),
        'tools/cli/Cargo.toml': `${pkg('cli')}\n[workspace]\n`,
        'tools/cli/helper/Cargo.toml': pkg('helper'),
        'lonely/Cargo.toml': pkg('lonely'),
      }).map(([f, c]) => describeManifest(f, c)),
    );
    expect(groups.map((g) => g.root)).toEqual(['lonely', 'services/api', 'tools/cli']);
    expect(groups.map((g) => g.manifests.length)).toEqual([1, 3, 2]);
    expect(groups[1].manifests.map((m) => m.file).sort()).toEqual([
      'services/api/Cargo.toml',
      'services/api/client/Cargo.toml',
      'services/api/server/Cargo.toml',
    ]);
  });

  it('puts a crate with invalid TOML in a group of its own, and a broken workspace root does not claim members', () => {
    expect(
      group({
        'Cargo.toml': '[workspace\nmembers = ["a"]\n',
        'a/Cargo.toml': pkg('a'),
        'b/Cargo.toml': 'this is not toml = = =',
      }),
    ).toEqual({ '.': ['Cargo.toml'], a: ['a/Cargo.toml'], b: ['b/Cargo.toml'] });
  });

  it('keeps an invalid member manifest out of its workspace group', () => {
    const files = { 'Cargo.toml': '[workspace]\nmembers = ["*"]\n', 'ok/Cargo.toml': pkg('ok'), 'bad/Cargo.toml': '[package]\nname = \n' };
    const result = group(files);
    expect(result['.']).toEqual(['Cargo.toml', 'ok/Cargo.toml']);
    expect(result.bad).toEqual(['bad/Cargo.toml']);
  });

  it('ignores manifests that are neither a package nor a workspace', () => {
    expect(group({ 'empty/Cargo.toml': '# nothing\n', 'c/Cargo.toml': pkg('c') })).toEqual({ c: ['c/Cargo.toml'] });
  });
});

describe('isBuildOutputManifest', () => {
  const all = new Set([
    'Cargo.toml',
    'crates/a/Cargo.toml',
    'crates/a/target/package/a-0.1.0/Cargo.toml',
    'target/package/root-0.1.0/Cargo.toml',
    'target/debug/build/foo/out/Cargo.toml',
    'apps/target/Cargo.toml',
    'apps/target/sub/Cargo.toml',
  ]);

  it.each([
    ['crates/a/target/package/a-0.1.0/Cargo.toml', true],
    ['target/package/root-0.1.0/Cargo.toml', true],
    ['target/debug/build/foo/out/Cargo.toml', true],
    ['crates/a/Cargo.toml', false],
    ['Cargo.toml', false],
    // A crate that happens to be named "target", inside a folder without a manifest, is a real crate.
    ['apps/target/Cargo.toml', false],
    ['apps/target/sub/Cargo.toml', false],
  ])('%s -> %p', (file, expected) => {
    expect(isBuildOutputManifest(file, all)).toBe(expected);
  });
});
