/**
 * Reading test runners' plain output: libtest's per-test lines (`test a::b ... ok`) and its `test result:` totals,
 * and cargo-nextest's closing summary. Pure, unit tested on recorded output.
 */
import { stripAnsi } from './cargo-errors';
import { unescapeXml } from '../util/xml-text';
import { BoundedLines, LineBound } from '../util/bounded-lines';

export type TestOutcome = 'passed' | 'failed' | 'ignored';

export interface TestCase {
  /** The binary or suite the test ran in (libtest prints it in "Running ..." lines). */
  suite: string;
  name: string;
  outcome: TestOutcome;
  /** Captured output of a failed test, when the runner printed it. */
  message?: string;
}

export interface TestCounts {
  passed: number;
  failed: number;
  ignored: number;
}

/**
 * The lines of a test run the parsers read for structure (libtest's blocks, results and failure headers, cargo's
 * `Running` lines, nextest's summary): a bounded capture of the run keeps every one of them.
 */
export const TEST_RUN_STRUCTURE = /^(running \d+ tests?$|---- .+ stdout ----$|failures:|test result:|test .+ \.\.\. |\s*(Running|Doc-tests) )|Summary\b.*tests? run:/;

/**
 * How much of one failed test's output its message keeps: its first and last lines (the panic comes last). A bit more
 * than a bounded capture keeps of a run (util/bounded-lines.ts), so output already cut there is not cut twice.
 */
export const FAILURE_MESSAGE_BOUND: LineBound = { headLines: 50, tailLines: 50, maxLineChars: 500 };

/**
 * libtest's output: every test's outcome, the totals, and each failed test's output as its message (bounded by
 * FAILURE_MESSAGE_BOUND; `log` names the file that holds the whole output, for the marker of what was cut).
 */
export function parseLibtest(stdout: string, stderr = '', log?: string): { counts: TestCounts; cases: TestCase[] } {
  const counts: TestCounts = { passed: 0, failed: 0, ignored: 0 };
  const cases: TestCase[] = [];
  // cargo prints "Running unittests src/lib.rs (target/...)" and "Doc-tests name" on stderr, in step with stdout's
  // blocks; the order of "running N tests" blocks on stdout matches them.
  const suites = [...stderr.matchAll(/^\s*(?:Running (\S+(?: \S+)?)|Doc-tests (\S+))/gm)].map((m) =>
    m[1] ? m[1].replace(/ \(.*$/, '') : `doc-tests ${m[2]}`,
  );
  let block = -1;
  // Keyed by block and name: `tests::it_works` may fail in the lib and in the bin with different output.
  const failures = new Map<string, string>();
  const blockOf = new Map<TestCase, number>();
  let capturing: string | null = null;
  let captured = new BoundedLines(FAILURE_MESSAGE_BOUND, log);
  const message = () => captured.lines().join('\n').trim();
  for (const line of stdout.split('\n')) {
    if (/^running \d+ tests?$/.test(line)) {
      block++;
      continue;
    }
    const header = /^---- (.+?) stdout ----$/.exec(line);
    if (header) {
      if (capturing) failures.set(`${block} ${capturing}`, message());
      capturing = header[1];
      captured = new BoundedLines(FAILURE_MESSAGE_BOUND, log);
      continue;
    }
    if (capturing) {
      if (/^(failures:|test result:)/.test(line)) {
        failures.set(`${block} ${capturing}`, message());
        capturing = null;
      } else {
        captured.push(line);
        continue;
      }
    }
    const test = /^test (.+?) \.\.\. (ok|FAILED|ignored)(?:,.*)?$/.exec(line);
    if (test) {
      const outcome: TestOutcome = test[2] === 'ok' ? 'passed' : test[2] === 'FAILED' ? 'failed' : 'ignored';
      const testCase: TestCase = { suite: suites[block] ?? `suite-${block + 1}`, name: test[1], outcome };
      cases.push(testCase);
      blockOf.set(testCase, block);
      continue;
    }
    const result = /^test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/.exec(line);
    if (result) {
      counts.passed += Number(result[1]);
      counts.failed += Number(result[2]);
      counts.ignored += Number(result[3]);
    }
  }
  if (capturing) failures.set(`${block} ${capturing}`, message());
  for (const c of cases) {
    const key = `${blockOf.get(c)} ${c.name}`;
    if (c.outcome === 'failed' && failures.has(key)) c.message = failures.get(key);
  }
  return { counts, cases };
}

/**
 * cargo-nextest: "Summary [   0.012s] 3 tests run: 2 passed, 1 failed, 1 skipped". Nx runs tasks with FORCE_COLOR set,
 * which nextest honours even into a pipe, so the line arrives with colour codes between the words.
 */
export function parseNextestSummary(output: string): TestCounts | null {
  const line = /Summary \[[^\]]*\]\s+(\d+) tests? run: (.*)$/m.exec(stripAnsi(output));
  if (!line) return null;
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(line[2])?.[1] ?? 0);
  return { passed: count('passed'), failed: count('failed') + count('timed out'), ignored: count('skipped') };
}

/**
 * The test cases of cargo-nextest's JUnit report: its terminal output names failures only in a closing list that
 * truncates, while the JUnit file holds every case with the failure's text (the panic message). Ignored tests are
 * not in nextest's report; a `<skipped/>` case counts as ignored.
 */
export function parseNextestJunit(xml: string): TestCase[] {
  const cases: TestCase[] = [];
  for (const suite of xml.matchAll(/<testsuite\b([^>]*)>([\s\S]*?)<\/testsuite>/g)) {
    const suiteName = unescapeXml(/\bname="([^"]*)"/.exec(suite[1])?.[1] ?? '');
    for (const tc of suite[2].matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
      const name = unescapeXml(/\bname="([^"]*)"/.exec(tc[1])?.[1] ?? '');
      const body = tc[2] ?? '';
      const failure = /<(failure|error)\b[^>]*?(?:\/>|>([\s\S]*?)<\/\1>)/.exec(body);
      const outcome: TestOutcome = failure ? 'failed' : /<skipped\b/.test(body) ? 'ignored' : 'passed';
      const testCase: TestCase = { suite: suiteName, name, outcome };
      if (failure) testCase.message = unescapeXml(failure[2] ?? '').trim();
      cases.push(testCase);
    }
  }
  return cases;
}
