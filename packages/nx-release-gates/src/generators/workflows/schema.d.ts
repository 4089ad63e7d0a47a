import type { PlatformTargetOption } from './platform-targets';

/** Options of `nx g nx-release-gates:workflows` (see schema.json for each option's description). */
export interface WorkflowsGeneratorSchema {
  crates?: string[];
  mainBranch?: string;
  nodeVersion?: string;
  packageManager?: 'npm' | 'yarn' | 'pnpm' | 'bun';
  rustToolchain?: string;
  runsOn?: string[];
  gpuRunsOn?: string[];
  nxCache?: boolean;
  ciTargets?: string[];
  skipFormat?: boolean;
  cargoCache?: boolean;
  targets?: PlatformTargetOption[];
  environment?: string;
  trustedPublishing?: boolean;
  provenance?: boolean;
  pinActions?: Record<string, string>;
  timeoutMinutes?: number;
  remoteCache?: 'none' | 'self-hosted' | 'nx-cloud';
}
