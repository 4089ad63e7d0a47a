/**
 * Dependency edges between crates that depend on each other by path (normal, dev and build dependencies: gate-test
 * compiles dev-dependencies). Reuses the crate index inference wrote; no second cargo call. Crates map to Nx
 * projects by root, so a project renamed in project.json keeps its edges.
 */
import * as path from 'node:path';
// Types only: @nx/devkit's index loads Nx's task runner and generators, about 80 ms in every plugin worker Nx starts.
import type { CreateDependencies, DependencyType, RawProjectGraphDependency } from '@nx/devkit';
import type { CrateModel } from '../model/crate-model';
import { pluginDataDirectory } from '../util/data-directory';
import { readJsonIfExists } from '../util/files';

/** Nx's DependencyType.static ('static'), spelled out so that loading this module does not load @nx/devkit. */
const STATIC_DEPENDENCY = 'static' as DependencyType.static;

export function crateDependencies(crates: CrateModel[], projectByRoot: Map<string, string>): RawProjectGraphDependency[] {
  const edges: RawProjectGraphDependency[] = [];
  const seen = new Set<string>();
  for (const crate of crates) {
    const source = projectByRoot.get(crate.root);
    if (!source) continue;
    for (const dep of crate.pathDependencies) {
      const target = projectByRoot.get(dep.root);
      const key = `${source}->${target}`;
      if (!target || target === source || seen.has(key)) continue;
      seen.add(key);
      edges.push({ source, target, type: STATIC_DEPENDENCY, sourceFile: crate.manifestPath });
    }
  }
  return edges;
}

export const createDependencies: CreateDependencies = (_options, context) => {
  const index = readJsonIfExists<{ crates: Record<string, CrateModel>; lockEdges?: Array<[string, string]> }>(path.join(pluginDataDirectory(context.workspaceRoot), 'crate-index.json'));
  if (!index) return [];
  const projectByRoot = new Map(Object.entries(context.projects).map(([name, p]) => [p.root, name]));
  // A project's name in context.projects is keyed by root in some Nx versions; normalise to the configured name.
  for (const [key, p] of Object.entries(context.projects)) projectByRoot.set(p.root, p.name ?? key);
  const lockEdges = (index.lockEdges ?? [])
    .filter(([source, target]) => context.externalNodes?.[source] && context.externalNodes?.[target])
    .map(([source, target]): RawProjectGraphDependency => ({ source, target, type: STATIC_DEPENDENCY }));
  return [...crateDependencies(Object.values(index.crates), projectByRoot), ...lockEdges];
};
