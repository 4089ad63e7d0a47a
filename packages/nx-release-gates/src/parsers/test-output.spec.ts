import { parseLibtest, parseNextestJunit, parseNextestSummary, TEST_RUN_STRUCTURE } from './test-output';
import { noisyLibtestOutput } from '../testing/noisy-libtest';

/** `cargo test --no-fail-fast --all-features` of a crate with a lib, a bin, an integration test and doc-tests. */
const STDERR = `   Compiling llm-cli v0.4.2 (/ws/crates/llm-cli)
    Finished \`test\` profile [unoptimized + debuginfo] target(s) in 2.31s
     Running unittests src/lib.rs (target/debug/deps/llm_cli-1a2b3c4d5e6f7a8b)
     Running unittests src/main.rs (target/debug/deps/llm-9f8e7d6c5b4a3921)
     Running tests/cli.rs (target/debug/deps/cli-0123456789abcdef)
error: test failed, to rerun pass \`--test cli\`
   Doc-tests llm_cli
error: 1 target failed:
    \`--test cli\`
`;

const STDOUT = `
running 4 tests
test config::tests::parses_defaults ... ok
test config::tests::rejects_empty_model ... ok
test gpu::tests::needs_device ... ignored, needs a CUDA device
test tests::it_works ... ok

test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s


running 0 tests

test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s


running 3 tests
test prints_version ... ok
test rejects_unknown_flag ... FAILED
test streams_tokens ... FAILED

failures:

---- rejects_unknown_flag stdout ----
running llm --bogus
exit status: 0

thread 'rejects_unknown_flag' panicked at tests/cli.rs:21:5:
assertion failed: !output.status.success()
note: run with \`RUST_BACKTRACE=1\` environment variable to display a backtrace

---- streams_tokens stdout ----
thread 'streams_tokens' panicked at tests/cli.rs:40:9:
assertion \`left == right\` failed
  left: 3
 right: 4


failures:
    rejects_unknown_flag
    streams_tokens

test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.12s


running 2 tests
test src/lib.rs - config::Config::load (line 12) ... ok
test src/lib.rs - quickstart (line 3) ... ignored

test result: ok. 1 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.40s

`;

describe('parseLibtest', () => {
  const { counts, cases } = parseLibtest(STDOUT, STDERR);

  it('adds up the `test result:` lines of every suite', () => {
    expect(counts).toEqual({ passed: 5, failed: 2, ignored: 2 });
  });

  it('lists every test once with its suite and outcome', () => {
    expect(cases.map((c) => [c.suite, c.name, c.outcome])).toEqual([
      ['unittests src/lib.rs', 'config::tests::parses_defaults', 'passed'],
      ['unittests src/lib.rs', 'config::tests::rejects_empty_model', 'passed'],
      ['unittests src/lib.rs', 'gpu::tests::needs_device', 'ignored'],
      ['unittests src/lib.rs', 'tests::it_works', 'passed'],
      ['tests/cli.rs', 'prints_version', 'passed'],
      ['tests/cli.rs', 'rejects_unknown_flag', 'failed'],
      ['tests/cli.rs', 'streams_tokens', 'failed'],
      ['doc-tests llm_cli', 'src/lib.rs - config::Config::load (line 12)', 'passed'],
      ['doc-tests llm_cli', 'src/lib.rs - quickstart (line 3)', 'ignored'],
    ]);
  });

  it('attaches the captured output to each failed test, and only to failed tests', () => {
    const failed = cases.filter((c) => c.outcome === 'failed');
    expect(failed[0].message).toBe(
      [
        'running llm --bogus',
        'exit status: 0',
        '',
        "thread 'rejects_unknown_flag' panicked at tests/cli.rs:21:5:",
        'assertion failed: !output.status.success()',
        'note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace',
      ].join('\n'),
    );
    expect(failed[1].message).toBe(["thread 'streams_tokens' panicked at tests/cli.rs:40:9:", 'assertion `left == right` failed', '  left: 3', ' right: 4'].join('\n'));
    expect(cases.filter((c) => c.outcome !== 'failed').every((c) => c.message === undefined)).toBe(true);
  });

  it('does not mistake the `failures:` list for tests', () => {
    expect(cases.filter((c) => c.name === 'rejects_unknown_flag')).toHaveLength(1);
  });

  it('names suites by number when stderr is not available', () => {
    const { cases: numbered, counts: sameCounts } = parseLibtest(STDOUT);
    expect(sameCounts).toEqual(counts);
    expect([...new Set(numbered.map((c) => c.suite))]).toEqual(['suite-1', 'suite-3', 'suite-4']);
  });

  it('keeps messages apart for tests of the same name in different suites', () => {
    const stdout = `
running 1 test
test tests::it_works ... FAILED

failures:

---- tests::it_works stdout ----
lib says no

failures:
    tests::it_works

test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s


running 1 test
test tests::it_works ... FAILED

failures:

---- tests::it_works stdout ----
bin says no

failures:
    tests::it_works

test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
`;
    const stderr = '     Running unittests src/lib.rs (target/debug/deps/a-1)\n     Running unittests src/main.rs (target/debug/deps/a-2)\n';
    const parsed = parseLibtest(stdout, stderr);
    expect(parsed.cases.map((c) => [c.suite, c.message])).toEqual([
      ['unittests src/lib.rs', 'lib says no'],
      ['unittests src/main.rs', 'bin says no'],
    ]);
    expect(parsed.counts).toEqual({ passed: 0, failed: 2, ignored: 0 });
  });

  it('returns zero counts for output without tests', () => {
    expect(parseLibtest('', '')).toEqual({ counts: { passed: 0, failed: 0, ignored: 0 }, cases: [] });
  });
});

describe('parseNextestSummary', () => {
  it('reads passed, failed and skipped from the closing summary', () => {
    const output = `    Starting 4 tests across 2 binaries (1 test skipped)
        PASS [   0.004s] llm-cli config::tests::parses_defaults
        PASS [   0.005s] llm-cli config::tests::rejects_empty_model
        PASS [   0.006s] llm-cli::cli prints_version
        FAIL [   0.010s] llm-cli::cli rejects_unknown_flag
------------
     Summary [   0.123s] 4 tests run: 3 passed, 1 failed, 1 skipped
        FAIL [   0.010s] llm-cli::cli rejects_unknown_flag
error: test run failed
`;
    expect(parseNextestSummary(output)).toEqual({ passed: 3, failed: 1, ignored: 1 });
  });

  it('counts timed-out tests as failures and ignores the slow/leaky notes', () => {
    expect(parseNextestSummary('     Summary [  60.012s] 5 tests run: 3 passed (1 slow), 1 failed, 1 timed out, 0 skipped')).toEqual({
      passed: 3,
      failed: 2,
      ignored: 0,
    });
  });

  it('reads a single-test run with nothing skipped', () => {
    expect(parseNextestSummary('     Summary [   0.010s] 1 test run: 1 passed, 0 skipped\n')).toEqual({ passed: 1, failed: 0, ignored: 0 });
  });

  it('returns null without a summary line', () => {
    expect(parseNextestSummary('error: no such command: `nextest`')).toBeNull();
  });
});

describe('parseNextestSummary with colour', () => {
  it('reads the summary nextest colours under Nx (FORCE_COLOR)', () => {
    // Recorded from cargo-nextest 0.9.143 run by `nx run`.
    const line = '\u001b[31;1m     Summary\u001b[0m [   2.128s] \u001b[1m41\u001b[0m tests run: \u001b[1m1\u001b[0m \u001b[32;1mpassed\u001b[0m, \u001b[1m40\u001b[0m \u001b[31;1mfailed\u001b[0m, \u001b[1m0\u001b[0m \u001b[33;1mskipped\u001b[0m\n';
    expect(parseNextestSummary(line)).toEqual({ passed: 1, failed: 40, ignored: 0 });
  });
});

describe('parseNextestJunit', () => {
  // Recorded from cargo-nextest 0.9.143 (trimmed backtrace).
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="nextest-run" tests="3" skipped="0" failures="1" errors="0">
    <testsuite name="nxt" tests="2" skipped="0" errors="0" failures="1">
        <testcase name="tests::ok" classname="nxt" time="0.007"/>
        <testcase name="tests::bad" classname="nxt" time="0.117">
            <failure message="thread &apos;tests::bad&apos; (16739) panicked at src/lib.rs:6:16" type="test failure with exit code 101">thread &apos;tests::bad&apos; (16739) panicked at src/lib.rs:6:16:
Failed to spawn &lt;shellcheck&gt; &amp; &quot;x&quot;
stack backtrace:</failure>
            <system-out>
running 1 test
</system-out>
        </testcase>
    </testsuite>
    <testsuite name="nxt::cli" tests="1">
        <testcase name="later" classname="nxt::cli"><skipped/></testcase>
    </testsuite>
</testsuites>`;

  it('reads every case with its suite, outcome and the failure text', () => {
    const cases = parseNextestJunit(xml);
    expect(cases.map((c) => [c.suite, c.name, c.outcome])).toEqual([
      ['nxt', 'tests::ok', 'passed'],
      ['nxt', 'tests::bad', 'failed'],
      ['nxt::cli', 'later', 'ignored'],
    ]);
    expect(cases[1].message).toMatch(/^thread 'tests::bad' \(16739\) panicked at src\/lib.rs:6:16:\nFailed to spawn <shellcheck> & "x"/);
  });

  it('reads nothing from a file that is not a report', () => {
    expect(parseNextestJunit('')).toEqual([]);
  });
});

describe('parseLibtest on a failing test that printed a million lines', () => {
  const { stdout, stderr } = noisyLibtestOutput(1_000_000);
  const { counts, cases } = parseLibtest(stdout, stderr, 'dist/release-gates/noisy/gate-test.log');

  it('finds every failed test and keeps each one a bounded message with its first lines and its panic', () => {
    expect(counts).toEqual({ passed: 1, failed: 2, ignored: 0 });
    expect(cases.filter((c) => c.outcome === 'failed').map((c) => c.name)).toEqual(['tests::noisy', 'tests::quiet']);
    const noisy = cases.find((c) => c.name === 'tests::noisy')!;
    expect(noisy.suite).toBe('unittests src/lib.rs');
    expect(noisy.message!.length).toBeLessThan(16 * 1024);
    expect(noisy.message!.startsWith('noise line 0\nnoise line 1\n')).toBe(true);
    expect(noisy.message).toContain('lines cut, full output in dist/release-gates/noisy/gate-test.log');
    expect(noisy.message).toContain('the noisy test gave up');
    expect(cases.find((c) => c.name === 'tests::quiet')!.message).toBe("thread 'tests::quiet' panicked at src/lib.rs:14:9:\nquietly wrong");
  });

  it('keeps every line it reads for structure in a bounded capture', () => {
    for (const line of ['running 3 tests', 'test tests::noisy ... FAILED', '---- tests::noisy stdout ----', 'failures:', 'test result: FAILED. 1 passed;', '     Running unittests src/lib.rs (x)', '  Doc-tests noisy']) {
      expect(TEST_RUN_STRUCTURE.test(line)).toBe(true);
    }
    expect(TEST_RUN_STRUCTURE.test('\u001b[32;1m     Summary\u001b[0m [   0.012s] 3 tests run: 2 passed')).toBe(true);
    expect(TEST_RUN_STRUCTURE.test('noise line 7')).toBe(false);
  });
});
