import { nxIgnoredPaths } from './nx-ignored';
import { useTempTree } from '../testing/temp-tree';

describe('files Nx does not hash because of .nxignore or .ignore', () => {
  const tree = useTempTree('nx-ignored-');
  const { write } = tree;

  it('applies the root .nxignore and one in a folder to the files below them, as Nx\'s walker does', () => {
    write('.nxignore', 'crates/app/fixtures/\n');
    write('crates/lib/.nxignore', '*.bin\n!keep.bin\n');
    const asked = ['crates/app/fixtures/expected.txt', 'crates/app/src/main.rs', 'crates/lib/data/blob.bin', 'crates/lib/keep.bin', 'crates/other/blob.bin'];
    expect([...nxIgnoredPaths(tree.root, asked)].sort()).toEqual(['crates/app/fixtures/expected.txt', 'crates/lib/data/blob.bin']);
  });

  it('applies a .ignore file too (Nx\'s walker reads it like ripgrep does), and the names Nx always skips', () => {
    write('crates/app/.ignore', 'tests/data/\n');
    expect([...nxIgnoredPaths(tree.root, ['crates/app/tests/data/fixture.txt', 'crates/app/tests/it.rs', 'node_modules/x/index.js'])].sort()).toEqual([
      'crates/app/tests/data/fixture.txt',
      'node_modules/x/index.js',
    ]);
  });

  it('lets a `!` line in a nearer .ignore or .nxignore re-include what .gitignore excludes, as Nx\'s walker does', () => {
    write('.gitignore', '*.log\n');
    write('crates/app/.ignore', '!tests/fixtures/sample.log\n');
    write('.nxignore', '!crates/lib/kept.log\n');
    expect([...nxIgnoredPaths(tree.root, ['crates/app/tests/fixtures/sample.log', 'crates/app/other.log', 'crates/lib/kept.log'])]).toEqual(['crates/app/other.log']);
  });

  it('ignores nothing without an ignore file', () => {
    expect(nxIgnoredPaths(tree.root, ['crates/app/src/main.rs']).size).toBe(0);
    expect(nxIgnoredPaths(tree.root, []).size).toBe(0);
  });
});
