import * as path from 'node:path';
import { cargoConfigFiles, configIncludes } from './config-files';
import { cargoToolFiles, configToolValues, rustfmtConfigFiles } from './keyed-files';
import { useTempTree } from '../testing/temp-tree';

describe('files found by rule', () => {
  const tree = useTempTree('keyed-');
  const { write } = tree;
  const env = () => ({ HOME: path.join(tree.root, 'home'), CARGO_HOME: path.join(tree.root, 'cargo-home') });

  it('rustfmt: every project file from the crate folder up, then the user-level ones', () => {
    write('ws/crate/rustfmt.toml');
    write('ws/.rustfmt.toml');
    write('home/.config/rustfmt/rustfmt.toml');
    write('xdg/rustfmt/.rustfmt.toml');
    write('home/rustfmt.toml');
    const found = rustfmtConfigFiles(path.join(tree.root, 'ws', 'crate'), { ...env(), XDG_CONFIG_HOME: path.join(tree.root, 'xdg') });
    expect(found.filter((f) => f.from === 'ancestor').map((f) => path.relative(tree.root, f.file))).toEqual(['ws/crate/rustfmt.toml', 'ws/.rustfmt.toml']);
    expect(found.filter((f) => f.from === 'user').map((f) => path.relative(tree.root, f.file))).toEqual(['home/rustfmt.toml', 'xdg/rustfmt/.rustfmt.toml', 'home/.config/rustfmt/rustfmt.toml']);
  });

  it('rustfmt: every file in a folder inside the crate too (rustfmt looks beside the file first), but target/ and .git/', () => {
    write('ws/crate/src/rustfmt.toml');
    write('ws/crate/src/deep/mod/.rustfmt.toml');
    write('ws/crate/target/debug/rustfmt.toml');
    write('ws/crate/.git/rustfmt.toml');
    const found = rustfmtConfigFiles(path.join(tree.root, 'ws', 'crate'), env());
    expect(found.filter((f) => f.from === 'below').map((f) => path.relative(tree.root, f.file))).toEqual(['ws/crate/src/rustfmt.toml', 'ws/crate/src/deep/mod/.rustfmt.toml']);
  });

  it('cargo config: includes are followed, recursively, relative to the including file', () => {
    const top = write('ws/.cargo/config.toml', 'include = ["extra.toml", { path = "more/other.toml" }, { path = "gone.toml", optional = true }]\n');
    const extra = write('ws/.cargo/extra.toml', '[build]\njobs = 1\n');
    const other = write('ws/.cargo/more/other.toml', '[[include]]\npath = "deeper.toml"\n');
    const deeper = write('ws/.cargo/more/deeper.toml', 'include = ["../extra.toml"]\n');
    expect(configIncludes(top)).toEqual([extra, other]);
    expect(cargoConfigFiles(path.join(tree.root, 'ws'), env()).map((f) => f.file)).toEqual([top, extra, other, deeper]);
  });

  it('tools: wrappers, linkers and runners named by path in config (relative to the .cargo folder\'s parent) or variables', () => {
    write(
      'ws/.cargo/config.toml',
      '[build]\nrustc-wrapper = "tools/wrap.sh"\n[target.x86_64-unknown-linux-gnu]\nlinker = "tools/link.sh"\nrunner = ["tools/run.sh", "--flag"]\n[target.\'cfg(unix)\']\nlinker = "cc"\n',
    );
    expect(configToolValues({ build: { 'rustc-workspace-wrapper': 'w' }, target: { x: { runner: 'qemu -L /x' } } })).toEqual(['w', 'qemu']);
    const files = cargoToolFiles(path.join(tree.root, 'ws', 'crate'), { ...env(), RUSTC_WRAPPER: '/opt/sccache', CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER: 'bin/ld', CC: 'tools/cc' });
    expect(files.map((f) => (f.startsWith(tree.root) ? path.relative(tree.root, f) : f))).toEqual([
      'ws/tools/wrap.sh',
      'ws/tools/link.sh',
      'ws/tools/run.sh',
      'ws/crate/bin/ld',
      '/opt/sccache',
    ]);
  });
});
