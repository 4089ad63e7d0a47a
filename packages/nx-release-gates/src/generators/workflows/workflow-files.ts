/**
 * The files the workflows generator manages, and the ownership marker: a file whose content carries a line
 * `# nx-release-gates: owned-by-hand` (or `<!-- nx-release-gates: owned-by-hand -->` in Markdown) is the user's: it
 * is never overwritten, and gate-workflows reports it as owned instead of comparing it.
 */
export const WORKFLOW_FILES = {
  dryRun: '.github/workflows/release-dry-run.yml',
  release: '.github/workflows/release.yml',
  ci: '.github/workflows/ci.yml',
  script: 'scripts/dry-run-release.sh',
  process: 'RELEASE_PROCESS.md',
} as const;

export const GENERATED_FILES: readonly string[] = Object.values(WORKFLOW_FILES);

/**
 * Where the generator records the options it was given, beside the workflows it writes. Not in nx.json: Nx hashes
 * nx.json into every task, so a generator run there would re-key every gate of every crate; this file is read only by
 * the generator (its defaults on the next run) and by gate-workflows (its drift check and state input).
 */
export const OPTIONS_RECORD = '.github/nx-release-gates.json';

export const OWNED_MARKER = 'nx-release-gates: owned-by-hand';
const OWNED_LINE = /^[ \t]*(?:#|<!--)[ \t]*nx-release-gates:[ \t]*owned-by-hand\b/m;

export function isOwnedByHand(content: string | null): boolean {
  return content !== null && OWNED_LINE.test(content);
}
