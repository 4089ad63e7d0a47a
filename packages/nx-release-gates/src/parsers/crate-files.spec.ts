import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packagedFiles, verifiedPackage } from './crate-files';

function crateArchive(files: Record<string, string>): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crate-files-'));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, 'pkg-1.0.0', file)), { recursive: true });
    fs.writeFileSync(path.join(dir, 'pkg-1.0.0', file), content);
  }
  const archive = path.join(dir, 'pkg-1.0.0.crate');
  execFileSync('tar', ['-czf', archive, '-C', dir, 'pkg-1.0.0']);
  return fs.readFileSync(archive);
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('packagedFiles / verifiedPackage', () => {
  it('gives every file of the .crate relative to the crate folder, with its sha256 and size', () => {
    const crate = crateArchive({ 'src/lib.rs': 'pub fn a() {}\n', 'Cargo.toml': '[package]\n' });
    expect(packagedFiles(crate, 'pkg', '1.0.0').sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'Cargo.toml', sha256: sha('[package]\n'), bytes: 10 },
      { path: 'src/lib.rs', sha256: sha('pub fn a() {}\n'), bytes: 14 },
    ]);
  });

  it("records the archive's own sha256 (the registry index's cksum) and size", () => {
    const crate = crateArchive({ 'src/lib.rs': 'x' });
    const verified = verifiedPackage(crate, 'pkg', '1.0.0');
    expect(verified.cksum).toBe(createHash('sha256').update(crate).digest('hex'));
    expect(verified.bytes).toBe(crate.length);
    expect(verified.files.map((f) => f.path)).toEqual(['src/lib.rs']);
  });
});
