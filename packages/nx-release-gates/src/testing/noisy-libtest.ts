/**
 * libtest output of a run where one test prints `lines` lines before it fails (and another, quiet one fails too):
 * what the bounded parsers and reports are tested on.
 */
export function noisyLibtestOutput(lines: number): { stdout: string; stderr: string } {
  const noise = Array.from({ length: lines }, (_, i) => `noise line ${i}`);
  const stdout = [
    '',
    'running 3 tests',
    'test tests::noisy ... FAILED',
    'test tests::quiet ... FAILED',
    'test tests::fine ... ok',
    '',
    'failures:',
    '',
    '---- tests::noisy stdout ----',
    ...noise,
    "thread 'tests::noisy' panicked at src/lib.rs:9:9:",
    'the noisy test gave up',
    '',
    '---- tests::quiet stdout ----',
    "thread 'tests::quiet' panicked at src/lib.rs:14:9:",
    'quietly wrong',
    '',
    'failures:',
    '    tests::noisy',
    '    tests::quiet',
    '',
    'test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.51s',
    '',
  ].join('\n');
  return { stdout, stderr: '   Compiling noisy v0.1.0\n     Running unittests src/lib.rs (target/debug/deps/noisy-0123)\n' };
}
