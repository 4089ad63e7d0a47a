/** Every gate, in the order release-dry-run shows them. Adding a gate here adds its target, executor and schema. */
import { buildGate } from './build';
import { cudaGate } from './cuda';
import { docGate } from './doc';
import { packageGate } from './package';
import { sizeGate } from './size';
import { testGate } from './test';
import type { GateDefinition } from './types';

export const GATES: readonly GateDefinition[] = [buildGate, cudaGate, packageGate, sizeGate, testGate, docGate];

export const gateTarget = (gate: GateDefinition | string) => `gate-${typeof gate === 'string' ? gate : gate.name}`;

export function findGate(target: string): GateDefinition | undefined {
  return GATES.find((g) => gateTarget(g) === target || g.name === target);
}
