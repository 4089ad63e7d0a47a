import { gateEnvironment, pathVariable, WITHHELD_IN_DETAILS, withheldDetails, withheldSummary, worthWarning } from './gate-environment';

const none = { envInputs: [] as string[] };
const linux = (env: Record<string, string | undefined>, gate: { envInputs?: readonly string[] } = {}, options = none) => gateEnvironment(env, gate, options, 'linux', 'x64');

describe('gateEnvironment', () => {
  it.each([
    // The families the fingerprint hashes, and their members that only locate things or say how much to print.
    ...['RUSTFLAGS', 'RUSTDOCFLAGS', 'RUSTC_WRAPPER', 'CARGO_PROFILE_RELEASE_LTO', 'CARGO_ENCODED_RUSTFLAGS', 'CC', 'CFLAGS_x86_64_unknown_linux_gnu'],
    ...['PKG_CONFIG_PATH', 'NVCC_APPEND_FLAGS', 'SOURCE_DATE_EPOCH', 'RUSTUP_TOOLCHAIN', 'CARGO_HOME', 'CARGO_TARGET_DIR', 'CARGO_TERM_COLOR'],
    ...['CARGO_HTTP_CAINFO', 'CUDA_PATH', 'CUDA_HOME'],
    // cargo's registry credentials, and the emergency skip.
    ...['CARGO_REGISTRY_TOKEN', 'CARGO_REGISTRIES_MY_REG_TOKEN', 'CARGO_REGISTRY_CREDENTIAL_PROVIDER', 'RELEASE_GATES_SKIP', 'RELEASE_GATES_SKIP_REASON', 'RELEASE_GATES_SKIP_UNTIL'],
    // What a process needs.
    ...['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ', 'TERM', 'NO_COLOR', 'FORCE_COLOR', 'XDG_RUNTIME_DIR', 'RUSTUP_HOME', 'RUSTUP_DIST_SERVER'],
    // Registries, git and container engines.
    ...['HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'SSL_CERT_FILE', 'SSH_AUTH_SOCK', 'GIT_DIR', 'GIT_INDEX_FILE', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_KEY_0', 'DOCKER_HOST'],
    // The host triple's hyphenated compiler variables (Nx env inputs).
    'CC_x86_64-unknown-linux-gnu',
  ])('keeps %s', (name) => {
    const { env, withheld } = linux({ [name]: 'v' });
    expect(env).toEqual({ [name]: 'v' });
    expect(withheld).toEqual([]);
  });

  it.each([
    ...['NRG_PROBE', 'CI', 'GITHUB_ACTIONS', 'GITHUB_REF_NAME', 'RUST_BACKTRACE', 'RUST_TEST_THREADS', 'RUST_LOG', 'LD_LIBRARY_PATH', 'PWD'],
    ...['NX_TASK_HASH', 'NX_RELEASE_GATES_RUN_ID', 'NX_CLOUD_ACCESS_TOKEN', 'MAX_TOKENS', 'DEPLOY_TOKEN'],
    // Named like a secret inside a family: no key holds it, and cargo never reads it.
    'CARGO_DEPLOY_SECRET',
    // Another triple's hyphenated spelling: no key holds it (the underscore spelling is hashed).
    'CC_aarch64-unknown-linux-gnu',
    // Windows' own names mean nothing elsewhere.
    'SYSTEMROOT',
    // Names cargo sets for its own processes: cargo sets each unit's, so one here is someone else's, and unhashed.
    ...['CARGO_PKG_ZQA_FAIL', 'CARGO_CFG_ZQA_FAIL', 'CARGO_MANIFEST_DIR', 'CARGO_CRATE_NAME', 'CARGO_BIN_EXE_X', 'CARGO_PRIMARY_PACKAGE', 'CARGO_TARGET_TMPDIR'],
  ])('withholds %s', (name) => {
    const { env, withheld } = linux({ [name]: 'v' });
    expect(env).toEqual({});
    expect(withheld).toEqual([name]);
  });

  it('keeps the declared names and patterns, including a name in full that looks like a secret', () => {
    const { env, withheld } = linux(
      { NRG_PROBE: '1', MY_BUILD_MODE: 'fast', MY_BUILD_TOKEN: 't', MAX_TOKENS: '4096', OTHER: 'x' },
      {},
      { envInputs: ['NRG_PROBE', 'MY_BUILD_*', 'MAX_TOKENS'] },
    );
    expect(env).toEqual({ NRG_PROBE: '1', MY_BUILD_MODE: 'fast', MAX_TOKENS: '4096' });
    // A pattern never sweeps in a secret-looking name.
    expect(withheld).toEqual(['MY_BUILD_TOKEN', 'OTHER']);
  });

  it("keeps the gate's own variables for that gate only", () => {
    const env = { RELEASE_TAG: 'v1.0.0', GITHUB_REF_NAME: 'v1.0.0', GITHUB_REF_TYPE: 'tag', GITHUB_SHA: 'abc' };
    expect(linux(env, { envInputs: ['RELEASE_TAG', 'GITHUB_REF_NAME', 'GITHUB_REF_TYPE'] })).toEqual({
      env: { RELEASE_TAG: 'v1.0.0', GITHUB_REF_NAME: 'v1.0.0', GITHUB_REF_TYPE: 'tag' },
      withheld: ['GITHUB_SHA'],
    });
    expect(linux(env).withheld).toEqual(['GITHUB_REF_NAME', 'GITHUB_REF_TYPE', 'GITHUB_SHA', 'RELEASE_TAG']);
  });

  it('skips unset entries and sorts the withheld names', () => {
    expect(linux({ ZED: 'z', ALPHA: 'a', GONE: undefined, PATH: '/bin' })).toEqual({ env: { PATH: '/bin' }, withheld: ['ALPHA', 'ZED'] });
  });

  it("keeps Windows' own variables there, in any case, and its host triple's hyphenated names", () => {
    const env = { Path: 'C:\\bin', SystemRoot: 'C:\\Windows', ComSpec: 'cmd.exe', 'CC_x86_64-pc-windows-msvc': 'cl', 'CC_x86_64-unknown-linux-gnu': 'gcc' };
    expect(gateEnvironment(env, {}, none, 'win32', 'x64')).toEqual({
      env: { Path: 'C:\\bin', SystemRoot: 'C:\\Windows', ComSpec: 'cmd.exe', 'CC_x86_64-pc-windows-msvc': 'cl' },
      withheld: ['CC_x86_64-unknown-linux-gnu'],
    });
  });
});

describe('pathVariable', () => {
  it('is PATH, or the spelling Windows uses', () => {
    expect(pathVariable({ PATH: '/bin' }, 'linux')).toBe('PATH');
    expect(pathVariable({ Path: 'C:\\bin' }, 'win32')).toBe('Path');
    expect(pathVariable({}, 'win32')).toBe('Path');
  });
});

describe('withheld names in the result and the log', () => {
  it('adds nothing when nothing was withheld', () => {
    expect(withheldDetails([])).toEqual({});
  });

  it('keeps the first names and the count', () => {
    const names = Array.from({ length: 120 }, (_, i) => `V${String(i).padStart(3, '0')}`);
    expect(withheldDetails(names)).toEqual({ withheldEnv: names.slice(0, WITHHELD_IN_DETAILS), withheldEnvCount: 120 });
    expect(withheldDetails(['CI'])).toEqual({ withheldEnv: ['CI'], withheldEnvCount: 1 });
  });

  it('says it in one line with the way to declare one', () => {
    expect(withheldSummary('app:gate-test', ['CI', 'NRG_PROBE'])).toBe(
      'app:gate-test withheld 2 variables the cache key does not cover: CI, NRG_PROBE; declare one with envInputs (Cargo.toml [package.metadata.release-gates] env-inputs = ["CI"]) if the build or tests need it',
    );
    const many = withheldSummary('app:gate-test', Array.from({ length: 100 }, (_, i) => `V${i}`));
    expect(many.split('\n')).toHaveLength(1);
    expect(many).toContain('withheld 100 variables');
    expect(many).toContain('V7 and 92 more (details.withheldEnv)');
    expect(withheldSummary('app:gate-test', ['CI'])).toContain('withheld 1 variable the cache key');
  });
});

describe('the withheld warning line', () => {
  it('is worth printing only when a variable a build might read was withheld, and names those first', () => {
    expect(worthWarning(['NX_TASK_HASH', 'npm_config_cache', 'GITHUB_RUN_ID', 'SHLVL'])).toBe(false);
    expect(worthWarning(['NX_TASK_HASH', 'NRG_PROBE'])).toBe(true);
    expect(withheldSummary('app:gate-test', ['NX_A', 'NRG_PROBE'])).toContain(': NRG_PROBE, NX_A;');
  });
});
