/** Every gate, in the order release-dry-run shows them. Adding a gate here adds its target, executor and schema. */
import { buildGate } from './build';
import { cudaGate } from './cuda';
import { docGate } from './doc';
import { dockerGate } from './docker';
import { fmtGate } from './fmt';
import { installGate } from './install';
import { lockfileGate } from './lockfile';
import { packageGate } from './package';
import { publishGate } from './publish';
import { semverGate } from './semver';
import { sizeGate } from './size';
import { testGate } from './test';
import type { GateDefinition } from './types';
import { versionGate } from './version';
import { workflowsGate } from './workflows';

export const GATES: readonly GateDefinition[] = [
  // Pre-flight (the original script checked these before gate 1), then the version, then the original six gates,
  // with what users install (gate-install) after the package and the API check (gate-semver) before publishing.
  lockfileGate,
  fmtGate,
  workflowsGate,
  versionGate,
  buildGate,
  cudaGate,
  packageGate,
  installGate,
  sizeGate,
  testGate,
  docGate,
  semverGate,
  publishGate,
  dockerGate,
];

export const gateTarget = (gate: GateDefinition | string) => `gate-${typeof gate === 'string' ? gate : gate.name}`;

/** Every gate's target name, in table order. */
export const GATE_TARGETS: readonly string[] = GATES.map(gateTarget);

export function findGate(target: string): GateDefinition | undefined {
  return GATES.find((g) => gateTarget(g) === target || g.name === target);
}
