import { judgePackage, missingFromPackage, PackageFacts, PackFacts } from './package';

const packed = (overrides: Partial<PackFacts> = {}): PackFacts => ({
  error: null,
  crateFile: 'target/package/tool-0.1.0.crate',
  written: 'this-run',
  files: ['Cargo.toml', 'src/main.rs', 'templates/a.txt'],
  crateBytes: 2048,
  causes: new Map(),
  ...overrides,
});
const facts = (overrides: Partial<PackageFacts> = {}): PackageFacts => ({
  crateRoot: 'crates/tool',
  manifestPath: 'crates/tool/Cargo.toml',
  requiredFiles: ['templates/**'],
  notOnDisk: [],
  maxCrateSize: 10 * 1024 * 1024,
  siblings: [],
  pack: packed(),
  ...overrides,
});

describe('judgePackage', () => {
  it('passes when every required file is inside a .crate of allowed size', () => {
    const outcome = judgePackage(facts());
    expect(outcome.status).toBe('passed');
    expect(outcome.reason).toMatch(/^3 files packaged, \.crate .* of .*; 1 required file\(s\) present$/);
    expect(outcome.details).toMatchObject({ checked: 3, fileCount: 3, missing: [], crateBytes: 2048, withSiblings: [] });
  });

  it("records the verified package (each file with its sha256, the .crate's own) for the publish step", () => {
    const verified = { cksum: 'a'.repeat(64), bytes: 2048, files: [{ path: 'Cargo.toml', sha256: 'b'.repeat(64), bytes: 10 }] };
    expect(judgePackage(facts({ pack: packed({ verified }) })).details?.verifiedPackage).toEqual(verified);
    expect(judgePackage(facts()).details?.verifiedPackage).toBeUndefined();
  });

  it('fails on a required path that matches nothing on disk, before packaging', () => {
    const outcome = judgePackage(facts({ notOnDisk: ['templates/**'], pack: null }));
    expect(outcome).toMatchObject({ status: 'failed', details: { requiredFiles: ['templates/**'], notOnDisk: ['templates/**'] } });
    expect(outcome.reason).toBe('requiredFiles entry "templates/**" matches no file in crates/tool; fix the path (relative to the crate folder)');
    expect(judgePackage(facts({ pack: null })).status).toBe('failed');
  });

  it('fails when cargo package failed, or did not write the .crate in this run', () => {
    expect(judgePackage(facts({ pack: packed({ error: 'no matching package named `x`' }) }))).toMatchObject({ status: 'failed', reason: 'cargo package failed: no matching package named `x`' });
    const stale = judgePackage(facts({ pack: packed({ written: 'earlier-run' }) }));
    expect(stale.reason).toBe('cargo package did not write target/package/tool-0.1.0.crate in this run (the file there is from an earlier run); check target-dir in your cargo config');
    expect(judgePackage(facts({ pack: packed({ written: 'none' }) })).reason).toMatch(/^cargo package did not write \S+ in this run; /);
  });

  it('fails on a required file missing from the .crate, naming the rule that drops it and what the folder holds', () => {
    const outcome = judgePackage(
      facts({ requiredFiles: ['templates/b.txt', 'LICENSE'], pack: packed({ causes: new Map([['templates/b.txt', 'exclude "templates/b*"'], ['LICENSE', null]]) }) }),
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toMatch(/^missing from the package: templates\/b\.txt \(exclude "templates\/b\*" in crates\/tool\/Cargo\.toml\), LICENSE \(no include\/exclude rule of Cargo\.toml drops it: check \.gitignore\)/);
    expect(outcome.details).toMatchObject({
      missing: ['templates/b.txt', 'LICENSE'],
      heldNearby: [{ pattern: 'templates/b.txt', folder: 'templates', files: ['templates/a.txt'] }, { pattern: 'LICENSE', folder: '.' }],
    });
  });

  it('fails a .crate holding release-gates.lock, saying how to leave it out', () => {
    const outcome = judgePackage(facts({ pack: packed({ files: ['Cargo.toml', 'release-gates.lock', 'src/main.rs', 'templates/a.txt'] }) }));
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toBe(
      'release-gates.lock (the inputs nx-release-gates learned for this repository) would be published in the .crate; add "release-gates.lock" to exclude in crates/tool/Cargo.toml (with include set, leave it out of include)',
    );
    expect(outcome.details).toMatchObject({ packagedLearnedFile: 'release-gates.lock' });
    // Only the file at the crate root is the plugin's: a crate's own file of that name deeper down is its business.
    expect(judgePackage(facts({ pack: packed({ files: ['Cargo.toml', 'src/main.rs', 'templates/a.txt', 'templates/release-gates.lock'] }) })).status).toBe('passed');
  });

  it('fails a .crate over maxCrateSize', () => {
    expect(judgePackage(facts({ maxCrateSize: 1024 })).reason).toMatch(/^\.crate is .*, over maxCrateSize .*; exclude large files in Cargo\.toml$/);
  });
});

describe('missingFromPackage', () => {
  it('matches required patterns as globs, dot files included', () => {
    expect(missingFromPackage(['templates/**', '.env.example', 'README.md'], ['templates/x/y.txt', '.env.example'])).toEqual(['README.md']);
  });
});
