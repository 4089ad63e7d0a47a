/**
 * `nx g nx-release-gates:init`, which `nx add nx-release-gates` runs after installing the package: registers the
 * plugin in nx.json and ignores the gates' results in .gitignore. Idempotent: run again, it writes nothing, and it
 * never touches nx.json content that is not its own.
 *
 * Named inputs: none are added to nx.json. Every crate project the plugin infers carries its own (`rust-crate`,
 * `rust-crate-build`), so nothing outside the plugin's projects depends on them.
 */
import * as path from 'node:path';
import { formatFiles, readNxJson, Tree, updateNxJson, writeJson } from '@nx/devkit';
import { RESULTS_FOLDER } from '../../model/catalog';
import { PLUGIN_NAME } from '../../model/plugin-options';
import type { InitGeneratorSchema } from './schema';

export const RESULTS_IGNORE = `/${RESULTS_FOLDER}`;

export async function initGenerator(tree: Tree, schema: InitGeneratorSchema = {}): Promise<void> {
  registerPlugin(tree);
  ignoreResults(tree);
  if (!schema.skipFormat) await formatFiles(tree);
}

function isOurPlugin(entry: string | { plugin: string }): boolean {
  const name = typeof entry === 'string' ? entry : entry.plugin;
  return name === PLUGIN_NAME || name.endsWith(`/${PLUGIN_NAME}`);
}

function registerPlugin(tree: Tree): void {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  if (plugins.some(isOurPlugin)) return;
  // The options object holds the gates' workspace-wide options (features, maxBinarySize, ...); empty means defaults.
  const registered = { ...nxJson, plugins: [...plugins, { plugin: PLUGIN_NAME, options: {} }] };
  // A crate repository with only `npm i -D nx` has no nx.json, and updateNxJson writes nothing then: the plugin
  // would be "added successfully" yet infer no target. Such a workspace gets an nx.json holding just the plugin.
  if (tree.exists('nx.json')) updateNxJson(tree, registered);
  else writeJson(tree, 'nx.json', { $schema: './node_modules/nx/schemas/nx-schema.json', ...registered });
}

/** Lines that already keep the results folder out of git: it or `dist`, anchored or not, as a folder or a glob. */
const COVERING = new Set(
  [path.posix.dirname(RESULTS_FOLDER), RESULTS_FOLDER].flatMap((folder) => [folder, `${folder}/`, `${folder}/*`, `${folder}/**`]).flatMap((line) => [line, `/${line}`]),
);

function ignoreResults(tree: Tree): void {
  const current = tree.read('.gitignore', 'utf-8') ?? '';
  if (current.split(/\r?\n/).some((line) => COVERING.has(line.trim()))) return;
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  tree.write('.gitignore', `${current}${separator}${current ? '\n' : ''}# nx-release-gates: gate results and the binaries gate-build copies\n${RESULTS_IGNORE}\n`);
}

export default initGenerator;
