/**
 * The remoteCache option's parts of the workflows: which secrets each job's Nx gets, the probe step that turns a
 * failing self-hosted server off before Nx can fail the run on it, and the release steps that compare the release
 * with the private dry run of the same commit and count the gates replayed from the cache.
 *
 * Tokens: the private dry run, pushes and pull requests from branches of this repository get the read-write token;
 * the tag release and pull requests from forks get the read-only one. The tag release only reads: what it replays
 * was computed by the dry run, and nothing a release computes needs sharing. GitHub gives a fork's pull request no
 * secrets at all, but the guard keeps the write token out of its expression all the same (a `pull_request_target`
 * trigger added by hand would otherwise hand it over).
 */
import { RESULTS_FOLDER } from '../../model/catalog';
import type { ActionName } from './actions';
import type { NormalizedWorkflowsOptions } from './options';

/** The artifact the private dry run's gates job uploads dist/release-gates/ (minus binaries) under. */
export const DRY_RUN_REPORTS_ARTIFACT = 'release-gate-reports';
/** Where the release puts the dry run's reports: dry-run-report/<crate>/release-dry-run.json. */
export const DRY_RUN_REPORT_FOLDER = 'dry-run-report';
export const PROBE_BIN = 'nx-release-gates-remote-cache-probe';

/** A same-repository guard: not a pull request, or one whose head branch lives in this repository. */
export const NOT_FROM_FORK = "github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository";

export const REMOTE_CACHE_VARIABLES = {
  'self-hosted': {
    server: 'NX_SELF_HOSTED_REMOTE_CACHE_SERVER',
    token: 'NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN',
    writeSecret: 'NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN',
    readOnlySecret: 'NX_SELF_HOSTED_REMOTE_CACHE_READ_ONLY_TOKEN',
  },
  'nx-cloud': {
    server: null,
    token: 'NX_CLOUD_ACCESS_TOKEN',
    writeSecret: 'NX_CLOUD_ACCESS_TOKEN',
    readOnlySecret: 'NX_CLOUD_READ_ONLY_ACCESS_TOKEN',
  },
} as const;

/** `trusted`: read-write unless the run is a fork's pull request; `read-only`: the read-only token always. */
export type CacheAccess = 'trusted' | 'read-only';

/** A job's `env:` block (ending in a newline) giving its Nx the remote cache, or '' without one. */
export function remoteCacheEnv(o: NormalizedWorkflowsOptions, indent: number, access: CacheAccess): string {
  if (o.remoteCache === 'none') return '';
  const v = REMOTE_CACHE_VARIABLES[o.remoteCache];
  const token =
    access === 'trusted'
      ? `\${{ (${NOT_FROM_FORK}) && secrets.${v.writeSecret} || secrets.${v.readOnlySecret} }}`
      : `\${{ secrets.${v.readOnlySecret} }}`;
  const lines = [
    'env:',
    access === 'trusted'
      ? "  # Nx's remote cache: the read-write token, except for a pull request from a fork (read-only)."
      : "  # Nx's remote cache, read-only: this job replays what the private dry run of this commit computed.",
    ...(v.server ? [`  ${v.server}: \${{ vars.${v.server} || secrets.${v.server} }}`] : []),
    `  ${v.token}: ${token}`,
  ];
  return `${lines.map((l) => ' '.repeat(indent) + l).join('\n')}\n`;
}

/** The probe step (self-hosted only: it checks NX_SELF_HOSTED_REMOTE_CACHE_SERVER; Nx Cloud's client is Nx Cloud's). */
export function probeStepLines(o: NormalizedWorkflowsOptions, exec: string): string[] {
  if (o.remoteCache !== 'self-hosted') return [];
  return [
    "# Nx 23 ends the run with exit 1 when the cache server is down, slow to fail, or answers errors or garbage. The",
    '# probe reads one unknown hash first and, unless the answer is clean, sets NX_SKIP_REMOTE_CACHE=true for the rest',
    '# of this job (with a warning): every gate then runs here instead. It always exits 0.',
    '- name: Probe the remote cache',
    `  run: ${exec} ${PROBE_BIN}`,
  ];
}

/** Counts the rows of dist/release-gates/summary.json replayed from the remote cache; prints numbers only. */
const REPLAY_COUNT_SCRIPT = [
  "const fs = require('node:fs');",
  'let rows = [];',
  `try { rows = JSON.parse(fs.readFileSync('${RESULTS_FOLDER}/summary.json', 'utf8')).rows; } catch {}`,
  'if (!Array.isArray(rows)) rows = [];',
  "const replayed = rows.filter((r) => r && r.source === 'remote cache');",
  "const savedMs = replayed.reduce((sum, r) => sum + (typeof r.durationMs === 'number' && r.durationMs > 0 ? r.durationMs : 0), 0);",
  'const s = Math.round(savedMs / 1000);',
  "const saved = s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;",
  'const line = rows.length === 0',
  `  ? 'No gate summary (${RESULTS_FOLDER}/summary.json) was written: no replays to count.'`,
  '  : `${replayed.length} of ${rows.length} gate tasks were replayed from the remote cache, saving about ${saved} (the time they took in the run that computed them).`;',
  'console.log(line);',
  'if (process.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, `\\n### Remote cache\\n\\n${line}\\n`);',
];

/**
 * The release gates job's steps after release-dry-run: find the private dry run of this commit, download its
 * reports, run release-parity against each crate's, and count the replays. They run when the gates failed too
 * (that is when the differences explain most), and none of them can fail the release: the gates are the verdict.
 */
export function releaseParityStepLines(o: NormalizedWorkflowsOptions, nx: string, uses: (name: ActionName) => string, dryRunWorkflow: string): string[] {
  if (o.remoteCache === 'none') return [];
  const folder = DRY_RUN_REPORT_FOLDER;
  return [
    '# The private dry run of this commit (the newest completed run of the "Release dry run" workflow): its reports',
    '# hold each crate\'s release-dry-run.json, whose fingerprint release-parity compares with this run\'s.',
    '- name: Find the private dry run of this commit',
    '  id: dry-run',
    '  if: ${{ !cancelled() }}',
    '  env:',
    '    GH_TOKEN: ${{ github.token }}',
    '  run: |',
    `    run_id="$(gh api "repos/$GITHUB_REPOSITORY/actions/workflows/${dryRunWorkflow}/runs?head_sha=$GITHUB_SHA&status=completed&per_page=1" --jq '.workflow_runs[0].id // empty' || true)"`,
    '    # A run id is digits; anything else is not written to $GITHUB_OUTPUT.',
    '    if [[ "$run_id" =~ ^[0-9]+$ ]]; then',
    '      printf \'run-id=%s\\n\' "$run_id" >> "$GITHUB_OUTPUT"',
    '      echo "Private dry run of $GITHUB_SHA: run $run_id"',
    '    else',
    '      echo "No completed private dry run of $GITHUB_SHA was found; release parity is not checked"',
    '    fi',
    `- name: Download the private dry run's reports`,
    "  if: ${{ !cancelled() && steps.dry-run.outputs.run-id != '' }}",
    '  continue-on-error: true',
    `  uses: ${uses('download')}`,
    '  with:',
    `    name: ${DRY_RUN_REPORTS_ARTIFACT}`,
    `    path: ${folder}`,
    '    run-id: ${{ steps.dry-run.outputs.run-id }}',
    '    github-token: ${{ github.token }}',
    '# Each difference between the two fingerprints (toolchain, host, target, features, CUDA, Cargo.lock, commit,',
    '# emergency skip, environment variables by hash) says why a gate was not replayed; release-parity appends them',
    '# to the step summary. Without the dry run\'s report the summary says so and every gate simply ran here.',
    '- name: Parity with the private dry run',
    '  if: ${{ !cancelled() }}',
    '  continue-on-error: true',
    '  env:',
    '    PROJECTS: ${{ needs.plan.outputs.projects }}',
    '  run: |',
    '    for crate in ${PROJECTS//,/ }; do',
    `      report="${folder}/$crate/release-dry-run.json"`,
    '      if [[ -f "$report" ]]; then',
    `        ${nx} run "$crate:release-parity" --against="$report" --outputStyle=static`,
    '      else',
    '        printf \'### Release parity: %s\\n\\nNo release-dry-run.json of the private dry run of this commit was found (run "Release dry run" on this commit before tagging, e.g. with release-rehearsal): parity not checked.\\n\\n\' "$crate" >> "$GITHUB_STEP_SUMMARY"',
    '        echo "$crate: no private dry run report of this commit; parity not checked"',
    '      fi',
    '    done',
    '# Numbers only reach the step summary: no text from a tool or the cache.',
    '- name: Gates replayed from the remote cache',
    '  if: ${{ !cancelled() }}',
    '  run: |',
    "    node - <<'NODE'",
    ...REPLAY_COUNT_SCRIPT.map((l) => `    ${l}`),
    '    NODE',
  ];
}

/** The release gates job's permissions: reading another run's artifacts needs `actions: read`. */
export function releaseGatesPermissions(o: NormalizedWorkflowsOptions, indent: number): string {
  if (o.remoteCache === 'none') return '';
  const lines = ['permissions:', '  contents: read', "  # The private dry run's reports are an artifact of another run.", '  actions: read'];
  return `${lines.map((l) => ' '.repeat(indent) + l).join('\n')}\n`;
}
