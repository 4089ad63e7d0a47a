import * as fs from 'node:fs';
import * as path from 'node:path';
import { nextVersion, requiredBump, summaryBump, unbuildableBaseline } from './required-bump';

// Reports of cargo-semver-checks 0.51.0 on a library tagged v0.1.0 at version 0.1.0.
const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '__fixtures__', `${name}.txt`), 'utf8');

describe('summaryBump', () => {
  it('reads the Summary line of real reports', () => {
    expect(summaryBump(fixture('between-removed'))).toBe('major');
    expect(summaryBump(fixture('between-deprecated'))).toBe('minor');
    expect(summaryBump(fixture('between-added'))).toBe('none');
    expect(summaryBump(fixture('registry-baseline-unbuildable'))).toBeNull();
  });
});

describe('requiredBump', () => {
  it('takes the forward verdict first, then additions, then whether the files changed', () => {
    expect(requiredBump({ forward: fixture('between-removed'), reverse: null, changed: true })).toBe('major');
    expect(requiredBump({ forward: fixture('between-added'), reverse: fixture('reverse-added'), changed: true })).toBe('minor');
    expect(requiredBump({ forward: fixture('between-unchanged'), reverse: fixture('reverse-unchanged'), changed: true })).toBe('patch');
    expect(requiredBump({ forward: fixture('between-unchanged'), reverse: fixture('reverse-unchanged'), changed: false })).toBe('none');
    expect(requiredBump({ forward: fixture('between-unchanged'), reverse: null, changed: null })).toBe('patch');
    expect(requiredBump({ forward: fixture('registry-baseline-unbuildable'), reverse: null, changed: true })).toBeNull();
  });
});

describe('nextVersion', () => {
  it('follows Cargo: before 1.0 the leftmost non-zero part is the breaking one', () => {
    expect(['major', 'minor', 'patch', 'none'].map((b) => nextVersion('1.4.2', b as never))).toEqual(['2.0.0', '1.5.0', '1.4.3', '1.4.2']);
    expect(['major', 'minor', 'patch'].map((b) => nextVersion('0.3.1', b as never))).toEqual(['0.4.0', '0.3.2', '0.3.2']);
    expect(nextVersion('0.0.4', 'minor')).toBe('0.0.5');
  });
});

describe('unbuildableBaseline', () => {
  it("reads the baseline's build failure and its first cause", () => {
    expect(unbuildableBaseline(fixture('registry-baseline-unbuildable'))).toEqual({
      crate: 'alsa-sys',
      version: '0.3.1',
      cause: 'The system library `alsa` required by crate `alsa-sys` was not found',
    });
  });

  it("leaves the working tree's own build failure alone", () => {
    const output = '    Building nrg v0.2.0 (current)\nerror: could not compile\nerror: failed to build rustdoc for crate nrg v0.2.0\n';
    expect(unbuildableBaseline(output)).toBeNull();
    expect(unbuildableBaseline(fixture('between-removed'))).toBeNull();
  });
});
