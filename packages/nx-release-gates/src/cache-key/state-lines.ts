/**
 * Probes of outside state, one per kind, each a list of lines for a runtime cache input:
 * - `lockfile` (gate-lockfile): Cargo.lock's content, how git sees it (tracked, staged, modified, ignored), and every
 *   manifest of its Cargo workspace (`cargo update --workspace --locked` re-resolves them all, not only this crate's)
 *   with the target files cargo discovers beside it, by name: the gate's only inputs but the fingerprint, so a source
 *   edit keeps it cached.
 * - `workflows` (gate-workflows): the drift report itself (the generator re-run in memory against the committed
 *   files, exactly what the gate judges), so the key is right whatever the generator reads, plus the plugin version
 *   and the generator's record of its options (.github/nx-release-gates.json), which no other gate's key holds: the
 *   gate's only inputs but the fingerprint, so an edit of a crate's sources keeps it cached.
 * - `registry`, `tags`, `engines`, `resolution`, `semver-tool` (gate-version, gate-publish, gate-semver,
 *   gate-install, gate-docker): outside-state.ts.
 * The arguments after the kind are the probe's (stateArgs in inputs.ts writes them).
 * Never throws: a missing tool or file is a line (`git: none`), so a runtime input never stops an Nx run.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GATE_SPECS } from '../model/catalog';
import { pathStatus } from '../ops/git';
import { quietRunnerIn } from '../ops/process';
import { sha256 } from '../util/hash';
import { walkFolders } from '../util/folder-walk';
import { PLUGIN_VERSION } from '../util/plugin-version';
import { asksTheNetwork, isGateStateKind, type GateStateKind } from '../model/state-kinds';
import { OPTIONS_RECORD } from '../generators/workflows/workflow-files';
import { engineLines, registryLines, resolutionLines, semverToolLines, tagLines } from './outside-state';

export interface StateRequest {
  kind: GateStateKind;
  /** The probe's arguments, as stateArgs (inputs.ts) lays them out for the kind. */
  args: readonly string[];
}

/** How git sees the lockfile (path relative to the workspace root), as git prints it; a line when git cannot say. */
async function lockfileStatus(workspaceRoot: string, lockfile: string): Promise<string> {
  const status = await pathStatus(quietRunnerIn(workspaceRoot), lockfile);
  if ('porcelain' in status) return status.porcelain.trim() || 'clean';
  return 'failed' in status ? `git failed: ${status.failed}` : 'git: none';
}

function contentHash(file: string): string {
  try {
    return sha256(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
}

const SKIPPED_FOLDERS = new Set(['target', 'node_modules', '.git', '.nx', 'dist']);

/** Every Cargo.toml below `root`, sorted, relative to it. */
function manifestsBelow(root: string): string[] {
  const found: string[] = [];
  walkFolders(root, SKIPPED_FOLDERS, (folder, entry) => {
    if (entry.isFile() && entry.name === 'Cargo.toml') found.push(path.relative(root, path.join(folder, entry.name)).split(path.sep).join('/'));
  });
  return found.sort();
}

/** Folders cargo looks in for targets it discovers by themselves (a manifest without them may fail to parse). */
const TARGET_FOLDERS = ['src/bin', 'examples', 'tests', 'benches'];

/**
 * The files cargo's target discovery finds for a manifest's folder, by name only: cargo parses every manifest to
 * resolve the lockfile, and a manifest with no target (src/lib.rs and src/main.rs gone) or clashing target names fails
 * to. Their content never changes the resolution, so an edit inside them keeps gate-lockfile cached.
 */
export function discoveredTargets(folder: string): string[] {
  const found = ['build.rs', 'src/lib.rs', 'src/main.rs'].filter((f) => fs.existsSync(path.join(folder, f)));
  for (const sub of TARGET_FOLDERS) {
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(path.join(folder, sub), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.isFile() && e.name.endsWith('.rs')) found.push(`${sub}/${e.name}`);
      else if (e.isDirectory() && fs.existsSync(path.join(folder, sub, e.name, 'main.rs'))) found.push(`${sub}/${e.name}/main.rs`);
    }
  }
  return found.sort();
}

export async function lockfileLines(workspaceRoot: string, cargoRoot: string): Promise<string[]> {
  const root = path.join(workspaceRoot, cargoRoot);
  const lockfile = path.posix.join(cargoRoot, 'Cargo.lock');
  return [
    `lockfile ${contentHash(path.join(root, 'Cargo.lock'))}`,
    `git ${await lockfileStatus(workspaceRoot, lockfile)}`,
    ...manifestsBelow(root).flatMap((m) => [
      `manifest ${m} ${contentHash(path.join(root, m))}`,
      `targets ${m} ${discoveredTargets(path.dirname(path.join(root, m))).join(' ')}`,
    ]),
  ];
}

export async function workflowsLines(workspaceRoot: string): Promise<string[]> {
  const head = [`plugin ${PLUGIN_VERSION}`, `record ${contentHash(path.join(workspaceRoot, OPTIONS_RECORD))}`];
  // Without the generator's record there is nothing to render: the drift check (and the devkit it loads, 0.1 s of
  // every dry run) is left out, and the line says so.
  if (!fs.existsSync(path.join(workspaceRoot, OPTIONS_RECORD))) return [...head, 'drift not generated'];
  const { checkWorkflowDrift } = await import('../generators/workflows/drift');
  try {
    return [...head, `drift ${sha256(JSON.stringify(await checkWorkflowDrift(workspaceRoot, GATE_SPECS)))}`];
  } catch (error) {
    // The gate fails the same way; the message is its input.
    return [...head, `drift unrenderable ${sha256(String((error as Error).message))}`];
  }
}

export async function stateLines(workspaceRoot: string, request: StateRequest): Promise<string[]> {
  const [first, ...rest] = request.args;
  switch (request.kind) {
    case 'lockfile':
      return lockfileLines(workspaceRoot, first ?? '.');
    case 'workflows':
      return workflowsLines(workspaceRoot);
    case 'registry':
      return registryLines(first ?? '', rest);
    case 'tags':
      return tagLines(workspaceRoot, first ?? '', rest.includes('head'));
    case 'engines':
      return engineLines(workspaceRoot, request.args);
    case 'resolution':
      return resolutionLines(workspaceRoot, { index: first ?? '', crateRoot: rest[0] ?? '.', resultFile: rest[1] ?? '', lockfile: rest[2] || null });
    case 'semver-tool':
      return semverToolLines(process.env);
  }
}

/**
 * The lines of one probe as target metadata names it ([kind, ...arguments]); never throws: a probe that cannot be
 * read, or a kind this version does not know, gives a line no other run gives, so the key misses.
 */
export function probeLines(workspaceRoot: string, probe: readonly string[]): Promise<string[]> {
  const [kind, ...args] = probe;
  if (!isGateStateKind(kind)) return Promise.resolve([`unknown state kind ${kind} ${randomUUID()}`]);
  return stateLines(workspaceRoot, { kind, args }).catch((error: NodeJS.ErrnoException) => [`unreadable: ${error.code ?? error.name} ${randomUUID()}`]);
}

/**
 * The order in which to start `probes` (their indexes): those that ask a registry over the network first, the rest
 * as given. A probe's synchronous part runs when it starts, so the longest round trips are then under way while the
 * others read files and start git.
 */
export function probeStartOrder(probes: ReadonlyArray<readonly string[]>): number[] {
  const indexes = probes.map((_, i) => i);
  return [...indexes.filter((i) => asksTheNetwork(probes[i][0])), ...indexes.filter((i) => !asksTheNetwork(probes[i][0]))];
}
