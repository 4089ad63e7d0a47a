/**
 * gate-test: the test suite with all features, so no feature's tests go unrun. `--all-features` fails on every
 * machine without CUDA, so there the CUDA features (and features that switch them on) are left out, and the result
 * says which. `--no-fail-fast` so one failing test binary does not hide the others. Writes
 * dist/release-gates/<project>/junit.xml: cargo-nextest's own JUnit with `runner: nextest`, parsed libtest otherwise.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { summarizeCargoError } from '../../parsers/cargo-errors';
import { boundedJunit, testsJunit } from '../../report/junit';
import { writeFileAtomic } from '../../util/files';
import { lockedArgs } from '../../model/crate-model';
import { allFeaturesArgs } from '../../model/feature-sets';
import { currentTargetDirectory } from '../../ops/target-directory';
import { fileWrittenDuring } from '../../model/freshness';
import { parseLibtest, parseNextestJunit, parseNextestSummary, TEST_RUN_STRUCTURE, TestCase, TestCounts } from '../../parsers/test-output';
import type { CaptureOptions } from '../../ops/process';
import { parseCargoMessages } from '../../parsers/cargo-messages';
import { checkUndeclaredInputs } from '../shared/undeclared-check';
import { clip, firstFew } from '../../model/reason';
import { blameFeatures, FeatureBlame, featureBlameNote, featuresWithout, MAX_FEATURE_PROBES, optionalFeaturesOf, parseTestList } from './feature-blame';
import { failed, GateContext, GateDefinition, GateOutcome, passed, skipped } from '../types';
import { gateSpec } from '../../model/catalog';

/** nextest profile (added through --tool-config-file, below any user config) that turns on its JUnit report. */
const NEXTEST_PROFILE = 'release-gates';

function nextestToolConfig(): string {
  const file = path.join(os.tmpdir(), `nx-release-gates-nextest-${process.pid}.toml`);
  fs.writeFileSync(file, `[profile.${NEXTEST_PROFILE}.junit]\npath = "junit.xml"\n`);
  return file;
}

/**
 * Builds the test binaries first (`cargo test --no-run`, JSON messages): a build failure is told apart from failing
 * tests, and cargo's records of what the build read feed the undeclared-input check. The test run after it (cargo's
 * or nextest's) finds everything fresh. The build gives way for the cores: beside it, the release builds are what a
 * dry run waits for (each ends in a link on one core, and they take turns in target/release), and the test build
 * still gets every core they leave idle. The test run keeps normal priority: a starved test could time out.
 */
async function buildTests(context: GateContext, featureArgs: string[]) {
  const result = await context.cargo(['test', '--no-run', ...featureArgs, ...lockedArgs(context), '--message-format=json-render-diagnostics'], { live: 'stderr', priority: 'background' });
  return { result, messages: parseCargoMessages(result.stdout) };
}

/** The whole output of the test run, beside the result (the catalog's extraOutputs, so it is cached with it). */
export const TEST_LOG = 'gate-test.log';

/**
 * The test run's output goes whole to gate-test.log; only a bounded part of it (every line the parsers read for
 * structure, the first and last lines of each failure's output) is held in memory and reaches the reports.
 */
function testRunCapture(context: GateContext): CaptureOptions {
  const logFile = path.join(context.resultDir, TEST_LOG);
  return { logFile, shownAs: workspacePath(context, logFile), keep: TEST_RUN_STRUCTURE };
}

function workspacePath(context: GateContext, file: string): string {
  return path.relative(context.workspaceRoot, file).split(path.sep).join('/');
}

async function runTests(context: GateContext, featureArgs: string[]) {
  const junitFile = path.join(context.resultDir, 'junit.xml');
  const capture = testRunCapture(context);
  if (context.options.runner === 'nextest') {
    const config = nextestToolConfig();
    const result = await context.cargo(
      ['nextest', 'run', ...featureArgs, ...lockedArgs(context), '--no-fail-fast', '--no-tests=pass', '--tool-config-file', `nx-release-gates:${config}`, '--profile', NEXTEST_PROFILE],
      { live: 'all', capture },
    );
    fs.rmSync(config, { force: true });
    // Only the report this run wrote: an old one from a moved or shared target directory is never copied.
    const nextestJunit = path.join(await currentTargetDirectory(context), 'nextest', NEXTEST_PROFILE, 'junit.xml');
    const written = fs.statSync(nextestJunit, { throwIfNoEntry: false });
    // The failed names and messages come from the report this run wrote (nextest's terminal list is cut short).
    let cases: TestCase[] = [];
    if (written && fileWrittenDuring(written.mtimeMs, context.startedAt)) {
      const report = boundedJunit(fs.readFileSync(nextestJunit, 'utf8'), capture.shownAs);
      writeFileAtomic(junitFile, report);
      cases = parseNextestJunit(report);
    }
    return { result, counts: parseNextestSummary(result.stderr + result.stdout), cases, log: capture.shownAs };
  }
  const result = await context.cargo(['test', ...featureArgs, ...lockedArgs(context), '--no-fail-fast'], { live: 'all', capture });
  const parsed = parseLibtest(result.stdout, result.stderr, capture.shownAs);
  writeFileAtomic(junitFile, testsJunit(context.crate.name, parsed.cases));
  return { result, counts: parsed.counts as TestCounts | null, cases: parsed.cases, log: capture.shownAs };
}

export interface TestFacts {
  runner: 'cargo' | 'nextest';
  runnerMissing: boolean;
  exitCode: number;
  counts: TestCounts | null;
  cases: TestCase[];
  /** cargo's stderr, for the build error when the tests never ran. */
  stderr: string;
  /** Features left out because the CUDA toolkit is absent, and by excludeFeatures. */
  excludedCuda: string[];
  excludedByOption: string[];
  /** The crate has no test on purpose (option allowNoTests): a run of zero tests passes. */
  allowNoTests: boolean;
  /** Optional features the failing tests need (see test-feature-blame.ts); absent when not probed. */
  featureBlame?: FeatureBlame[];
}

/** A compile error or a failed build script: the test binaries were never built, so no test ran. */
const DID_NOT_BUILD = /could not compile|failed to run custom build command|error\[E\d+\]|failed to select a version|no matching package/i;

/** The first line of a failed test's output that says something (the panic message, not the header). */
export function firstFailureLine(message: string | undefined): string | null {
  if (!message) return null;
  // Rules drawn with punctuation (a test helper may frame its message in `==========`) say nothing.
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l && !/^[-=*#_~+.]+$/.test(l));
  const panic = lines.findIndex((l) => /panicked at/.test(l));
  const line = panic >= 0 && /:$/.test(lines[panic]) && lines[panic + 1] ? lines[panic + 1] : panic >= 0 ? lines[panic] : lines[0];
  return line ? clip(line.replace(/^thread '[^']*' panicked at /, ''), 140) : null;
}

export function judgeTests(facts: TestFacts): GateOutcome {
  const { counts, cases } = facts;
  const failedCases = cases.filter((c) => c.outcome === 'failed');
  const checked = counts ? counts.passed + counts.failed + counts.ignored : 0;
  const details = {
    runner: facts.runner,
    ...counts,
    checked,
    excludedFeatures: facts.excludedCuda,
    excludedByOption: facts.excludedByOption,
    failedTests: failedCases.map((c) => c.name),
    firstFailure: failedCases[0] ? { name: failedCases[0].name, suite: failedCases[0].suite, message: failedCases[0].message ?? null } : null,
    ...(facts.featureBlame ? { failuresByFeature: facts.featureBlame } : {}),
  };
  const notes = [
    facts.excludedCuda.length ? `CUDA features left out (no toolkit): ${firstFew(facts.excludedCuda)}` : '',
    facts.excludedByOption.length ? `left out by excludeFeatures: ${firstFew(facts.excludedByOption)}` : '',
  ].filter(Boolean);
  const note = notes.length ? `; ${notes.join('; ')}` : '';
  if (facts.runnerMissing) return failed('cargo-nextest is not installed; run `cargo install cargo-nextest --locked` or set runner to cargo', details);
  if (counts && counts.failed > 0) {
    const first = failedCases[0];
    const why = first ? firstFailureLine(first.message) : null;
    // The first failure's message is the cause a maintainer acts on: it comes before the other names, which are long
    // (parameterised test names run to a hundred characters) and would push it past the reason's bound.
    const firstNote = first ? `; first: ${clip(first.name, 90)}${why ? `: ${why}` : ''}` : '';
    const others = failedCases.length > 1 ? `; also ${firstFew(failedCases.slice(1).map((c) => clip(c.name, 60)), 2)}` : '';
    const blame = featureBlameNote(facts.featureBlame ?? [], counts.failed);
    return failed(`${counts.failed} test(s) failed, ${counts.passed} passed${blame ? `; ${blame}` : ''}${firstNote}${others}${note}`, details);
  }
  if (facts.exitCode !== 0) {
    const error = summarizeCargoError(facts.stderr);
    if (checked === 0 && DID_NOT_BUILD.test(facts.stderr)) return failed(`tests did not build: ${error}${note}`, { ...details, built: false });
    return failed(`tests did not run: ${error}${note}`, details);
  }
  // A suite that ran no test checked nothing: it fails unless allowNoTests says the crate has none on purpose.
  const ran = counts ? counts.passed : 0;
  if (ran === 0) {
    const ignored = counts?.ignored ? ` (${counts.ignored} ignored)` : '';
    if (facts.allowNoTests) return passed(`no test ran${ignored}; allowed by allowNoTests${note}`, details);
    return failed(`no test ran${ignored}: the test gate checked nothing; add a test, or set allow-no-tests = true in [package.metadata.release-gates] if the crate has none on purpose${note}`, details);
  }
  return passed(`${counts!.passed} passed, ${counts!.ignored} ignored${note}`, details);
}

/**
 * After tests failed: which optional feature they need, by listing the tests with one such feature left out at a time
 * (see test-feature-blame.ts). Nothing is probed when the run used default features only or no failed name is known.
 */
async function probeFeatureBlame(context: GateContext, runFeatures: string[], failedNames: string[]): Promise<FeatureBlame[] | undefined> {
  const candidates = optionalFeaturesOf(context.crate, runFeatures);
  if (failedNames.length === 0 || candidates.length === 0 || candidates.length > MAX_FEATURE_PROBES) return undefined;
  const listings: Array<{ feature: string; listed: Set<string> }> = [];
  for (const feature of candidates) {
    const kept = featuresWithout(context.crate, runFeatures, feature);
    const list = await context.cargo(['test', ...(kept.length ? ['--features', kept.join(',')] : []), ...lockedArgs(context), '--', '--list'], { live: 'none' });
    // A feature set that does not build tells nothing about where the failures are.
    if (list.exitCode === 0) listings.push({ feature, listed: parseTestList(list.stdout) });
  }
  return blameFeatures(failedNames, listings);
}

export const testGate: GateDefinition = {
  ...gateSpec('test'),
  async run(context) {
    // `test = false` on every target and no tests/ target (cargo-fuzz crates): the maintainer said there is nothing to run.
    if (context.crate.targetSwitches?.tested === 0) {
      return skipped(`every target sets test = false in ${context.crate.manifestPath} and there is no tests/ target: nothing to test`, { runner: context.options.runner, checked: 0 });
    }
    const features = allFeaturesArgs(context.crate, context.options, context.toolchain.cuda !== null);
    const build = await buildTests(context, features.args);
    // A build failure is judged like a run that never started a test: "did not build", with cargo's reason.
    const ran = build.result.exitCode === 0 ? await runTests(context, features.args) : { result: build.result, counts: null, cases: [] as TestCase[], log: undefined };
    const { result, counts, cases } = ran;
    const failedNames = cases.filter((c) => c.outcome === 'failed').map((c) => c.name);
    const featureBlame = counts && counts.failed > 0 ? await probeFeatureBlame(context, features.features, failedNames) : undefined;
    const outcome = judgeTests({
      runner: context.options.runner,
      runnerMissing: result.notFound || /no such command: `?nextest/.test(result.stderr),
      exitCode: result.exitCode,
      counts,
      cases,
      stderr: result.stderr,
      excludedCuda: features.excluded,
      excludedByOption: features.excludedByOption,
      allowNoTests: context.options.allowNoTests,
      featureBlame,
    });
    const junit = workspacePath(context, path.join(context.resultDir, 'junit.xml'));
    return checkUndeclaredInputs(context, build.messages, { ...outcome, details: { ...outcome.details, junit, ...(ran.log ? { log: ran.log } : {}) } });
  },
  keyFigure: (r) => {
    const d = r.details as Partial<TestCounts> & { excludedFeatures?: string[]; built?: boolean };
    if (d.built === false) return 'did not build';
    if (d.passed === undefined) return '';
    return `${d.passed} passed, ${d.failed ?? 0} failed, ${d.ignored ?? 0} ignored${d.excludedFeatures?.length ? ' (no CUDA)' : ''}`;
  },
};
