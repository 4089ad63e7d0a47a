/**
 * What a gate task's hash covers, read from the same configuration Nx hashes with: the target's `inputs` (named
 * inputs expanded from the project and nx.json, `^name` over the project's dependencies, plain filesets), its `{env}`
 * inputs, and the arguments of this plugin's fingerprint (envInputs patterns, outside path dependencies), which the
 * fingerprint variable's name holds (fingerprint-env.ts; a runtime `fingerprint-cli.js` input is read the same way).
 * The undeclared-input check holds cargo's records against this; it never guesses from the plugin's defaults, so
 * an input a user adds in project.json counts, and one a user removes does not.
 */
import { minimatch } from 'minimatch';
import { parseFingerprintArgs } from './fingerprint';
import { fingerprintVariableArgs } from './fingerprint-env';
import { coverageOf, learnedForCrate, LearnedCoverage } from './learned-inputs';

/** Globs of one expanded input list, workspace-relative: a file is covered when a positive matches and no negative. */
export interface FileGroup {
  /** Where the group comes from, for messages (`rust-crate of my-crate`, `^rust-crate-build of core`). */
  origin: string;
  positives: string[];
  negatives: string[];
}

export interface DeclaredInputs {
  fileGroups: FileGroup[];
  /** Names from `{ env: NAME }` inputs. */
  envNames: string[];
  /** Whether the plugin's fingerprint is among the inputs (it hashes the cargo variable families). */
  fingerprinted: boolean;
  /** envInputs patterns the fingerprint hashes. */
  envPatterns: string[];
  /** Path dependencies outside the workspace the fingerprint hashes, workspace-relative (`../shared`). */
  trees: string[];
  /** The crate's release-gates.lock reads the fingerprint hashes (withLearnedCoverage), paths as recorded there. */
  learned?: LearnedCoverage;
}

export interface InputConfig {
  project: string;
  projectRoot: string;
  /** The running target's `inputs` as Nx merged them. */
  inputs: unknown[] | undefined;
  /** Named inputs of each project (merged over nx.json's), by project name. */
  namedInputs: (project: string) => Record<string, unknown[]>;
  /** Project roots by name. */
  rootOf: (project: string) => string | undefined;
  /** Every project the project depends on, transitively (what `^` reaches). */
  dependenciesOf: (project: string) => string[];
}

const FINGERPRINT = /fingerprint-cli\.js"?\s*(.*)$/;

function substitute(glob: string, projectRoot: string): string {
  const root = projectRoot === '.' ? '' : projectRoot;
  return glob
    .replace(/^\{workspaceRoot\}\/?/, '')
    .replace(/\{projectRoot\}\/?/g, root ? `${root}/` : '')
    .replace(/\/$/, '');
}

export function declaredInputs(config: InputConfig): DeclaredInputs {
  const declared: DeclaredInputs = { fileGroups: [], envNames: [], fingerprinted: false, envPatterns: [], trees: [] };
  const seen = new Set<string>();

  const fingerprinted = (argv: string[]) => {
    declared.fingerprinted = true;
    const args = parseFingerprintArgs(argv);
    declared.envPatterns.push(...args.envPatterns);
    declared.trees.push(...args.trees);
  };

  const expand = (entries: unknown[], project: string, origin: string, depth: number) => {
    if (depth > 20) return;
    const root = config.rootOf(project) ?? '.';
    const group: FileGroup = { origin, positives: [], negatives: [] };
    const named = config.namedInputs(project);
    for (const entry of entries) {
      if (typeof entry === 'string') {
        if (entry.startsWith('^')) {
          for (const dep of config.dependenciesOf(project)) expandNamed(entry.slice(1), dep, depth + 1);
        } else if (entry in named) {
          expandNamed(entry, project, depth + 1);
        } else {
          const negative = entry.startsWith('!');
          const glob = substitute(negative ? entry.slice(1) : entry, root);
          (negative ? group.negatives : group.positives).push(glob);
        }
      } else if (entry && typeof entry === 'object') {
        const object = entry as Record<string, unknown>;
        const fingerprint = typeof object.env === 'string' ? fingerprintVariableArgs(object.env) : null;
        if (fingerprint) fingerprinted(fingerprint);
        else if (typeof object.env === 'string') declared.envNames.push(object.env);
        if (typeof object.fileset === 'string') {
          const negative = object.fileset.startsWith('!');
          (negative ? group.negatives : group.positives).push(substitute(negative ? object.fileset.slice(1) : object.fileset, root));
        }
        if (typeof object.runtime === 'string') {
          const match = FINGERPRINT.exec(object.runtime);
          if (match) fingerprinted(match[1].trim() ? match[1].trim().split(/\s+/) : []);
        }
        if (typeof object.input === 'string') {
          const targets = object.dependencies === true ? config.dependenciesOf(project) : [project];
          for (const p of targets) expandNamed(object.input, p, depth + 1);
        }
      }
    }
    if (group.positives.length) declared.fileGroups.push(group);
  };

  const expandNamed = (name: string, project: string, depth: number) => {
    const key = `${project}\0${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    const entries = config.namedInputs(project)[name];
    if (entries) expand(entries, project, `${name} of ${project}`, depth);
  };

  // Nx's default when a target declares no inputs.
  expand(config.inputs ?? ['default', '^default'], config.project, `inputs of ${config.project}`, 0);
  return declared;
}

export type Coverage = { covered: true; by: string } | { covered: false; excludedBy?: string };

/** Whether a workspace-relative file is in the hash by the file groups (git-ignored files aside: see the caller). */
export function fileCoverage(declared: DeclaredInputs, relative: string): Coverage {
  let excludedBy: string | undefined;
  for (const group of declared.fileGroups) {
    if (!group.positives.some((g) => minimatch(relative, g, { dot: true }))) continue;
    const negative = group.negatives.find((g) => minimatch(relative, g, { dot: true }));
    if (!negative) return { covered: true, by: group.origin };
    excludedBy ??= `!${negative} (${group.origin})`;
  }
  return { covered: false, excludedBy };
}

/**
 * The declared inputs plus what release-gates.lock says the crate was seen to read: covered, because the fingerprint
 * hashes each entry, so only when the fingerprint is among the inputs. A lock that does not parse covers nothing (the
 * fingerprint then changes the key instead).
 */
export function withLearnedCoverage(declared: DeclaredInputs, workspaceRoot: string, crateRoot: string): DeclaredInputs {
  if (!declared.fingerprinted) return declared;
  try {
    const found = learnedForCrate(workspaceRoot, crateRoot);
    return found ? { ...declared, learned: coverageOf(found.learned, found.crate) } : declared;
  } catch {
    return declared;
  }
}
