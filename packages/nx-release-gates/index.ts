/** nx-release-gates: the Nx plugin entry (nx.json `plugins`). */
export { createNodes, createNodes as createNodesV2 } from './src/plugin/create-nodes';
export { createDependencies } from './src/plugin/create-dependencies';
export type { GateResult, GateStatus } from './src/report/result';
