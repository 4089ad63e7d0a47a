/**
 * gate-test: the test suite with all features (gate 5 of the original process). `--all-features` fails on every
 * machine without CUDA, so there the CUDA features (and features that switch them on) are left out, and the result
 * says which. `--no-fail-fast` so one failing test binary does not hide the others. Writes
 * dist/release-gates/<project>/junit.xml: cargo-nextest's own JUnit with `runner: nextest`, parsed libtest otherwise.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { summarizeCargoError } from '../cargo/cargo-errors';
import { testsJunit } from '../report/junit';
import { writeFileAtomic } from '../util/files';
import { lockedArgs } from './build';
import { allFeaturesArgs } from './feature-sets';
import { currentTargetDirectory, writtenSince } from './target-directory';
import { parseLibtest, parseNextestSummary, TestCase, TestCounts } from './test-output';
import { parseCargoMessages } from './cargo-messages';
import { checkUndeclaredInputs } from './lib/undeclared-check';
import { failed, GateContext, GateDefinition, passed } from './types';

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
 * or nextest's) finds everything fresh.
 */
async function buildTests(context: GateContext, featureArgs: string[]) {
  const result = await context.cargo(['test', '--no-run', ...featureArgs, ...lockedArgs(context), '--message-format=json-render-diagnostics'], { live: 'stderr' });
  return { result, messages: parseCargoMessages(result.stdout) };
}

async function runTests(context: GateContext, featureArgs: string[]) {
  const junitFile = path.join(context.resultDir, 'junit.xml');
  if (context.options.runner === 'nextest') {
    const config = nextestToolConfig();
    const result = await context.cargo(
      ['nextest', 'run', ...featureArgs, ...lockedArgs(context), '--no-fail-fast', '--no-tests=pass', '--tool-config-file', `nx-release-gates:${config}`, '--profile', NEXTEST_PROFILE],
      { live: 'all' },
    );
    fs.rmSync(config, { force: true });
    // Only the report this run wrote: an old one from a moved or shared target directory is never copied.
    const nextestJunit = path.join(await currentTargetDirectory(context), 'nextest', NEXTEST_PROFILE, 'junit.xml');
    const written = fs.statSync(nextestJunit, { throwIfNoEntry: false });
    if (written && writtenSince(written.mtimeMs, context.startedAt)) writeFileAtomic(junitFile, fs.readFileSync(nextestJunit, 'utf8'));
    return { result, counts: parseNextestSummary(result.stderr + result.stdout), cases: [] as TestCase[] };
  }
  const result = await context.cargo(['test', ...featureArgs, ...lockedArgs(context), '--no-fail-fast'], { live: 'all' });
  const parsed = parseLibtest(result.stdout, result.stderr);
  writeFileAtomic(junitFile, testsJunit(context.crate.name, parsed.cases));
  return { result, counts: parsed.counts as TestCounts | null, cases: parsed.cases };
}

export const testGate: GateDefinition = {
  name: 'test',
  cacheable: true,
  extraOutputs: ['junit.xml'],
  description: 'Test suite with all features (CUDA features left out when nvcc is absent); counts passed, failed and ignored tests; writes junit.xml.',
  async run(context) {
    const features = allFeaturesArgs(context.crate, context.options, context.toolchain.cuda !== null);
    const excludedNote = features.excluded.length ? `; CUDA features left out (no toolkit): ${features.excluded.join(', ')}` : '';
    const build = await buildTests(context, features.args);
    if (build.result.exitCode !== 0) {
      return failed(`tests did not build: ${summarizeCargoError(build.result.stderr)}${excludedNote}`, { runner: context.options.runner, excludedFeatures: features.excluded, built: false });
    }
    const { result, counts, cases } = await runTests(context, features.args);
    const failedNames = cases.filter((c) => c.outcome === 'failed').map((c) => c.name);
    const details = {
      runner: context.options.runner,
      ...counts,
      excludedFeatures: features.excluded,
      failedTests: failedNames,
      junit: path.relative(context.workspaceRoot, path.join(context.resultDir, 'junit.xml')).split(path.sep).join('/'),
    };
    if (result.notFound || /no such command: `?nextest/.test(result.stderr)) {
      return failed('cargo-nextest is not installed; run `cargo install cargo-nextest --locked` or set runner to cargo', details);
    }
    if (counts && counts.failed > 0) {
      return failed(`${counts.failed} test(s) failed${failedNames.length ? `: ${failedNames.join(', ')}` : ''}; ${counts.passed} passed${excludedNote}`, details);
    }
    if (result.exitCode !== 0) return failed(`tests did not run: ${summarizeCargoError(result.stderr)}${excludedNote}`, details);
    const total = counts ? counts.passed + counts.ignored : 0;
    return checkUndeclaredInputs(
      context,
      build.messages,
      passed(total === 0 ? `no tests${excludedNote}` : `${counts!.passed} passed, ${counts!.ignored} ignored${excludedNote}`, details),
    );
  },
  keyFigure: (r) => {
    const d = r.details as Partial<TestCounts> & { excludedFeatures?: string[] };
    if (d.passed === undefined) return '';
    return `${d.passed} passed, ${d.failed ?? 0} failed, ${d.ignored ?? 0} ignored${d.excludedFeatures?.length ? ' (no CUDA)' : ''}`;
  },
};
