/**
 * The generator option sets the workflow tests run over (actionlint lints each set's workflows; the dry run must cover
 * each set's release): hand-picked shapes and every combination of the options that change the workflows' shape.
 */
import { Tree } from '@nx/devkit';
import { ACTIONS } from '../actions';
import { REMOTE_CACHE_MODES } from '../options';
import type { WorkflowsGeneratorSchema } from '../schema';
import { addCrate } from './fixtures';

function oneCrate(tree: Tree) {
  addCrate(tree, { name: 'my-tool' });
}

function threeCrates(tree: Tree) {
  const dirOf = (n: string) => `crates/${n}`;
  addCrate(tree, { name: 'core', bin: false }, dirOf);
  addCrate(tree, { name: 'cli', deps: ['core'] }, dirOf);
  addCrate(tree, { name: 'server', deps: ['core'] }, dirOf);
  tree.write('Cargo.toml', '[workspace]\nmembers = ["crates/*"]\n');
}

export interface OptionSet {
  name: string;
  crates: (tree: Tree) => void;
  options: WorkflowsGeneratorSchema;
  extra?: (tree: Tree) => void;
}

/** A full SHA for every action the workflows use (any 40 hex digits: actionlint checks the form, not the commit). */
const ALL_PINNED = Object.fromEntries(Object.values(ACTIONS).map((action, i) => [action, String(i).padStart(2, '0').repeat(20)]));

/** A custom platform table: a default triple by name, a cross build on another runner, a self-hosted-free one. */
const CUSTOM_TARGETS: WorkflowsGeneratorSchema['targets'] = [
  'x86_64-unknown-linux-gnu',
  { target: 'aarch64-unknown-linux-musl', runsOn: 'ubuntu-24.04-arm', test: true },
  { target: 'x86_64-pc-windows-gnu', runsOn: ['windows-2022'] },
];

/**
 * Every combination of the options that change the workflows' shape (2^6 = 64 sets), over three crate layouts; the
 * remote cache modes take turns across them (independently of the layout), so each mode meets every other option.
 */
function everyCombination(): OptionSet[] {
  const layouts = [oneCrate, threeCrates, (tree: Tree) => addCrate(tree, { name: 'only-lib', bin: false })];
  const sets: OptionSet[] = [];
  for (let bits = 0; bits < 64; bits++) {
    const on = (bit: number) => (bits & (1 << bit)) !== 0;
    sets.push({
      name: `combination-${bits}`,
      crates: layouts[bits % layouts.length],
      options: {
        nxCache: on(0),
        cargoCache: on(1),
        trustedPublishing: on(2),
        provenance: on(3),
        ...(on(4) ? { pinActions: ALL_PINNED } : {}),
        ...(on(5) ? { targets: CUSTOM_TARGETS, environment: 'production' } : {}),
        remoteCache: REMOTE_CACHE_MODES[Math.floor(bits / layouts.length) % REMOTE_CACHE_MODES.length],
      },
    });
  }
  return sets;
}

export const OPTION_SETS: OptionSet[] = [
  { name: 'one-crate', crates: oneCrate, options: {} },
  { name: 'three-crates', crates: threeCrates, options: {} },
  // A package whose binary has another name ([[bin]] name = "x", path = "src/main.rs"): the archive holds `x`.
  { name: 'binary-named-otherwise', crates: (tree) => addCrate(tree, { name: 'x-find', bins: ['x'] }), options: {} },
  { name: 'gpu-runner', crates: threeCrates, options: { gpuRunsOn: ['self-hosted', 'linux', 'gpu'] } },
  { name: 'nx-cache', crates: oneCrate, options: { nxCache: true, runsOn: ['ubuntu-24.04'], ciTargets: ['gate-build', 'gate-test'] } },
  {
    name: 'pnpm-toolchain-library',
    crates: (tree) => addCrate(tree, { name: 'only-lib', bin: false }),
    options: { mainBranch: 'trunk', nodeVersion: '20' },
    extra: (tree) => {
      tree.write('pnpm-lock.yaml', "lockfileVersion: '9.0'\n");
      tree.write('rust-toolchain.toml', '[toolchain]\nchannel = "1.88.0"\n');
    },
  },
  { name: 'yarn-bun', crates: oneCrate, options: { packageManager: 'yarn', gpuRunsOn: ['gpu'], nxCache: true } },
  { name: 'bun', crates: oneCrate, options: { packageManager: 'bun' } },
  {
    name: 'gpu-everything-on',
    crates: threeCrates,
    options: { gpuRunsOn: ['self-hosted', 'gpu'], nxCache: true, trustedPublishing: true, environment: 'crates-io', pinActions: ALL_PINNED, timeoutMinutes: 90 },
  },
  // The remote cache modes: its env, the probe, the release's parity and replay steps, over other shapes.
  { name: 'remote-self-hosted', crates: oneCrate, options: { remoteCache: 'self-hosted' } },
  { name: 'remote-nx-cloud', crates: threeCrates, options: { remoteCache: 'nx-cloud', nxCache: true, pinActions: ALL_PINNED } },
  {
    name: 'remote-self-hosted-pnpm-custom-targets',
    crates: (tree) => addCrate(tree, { name: 'only-lib', bin: false }),
    options: { remoteCache: 'self-hosted', packageManager: 'pnpm', targets: CUSTOM_TARGETS, trustedPublishing: true, cargoCache: false },
  },
  { name: 'gpu-remote-self-hosted', crates: threeCrates, options: { remoteCache: 'self-hosted', gpuRunsOn: ['self-hosted', 'gpu'], packageManager: 'yarn' } },
  ...everyCombination(),
];

