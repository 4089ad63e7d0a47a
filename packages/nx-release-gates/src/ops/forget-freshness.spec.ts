import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { forgetFreshness } from './forget-freshness';

describe('forgetFreshness', () => {
  let target: string;
  beforeEach(() => {
    target = fs.mkdtempSync(path.join(os.tmpdir(), 'docfresh-'));
  });
  afterEach(() => fs.rmSync(target, { recursive: true, force: true }));

  const write = (file: string) => {
    fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    fs.writeFileSync(path.join(target, file), 'x');
  };

  it("removes only the package's doc fingerprints, host and per-triple, leaving its build and other packages alone", () => {
    write('debug/.fingerprint/my-crate-0123456789abcdef/doc-lib-my_crate');
    write('debug/.fingerprint/my-crate-0123456789abcdef/doc-lib-my_crate.json');
    write('debug/.fingerprint/my-crate-fedcba9876543210/lib-my_crate');
    write('debug/.fingerprint/my-crate-extra-0123456789abcdef/doc-lib-my_crate_extra');
    write('debug/.fingerprint/other-0123456789abcdef/doc-lib-other');
    write('x86_64-unknown-linux-gnu/debug/.fingerprint/my-crate-1111111111111111/doc-bin-my-crate');
    expect(forgetFreshness(target, 'my-crate', { prefixes: ['doc-'] })).toBe(3);
    expect(fs.existsSync(path.join(target, 'debug/.fingerprint/my-crate-0123456789abcdef/doc-lib-my_crate'))).toBe(false);
    expect(fs.existsSync(path.join(target, 'x86_64-unknown-linux-gnu/debug/.fingerprint/my-crate-1111111111111111/doc-bin-my-crate'))).toBe(false);
    expect(fs.existsSync(path.join(target, 'debug/.fingerprint/my-crate-fedcba9876543210/lib-my_crate'))).toBe(true);
    expect(fs.existsSync(path.join(target, 'debug/.fingerprint/my-crate-extra-0123456789abcdef/doc-lib-my_crate_extra'))).toBe(true);
    expect(fs.existsSync(path.join(target, 'debug/.fingerprint/other-0123456789abcdef/doc-lib-other'))).toBe(true);
  });

  it('does nothing where there is no target directory yet', () => {
    expect(forgetFreshness(path.join(target, 'missing'), 'my-crate', { prefixes: ['doc-'] })).toBe(0);
  });

  it("keeps to one profile when asked: the release build's units, not the debug ones", () => {
    write('release/.fingerprint/my-crate-0123456789abcdef/bin-my-crate');
    write('release/.fingerprint/my-crate-0123456789abcdef/dep-bin-my-crate');
    write('x86_64-unknown-linux-gnu/release/.fingerprint/my-crate-0123456789abcdef/lib-my_crate.json');
    write('debug/.fingerprint/my-crate-0123456789abcdef/bin-my-crate');
    expect(forgetFreshness(target, 'my-crate', { prefixes: ['bin-', 'lib-'], profile: 'release' })).toBe(2);
    expect(fs.existsSync(path.join(target, 'release/.fingerprint/my-crate-0123456789abcdef/dep-bin-my-crate'))).toBe(true);
    expect(fs.existsSync(path.join(target, 'debug/.fingerprint/my-crate-0123456789abcdef/bin-my-crate'))).toBe(true);
  });
});
