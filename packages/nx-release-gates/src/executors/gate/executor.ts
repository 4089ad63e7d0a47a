/**
 * Every gate target's executor: one adapter (run-gate.ts), one named export per gate. executors.json points each
 * `gate-<name>` at `./src/executors/gate/executor#<name>` (Nx loads a named export after `#`).
 */
import { gateExecutor } from './run-gate';

export const lockfile = gateExecutor('lockfile');
export const fmt = gateExecutor('fmt');
export const workflows = gateExecutor('workflows');
export const version = gateExecutor('version');
export const build = gateExecutor('build');
export const cuda = gateExecutor('cuda');
export const packageGate = gateExecutor('package');
export const install = gateExecutor('install');
export const size = gateExecutor('size');
export const test = gateExecutor('test');
export const doc = gateExecutor('doc');
export const semver = gateExecutor('semver');
export const publish = gateExecutor('publish');
export const docker = gateExecutor('docker');
