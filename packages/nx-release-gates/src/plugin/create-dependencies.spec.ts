import { DependencyType } from '@nx/devkit';
import type { CrateModel, PathDependency } from '../model/crate-model';
import { crateModel } from '../testing/crate-model';
import { crateDependencies } from './create-dependencies';

function crate(name: string, root: string, pathDependencies: PathDependency[] = []): CrateModel {
  return crateModel({ name, version: '0.1.0', root, binaries: [], hasLibrary: true, pathDependencies });
}

const dep = (name: string, root: string, kind: PathDependency['kind'] = 'normal'): PathDependency => ({ name, root, kind });

describe('crateDependencies', () => {
  it('makes a static edge per path dependency, from the manifest that declares it', () => {
    const crates = [crate('app', 'crates/app', [dep('core', 'crates/core')]), crate('core', 'crates/core')];
    const projects = new Map([
      ['crates/app', 'app'],
      ['crates/core', 'core'],
    ]);
    expect(crateDependencies(crates, projects)).toEqual([
      { source: 'app', target: 'core', type: DependencyType.static, sourceFile: 'crates/app/Cargo.toml' },
    ]);
  });

  it('maps crates to projects by root, so a renamed project keeps its edges', () => {
    const crates = [crate('app', 'crates/app', [dep('core', 'crates/core')]), crate('core', 'crates/core')];
    const projects = new Map([
      ['crates/app', 'app'],
      ['crates/core', 'my-renamed-core'],
    ]);
    expect(crateDependencies(crates, projects).map((e) => [e.source, e.target])).toEqual([['app', 'my-renamed-core']]);
  });

  it('does not match by name when the root differs', () => {
    // `core` names a crate, but the dependency points at another folder that is not a project.
    const crates = [crate('app', 'crates/app', [dep('core', 'vendor/core')]), crate('core', 'crates/core')];
    const projects = new Map([
      ['crates/app', 'app'],
      ['crates/core', 'core'],
    ]);
    expect(crateDependencies(crates, projects)).toEqual([]);
  });

  it('counts dev and build dependencies too', () => {
    const crates = [
      crate('app', 'crates/app', [dep('testkit', 'crates/testkit', 'dev'), dep('gen', 'tools/gen', 'build')]),
      crate('testkit', 'crates/testkit'),
      crate('gen', 'tools/gen'),
    ];
    const projects = new Map([
      ['crates/app', 'app'],
      ['crates/testkit', 'testkit'],
      ['tools/gen', 'gen'],
    ]);
    expect(crateDependencies(crates, projects).map((e) => e.target)).toEqual(['testkit', 'gen']);
  });

  it('makes no self edges (a crate that dev-depends on itself) and no duplicates', () => {
    const crates = [
      crate('app', 'crates/app', [
        dep('app', 'crates/app', 'dev'),
        dep('core', 'crates/core'),
        dep('core', 'crates/core', 'dev'),
        dep('core', 'crates/core', 'build'),
      ]),
      crate('core', 'crates/core'),
    ];
    const projects = new Map([
      ['crates/app', 'app'],
      ['crates/core', 'core'],
    ]);
    const edges = crateDependencies(crates, projects);
    expect(edges).toHaveLength(1);
    expect(edges[0]).toMatchObject({ source: 'app', target: 'core' });
  });

  it('skips crates and dependencies that are not Nx projects', () => {
    const crates = [crate('app', 'crates/app', [dep('core', 'crates/core')]), crate('hidden', 'hidden', [dep('core', 'crates/core')])];
    expect(crateDependencies(crates, new Map([['crates/core', 'core']]))).toEqual([]);
  });

  it('keeps edges of different sources to the same target, and a crate at the Nx root', () => {
    const crates = [
      crate('root', '.', [dep('core', 'crates/core')]),
      crate('app', 'crates/app', [dep('core', 'crates/core'), dep('root', '.')]),
      crate('core', 'crates/core'),
    ];
    const projects = new Map([
      ['.', 'root'],
      ['crates/app', 'app'],
      ['crates/core', 'core'],
    ]);
    expect(crateDependencies(crates, projects).map((e) => `${e.source}->${e.target}`)).toEqual(['root->core', 'app->core', 'app->root']);
  });
});
