/**
 * gate-test: the test suite with all features (gate 5 of the original process). `--all-features` fails on every
 * machine without CUDA, so there the CUDA features (and features that switch them on) are left out, and the result
 * says which. `--no-fail-fast` so one failing test binary does not hide the others.
 */
import { summarizeCargoError } from '../cargo/cargo-errors';
import { lockedArgs } from './build';
import { allFeaturesArgs } from './feature-sets';
import { parseLibtest, parseNextestSummary, TestCounts } from './test-output';
import { failed, GateDefinition, passed } from './types';

export const testGate: GateDefinition = {
  name: 'test',
  description: 'Test suite with all features (CUDA features left out when nvcc is absent); counts passed, failed and ignored tests.',
  async run(context) {
    const features = allFeaturesArgs(context.crate, context.options, context.toolchain.cuda !== null);
    const nextest = context.options.runner === 'nextest';
    const args = nextest
      ? ['nextest', 'run', ...features.args, ...lockedArgs(context), '--no-fail-fast', '--no-tests=pass']
      : ['test', ...features.args, ...lockedArgs(context), '--no-fail-fast'];
    const result = await context.cargo(args, { live: 'all' });
    let counts: TestCounts | null;
    let cases = undefined;
    if (nextest) {
      counts = parseNextestSummary(result.stderr + result.stdout);
    } else {
      const parsed = parseLibtest(result.stdout, result.stderr);
      counts = parsed.counts;
      cases = parsed.cases;
    }
    const details = { runner: context.options.runner, ...counts, excludedFeatures: features.excluded, cases };
    const excludedNote = features.excluded.length ? `; CUDA features left out (no toolkit): ${features.excluded.join(', ')}` : '';
    if (result.notFound && nextest) return failed('cargo-nextest is not installed; run `cargo install cargo-nextest --locked` or set runner to cargo', details);
    if (counts && counts.failed > 0) {
      const names = (cases ?? []).filter((c) => c.outcome === 'failed').map((c) => c.name);
      return failed(`${counts.failed} test(s) failed${names.length ? `: ${names.join(', ')}` : ''}; ${counts.passed} passed${excludedNote}`, details);
    }
    if (result.exitCode !== 0) return failed(`tests did not run: ${summarizeCargoError(result.stderr)}${excludedNote}`, details);
    const total = counts ? counts.passed + counts.ignored : 0;
    return passed(
      total === 0 ? `no tests${excludedNote}` : `${counts!.passed} passed, ${counts!.ignored} ignored${excludedNote}`,
      details,
    );
  },
  keyFigure: (r) => {
    const d = r.details as Partial<TestCounts> & { excludedFeatures?: string[] };
    if (d.passed === undefined) return '';
    return `${d.passed} passed, ${d.failed ?? 0} failed, ${d.ignored ?? 0} ignored${d.excludedFeatures?.length ? ' (no CUDA)' : ''}`;
  },
};
