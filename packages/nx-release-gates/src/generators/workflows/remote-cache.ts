/**
 * The remoteCache option's names: which secrets and variables each job's Nx gets, the probe that turns a failing
 * self-hosted server off before Nx can fail the run on it, and where the release finds the private dry run's reports
 * to compare with (the steps themselves are partials/cache-env.ejs, partials/steps/probe.ejs and
 * partials/release-parity-steps.ejs).
 *
 * Tokens: only runs of reviewed code write, because whatever a run writes the tag release replays as its own result.
 * Reviewed code is a push to the default branch or to a protected ref (branch protection or rulesets let only
 * reviewed changes land there) and a dispatch of the dry run on the default branch. Every pull request (from this
 * repository or a fork: its code is not reviewed yet), every other branch (test-release-* rehearsal branches included)
 * and the tag release get the read-only token. The tag release only reads: what it replays was computed by reviewed
 * runs, and nothing a release computes needs sharing. GitHub gives a fork's pull request no secrets at all, but the
 * expression keeps the write token out of its reach all the same (a `pull_request_target` trigger added by hand would
 * otherwise hand it over).
 *
 * Signatures: a write token proves nothing about what was written (a token leaks; a server can be written to
 * directly). The jobs that get the write token for reviewed code also get the replay signing key, and sign every gate's
 * outputs; the tag release verifies each replay with the committed public key and runs again whatever it cannot
 * verify (model/replay-trust.ts).
 */
import { SIGNING_KEY_VARIABLE, TRUSTED_KEY_VARIABLE } from '../../model/replay-trust';

/** The artifact the private dry run's gates job uploads dist/release-gates/ (minus binaries) under. */
export const DRY_RUN_REPORTS_ARTIFACT = 'release-gate-reports';
/** Where the release puts the dry run's reports: dry-run-report/<crate>/release-dry-run.json. */
export const DRY_RUN_REPORT_FOLDER = 'dry-run-report';
export const PROBE_BIN = 'nx-release-gates-remote-cache-probe';

/** A same-repository guard: not a pull request, or one whose head branch lives in this repository. */
export const NOT_FROM_FORK = "github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository";

const ON_DEFAULT_BRANCH = "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)";

/** True for a run of reviewed code: the only runs the read-write remote cache token goes to. */
export const REVIEWED_CODE =
  `(github.event_name == 'push' && (${ON_DEFAULT_BRANCH} || github.ref_protected)) || ` +
  `(github.event_name == 'workflow_dispatch' && ${ON_DEFAULT_BRANCH})`;

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

/** The secret a trusted writer signs with, and the committed public key the tag release verifies replays with. */
export const REPLAY_SIGNING = {
  /** The secret and the variable its job gets have the same name. */
  signingKey: SIGNING_KEY_VARIABLE,
  trustedKey: TRUSTED_KEY_VARIABLE,
  /** Where the public key is committed (the release's NX_RELEASE_GATES_TRUSTED_KEY names it). */
  trustedKeyFile: '.github/release-gates-signing.pub',
} as const;
