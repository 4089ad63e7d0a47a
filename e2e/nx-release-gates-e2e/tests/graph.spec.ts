/**
 * Cargo workspaces in the Nx graph: path dependencies become edges, `nx affected` picks exactly the edited crate and
 * its dependents, cache inputs follow the graph (a dependency's sources count, its README does not; gate-fmt, which
 * compiles nothing, keys on the crate's own files alone), and a Cargo.lock edit invalidates only the crates that use
 * the package that changed.
 */
import { TestWorkspace } from '../support/workspace';

const manifest = (name: string, body = '') =>
  `[package]\nname = "${name}"\nversion.workspace = true\nedition = "2021"\nlicense = "MIT"\ndescription = "${name}"\n${body}`;

const FILES: Record<string, string> = {
  // A virtual workspace with inheritance, a dev-dependency, an excluded crate, and a second Cargo workspace.
  'Cargo.toml': [
    '[workspace]',
    'members = ["crates/*"]',
    'exclude = ["crates/standalone"]',
    'resolver = "2"',
    '[workspace.package]',
    'version = "0.3.0"',
    '[workspace.dependencies]',
    'core-lib = { path = "crates/core-lib", version = "0.3.0" }',
    '[workspace.metadata.release-gates]',
    'max-binary-size = "30MiB"',
  ].join('\n'),
  'crates/core-lib/Cargo.toml': manifest('core-lib', '[dependencies]\nitoa = "1"\n'),
  'crates/core-lib/src/lib.rs': '//! Core.\n/// Formats.\npub fn show(n: u32) -> String { itoa::Buffer::new().format(n).to_string() }\n',
  'crates/mid/Cargo.toml': manifest('mid', '[dependencies]\ncore-lib.workspace = true\n'),
  'crates/mid/src/lib.rs': '//! Mid.\n/// Twice.\npub fn twice(n: u32) -> String { core_lib::show(n * 2) }\n',
  'crates/app/Cargo.toml': manifest('app', '[dependencies]\nmid = { path = "../mid", version = "0.3.0" }\n[dev-dependencies]\ntest-helper = { path = "../test-helper" }\n'),
  // Formatted as rustfmt wants it: app's gate-fmt passes (the other crates' one-line bodies would not).
  'crates/app/src/main.rs': '//! App.\nfn main() {\n    println!("{}", mid::twice(2));\n}\n',
  'crates/test-helper/Cargo.toml': manifest('test-helper', 'publish = false\n'),
  'crates/test-helper/src/lib.rs': '//! Helper.\n/// One.\npub fn one() -> u32 { 1 }\n',
  'crates/other/Cargo.toml': manifest('other', '[dependencies]\nryu = "1"\n'),
  'crates/other/src/lib.rs': '//! Other.\n/// Float.\npub fn f() -> String { ryu::Buffer::new().format(1.5).to_string() }\n',
  'crates/standalone/Cargo.toml': '[package]\nname = "standalone"\nversion = "1.0.0"\nedition = "2021"\n[workspace]\n',
  'crates/standalone/src/lib.rs': '//! Standalone.\n',
  'tools/xtask/Cargo.toml': '[package]\nname = "xtask"\nversion = "0.1.0"\nedition = "2021"\n[workspace]\n',
  'tools/xtask/src/main.rs': 'fn main() {}\n',
};

describe('Cargo workspaces in the Nx graph', () => {
  let ws: TestWorkspace;
  const startedAt = (project: string, target = 'gate-build') => ws.result(project, target).startedAt as string;

  beforeAll(() => {
    // The fixture names (app, mid, core-lib) are real crates on crates.io: an empty local index keeps the registry
    // checks about this workspace, not about strangers' crates.
    ws = TestWorkspace.create('graph', { files: { ...FILES, 'empty-index/.keep': '' }, pluginOptions: { registryIndex: 'empty-index-placeholder' } });
    const nxJson = JSON.parse(ws.read('nx.json'));
    nxJson.plugins[0].options.registryIndex = ws.path('empty-index');
    ws.write('nx.json', JSON.stringify(nxJson, null, 2));
    // Lockfiles resolved by cargo (real crates.io), pinned to versions the tests move between.
    expect(ws.run('cargo', ['generate-lockfile', '-q']).exitCode).toBe(0);
    expect(ws.run('cargo', ['update', '-q', '-p', 'ryu', '--precise', '1.0.20']).exitCode).toBe(0);
    expect(ws.run('cargo', ['generate-lockfile', '-q', '--manifest-path', 'crates/standalone/Cargo.toml']).exitCode).toBe(0);
    expect(ws.run('cargo', ['generate-lockfile', '-q', '--manifest-path', 'tools/xtask/Cargo.toml']).exitCode).toBe(0);
    ws.commitAll('lockfiles');
  });
  afterAll(() => ws.remove());

  it('makes one project per package, none for the virtual root, and edges for path dependencies of every kind', () => {
    const projects = JSON.parse(ws.nx(['show', 'projects', '--json']).stdout) as string[];
    expect(projects.sort()).toEqual(['app', 'core-lib', 'mid', 'other', 'standalone', 'test-helper', 'xtask']);
    ws.nx(['graph', '--file=graph.json']);
    const deps = JSON.parse(ws.read('graph.json')).graph.dependencies as Record<string, Array<{ target: string }>>;
    const targets = (p: string) => deps[p].map((d) => d.target).filter((t) => !t.startsWith('cargo:')).sort();
    expect(targets('app')).toEqual(['mid', 'test-helper']);
    expect(targets('mid')).toEqual(['core-lib']);
    expect(targets('core-lib')).toEqual([]);
    expect(targets('other')).toEqual([]);
  });

  it('applies [workspace.metadata.release-gates] to every member', () => {
    const app = JSON.parse(ws.nx(['show', 'project', 'app', '--json']).stdout);
    expect(app.targets['gate-size'].options.maxBinarySize).toBe('30MiB');
  });

  it('packages and publish-checks a crate together with the unpublished workspace crates it depends on', () => {
    const run = ws.nx(['run-many', '-t', 'gate-package', 'gate-publish', '-p', 'app']);
    const pkg = ws.result('app', 'gate-package');
    const publish = ws.result('app', 'gate-publish');
    // app -> mid -> core-lib by path; test-helper is a dev-dependency without a version and publish = false.
    expect(pkg.details.withSiblings).toEqual(['core-lib', 'mid']);
    expect(pkg.status).toBe('passed');
    expect(publish.details.withSiblings).toEqual(['core-lib', 'mid']);
    expect(['passed', 'skipped']).toContain(publish.status);
    expect(run.exitCode).toBe(0);
  });

  it('nx affected runs exactly the edited crate and its dependents', () => {
    const base = ws.git(['rev-parse', 'HEAD']).trim();
    ws.write('crates/core-lib/src/lib.rs', `${ws.read('crates/core-lib/src/lib.rs')}// edited\n`);
    const affected = JSON.parse(ws.nx(['show', 'projects', '--affected', `--base=${base}`, '--json']).stdout) as string[];
    expect(affected.sort()).toEqual(['app', 'core-lib', 'mid']);
    const run = ws.nx(['affected', '-t', 'gate-build', `--base=${base}`]);
    expect(run.exitCode).toBe(0);
    for (const p of ['app', 'core-lib', 'mid']) expect(ws.exists(`dist/release-gates/${p}/gate-build.json`)).toBe(true);
    for (const p of ['other', 'test-helper', 'standalone', 'xtask']) expect(ws.exists(`dist/release-gates/${p}/gate-build.json`)).toBe(false);
    ws.commitAll('edit core');
  });

  it('misses the cache of dependents when a dependency source changes, not when its README does', () => {
    expect(ws.nx(['run-many', '-t', 'gate-build']).exitCode).toBe(0);
    const before = { app: startedAt('app'), core: startedAt('core-lib'), other: startedAt('other') };

    ws.write('crates/core-lib/README.md', '# core-lib\n');
    expect(ws.nx(['run-many', '-t', 'gate-build']).exitCode).toBe(0);
    expect(startedAt('core-lib')).not.toBe(before.core);
    expect(startedAt('app')).toBe(before.app);

    ws.write('crates/core-lib/src/lib.rs', `${ws.read('crates/core-lib/src/lib.rs')}// edited again\n`);
    expect(ws.nx(['run-many', '-t', 'gate-build']).exitCode).toBe(0);
    expect(startedAt('app')).not.toBe(before.app);
    expect(startedAt('other')).toBe(before.other);
    ws.commitAll('edits');
  });

  it('a dependency\'s source edit re-runs the dependent\'s gate-build, not its gate-fmt, whose replay a fresh run confirms', () => {
    const both = ['run-many', '-t', 'gate-fmt', 'gate-build', '-p', 'app'];
    expect(ws.nx(both).exitCode).toBe(0);
    const before = { fmt: ws.result('app', 'gate-fmt'), build: startedAt('app') };
    expect(before.fmt.status).toBe('passed');
    // Badly formatted, in mid (app's path dependency): cargo fmt checks app's own files, so app's verdict cannot change.
    ws.write('crates/mid/src/lib.rs', `${ws.read('crates/mid/src/lib.rs')}/// Three.\npub fn   three( )->u32{3}\n`);
    expect(ws.nx(both).exitCode).toBe(0);
    expect(startedAt('app')).not.toBe(before.build);
    const replayed = ws.result('app', 'gate-fmt');
    expect(replayed.startedAt).toBe(before.fmt.startedAt);
    // The same check run afresh, without the cache, gives the replayed verdict.
    expect(ws.nx(['run', 'app:gate-fmt', '--skip-nx-cache']).exitCode).toBe(0);
    const fresh = ws.result('app', 'gate-fmt');
    expect(fresh.startedAt).not.toBe(replayed.startedAt);
    expect({ status: fresh.status, checked: fresh.details.checked }).toEqual({ status: replayed.status, checked: replayed.details.checked });
    // mid's own gate-fmt, whose files changed, runs and fails.
    expect(ws.nx(['run', 'mid:gate-fmt']).exitCode).not.toBe(0);
    expect(ws.result('mid', 'gate-fmt').status).toBe('failed');
    ws.commitAll('mid edit');
  });

  it('a Cargo.lock edit re-runs only the crates that use the package that changed', () => {
    expect(ws.nx(['run-many', '-t', 'gate-build']).exitCode).toBe(0);
    const before = Object.fromEntries(['app', 'core-lib', 'mid', 'other'].map((p) => [p, startedAt(p)]));
    expect(ws.run('cargo', ['update', '-q', '-p', 'ryu', '--precise', '1.0.21']).exitCode).toBe(0);
    expect(ws.nx(['run-many', '-t', 'gate-build']).exitCode).toBe(0);
    expect(startedAt('other')).not.toBe(before.other);
    for (const p of ['app', 'core-lib', 'mid']) expect(startedAt(p)).toBe(before[p]);
  });
});
