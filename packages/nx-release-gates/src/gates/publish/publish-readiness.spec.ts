import { crateModel } from '../../testing/crate-model';
import { publishFailureReason, publishReadiness } from './publish';

const complete = { description: 'A tool', license: 'MIT', licenseFile: null, documentation: 'https://docs.rs/tool', homepage: 'https://x', repository: 'https://y' };

describe('publishReadiness', () => {
  it('accepts a crate with everything crates.io needs', () => {
    expect(publishReadiness(crateModel({ publishMetadata: complete }))).toEqual({ errors: [], warnings: [] });
  });

  it('refuses a missing description or license with the line to add', () => {
    const { errors } = publishReadiness(crateModel({ publishMetadata: { ...complete, description: null, license: null } }));
    expect(errors).toEqual([
      expect.stringContaining('add `description = "'),
      expect.stringContaining('add `license = "MIT OR Apache-2.0"`'),
    ]);
    expect(errors[1]).toContain('under [package] in crates/tool/Cargo.toml');
    expect(publishReadiness(crateModel({ publishMetadata: { ...complete, license: null, licenseFile: 'LICENSE' } })).errors).toEqual([]);
  });

  it('refuses a path dependency without a version, but not a dev-dependency', () => {
    const { errors } = publishReadiness(
      crateModel({
        publishMetadata: complete,
        pathDependencies: [
          { name: 'core', root: 'crates/core', kind: 'normal', versionRequirement: null, targetVersion: '0.2.0' },
          { name: 'helpers', root: 'crates/helpers', kind: 'dev', versionRequirement: null },
          { name: 'macros', root: 'crates/macros', kind: 'normal', versionRequirement: '^0.1' },
        ],
      }),
    );
    expect(errors).toEqual([expect.stringContaining('`core = { path = "crates/core", version = "0.2.0" }` in [dependencies]')]);
  });

  it('warns about missing documentation, homepage and repository', () => {
    const { errors, warnings } = publishReadiness(crateModel({ publishMetadata: { ...complete, documentation: null, homepage: null, repository: null } }));
    expect(errors).toEqual([]);
    expect(warnings.map((w) => w.split(':')[0])).toEqual(['no documentation', 'no homepage', 'no repository']);
  });
});

describe('publishFailureReason', () => {
  it('names a crate name that is already on crates.io', () => {
    const reason = publishFailureReason('crate tool@1.2.3 already exists on crates.io index', [{ name: 'tool', versions: ['1.2.3'], isCrate: true }], '1.2.3');
    expect(reason).toContain('taken by someone else');
  });

  it('names a path dependency the verify build took from crates.io', () => {
    const reason = publishFailureReason('could not compile `tool`', [{ name: 'core', versions: ['0.1.0'], isCrate: false }], '1.2.3');
    expect(reason).toContain('resolved path dependency core from crates.io');
  });

  it('keeps cargo\'s error otherwise', () => {
    expect(publishFailureReason('boom', [], '1.0.0')).toBe('cargo publish --dry-run failed: boom');
  });
});
