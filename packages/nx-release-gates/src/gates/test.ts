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
import { failed, GateContext, GateDefinition, GateOutcome, passed } from './types';

/** nextest profile (added through --tool-config-file, below any user config) that turns on its JUnit report. */
const NEXTEST_PROFILE = 'release-gates';

function nextestToolConfig(): string {
  const file = path.join(os.tmpdir(), `nx-release-gates-nextest-${process.pid}.toml`);
  fs.writeFileSync(file, `[profile.${NEXTEST_PROFILE}.junit]\npath = "junit.xml"\n`);
  return file;
}

async function runTests(context: GateContext, featureArgs: string[]) {
  const junitFile = path.join(context.resultDir, 'junit.xml');
  fs.rmSync(junitFile, { force: true });
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

/**
 * A suite that passed: how many tests ran decides. Zero tests checked nothing, so it fails unless allowNoTests says
 * the crate has none on purpose. `details.checked` counts the tests that ran.
 */
export function judgeTestCount(counts: TestCounts | null, allowNoTests: boolean, excludedNote: string, details: Record<string, unknown>): GateOutcome {
  const ran = counts ? counts.passed : 0;
  const withChecked = { ...details, checked: ran };
  if (ran === 0) {
    const ignored = counts?.ignored ? ` (${counts.ignored} ignored)` : '';
    if (allowNoTests) return passed(`no test ran${ignored}; allowed by allowNoTests${excludedNote}`, withChecked);
    return failed(`no test ran${ignored}: the test gate checked nothing; add a test, or set allow-no-tests = true in [package.metadata.release-gates] if the crate has none on purpose${excludedNote}`, withChecked);
  }
  return passed(`${counts!.passed} passed, ${counts!.ignored} ignored${excludedNote}`, withChecked);
}

export const testGate: GateDefinition = {
  name: 'test',
  cacheable: true,
  extraOutputs: ['junit.xml'],
  description: 'Test suite with all features (CUDA features left out when nvcc is absent); counts passed, failed and ignored tests; writes junit.xml.',
  async run(context) {
    const features = allFeaturesArgs(context.crate, context.options, context.toolchain.cuda !== null);
    const { result, counts, cases } = await runTests(context, features.args);
    const failedNames = cases.filter((c) => c.outcome === 'failed').map((c) => c.name);
    const details = {
      runner: context.options.runner,
      ...counts,
      excludedFeatures: features.excluded,
      failedTests: failedNames,
      junit: path.relative(context.workspaceRoot, path.join(context.resultDir, 'junit.xml')).split(path.sep).join('/'),
    };
    const excludedNote = features.excluded.length ? `; CUDA features left out (no toolkit): ${features.excluded.join(', ')}` : '';
    if (result.notFound || /no such command: `?nextest/.test(result.stderr)) {
      return failed('cargo-nextest is not installed; run `cargo install cargo-nextest --locked` or set runner to cargo', details);
    }
    if (counts && counts.failed > 0) {
      return failed(`${counts.failed} test(s) failed${failedNames.length ? `: ${failedNames.join(', ')}` : ''}; ${counts.passed} passed${excludedNote}`, { ...details, checked: counts.passed + counts.failed });
    }
    if (result.exitCode !== 0) return failed(`tests did not run: ${summarizeCargoError(result.stderr)}${excludedNote}`, details);
    return judgeTestCount(counts, context.options.allowNoTests, excludedNote, details);
  },
  keyFigure: (r) => {
    const d = r.details as Partial<TestCounts> & { excludedFeatures?: string[] };
    if (d.passed === undefined) return '';
    return `${d.passed} passed, ${d.failed ?? 0} failed, ${d.ignored ?? 0} ignored${d.excludedFeatures?.length ? ' (no CUDA)' : ''}`;
  },
};
