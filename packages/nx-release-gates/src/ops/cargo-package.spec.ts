import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crateWrittenThisRun, packageArgs, selectPackages } from './cargo-package';
import { crateModel } from '../testing/crate-model';

describe('packageArgs', () => {
  it('names the crate and its siblings, qualifying the crate features to reach it alone', () => {
    expect(packageArgs('app', ['core'], ['fast', 'core/simd'], true)).toEqual(['-p', 'app', '-p', 'core', '--no-default-features', '--features', 'app/fast,core/simd']);
  });

  it('gives only the feature arguments when the crate is packaged alone', () => {
    expect(packageArgs('app', [], ['fast'], false)).toEqual(['--features', 'fast']);
  });

  it('takes the siblings along only where cargo packages several crates in one call', () => {
    const context = (cargo: string) => ({ crate: crateModel({ name: 'app', packageWith: ['core'] }), toolchain: { cargo }, options: { features: [], noDefaultFeatures: false } });
    expect(selectPackages(context('cargo 1.95.0 (f2d3ce0bd 2026-03-21)'))).toEqual({ siblings: ['core'], args: ['-p', 'app', '-p', 'core'] });
    expect(selectPackages(context('cargo 1.85.0 (d73d2caf9 2024-12-31)'))).toEqual({ siblings: [], args: [] });
  });
});

describe('crateWrittenThisRun', () => {
  let dir: string;
  const started = new Date();
  const write = (folder: string, name: string, ageMs = 0) => {
    const file = path.join(dir, folder, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'crate');
    const time = new Date(started.getTime() - ageMs);
    fs.utimesSync(file, time, time);
    return file;
  };
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packaged-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds the .crate written in this run, in the first folder that has one', () => {
    write('package', 'app-0.1.0.crate', 60_000);
    const fresh = write('package/tmp-crate', 'app-0.1.0.crate');
    expect(crateWrittenThisRun([path.join(dir, 'package/tmp-crate'), path.join(dir, 'package')], 'app', '0.1.0', started)).toEqual({ written: 'this-run', file: fresh, bytes: 5 });
  });

  it("tells an earlier run's file from none, and never reads it", () => {
    const old = write('package', 'app-0.1.0.crate', 60_000);
    expect(crateWrittenThisRun([path.join(dir, 'package')], 'app', '0.1.0', started)).toEqual({ written: 'earlier-run', file: old });
    expect(crateWrittenThisRun([path.join(dir, 'package')], 'app', '0.2.0', started)).toEqual({ written: 'none', file: path.join(dir, 'package', 'app-0.2.0.crate') });
  });

  it("matches a sibling of unknown version by name and semver, not another crate's name that starts with it", () => {
    write('package', 'core-extra-0.1.0.crate');
    expect(crateWrittenThisRun([path.join(dir, 'package')], 'core', null, started).written).toBe('none');
    const sibling = write('package', 'core-0.3.1.crate');
    expect(crateWrittenThisRun([path.join(dir, 'package')], 'core', null, started)).toMatchObject({ written: 'this-run', file: sibling });
  });
});
