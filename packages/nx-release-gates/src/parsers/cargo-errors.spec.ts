import { buildScriptMessage, registryUnreachable, summarizeCargoError } from './cargo-errors';

// The shape cargo 1.95 prints when a -sys crate's build script panics (shortened from a real llama-cpp-sys run).
const BUILD_SCRIPT_FAILURE = `   Compiling llama-cpp-sys-2 v0.1.0
error: failed to run custom build command for \`llama-cpp-sys-2 v0.1.0\`

Caused by:
  process didn't exit successfully: \`/t/release/build/llama-cpp-sys-2-1/build-script-build\` (exit status: 101)
  --- stdout
  cargo:rerun-if-env-changed=LIBCLANG_PATH

  --- stderr

  thread 'main' panicked at build.rs:12:5:
  Unable to find libclang: "couldn't find any valid shared libraries matching: ['libclang.so']; set the LIBCLANG_PATH environment variable"
  note: run with \`RUST_BACKTRACE=1\` environment variable to display a backtrace
warning: build failed, waiting for other jobs to finish...
`;

describe('buildScriptMessage', () => {
  it("keeps the build script's own panic and message", () => {
    expect(buildScriptMessage(BUILD_SCRIPT_FAILURE)).toBe(
      'panicked at build.rs:12:5: Unable to find libclang: "couldn\'t find any valid shared libraries matching: [\'libclang.so\']; set the LIBCLANG_PATH environment variable"',
    );
  });

  it('is null when there is no stderr section or it is empty', () => {
    expect(buildScriptMessage('error: could not compile `x`')).toBeNull();
    expect(buildScriptMessage('Caused by:\n  --- stderr\n\nerror: next')).toBeNull();
  });

  it('bounds a long message', () => {
    const long = `  --- stderr\n  ${'x'.repeat(500)}\n`;
    expect(buildScriptMessage(long)!.length).toBeLessThanOrEqual(200);
  });
});

describe('summarizeCargoError', () => {
  it('shows the build script message instead of "process didn\'t exit successfully"', () => {
    const summary = summarizeCargoError(BUILD_SCRIPT_FAILURE);
    expect(summary).toMatch(/^failed to run custom build command for `llama-cpp-sys-2 v0.1.0` \(panicked at build.rs:12:5: Unable to find libclang/);
    expect(summary).not.toMatch(/exit status: 101/);
  });

  it("names the crate that does not compile and the diagnostic's place", () => {
    // A crate's own code broken by a fresh resolution of its dependencies (gate-install).
    const stderr = [
      '   Compiling jaq v3.0.0 (/tmp/unpacked/jaq-3.0.0)',
      'error[E0061]: this function takes 2 arguments but 1 argument was supplied',
      '  --> src/funs.rs:39:5',
      '   |',
      'error[E0061]: this function takes 2 arguments but 1 argument was supplied',
      '   --> src/main.rs:133:9',
      'error: could not compile `jaq` (bin "jaq") due to 3 previous errors',
    ].join('\n');
    expect(summarizeCargoError(stderr)).toBe('could not compile `jaq` (bin "jaq"): this function takes 2 arguments but 1 argument was supplied at src/funs.rs:39:5');
    expect(summarizeCargoError('error: could not compile `x` due to 1 previous error\n')).toBe('could not compile `x` due to 1 previous error');
  });

  it('keeps the innermost cause otherwise', () => {
    expect(summarizeCargoError('error: failed to load manifest\n\nCaused by:\n  no such file\n')).toBe('failed to load manifest (no such file)');
  });
});

const CONNECT = `    Updating crates.io index
error: download of config.json failed

Caused by:
  failed to download from \`https://index.crates.io/config.json\`

Caused by:
  [7] Could not connect to server (Failed to connect to 127.0.0.1 port 9 after 0 ms: Could not connect to server)
`;

describe('registryUnreachable', () => {
  it('recognises connection, DNS and timeout failures', () => {
    expect(registryUnreachable(CONNECT)).toBe(true);
    expect(registryUnreachable('error: failed to query replaced source registry `crates-io`\n\nCaused by:\n  [6] Could not resolve hostname (Could not resolve host: index.crates.io)')).toBe(true);
    expect(registryUnreachable('error: failed to get successful HTTP response from `https://index.crates.io/config.json`, got 503')).toBe(true);
    expect(registryUnreachable('error: ...\nCaused by:\n  [28] Timeout was reached (Operation timed out after 30000 milliseconds)')).toBe(true);
  });
  it('does not excuse the crate own failures', () => {
    expect(registryUnreachable('error: all dependencies must have a version specified when publishing.\ndependency `x` does not specify a version')).toBe(false);
    expect(registryUnreachable('error: failed to verify package tarball\n\nCaused by:\n  failed to compile: could not connect to server in build.rs')).toBe(false);
    expect(registryUnreachable('   Compiling x\nerror[E0425]: cannot find value `y`\nerror: could not compile `x`')).toBe(false);
    expect(registryUnreachable('error: 3 files in the working directory contain changes that were not yet committed into git')).toBe(false);
  });
});
