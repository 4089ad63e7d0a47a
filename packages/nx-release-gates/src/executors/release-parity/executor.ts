/**
 * release-parity: compares this crate's release-dry-run.json with another run's (`--against=<path or http(s) URL>`,
 * e.g. the private dry run's uploaded report) and prints each fingerprint difference that explains why a gate result
 * would not be shared between them. Writes dist/release-gates/<project>/release-parity.json and, on GitHub, a section
 * of the step summary. Differences are reported, not failed, unless `--failOnDifference`; a missing or unreadable
 * report fails with one line saying which and how to get it. The comparison itself is parity.ts.
 *
 * Every value from the other report (it may come from any URL) and the --against text itself go through oneLine
 * before they are printed: on one line, with no workflow command, `##[` or control character left in them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { compareReports, ParityDifference } from '../../report/parity';
import { readReleaseReport, ReleaseReport } from '../../report/release-report';
import { resultFolder } from '../../report/result';
import { writeFileAtomic } from '../../util/files';
import { oneLine } from '../../util/workflow-text';

export interface ReleaseParityOptions {
  against?: string;
  failOnDifference?: boolean;
  timeoutMs?: number;
}

class Refusal extends Error {}

async function readAgainst(against: string, workspaceRoot: string, timeoutMs: number): Promise<Partial<ReleaseReport> & Pick<ReleaseReport, 'fingerprint'>> {
  let text: string;
  if (/^https?:\/\//i.test(against)) {
    let response: Response;
    try {
      response = await fetch(against, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const timedOut = (error as Error)?.name === 'TimeoutError';
      throw new Refusal(`--against URL could not be read (${timedOut ? `no answer within ${timeoutMs} ms` : 'connection failed'})`);
    }
    if (!response.ok) throw new Refusal(`--against URL answered HTTP ${response.status}; give the URL of a release-dry-run.json`);
    text = await response.text();
  } else {
    const file = path.resolve(workspaceRoot, against);
    if (!fs.existsSync(file)) throw new Refusal(`--against file ${against} does not exist; give the path of another run's release-dry-run.json`);
    text = fs.readFileSync(file, 'utf8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Refusal(`--against ${/^https?:/i.test(against) ? 'URL' : 'file'} is not JSON; give a release-dry-run.json`);
  }
  const report = parsed as Partial<ReleaseReport> & Pick<ReleaseReport, 'fingerprint'>;
  if (!report || typeof report !== 'object' || report.schemaVersion !== 1 || typeof report.project !== 'string' || !report.fingerprint || typeof report.fingerprint !== 'object') {
    throw new Refusal('--against is not a release-dry-run.json (schemaVersion 1 with a project and a fingerprint)');
  }
  return report;
}

function markdown(project: string, against: string, differences: ParityDifference[]): string {
  const head = `### Release parity: ${project}\n\nCompared with \`${oneLine(against)}\`: `;
  if (!differences.length) return `${head}same fingerprint, results can be shared.\n`;
  const cell = (text: string) => oneLine(text).replace(/\|/g, '\\|');
  const rows = differences.map((d) => `| ${cell(d.field)} | ${cell(d.here)} | ${cell(d.there)} | ${cell(d.why)} |`);
  return `${head}${differences.length} difference(s).\n\n| Field | This run | Other run | Why results are not shared |\n|---|---|---|---|\n${rows.join('\n')}\n`;
}

export default async function releaseParity(options: ReleaseParityOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const project = context.projectName!;
  try {
    if (!options.against) throw new Refusal('no --against given; pass --against=<path or http(s) URL of another run\'s release-dry-run.json>');
    const here = readReleaseReport(context.root, project);
    if (!here?.fingerprint) throw new Refusal(`no ${resultFolder(project)}/release-dry-run.json here; run \`nx run ${project}:release-dry-run\` first`);
    const there = await readAgainst(options.against, context.root, options.timeoutMs ?? 15_000);
    if (there.project !== project) throw new Refusal(`--against is the report of ${oneLine(String(there.project))}, not of ${project}`);
    const differences = compareReports(here, there);

    writeFileAtomic(
      path.join(context.root, resultFolder(project), 'release-parity.json'),
      `${JSON.stringify({ schemaVersion: 1, project, against: options.against, shareable: differences.length === 0, differences }, null, 2)}\n`,
    );
    if (differences.length === 0) console.log(`${project}:release-parity: same fingerprint as ${oneLine(options.against)}: gate results can be shared`);
    else {
      console.log(`${project}:release-parity: ${differences.length} difference(s) from ${oneLine(options.against)}:`);
      for (const d of differences) console.log(`  ${oneLine(d.field)}: here ${oneLine(d.here)}, there ${oneLine(d.there)} (${oneLine(d.why)})`);
    }
    if (process.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${markdown(project, options.against, differences)}\n`);
    return { success: !(options.failOnDifference && differences.length > 0) };
  } catch (error) {
    if (error instanceof Refusal) {
      console.error(`${project}:release-parity: ${error.message}`);
      return { success: false };
    }
    throw error;
  }
}
