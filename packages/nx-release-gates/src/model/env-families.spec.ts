import { fingerprintedVariables, hostTriple, hyphenatedCompilerVariables, isFingerprinted, namePattern } from './env-families';

describe('isFingerprinted', () => {
  it.each([
    'CARGO_PROFILE_RELEASE_LTO',
    'CARGO_PROFILE_BENCH_DEBUG',
    'CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS',
    'CARGO_BUILD_RUSTFLAGS',
    'CARGO_ENCODED_RUSTFLAGS',
    'RUSTFLAGS',
    'RUSTDOCFLAGS',
    'RUSTC_WRAPPER',
    'RUSTC_BOOTSTRAP',
    'RUSTUP_TOOLCHAIN',
    'CC',
    'CXX',
    'AR',
    'CFLAGS',
    'HOST_CC',
    'TARGET_CFLAGS',
    'CC_x86_64_unknown_linux_gnu',
    'CFLAGS_x86_64-unknown-linux-gnu',
    'CRATE_CC_NO_DEFAULTS',
    'PKG_CONFIG_PATH',
    'OPENSSL_NO_PKG_CONFIG',
    'LIBCLANG_PATH',
    'BINDGEN_EXTRA_CLANG_ARGS',
    'CUDA_COMPUTE_CAP',
    'SOURCE_DATE_EPOCH',
  ])('hashes %s', (name) => expect(isFingerprinted(name)).toBe(true));

  it.each([
    // Machine-specific or print-only: two clones on two machines must share results.
    'CARGO_HOME',
    'CARGO_TARGET_DIR',
    'CARGO_TERM_COLOR',
    'CARGO_BUILD_JOBS',
    'CARGO_PKG_VERSION',
    'CUDA_PATH',
    'HOME',
    'PATH',
    'USER',
    'CCACHE_DIR',
    'ARCH',
    // Secrets: never hashed.
    'CARGO_REGISTRY_TOKEN',
    'CARGO_REGISTRIES_MY_REG_TOKEN',
    'CARGO_REGISTRY_CREDENTIAL_PROVIDER',
  ])('leaves out %s', (name) => expect(isFingerprinted(name)).toBe(false));

  it('adds the user\'s names and PREFIX_* patterns, never a secret', () => {
    expect(isFingerprinted('MY_BUILD_MODE', ['MY_BUILD_*'])).toBe(true);
    expect(isFingerprinted('GIT_HASH', ['GIT_HASH'])).toBe(true);
    expect(isFingerprinted('GIT_HASHES', ['GIT_HASH'])).toBe(false);
    expect(isFingerprinted('MY_BUILD_TOKEN', ['MY_BUILD_*'])).toBe(false);
    expect(namePattern('A.B*').test('AxB')).toBe(false);
  });

  it('hashes a secret-looking name only when it is declared in full', () => {
    expect(isFingerprinted('MAX_TOKENS')).toBe(false);
    expect(isFingerprinted('MAX_TOKENS', ['MAX_TOKENS'])).toBe(true);
    expect(isFingerprinted('MAX_TOKENS', ['MAX_*'])).toBe(false);
    expect(fingerprintedVariables({ MAX_TOKENS: '4096', MAX_SECRET: 's' }, ['MAX_TOKENS', 'MAX_*'])).toEqual([['MAX_TOKENS', '4096']]);
  });

  it('lists the set members sorted by name', () => {
    expect(fingerprintedVariables({ RUSTFLAGS: '-Dwarnings', HOME: '/root', CC: 'clang', CARGO_HOME: '/x', UNSET: undefined })).toEqual([
      ['CC', 'clang'],
      ['RUSTFLAGS', '-Dwarnings'],
    ]);
  });
});

describe('hyphenatedCompilerVariables', () => {
  it('names the cc crate\'s per-target variables with the triple\'s hyphens', () => {
    const names = hyphenatedCompilerVariables(['x86_64-unknown-linux-gnu']);
    expect(names).toContain('CC_x86_64-unknown-linux-gnu');
    expect(names).toContain('CFLAGS_x86_64-unknown-linux-gnu');
    expect(names.every((n) => n.endsWith('_x86_64-unknown-linux-gnu'))).toBe(true);
  });

  it('knows the host triple of the common platforms', () => {
    expect(hostTriple('linux', 'x64')).toBe('x86_64-unknown-linux-gnu');
    expect(hostTriple('darwin', 'arm64')).toBe('aarch64-apple-darwin');
    expect(hostTriple('win32', 'x64')).toBe('x86_64-pc-windows-msvc');
    expect(hostTriple('aix', 'ppc64')).toBeNull();
  });
});
