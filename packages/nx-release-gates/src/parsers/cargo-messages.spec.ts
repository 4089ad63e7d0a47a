import { builtExecutables, countDiagnostics, packageArtifacts, parseCargoMessages, renderedDiagnostics } from './cargo-messages';

const MANIFEST = '/ws/crates/llm-cli/Cargo.toml';

/** `cargo build --release --message-format=json` (lines trimmed to the fields cargo always prints). */
const BUILD_STDOUT = [
  JSON.stringify({
    reason: 'compiler-artifact',
    package_id: 'registry+https://github.com/rust-lang/crates.io-index#itoa@1.0.11',
    manifest_path: '/home/u/.cargo/registry/src/index.crates.io-6f17d22bba15001f/itoa-1.0.11/Cargo.toml',
    target: { kind: ['lib'], crate_types: ['lib'], name: 'itoa', src_path: '/home/u/.cargo/registry/src/itoa-1.0.11/src/lib.rs', edition: '2018', doctest: true, test: true },
    profile: { opt_level: '3', debuginfo: 0, debug_assertions: false, overflow_checks: false, test: false },
    features: [],
    filenames: ['/ws/target/release/deps/libitoa-5b1d4e2f.rlib'],
    executable: null,
    fresh: true,
  }),
  JSON.stringify({
    reason: 'build-script-executed',
    package_id: 'path+file:///ws/crates/llm-cli#0.4.2',
    linked_libs: [],
    linked_paths: [],
    cfgs: [],
    env: [],
    out_dir: '/ws/target/release/build/llm-cli-abc/out',
  }),
  JSON.stringify({
    reason: 'compiler-message',
    package_id: 'path+file:///ws/crates/llm-cli#0.4.2',
    manifest_path: MANIFEST,
    target: { kind: ['lib'], name: 'llm_cli' },
    message: {
      $message_type: 'diagnostic',
      message: 'unused variable: `x`',
      code: { code: 'unused_variables', explanation: null },
      level: 'warning',
      spans: [],
      children: [],
      rendered: 'warning: unused variable: `x`\n --> src/lib.rs:3:9\n',
    },
  }),
  JSON.stringify({
    reason: 'compiler-message',
    package_id: 'path+file:///ws/crates/llm-cli#0.4.2',
    manifest_path: MANIFEST,
    target: { kind: ['lib'], name: 'llm_cli' },
    message: { $message_type: 'diagnostic', message: '1 warning emitted', code: null, level: 'warning', spans: [], children: [], rendered: 'warning: 1 warning emitted\n\n' },
  }),
  JSON.stringify({
    reason: 'compiler-artifact',
    package_id: 'path+file:///ws/crates/llm-cli#0.4.2',
    manifest_path: MANIFEST,
    target: { kind: ['lib'], crate_types: ['lib'], name: 'llm_cli', src_path: '/ws/crates/llm-cli/src/lib.rs' },
    filenames: ['/ws/target/release/libllm_cli.rlib'],
    executable: null,
    fresh: false,
  }),
  JSON.stringify({
    reason: 'compiler-artifact',
    package_id: 'path+file:///ws/crates/llm-cli#0.4.2',
    manifest_path: MANIFEST,
    target: { kind: ['bin'], crate_types: ['bin'], name: 'llm', src_path: '/ws/crates/llm-cli/src/main.rs' },
    filenames: ['/ws/target/release/llm'],
    executable: '/ws/target/release/llm',
    fresh: false,
  }),
  JSON.stringify({
    reason: 'compiler-artifact',
    package_id: 'path+file:///ws/crates/llm-cli#0.4.2',
    manifest_path: MANIFEST,
    target: { kind: ['bin'], crate_types: ['bin'], name: 'llm-server', src_path: '/ws/crates/llm-cli/src/bin/llm-server.rs' },
    filenames: ['/ws/target/release/llm-server'],
    executable: '/ws/target/release/llm-server',
    fresh: true,
  }),
  JSON.stringify({
    reason: 'compiler-artifact',
    package_id: 'path+file:///ws/crates/other#0.1.0',
    manifest_path: '/ws/crates/other/Cargo.toml',
    target: { kind: ['bin'], crate_types: ['bin'], name: 'other', src_path: '/ws/crates/other/src/main.rs' },
    filenames: ['/ws/target/release/other'],
    executable: '/ws/target/release/other',
    fresh: true,
  }),
  'a build script printed this',
  '{"not": "quite json"',
  JSON.stringify({ reason: 'build-finished', success: true }),
  '',
].join('\n');

/** `cargo doc --message-format=json` with `-W missing_docs` and a broken intra-doc link denied. */
const DOC_STDOUT = [
  { level: 'warning', message: 'missing documentation for a function', code: { code: 'missing_docs' } },
  { level: 'warning', message: 'missing documentation for a struct', code: { code: 'missing_docs' } },
  { level: 'error', message: 'unresolved link to `Confg`', code: { code: 'rustdoc::broken_intra_doc_links' } },
  { level: 'error', message: 'missing documentation for the crate', code: { code: 'missing_docs' } },
  { level: 'warning', message: '2 warnings emitted', code: null },
  { level: 'error', message: 'aborting due to 2 previous errors; 2 warnings emitted', code: null },
]
  .map((message) => JSON.stringify({ reason: 'compiler-message', manifest_path: MANIFEST, target: { kind: ['lib'], name: 'llm_cli' }, message: { ...message, rendered: `${message.level}: ${message.message}\n` } }))
  .join('\n');

describe('parseCargoMessages', () => {
  it('reads the JSON lines and skips text and broken JSON', () => {
    const messages = parseCargoMessages(BUILD_STDOUT);
    expect(messages.map((m) => m.reason)).toEqual([
      'compiler-artifact',
      'build-script-executed',
      'compiler-message',
      'compiler-message',
      'compiler-artifact',
      'compiler-artifact',
      'compiler-artifact',
      'compiler-artifact',
      'build-finished',
    ]);
  });

  it('returns nothing for empty output', () => {
    expect(parseCargoMessages('')).toEqual([]);
  });
});

describe('builtExecutables', () => {
  it('lists the bin artifacts of the given package only, fresh or rebuilt', () => {
    expect(builtExecutables(parseCargoMessages(BUILD_STDOUT), MANIFEST)).toEqual([
      { name: 'llm', path: '/ws/target/release/llm' },
      { name: 'llm-server', path: '/ws/target/release/llm-server' },
    ]);
  });

  it('finds nothing for a package that built no binary', () => {
    expect(builtExecutables(parseCargoMessages(BUILD_STDOUT), '/ws/crates/missing/Cargo.toml')).toEqual([]);
  });
});

describe('countDiagnostics', () => {
  it('counts warnings and skips rustc’s "N warnings emitted" closing line', () => {
    expect(countDiagnostics(parseCargoMessages(BUILD_STDOUT))).toEqual({ warnings: 1, errors: 0, missingDocs: 0, firstError: null });
  });

  it('counts missing_docs by lint code, whatever its level, and keeps the first error', () => {
    expect(countDiagnostics(parseCargoMessages(DOC_STDOUT))).toEqual({
      warnings: 0,
      errors: 1,
      missingDocs: 3,
      firstError: 'unresolved link to `Confg`',
    });
  });

  it('counts the same diagnostic once, even when cargo reports it for two targets', () => {
    const twice = [DOC_STDOUT.split('\n')[0], DOC_STDOUT.split('\n')[0], DOC_STDOUT.split('\n')[2]].join('\n');
    expect(countDiagnostics(parseCargoMessages(twice))).toEqual({ warnings: 0, errors: 1, missingDocs: 1, firstError: 'unresolved link to `Confg`' });
  });

  it('ignores messages that are not compiler diagnostics', () => {
    expect(countDiagnostics([{ reason: 'build-finished' }, { reason: 'compiler-artifact' }])).toEqual({ warnings: 0, errors: 0, missingDocs: 0, firstError: null });
  });
});

describe('packageArtifacts', () => {
  it("lists the package's own finished targets", () => {
    expect(packageArtifacts(parseCargoMessages(BUILD_STDOUT), MANIFEST).map((a) => a.name)).toEqual(['llm_cli', 'llm', 'llm-server']);
  });
});

describe('renderedDiagnostics', () => {
  it('joins the rendered text of every diagnostic in order', () => {
    expect(renderedDiagnostics(parseCargoMessages(BUILD_STDOUT))).toBe('warning: unused variable: `x`\n --> src/lib.rs:3:9\nwarning: 1 warning emitted\n\n');
  });
});
