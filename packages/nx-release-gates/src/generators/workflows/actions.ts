/**
 * Every action the generated workflows use, at the tag they are written against, and the optional pinning of each to
 * a full commit SHA the user supplies (`pinActions`: { "actions/checkout@v4": "<40 hex digits>" }). A tag can be
 * moved by whoever controls the action's repository; a commit SHA cannot. The tag stays beside the SHA as a comment,
 * so a reader (and Dependabot) still sees the version.
 */
export const ACTIONS = {
  checkout: 'actions/checkout@v4',
  setupNode: 'actions/setup-node@v4',
  pnpm: 'pnpm/action-setup@v4',
  bun: 'oven-sh/setup-bun@v2',
  cache: 'actions/cache@v4',
  rustCache: 'Swatinem/rust-cache@v2',
  upload: 'actions/upload-artifact@v4',
  download: 'actions/download-artifact@v4',
  nxSetShas: 'nrwl/nx-set-shas@v4',
  cratesIoAuth: 'rust-lang/crates-io-auth-action@v1',
  attest: 'actions/attest-build-provenance@v2',
} as const;

export type ActionName = keyof typeof ACTIONS;

const SHA = /^[0-9a-f]{40}$/;

/** The pins, checked: every key an action above, every value a full lowercase commit SHA. Throws one line. */
export function checkPins(pins: unknown, fail: (message: string) => Error): Record<string, string> {
  if (pins === undefined) return {};
  if (!pins || typeof pins !== 'object' || Array.isArray(pins)) throw fail('pinActions must be an object: { "actions/checkout@v4": "<commit SHA>" }');
  const known: string[] = Object.values(ACTIONS);
  for (const [action, sha] of Object.entries(pins as Record<string, unknown>)) {
    if (!known.includes(action)) throw fail(`pinActions: ${JSON.stringify(action)} is not an action these workflows use; they use ${known.join(', ')}`);
    if (typeof sha !== 'string' || !SHA.test(sha)) throw fail(`pinActions: ${action} must map to a full 40-character commit SHA, not ${JSON.stringify(sha)}`);
  }
  return pins as Record<string, string>;
}

/** The `uses:` value: `owner/repo@<sha> # <tag>` when pinned, else `owner/repo@<tag>`. */
export function usesValue(action: string, pins: Record<string, string>): string {
  const sha = pins[action];
  if (!sha) return action;
  const [repo, tag] = action.split('@');
  return `${repo}@${sha} # ${tag}`;
}
