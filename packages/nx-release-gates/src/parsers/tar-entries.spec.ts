import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tarFileNames } from './tar-entries';

describe('tarFileNames', () => {
  it('lists the regular files of a gzipped tar, long paths included', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-entries-'));
    const long = `${'deep/'.repeat(30)}file.txt`;
    for (const file of ['pkg-1.0.0/Cargo.toml', 'pkg-1.0.0/src/lib.rs', `pkg-1.0.0/${long}`]) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), 'x'.repeat(700));
    }
    const archive = path.join(dir, 'pkg.crate');
    execFileSync('tar', ['-czf', archive, '-C', dir, 'pkg-1.0.0']);
    const names = tarFileNames(fs.readFileSync(archive)).sort();
    expect(names).toEqual(['pkg-1.0.0/Cargo.toml', `pkg-1.0.0/${long}`, 'pkg-1.0.0/src/lib.rs'].sort());
  });
});
