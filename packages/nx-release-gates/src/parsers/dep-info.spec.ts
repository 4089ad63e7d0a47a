import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectBuildRecords, packageDirOf, parseBuildScriptOutput, parseDepInfo } from './dep-info';

describe('parseDepInfo', () => {
  it('reads every dependency of every rule, escaped spaces and env-dep lines', () => {
    const text = [
      '/t/release/deps/app-0123456789abcdef.d: src/main.rs src/../../../outside/data.txt my\\ dir/notes.md',
      '',
      '/t/release/deps/app-0123456789abcdef: src/main.rs \\',
      '  src/extra.rs',
      '',
      'src/main.rs:',
      '# env-dep:APP_COLOR',
      '# env-dep:CARGO_PKG_NAME=app',
      '# checksum:abc',
    ].join('\n');
    const parsed = parseDepInfo(text);
    expect(parsed.files.sort()).toEqual(['my dir/notes.md', 'src/../../../outside/data.txt', 'src/extra.rs', 'src/main.rs']);
    expect(parsed.envDeps).toEqual(['APP_COLOR', 'CARGO_PKG_NAME']);
  });
});

describe('parseBuildScriptOutput', () => {
  it('reads rerun-if and rustc-env lines in both syntaxes and nothing else', () => {
    const parsed = parseBuildScriptOutput('cargo:rustc-cfg=x\ncargo:rerun-if-env-changed=FLAVOUR\ncargo::rerun-if-changed=build.rs\ncargo:rerun-if-changed=../data.txt\ncargo:rustc-env=GIT_HASH=abc=1\ncargo::rustc-env=KERNEL_RELEASE=13.5\nnoise\n');
    expect(parsed).toEqual({ rerunFiles: ['build.rs', '../data.txt'], rerunEnv: ['FLAVOUR'], rustcEnv: ['GIT_HASH', 'KERNEL_RELEASE'] });
  });
});

describe('packageDirOf', () => {
  it('reads a local package folder from its id, and nothing from a registry id', () => {
    expect(packageDirOf('path+file:///work/my%20crates/app#0.1.0')).toBe('/work/my%20crates/app');
    expect(packageDirOf('path+file:///work/app#app@0.1.0')).toBe('/work/app');
    expect(packageDirOf('registry+https://github.com/rust-lang/crates.io-index#serde@1.0.0')).toBeNull();
  });
});

/** A local crate `app` under a temporary folder: its lib's dep-info (env-dep lines given) and its build script's output. */
function crateWithBuildScript(envDeps: string, scriptOutput: string): { root: string; deps: string; build: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'depinfo-'));
  const deps = path.join(root, 'target', 'release', 'deps');
  const build = path.join(root, 'target', 'release', 'build', 'app-1111111111111111');
  fs.mkdirSync(deps, { recursive: true });
  fs.mkdirSync(path.join(build, 'out'), { recursive: true });
  fs.mkdirSync(path.join(root, 'src'));
  fs.writeFileSync(path.join(root, 'src', 'lib.rs'), '');
  fs.writeFileSync(path.join(deps, 'app-0123456789abcdef.d'), `${deps}/app-0123456789abcdef.d: src/lib.rs\n\n${envDeps}`);
  fs.writeFileSync(path.join(build, 'output'), scriptOutput);
  return { root, deps, build };
}

describe('collectBuildRecords', () => {
  it('finds the dep-info of local units only, resolves relative paths, and reads the build script output', () => {
    const { root, deps, build } = crateWithBuildScript('# env-dep:APP_COLOR\n', 'cargo:rerun-if-env-changed=FLAVOUR\ncargo:rerun-if-changed=data.txt\n');
    const id = `path+file://${root}#0.1.0`;
    const records = collectBuildRecords(
      [
        { reason: 'compiler-artifact', package_id: id, target: { kind: ['lib'], name: 'app' }, filenames: [`${deps}/libapp-0123456789abcdef.rmeta`] },
        { reason: 'build-script-executed', package_id: id, out_dir: path.join(build, 'out') },
        { reason: 'compiler-artifact', package_id: 'registry+https://x#serde@1.0.0', target: { kind: ['lib'], name: 'serde' }, filenames: [`${deps}/libserde-0123456789abcdef.rmeta`] },
      ],
      root,
    );
    expect(records.files).toEqual([
      { file: path.join(root, 'src', 'lib.rs'), unit: 'app (lib)' },
      { file: path.join(root, 'data.txt'), unit: expect.stringContaining('(build script)') },
    ]);
    expect(records.env.map((e) => [e.name, e.how])).toEqual([
      ['APP_COLOR', 'env!'],
      ['FLAVOUR', 'rerun-if-env-changed'],
    ]);
    expect(records.outDirs).toEqual([path.join(build, 'out')]);
    fs.rmSync(root, { recursive: true, force: true });
  });
  it('does not count env! reads of a variable the package\'s own build script set (rustc-env) as the environment\'s', () => {
    const { root, deps, build } = crateWithBuildScript('# env-dep:KERNEL_RELEASE=13.5\n# env-dep:GIT_HASH=abc\n# env-dep:APP_COLOR\n', 'cargo:rustc-env=GIT_HASH=abc\n');
    const id = `path+file://${root}#0.1.0`;
    const messages = [
      { reason: 'compiler-artifact', package_id: id, target: { kind: ['lib'], name: 'app' }, filenames: [`${deps}/libapp-0123456789abcdef.rmeta`] },
      // cargo's message names what the script set; the output file is read too (a message without `env`).
      { reason: 'build-script-executed', package_id: id, out_dir: path.join(build, 'out'), env: [['KERNEL_RELEASE', '13.5']] as Array<[string, string]> },
    ];
    expect(collectBuildRecords(messages, root).env.map((e) => e.name)).toEqual(['APP_COLOR']);
    // Another package's build script sets nothing for this one.
    const other = [messages[0], { ...messages[1], package_id: `path+file://${root}/other#0.1.0` }];
    expect(collectBuildRecords(other, root).env.map((e) => e.name).sort()).toEqual(['APP_COLOR', 'GIT_HASH', 'KERNEL_RELEASE']);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
