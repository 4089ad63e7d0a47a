/**
 * gate-workflows: the generated release files (the dry-run, release and CI workflows, scripts/dry-run-release.sh,
 * RELEASE_PROCESS.md) are what `nx g nx-release-gates:workflows` writes from the options it recorded in
 * .github/nx-release-gates.json. Hand-kept copies of the gates drift apart from each other and from the plugin, so a
 * file edited by hand (or left behind by a plugin upgrade or a new crate) fails the dry run with a unified diff. A file
 * marked `# nx-release-gates: owned-by-hand` is the user's: the gate lists it as owned and does not compare it.
 *
 * The check is about workspace files, so every crate's gate-workflows reports the same thing. Cached by the
 * `workflows` state input (src/gate-state/): the drift report itself and the plugin version, computed once per Nx run
 * for the whole workspace, so whatever the generator reads (its record, every Cargo.toml, toolchain and lock files,
 * its templates) is covered, and the crates' gate tasks replay instead of each starting a process.
 */
import type { DriftReport } from '../../generators/workflows/drift';
import { failed, GateDefinition, GateOutcome, passed, skipped } from '../types';
import { GATE_SPECS, gateSpec } from '../../model/catalog';
import { OPTIONS_RECORD } from '../../generators/workflows/workflow-files';

const UPDATE_HINT = 'run `nx g nx-release-gates:workflows` to update';

type FileEntry = { file: string; state: string; diff?: string };

/** The generated files that no longer match the generator's output (owned-by-hand files never count). */
export function driftedFiles(report: DriftReport): DriftReport['files'] {
  return report.files.filter((f) => f.state === 'differs' || f.state === 'missing' || f.state === 'not-executable');
}

/** The verdict on a drift report: any drifted file fails, naming the files and how to update them. */
export function judgeWorkflows(report: DriftReport): GateOutcome {
  if (!report.generated) {
    return skipped(`no generated workflows: no ${OPTIONS_RECORD} records the workflows generator's options (run \`nx g nx-release-gates:workflows\` to create them)`, {
      files: [],
      checked: 0,
    });
  }
  const files: FileEntry[] = report.files;
  const details = { files: files.map(({ file, state }) => ({ file, state })), checked: files.filter((f) => f.state !== 'owned').length };
  const owned = files.filter((f) => f.state === 'owned').map((f) => f.file);
  const ownedNote = owned.length ? `; owned by hand, not compared: ${owned.join(', ')}` : '';
  const drifted = driftedFiles(report);
  if (drifted.length) {
    const list = drifted.map((f) => `${f.file} (${f.state === 'differs' ? 'differs' : f.state})`).join(', ');
    return failed(`${list} out of date with the generator's output; ${UPDATE_HINT}, or mark a file you maintain yourself "# nx-release-gates: owned-by-hand"${ownedNote}`, {
      ...details,
      diffs: Object.fromEntries(drifted.filter((f) => f.diff).map((f) => [f.file, f.diff])),
    });
  }
  const inSync = files.filter((f) => f.state === 'in-sync').length;
  return passed(`${inSync} generated file(s) match the generator's output${ownedNote}`, details);
}

export const workflowsGate: GateDefinition = {
  ...gateSpec('workflows'),
  async run(context) {
    // Loaded here, not at the top: inference imports the gate registry and needs none of the generator's modules.
    const { checkWorkflowDrift } = await import('../../generators/workflows/drift');
    let report: DriftReport;
    try {
      report = await checkWorkflowDrift(context.workspaceRoot, GATE_SPECS);
    } catch (error) {
      return failed(`cannot regenerate the workflow files from the options in ${OPTIONS_RECORD}: ${(error as Error).message}`);
    }
    // The diffs go to the log for the person reading it; the verdict stays a function of the report alone.
    for (const entry of report.generated ? driftedFiles(report) : []) {
      if (entry.diff) context.log.info(entry.diff);
      else if (entry.state === 'not-executable') context.log.info(`${entry.file}: not executable (chmod +x ${entry.file})`);
    }
    return judgeWorkflows(report);
  },
  keyFigure(result) {
    const files = (result.details.files as FileEntry[] | undefined) ?? [];
    if (files.length === 0) return 'not generated';
    const count = (state: string) => files.filter((f) => f.state === state).length;
    const drifted = files.length - count('in-sync') - count('owned');
    return [drifted ? `${drifted} out of date` : `${count('in-sync')} in sync`, count('owned') ? `${count('owned')} owned by hand` : '']
      .filter(Boolean)
      .join(', ');
  },
};
