/**
 * Inference: every cargo package under the Nx workspace becomes a project with release-gate targets. Reads crates
 * (one cargo metadata per Cargo workspace, cached); builds nothing.
 */
import type { CreateNodes } from '@nx/devkit';
import { readCrates } from '../ops/read-crates';
import { crateProject, defaultDryRunGates } from './targets';

export type ReleaseGatesPluginOptions = Record<string, unknown>;

export const createNodes: CreateNodes<ReleaseGatesPluginOptions> = [
  '**/Cargo.toml',
  async (manifestFiles, options, context) => {
    const { crates, lock } = await readCrates(manifestFiles, context.workspaceRoot);
    const dryRunGates = defaultDryRunGates(context.nxJsonConfiguration as Parameters<typeof defaultDryRunGates>[0]);
    return crates.map((crate, i) => [
      crate.manifestPath,
      {
        projects: { [crate.root]: crateProject(crate, options ?? {}, context.workspaceRoot, dryRunGates) },
        // Cargo.lock packages, once (on the first crate's entry): see cargo/lockfile.ts.
        ...(i === 0 ? { externalNodes: lock.nodes } : {}),
      },
    ] as const);
  },
];
