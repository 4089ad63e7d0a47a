import { lintFlags, rustdocFlagPlan } from './doc';

describe('rustdocFlagPlan', () => {
  const flags = lintFlags('deny', true);

  it('orders the lint flags: missing_docs level, then -D warnings', () => {
    expect(flags).toEqual(['-D', 'missing_docs', '-D', 'warnings']);
    expect(lintFlags('allow', false)).toEqual(['-A', 'missing_docs']);
  });

  it('appends to CARGO_ENCODED_RUSTDOCFLAGS when set (cargo then ignores RUSTDOCFLAGS and config)', () => {
    expect(rustdocFlagPlan({ encoded: '--cfg\u001fdocsrs', plain: '--ignored', targetKeys: [] }, flags)).toEqual({
      env: { CARGO_ENCODED_RUSTDOCFLAGS: '--cfg\u001fdocsrs\u001f-D\u001fmissing_docs\u001f-D\u001fwarnings' },
      args: [],
      source: 'CARGO_ENCODED_RUSTDOCFLAGS',
    });
  });

  it('appends to RUSTDOCFLAGS when set', () => {
    expect(rustdocFlagPlan({ plain: ' --cfg docsrs ', targetKeys: ['x86_64-unknown-linux-gnu'] }, flags).env).toEqual({ RUSTDOCFLAGS: '--cfg docsrs -D missing_docs -D warnings' });
  });

  it('otherwise joins cargo config arrays at build level and at every target key the config has', () => {
    expect(rustdocFlagPlan({ targetKeys: [] }, ['-W', 'missing_docs'])).toEqual({
      env: {},
      args: ['--config', 'build.rustdocflags=["-W","missing_docs"]'],
      source: 'cargo config (build.rustdocflags)',
    });
    expect(rustdocFlagPlan({ targetKeys: ['x86_64-unknown-linux-gnu', 'cfg(unix)', 'cfg(unix)'] }, ['-W', 'missing_docs']).args).toEqual([
      '--config',
      'build.rustdocflags=["-W","missing_docs"]',
      '--config',
      'target.x86_64-unknown-linux-gnu.rustdocflags=["-W","missing_docs"]',
      '--config',
      "target.'cfg(unix)'.rustdocflags=[\"-W\",\"missing_docs\"]",
    ]);
  });
});
