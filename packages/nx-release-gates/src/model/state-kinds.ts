/**
 * The outside state a cacheable gate's answer depends on, by kind. Each kind has a probe (cache-key/state-lines.ts)
 * that the runtime input runs before Nx hashes the gate: its output changes whenever the gate's answer could change.
 */
export const GATE_STATE_KINDS = ['lockfile', 'workflows', 'registry', 'tags', 'engines', 'resolution', 'semver-tool'] as const;
export type GateStateKind = (typeof GATE_STATE_KINDS)[number];

export function isGateStateKind(value: string): value is GateStateKind {
  return (GATE_STATE_KINDS as readonly string[]).includes(value);
}

/** The kinds whose probe asks a registry index over the network (the slowest probes: one round trip or more). */
const NETWORK_KINDS: readonly GateStateKind[] = ['registry', 'resolution'];

export function asksTheNetwork(kind: string): boolean {
  return isGateStateKind(kind) && NETWORK_KINDS.includes(kind);
}
