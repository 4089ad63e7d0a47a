import { judgeDoc, lintFlags, rustdocFlagPlan } from './doc';

describe('lintFlags', () => {
  it('keeps the plugin warn level a warning under denyWarnings', () => {
    expect(lintFlags('warn', false)).toEqual(['-W', 'missing_docs']);
    expect(lintFlags('warn', true)).toEqual(['-D', 'warnings', '--force-warn', 'missing_docs']);
    expect(lintFlags('deny', true)).toEqual(['-D', 'warnings', '-D', 'missing_docs']);
    expect(lintFlags('allow', true)).toEqual(['-D', 'warnings', '-A', 'missing_docs']);
  });

  it('adds no missing_docs level to a crate without a public API (binary only)', () => {
    expect(lintFlags('deny', false, false)).toEqual([]);
    expect(lintFlags('deny', true, false)).toEqual(['-D', 'warnings']);
  });
});

describe('judgeDoc', () => {
  const counts = { warnings: 1, errors: 0, missingDocs: 2, firstError: null };
  it('passes with each bucket counted once and the documented targets as checked', () => {
    const outcome = judgeDoc({ exitCode: 0, counts, stderr: '', documented: 2, hasLibrary: true }, {});
    expect(outcome).toMatchObject({ status: 'passed', details: { warnings: 1, undocumentedItems: 2, checked: 2 } });
  });

  it('never passes a build that documented no target', () => {
    expect(judgeDoc({ exitCode: 0, counts: { ...counts, missingDocs: 0 }, stderr: '', documented: 0, hasLibrary: false }, {})).toMatchObject({ status: 'failed', details: { checked: 0 } });
  });

  it('says a binary-only crate has no public API', () => {
    expect(judgeDoc({ exitCode: 0, counts: { ...counts, missingDocs: 0 }, stderr: '', documented: 1, hasLibrary: false }, {}).reason).toContain('binary only');
  });

  it('says "did not build" when rustdoc never reported on the crate', () => {
    const outcome = judgeDoc({ exitCode: 101, counts: { warnings: 0, errors: 0, missingDocs: 0, firstError: null }, stderr: 'error: failed to run custom build command for `x`\n', documented: 0, hasLibrary: true }, {});
    expect(outcome.reason).toBe('documentation did not build: failed to run custom build command for `x`');
    expect(outcome.details).toMatchObject({ built: false });
  });

  it('fails with the first error, a denied missing_docs included', () => {
    const outcome = judgeDoc({ exitCode: 101, counts: { warnings: 0, errors: 0, missingDocs: 1, firstError: 'missing documentation for a function' }, stderr: '', documented: 0, hasLibrary: true }, {});
    expect(outcome.reason).toBe('documentation build failed (1 undocumented item(s)): missing documentation for a function');
  });
});

describe('rustdocFlagPlan', () => {
  const flags = ['-D', 'missing_docs', '-D', 'warnings'];

  it('appends to CARGO_ENCODED_RUSTDOCFLAGS when set (cargo then ignores RUSTDOCFLAGS and config)', () => {
    expect(rustdocFlagPlan({ encoded: '--cfg\u001fdocsrs', plain: '--ignored', targetKeys: [] }, flags)).toEqual({
      env: { CARGO_ENCODED_RUSTDOCFLAGS: '--cfg\u001fdocsrs\u001f-D\u001fmissing_docs\u001f-D\u001fwarnings' },
      args: [],
      source: 'CARGO_ENCODED_RUSTDOCFLAGS',
    });
  });

  it('puts the flags in CARGO_ENCODED_RUSTDOCFLAGS when it is set but empty (cargo still ignores RUSTDOCFLAGS and config)', () => {
    expect(rustdocFlagPlan({ encoded: '', plain: '--ignored', targetKeys: ['x86_64-unknown-linux-gnu'] }, flags)).toEqual({
      env: { CARGO_ENCODED_RUSTDOCFLAGS: '-D\u001fmissing_docs\u001f-D\u001fwarnings' },
      args: [],
      source: 'CARGO_ENCODED_RUSTDOCFLAGS',
    });
  });

  it('puts the flags in RUSTDOCFLAGS when it is set but blank (cargo then ignores config)', () => {
    expect(rustdocFlagPlan({ plain: '  ', targetKeys: [] }, flags)).toEqual({ env: { RUSTDOCFLAGS: '-D missing_docs -D warnings' }, args: [], source: 'RUSTDOCFLAGS' });
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
