/**
 * What the fingerprint's `vendored:` lines hold: the local sources cargo config puts in the registry's place (`[source.<name>]
 * directory = ...` for `cargo vendor`'s folders, `local-registry = ...`), by every file's content.
 *
 * Cargo.lock's checksum pins a vendored package's `.cargo-checksum.json` ("package"), not its files: cargo checks each
 * file against the sums that JSON lists, and not at all when it lists none (`"files": {}`, how a patched vendored
 * crate is told to skip the check); with a warm target directory it does not look again. Keying the JSON alone would
 * miss a file edited without it (cargo fails that build afresh). So the files are read, like those of a path
 * dependency outside the workspace: once per run for all crates (shared lookups), a cost only a crate that vendors
 * pays.
 */
import { replacedSourceFolders } from '../ops/config-files';
import { directLookups, FileLookups } from '../ops/file-lookups';
import { treeHash } from './tree-hash';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Answers shared by one run's crates (the preTasksExecution hook fingerprints them all with one shared lookups):
 * crates side by side name the same vendor folder, which is read once. Never kept for the one-by-one lookups, whose
 * process (the daemon's) may outlive the run.
 */
const sharedAnswers = new WeakMap<FileLookups, Map<string, string>>();

function folderHash(folder: string, lookups: FileLookups): string {
  if (lookups === directLookups) return treeHash(folder);
  let memo = sharedAnswers.get(lookups);
  if (!memo) sharedAnswers.set(lookups, (memo = new Map()));
  let hash = memo.get(folder);
  if (hash === undefined) memo.set(folder, (hash = treeHash(folder)));
  return hash;
}

/** Each local source the cargo config files read in `cwd` declare (absolute, sorted), with its files' hash. */
export function vendoredSources(cwd: string, env: Env, lookups: FileLookups = directLookups): Array<[folder: string, hash: string]> {
  return replacedSourceFolders(cwd, env, lookups)
    .sort()
    .map((folder) => [folder, folderHash(folder, lookups)]);
}
