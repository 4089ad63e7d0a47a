/** nx-release-gates: the Nx plugin entry (nx.json `plugins`). */
export { createNodes, createNodes as createNodesV2 } from './src/plugin/create-nodes';
export { createDependencies } from './src/plugin/create-dependencies';
export { postTasksExecution } from './src/plugin/post-tasks-execution';
export { preTasksExecution } from './src/plugin/pre-tasks-execution';
export type { GateResult, GateStatus } from './src/report/result';
export type { ReleaseReport } from './src/report/release-report';
