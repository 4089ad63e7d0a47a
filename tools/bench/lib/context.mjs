// What every benchmark is given: the options, the measured processes' environment, the installed plugin, the gates
// that correspond to the original script, and workspaces made or shared on demand.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { baseEnv, findNvcc, machine } from './environment.mjs';
import { FIXTURE } from './paths.mjs';
import { installPlugin } from './plugin.mjs';
import { textlabWorkspace } from './textlab.mjs';
import { log, rm, run, setLog } from './util.mjs';
import { Workspace } from './workspace.mjs';

// The gates that correspond to the original script (pre-flight + gates 1-6); docker is left out because the script
// builds its image only when a Docker daemon answers, and publish/version are not in the local script.
const SCRIPT_GATES = ['gate-lockfile', 'gate-fmt', 'gate-build', 'gate-cuda', 'gate-package', 'gate-size', 'gate-test', 'gate-doc'];

// What the work folder keeps without --keep: logs and scripts, not the target directories of several GB.
const KEPT = ['logs', 'bench.log', 'raw-cargo.sh', 'cuda'];

/** Prepares the machine (nvcc, fixture dependencies, the plugin) and returns the benchmarks' context. */
export function setUp(o) {
  fs.mkdirSync(o.work, { recursive: true });
  setLog(path.join(o.work, 'bench.log'));
  const nvcc = findNvcc(o.nvcc, o.work);
  const env = baseEnv(nvcc.dir ? [nvcc.dir] : []);
  const logs = path.join(o.work, 'logs');
  rm(logs);
  const info = machine(nvcc.kind);
  log(`nx-release-gates benchmark: ${o.only.join(', ')}; ${info.cores} cores, ${info.rustc}, node ${info.node}; CUDA: ${info.nvcc}`);
  log(`work folder ${o.work} (logs in ${logs})`);
  log('fetching the fixture crate\'s dependencies (not timed)');
  run('cargo', ['fetch', '--locked'], { cwd: FIXTURE, env });
  const { install, gates } = installPlugin(o.work, env, o.pluginRev);
  const scriptGates = SCRIPT_GATES.filter((g) => gates.includes(g));
  log(`release-dry-run gates used (the script's): ${scriptGates.join(', ')}`);
  return context({ o, work: o.work, env, install, scriptGates, machine: info, logFor: (name) => path.join(logs, `${name}.log`) });
}

function context(base) {
  const ctx = { ...base };
  /** A fresh workspace under the work folder; `targetDirectory` is the plugin option, `scriptGates` limits release-dry-run. */
  // `nxJson` is merged over the nx.json written (its `plugins` replaces the plugin's registration).
  ctx.workspace = (name, { logName = name, targetDirectory = 'shared', scriptGates = false, files, nxJson = {} } = {}) =>
    Workspace.create(path.join(ctx.work, name), {
      install: ctx.install,
      env: ctx.env,
      logTo: ctx.logFor(logName),
      pluginOptions: targetDirectory === 'per-gate' ? { targetDirectory } : {},
      nxJson: { ...(scriptGates ? { targetDefaults: { 'release-dry-run': { options: { gates: ctx.scriptGates } } } } : {}), ...nxJson },
      files,
    });
  // The textlab workspaces are shared: warm reuses the state cold leaves, parallel the per-gate one cold made.
  let single;
  let singlePerGate;
  ctx.single = () => (single ??= textlabWorkspace(ctx, 'single-shared', 'shared'));
  ctx.singlePerGate = () => (singlePerGate ??= textlabWorkspace(ctx, 'single-per-gate', 'per-gate'));
  ctx.stopDaemons = () => {
    for (const w of [single, singlePerGate]) w?.stopDaemon();
  };
  return ctx;
}

/** Stops the daemons the shared workspaces started and, unless --keep, empties the work folder but for logs. */
export function tearDown(ctx) {
  ctx.stopDaemons();
  if (ctx.o.keep) return;
  for (const entry of fs.readdirSync(ctx.work)) {
    if (!KEPT.includes(entry)) rm(path.join(ctx.work, entry));
  }
}
