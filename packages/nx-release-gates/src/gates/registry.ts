/** Every gate, in the order release-dry-run shows them. Adding a gate here adds its target, executor and schema. */
import { buildGate } from './build';
import { cudaGate } from './cuda';
import { docGate } from './doc';
import { dockerGate } from './docker';
import { fmtGate } from './fmt';
import { lockfileGate } from './lockfile';
import { packageGate } from './package';
import { publishGate } from './publish';
import { sizeGate } from './size';
import { testGate } from './test';
import type { GateDefinition } from './types';
import { versionGate } from './version';
import { workflowsGate } from './workflows';

export const GATES: readonly GateDefinition[] = [
  // Pre-flight (the original script checked these before gate 1), then the version, then the original six gates.
  lockfileGate,
  fmtGate,
  workflowsGate,
  versionGate,
  buildGate,
  cudaGate,
  packageGate,
  sizeGate,
  testGate,
  docGate,
  publishGate,
  dockerGate,
];

/**
 * Gates whose answer depends on state no Nx input sees, so their targets have `cache: false`: git's index, ignore
 * rules and tags (lockfile, version), the registry (publish), container engines and base images (docker), the
 * generated workflow files and everything they are generated from (workflows). Each is cheap to repeat or leans on
 * its tool's own cache; the file headers give the details.
 */
export const UNCACHED_GATES: ReadonlySet<string> = new Set([lockfileGate.name, versionGate.name, publishGate.name, dockerGate.name, workflowsGate.name]);

/**
 * Extra dependsOn of a gate that depend on its options. gate-version runs gate-build's binary when versionCommand
 * is set. gate-cuda waits for gate-build in a shared target directory: both release builds write
 * target/release/<bin>, and gate-cuda's could replace the file between gate-build's cargo exiting and its copy
 * (cargo's lock serializes them there anyway, so the wait costs nothing; per-gate directories keep them apart).
 */
export function optionalDependsOn(gate: GateDefinition, options: Record<string, unknown>): string[] {
  const command = options.versionCommand;
  if (gate.name === versionGate.name && Array.isArray(command) && command.length > 0) return [buildGate.name];
  if (gate.name === cudaGate.name && options.targetDirectory !== 'per-gate') return [buildGate.name];
  return [];
}

export const gateTarget = (gate: GateDefinition | string) => `gate-${typeof gate === 'string' ? gate : gate.name}`;

/** Every gate's target name, in table order. */
export const GATE_TARGETS: readonly string[] = GATES.map(gateTarget);

export function findGate(target: string): GateDefinition | undefined {
  return GATES.find((g) => gateTarget(g) === target || g.name === target);
}
