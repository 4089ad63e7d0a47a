import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nxIgnoredPaths } from './nx-ignored';

describe('files Nx does not hash because of .nxignore or .ignore', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nx-ignored-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  const write = (file: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  };

  it('applies the root .nxignore and one in a folder to the files below them, as Nx\'s walker does', () => {
    write('.nxignore', 'crates/app/fixtures/\n');
    write('crates/lib/.nxignore', '*.bin\n!keep.bin\n');
    const asked = ['crates/app/fixtures/expected.txt', 'crates/app/src/main.rs', 'crates/lib/data/blob.bin', 'crates/lib/keep.bin', 'crates/other/blob.bin'];
    expect([...nxIgnoredPaths(root, asked)].sort()).toEqual(['crates/app/fixtures/expected.txt', 'crates/lib/data/blob.bin']);
  });

  it('applies a .ignore file too (Nx\'s walker reads it like ripgrep does), and the names Nx always skips', () => {
    write('crates/app/.ignore', 'tests/data/\n');
    expect([...nxIgnoredPaths(root, ['crates/app/tests/data/fixture.txt', 'crates/app/tests/it.rs', 'node_modules/x/index.js'])].sort()).toEqual([
      'crates/app/tests/data/fixture.txt',
      'node_modules/x/index.js',
    ]);
  });

  it('lets a `!` line in a nearer .ignore or .nxignore re-include what .gitignore excludes, as Nx\'s walker does', () => {
    write('.gitignore', '*.log\n');
    write('crates/app/.ignore', '!tests/fixtures/sample.log\n');
    write('.nxignore', '!crates/lib/kept.log\n');
    expect([...nxIgnoredPaths(root, ['crates/app/tests/fixtures/sample.log', 'crates/app/other.log', 'crates/lib/kept.log'])]).toEqual(['crates/app/other.log']);
  });

  it('ignores nothing without an ignore file', () => {
    expect(nxIgnoredPaths(root, ['crates/app/src/main.rs']).size).toBe(0);
    expect(nxIgnoredPaths(root, []).size).toBe(0);
  });
});
