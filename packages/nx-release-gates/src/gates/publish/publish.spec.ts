import { judgePublish, packagedFileCount, splitPublishWarnings } from './publish';
import { cargoPublishesSeveral, pathSiblings } from '../../model/path-siblings';

describe('publish output', () => {
  it('reads warnings and the packaged file count', () => {
    const stderr = 'warning: manifest has no documentation, homepage or repository\n   Packaging t v0.1.0\n    Packaged 6 files, 1.2KiB (901B compressed)\nwarning: aborting upload due to dry run\n';
    expect(splitPublishWarnings(stderr).publish).toEqual(['manifest has no documentation, homepage or repository']);
    expect(packagedFileCount(stderr)).toBe(6);
    expect(packagedFileCount('')).toBeNull();
  });
});

describe('pathSiblings', () => {
  const pkg = (name: string, deps: Array<{ name: string; path?: string; kind?: 'dev' | 'build' | null; req?: string }>, publish: string[] | null = null) => ({
    name,
    manifest_path: `/ws/${name}/Cargo.toml`,
    publish,
    dependencies: deps.map((d) => ({ kind: null, req: '^0.1.0', ...d })),
  });
  it('follows path dependencies through the workspace, skipping unpublishable members and versionless dev-dependencies', () => {
    const metadata = {
      packages: [
        pkg('app', [{ name: 'core', path: '/ws/core' }, { name: 'serde', req: '^1' }, { name: 'testkit', path: '/ws/testkit', kind: 'dev', req: '*' }]),
        pkg('core', [{ name: 'macros', path: '/ws/macros', kind: 'build' }, { name: 'internal', path: '/ws/internal' }]),
        pkg('macros', [{ name: 'core', path: '/ws/core' }]),
        pkg('internal', [], []),
        pkg('testkit', []),
      ],
    };
    expect(pathSiblings(metadata, 'app')).toEqual(['core', 'macros']);
    expect(pathSiblings(metadata, 'testkit')).toEqual([]);
    expect(pathSiblings(metadata, 'unknown')).toEqual([]);
  });
  it('knows which cargo publishes several packages in one call', () => {
    expect(cargoPublishesSeveral('cargo 1.95.0 (f2d3ce0bd 2026-03-21)')).toBe(true);
    expect(cargoPublishesSeveral('cargo 1.89.0')).toBe(false);
    expect(cargoPublishesSeveral(null)).toBe(false);
  });
});

// cargo 1.95 `cargo publish --dry-run` of a crate whose version crates.io holds, with one lint warning in the verify build.
const TAKEN_WITH_LINT = `    Updating crates.io index
warning: crate hexyl@0.17.0 already exists on crates.io index
warning: manifest has no documentation, homepage or repository
   Packaging hexyl v0.17.0 (/tmp/rt/hx)
    Packaged 4 files, 1.0KiB (714B compressed)
   Verifying hexyl v0.17.0 (/tmp/rt/hx)
   Compiling hexyl v0.17.0 (/tmp/rt/hx/target/package/hexyl-0.17.0)
warning: unused variable: \`x\`
 --> src/main.rs:1:17

warning: \`hexyl\` (bin "hexyl") generated 1 warning
    Finished \`dev\` profile [unoptimized + debuginfo] target(s) in 0.46s
   Uploading hexyl v0.17.0 (/tmp/rt/hx)
warning: aborting upload due to dry run
`;

describe('splitPublishWarnings and judgePublish', () => {
  it("keeps the verify build's compiler warnings apart from cargo publish's own", () => {
    expect(splitPublishWarnings(TAKEN_WITH_LINT)).toEqual({ publish: ['manifest has no documentation, homepage or repository'], compiler: ['unused variable: `x`'] });
  });

  it('fails a version the index holds even though cargo passed', () => {
    const outcome = judgePublish({ exitCode: 0, stderr: TAKEN_WITH_LINT, siblings: [], readinessWarnings: [], taken: [], version: '0.17.0', registry: { kind: 'taken', sentence: 'version 0.17.0 of hexyl is already published; bump the version in Cargo.toml' } }, {});
    expect(outcome).toMatchObject({ status: 'failed', details: { registry: 'taken', checked: 4, compilerWarnings: 1 } });
  });

  it('passes a resumed release and says so, with warnings counted apart', () => {
    const outcome = judgePublish({ exitCode: 0, stderr: TAKEN_WITH_LINT, siblings: [], readinessWarnings: [], taken: [], version: '0.17.0', registry: { kind: 'resumed', sentence: 'hexyl@0.17.0 is already published with the same .crate: the release is being resumed' } }, {});
    expect(outcome.status).toBe('passed');
    expect(outcome.reason).toBe(
      'cargo publish --dry-run passed with 1 publish warning(s): manifest has no documentation, homepage or repository; the verify build had 1 compiler warning(s); hexyl@0.17.0 is already published with the same .crate: the release is being resumed',
    );
  });

  it('does not pass when the index could not be read', () => {
    expect(judgePublish({ exitCode: 0, stderr: '', siblings: [], readinessWarnings: [], taken: [], version: '0.17.0', registry: { kind: 'unknown', sentence: 'registry index unreachable' } }, {}).status).toBe('skipped');
  });
});
