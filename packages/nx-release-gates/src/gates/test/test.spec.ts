import { firstFailureLine, judgeTests, TestFacts } from './test';
import type { TestCase } from '../../parsers/test-output';

const base: TestFacts = { runner: 'cargo', runnerMissing: false, exitCode: 0, counts: { passed: 2, failed: 0, ignored: 1 }, cases: [], stderr: '', excludedCuda: [], excludedByOption: [], allowNoTests: false };

const failing = (i: number): TestCase => ({
  suite: 'unittests src/main.rs',
  name: `shell::tests::bash_${i}`,
  outcome: 'failed',
  message: `thread 'shell::tests::bash_${i}' panicked at src/shell.rs:90:9:\nFailed to spawn Command { cmd: "shellcheck" }: No such file or directory (os error 2)\nnote: run with \`RUST_BACKTRACE=1\``,
});

describe('firstFailureLine', () => {
  it('skips a rule of punctuation after the panic header (a test helper framing its message)', () => {
    const message = "thread 'regression::r25' (16461) panicked at tests/util.rs:401:13:\n\n\n==========\ncommand failed but expected success!\n";
    expect(firstFailureLine(message)).toBe('command failed but expected success!');
  });
});

describe('judgeTests', () => {
  it('passes with the counts and how many tests it checked', () => {
    const outcome = judgeTests(base);
    expect(outcome).toMatchObject({ status: 'passed', reason: '2 passed, 1 ignored', details: { checked: 3 } });
  });

  it("fails many tests in one bounded sentence with the first failure's message", () => {
    const cases = Array.from({ length: 387 }, (_, i) => failing(i));
    const outcome = judgeTests({ ...base, exitCode: 101, counts: { passed: 10, failed: 387, ignored: 0 }, cases, excludedByOption: ['nix-dev'] });
    expect(outcome.status).toBe('failed');
    expect(outcome.reason.length).toBeLessThan(300);
    expect(outcome.reason).toMatch(/^387 test\(s\) failed, 10 passed; first: shell::tests::bash_0: Failed to spawn Command .*; also shell::tests::bash_1, shell::tests::bash_2 and 384 more/);
    expect(outcome.details).toMatchObject({ checked: 397, excludedByOption: ['nix-dev'], firstFailure: { name: 'shell::tests::bash_0' } });
    expect((outcome.details!.failedTests as string[]).length).toBe(387);
  });

  it('names the one feature every failure needs, before the first failure', () => {
    const cases = Array.from({ length: 387 }, (_, i) => failing(i));
    const featureBlame = [{ feature: 'nix-dev', failures: 387 }];
    const outcome = judgeTests({ ...base, exitCode: 101, counts: { passed: 10, failed: 387, ignored: 0 }, cases, featureBlame });
    expect(outcome.reason.length).toBeLessThan(300);
    expect(outcome.reason).toMatch(/^387 test\(s\) failed, 10 passed; every failure needs feature nix-dev \(excludeFeatures = \["nix-dev"\] leaves it out\); first: shell::tests::bash_0: Failed to spawn/);
    expect(outcome.details).toMatchObject({ failuresByFeature: featureBlame });
  });

  it('says "did not build" when the tests never compiled, with the build script message', () => {
    const stderr = 'error: failed to run custom build command for `sys v0.1.0`\n\nCaused by:\n  process didn\'t exit successfully: `b` (exit status: 101)\n  --- stderr\n  set the LIBCLANG_PATH environment variable\n';
    const outcome = judgeTests({ ...base, exitCode: 101, counts: { passed: 0, failed: 0, ignored: 0 }, stderr });
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toBe('tests did not build: failed to run custom build command for `sys v0.1.0` (set the LIBCLANG_PATH environment variable)');
    expect(outcome.details).toMatchObject({ built: false, checked: 0 });
  });

  it('names a missing nextest', () => {
    expect(judgeTests({ ...base, runner: 'nextest', runnerMissing: true, exitCode: 101 }).reason).toMatch(/cargo install cargo-nextest/);
  });
});

describe('firstFailureLine', () => {
  it('takes the panic message, not its header', () => {
    expect(firstFailureLine(failing(0).message)).toMatch(/^Failed to spawn Command/);
    expect(firstFailureLine("thread 'x' panicked at src/a.rs:1:1: boom")).toBe('src/a.rs:1:1: boom');
    expect(firstFailureLine(undefined)).toBeNull();
  });
});
