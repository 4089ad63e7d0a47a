/**
 * The code of every gate, by name. The order and what each gate says about itself are the catalog's
 * (model/catalog.ts); adding a gate means a catalog entry and its folder here.
 */
import { buildGate } from './build/build';
import { cudaGate } from './cuda/cuda';
import { docGate } from './doc/doc';
import { dockerGate } from './docker/docker';
import { fmtGate } from './fmt/fmt';
import { installGate } from './install/install';
import { lockfileGate } from './lockfile/lockfile';
import { packageGate } from './package/package';
import { publishGate } from './publish/publish';
import { semverGate } from './semver/semver';
import { sizeGate } from './size/size';
import { testGate } from './test/test';
import type { GateDefinition } from './types';
import { versionGate } from './version/version';
import { workflowsGate } from './workflows/workflows';

import { GATE_SPECS, gateTarget } from '../model/catalog';

const IMPLEMENTATIONS: readonly GateDefinition[] = [
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

/** Every gate with its code, in the catalog's order. */
export const GATES: readonly GateDefinition[] = GATE_SPECS.map((spec) => {
  const gate = IMPLEMENTATIONS.find((g) => g.name === spec.name);
  if (!gate) throw new Error(`gate ${spec.name} is in the catalog but has no code`);
  return gate;
});

/** A gate with its code, by target (`gate-build`) or short name (`build`). */
export function findGate(target: string): GateDefinition | undefined {
  return GATES.find((g) => gateTarget(g) === target || g.name === target);
}
