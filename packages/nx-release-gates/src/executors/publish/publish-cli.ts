#!/usr/bin/env node
/**
 * nx-release-gates-publish: the release's publish step, run from the workspace root after the release dry run.
 *
 *   nx-release-gates-publish [--results dist/release-gates] [--projects a,b] [--registry NAME --index URL] [--dry-run]
 *
 * Uploads only packages identical, file by file, to the ones the dry run's gate-package verified; skips versions the
 * registry already holds with the verified .crate (a release resumed); refuses anything else in one line per crate
 * and exits 1 before any upload. publish.ts does the work; this file reads the command line and wires it to the
 * world.
 */
import * as path from 'node:path';
import { listedFiles, headCommit } from '../../ops/git';
import { runCommand, runnerIn } from '../../ops/process';
import { CRATES_IO_INDEX, lookUpCrate } from '../../ops/registry-index';
import { readCrates } from '../../ops/read-crates';
import { RESULTS_FOLDER } from '../../model/catalog';
import { publishVerified, type PublishEffects, type PublishOptions } from './publish';

export const USAGE = 'usage: nx-release-gates-publish [--results <folder>] [--projects <a,b>] [--registry <name> --index <url>] [--dry-run]';

/** The command line as options, or the one line saying what is wrong with it. */
export function parsePublishArgs(argv: readonly string[], root: string, env: NodeJS.ProcessEnv): PublishOptions | { problem: string } {
  const values: Record<string, string> = {};
  let dryRun = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dry-run') {
      dryRun = true;
      continue;
    }
    const match = /^--(results|projects|registry|index)(?:=(.*))?$/.exec(arg);
    if (!match) return { problem: `unknown argument ${JSON.stringify(arg)}; ${USAGE}` };
    const value = match[2] ?? argv[++i];
    if (value === undefined) return { problem: `--${match[1]} needs a value; ${USAGE}` };
    values[match[1]] = value;
  }
  const registry = values.registry?.trim() || null;
  const fromEnv = registry ? env[`CARGO_REGISTRIES_${registry.toUpperCase().replace(/-/g, '_')}_INDEX`] : undefined;
  const index = values.index?.trim() || fromEnv || (registry ? null : CRATES_IO_INDEX);
  if (!index) return { problem: `--registry ${registry} needs the registry's index to look versions up: pass --index <url> (or set CARGO_REGISTRIES_${registry!.toUpperCase().replace(/-/g, '_')}_INDEX)` };
  const projects = values.projects?.split(',').map((p) => p.trim()).filter(Boolean) ?? [];
  return { root, results: path.resolve(root, values.results ?? RESULTS_FOLDER), projects: projects.length ? projects : null, registry, index, dryRun };
}

/** One line for the log; on GitHub Actions an error or a warning also becomes an annotation. */
function annotated(kind: 'error' | 'warning', line: string, env: NodeJS.ProcessEnv): string {
  if (env.GITHUB_ACTIONS !== 'true') return `${kind === 'error' ? '✖' : '⚠'} ${line}`;
  return `::${kind} title=Publish::${line.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`;
}
const errorLine = (line: string, env: NodeJS.ProcessEnv) => annotated('error', line, env);

export function realEffects(root: string, env: NodeJS.ProcessEnv): PublishEffects {
  const git = runnerIn(root);
  return {
    async crates() {
      const manifests = await listedFiles(git, ['Cargo.toml', '*/Cargo.toml']);
      if (!manifests) return { problem: `${root} is not a git checkout (git ls-files failed); run the publish from the root of the released checkout` };
      return (await readCrates(manifests, root)).crates;
    },
    headCommit: () => headCommit(git),
    cargo: (args, cwd) => runCommand('cargo', args, { cwd, live: 'all' }),
    lookUp: lookUpCrate,
    sleep: (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000)),
    now: () => new Date(),
    log: (line) => console.log(`nx-release-gates publish: ${line}`),
    warn: (line) => console.error(annotated('warning', line, env)),
    error: (line) => console.error(errorLine(line, env)),
  };
}

async function main(): Promise<number> {
  const options = parsePublishArgs(process.argv.slice(2), process.cwd(), process.env);
  if ('problem' in options) {
    console.error(errorLine(options.problem, process.env));
    return 2;
  }
  return publishVerified(options, realEffects(options.root, process.env));
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(errorLine(`the publish step could not run: ${(error as Error)?.message ?? error}`, process.env));
      process.exit(1);
    },
  );
}
