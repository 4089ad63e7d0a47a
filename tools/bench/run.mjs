#!/usr/bin/env node
// `npm run bench`: measures nx-release-gates against the original process's release script and against the raw
// cargo commands, on a real-looking crate (tools/bench/fixtures/textlab) and on generated Cargo workspaces.
// Whole processes are timed (hrtime around spawnSync); variants compared with each other run in alternation
// (A B A B ...) so that ratios hold on a shared, noisy machine. See tools/bench/README.md.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crateName, dependentsClosure, suiteWorkspace, tinyWorkspace } from './lib/generate.mjs';
import {
  bytesCell,
  copyTree,
  diskBytes,
  log,
  median,
  ratioCell,
  rm,
  run,
  secs,
  setLog,
  sleep,
  summary,
  timeCell,
  timed,
  tryRun,
  write,
} from './lib/util.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(BENCH, '..', '..');
const FIXTURE = path.join(BENCH, 'fixtures', 'textlab');
const SCRIPT = path.join(BENCH, 'original-release.sh');
const NX_VERSION = '23.2.1';
// Cheap benchmarks first, so a run cut short still has them; warm reuses the state cold leaves.
const ALL = ['inference', 'affected', 'cold', 'warm', 'floor', 'remote', 'parallel'];
const EXAMPLE = path.join(REPO, 'examples', 'release-gates-demo');

// ---------------------------------------------------------------- options
function parseArgs(argv) {
  const o = { only: ALL, runs: 3, coldRuns: 2, affectedRuns: 2, parallelRuns: 2, suiteRuns: 1, sizes: [50, 200, 500], work: path.join(REPO, 'tmp', 'bench'), keep: false, nvcc: 'auto', docs: null, pluginRev: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const name = a.split('=')[0];
    if (name === '--only') o.only = next().split(',').map((s) => s.trim()).filter(Boolean);
    else if (name === '--runs') o.runs = Number(next());
    else if (name === '--cold-runs') o.coldRuns = Number(next());
    else if (name === '--affected-runs') o.affectedRuns = Number(next());
    else if (name === '--parallel-runs') o.parallelRuns = Number(next());
    else if (name === '--suite-runs') o.suiteRuns = Number(next());
    else if (name === '--sizes') o.sizes = next().split(',').map(Number);
    else if (name === '--work') o.work = path.resolve(next());
    else if (name === '--nvcc') o.nvcc = next();
    else if (name === '--plugin-rev') o.pluginRev = next();
    else if (name === '--keep') o.keep = true;
    else if (name === '--render') o.render = true;
    else if (name === '--docs') o.docs = true;
    else if (name === '--no-docs') o.docs = false;
    else if (name === '--help' || name === '-h') {
      console.log(fs.readFileSync(path.join(BENCH, 'README.md'), 'utf8'));
      process.exit(0);
    } else throw new Error(`unknown option ${a}; see tools/bench/README.md`);
  }
  const bad = o.only.filter((b) => !ALL.includes(b));
  if (bad.length) throw new Error(`unknown benchmark(s) ${bad.join(', ')}; choose from ${ALL.join(', ')}`);
  for (const k of ['runs', 'coldRuns', 'affectedRuns']) if (!(o[k] >= 1)) throw new Error(`--${k} must be at least 1`);
  if (o.docs === null) o.docs = ALL.every((b) => o.only.includes(b));
  return o;
}

// ---------------------------------------------------------------- environment
/** The environment of every measured process: this one's minus Nx/npm settings that would leak in. */
function baseEnv(extraPath) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('NX_') || key.startsWith('npm_') || key.startsWith('RELEASE_GATES_') || key.startsWith('GITHUB_')) delete env[key];
    if (['CARGO_TARGET_DIR', 'CARGO_BUILD_TARGET_DIR', 'RUSTFLAGS', 'RUSTDOCFLAGS', 'CUDA_PATH', 'CUDA_HOME', 'INIT_CWD'].includes(key)) delete env[key];
  }
  env.PATH = [...extraPath, env.PATH].join(path.delimiter);
  Object.assign(env, { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', CARGO_TERM_COLOR: 'never', GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid' });
  return env;
}

/** nvcc for the gpu-cuda feature: the machine's, the one tools/install-cuda-nvcc.sh installs, or a stand-in. */
function findNvcc(mode, work) {
  if (mode !== 'standin') {
    const onPath = tryRun('bash', ['-c', 'command -v nvcc']);
    if (onPath) return { dir: null, kind: `nvcc on PATH (${nvccRelease(onPath)})` };
    const installed = path.join(REPO, 'tmp', 'cuda', 'nvidia', 'cu13', 'bin', 'nvcc');
    if (!fs.existsSync(installed) && mode === 'auto') {
      log('no nvcc: installing it with tools/install-cuda-nvcc.sh (PyPI wheels, no GPU needed)');
      tryRun('bash', [path.join(REPO, 'tools', 'install-cuda-nvcc.sh')], { cwd: REPO });
    }
    if (fs.existsSync(installed)) return { dir: path.dirname(installed), kind: `nvcc from tools/install-cuda-nvcc.sh (${nvccRelease(installed)})` };
  }
  if (mode === 'none') return { dir: null, kind: 'none' };
  // A stand-in that answers like nvcc and writes an empty PTX file: enough for the build script of gpu-cuda.
  const dir = path.join(work, 'nvcc-standin');
  write(
    path.join(dir, 'nvcc'),
    `#!/usr/bin/env bash\nif [ "\${1:-}" = --version ]; then echo "Cuda compilation tools, release 13.5, V13.5.0 (bench stand-in)"; exit 0; fi\nout=""; while [ $# -gt 0 ]; do [ "$1" = -o ] && out="$2"; shift; done\n[ -n "$out" ] && echo "// stand-in PTX" > "$out"\nexit 0\n`,
  );
  fs.chmodSync(path.join(dir, 'nvcc'), 0o755);
  return { dir, kind: 'stand-in nvcc (answers --version, writes empty PTX): no CUDA toolkit could be installed' };
}

function nvccRelease(nvcc) {
  return /release [\d.]+/.exec(tryRun(nvcc, ['--version']) ?? '')?.[0] ?? 'unknown release';
}

function machine(nvccKind) {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cores: cpus.length,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    memory: bytesCell(os.totalmem()),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    nx: NX_VERSION,
    rustc: tryRun('rustc', ['-V']) ?? 'none',
    cargo: tryRun('cargo', ['-V']) ?? 'none',
    nvcc: nvccKind,
    loadAverageAtStart: os.loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}

// ---------------------------------------------------------------- the plugin and Nx workspaces
/** Builds and packs the plugin from this checkout, then installs it with nx once; workspaces link that install. */
function installPlugin(work, env, rev) {
  const out = path.join(work, 'plugin');
  let source = REPO;
  if (rev) {
    // A committed revision instead of the working tree (which may hold someone's unfinished edit). Unpacked under
    // the repository so the build finds the repository's node_modules.
    source = path.join(REPO, 'tmp', `bench-source-${process.pid}`);
    rm(source);
    fs.mkdirSync(source, { recursive: true });
    run('bash', ['-c', `git archive ${JSON.stringify(rev)} | tar -x -C ${JSON.stringify(source)}`], { cwd: REPO, env });
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(source, 'node_modules'), 'dir');
  }
  log(`building the plugin (tools/build.mjs) from ${rev ? `revision ${rev}` : 'the working tree'}`);
  try {
    run(process.execPath, [path.join(source, 'tools', 'build.mjs')], { cwd: source, env: { ...env, NX_RELEASE_GATES_OUT: out } });
  } catch (error) {
    throw new Error(`the plugin did not build: ${String(error.stdout ?? '').trim() || error.message}`);
  } finally {
    if (rev) rm(source);
  }
  const tarball = path.join(work, run('npm', ['pack', '--silent', '--pack-destination', work], { cwd: out, env }).trim().split('\n').pop());
  const install = path.join(work, 'install');
  rm(install);
  write(path.join(install, 'package.json'), JSON.stringify({ name: 'bench-install', private: true, devDependencies: { nx: NX_VERSION, 'nx-release-gates': `file:${tarball}` } }, null, 2));
  log('installing nx and the packed plugin (npm install)');
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: install, env });
  const executors = JSON.parse(fs.readFileSync(path.join(out, 'executors.json'), 'utf8')).executors;
  return { install, gates: Object.keys(executors).filter((e) => e.startsWith('gate-')) };
}

/** Project folders under dist/release-gates (the folder also holds run-wide files such as junit.xml). */
function projectFolders(base) {
  return fs.readdirSync(base, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
}

class Workspace {
  constructor(root, env, logTo) {
    this.root = root;
    this.env = env;
    this.logTo = logTo;
  }

  static create(root, { install, env, logTo, pluginOptions = {}, nxJson = {}, files = () => {} }) {
    rm(root);
    fs.mkdirSync(root, { recursive: true });
    write(path.join(root, 'package.json'), JSON.stringify({ name: path.basename(root), private: true, devDependencies: { nx: NX_VERSION, 'nx-release-gates': '*' } }, null, 2));
    write(path.join(root, 'nx.json'), JSON.stringify({ plugins: [{ plugin: 'nx-release-gates', options: pluginOptions }], ...nxJson }, null, 2));
    write(path.join(root, '.gitignore'), 'node_modules\ndist\ntarget\n.nx\n');
    fs.symlinkSync(path.join(install, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    files(root);
    const ws = new Workspace(root, env, logTo);
    ws.git(['init', '-q', '-b', 'main']);
    ws.commit('initial');
    return ws;
  }

  git(args) {
    return run('git', args, { cwd: this.root, env: this.env });
  }

  commit(message) {
    this.git(['add', '-A']);
    this.git(['commit', '-q', '-m', message]);
    return this.git(['rev-parse', 'HEAD']).trim();
  }

  nxArgs(args) {
    const pkg = path.join(this.root, 'node_modules', 'nx');
    const bin = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')).bin.nx;
    return [path.join(pkg, bin), ...args];
  }

  /** Times `nx <args>`; throws when it fails unless allowFailure. */
  nx(args, { env = {}, label = `nx ${args.join(' ')}`, capture = false, allowFailure = false } = {}) {
    const r = timed(process.execPath, this.nxArgs(args), { cwd: this.root, env: { ...this.env, ...env }, logTo: this.logTo, capture, label });
    if (r.status !== 0 && !allowFailure) throw new Error(`${label} failed (exit ${r.status}) in ${this.root}; see ${this.logTo}`);
    return r;
  }

  sh(script, { cwd = this.root, env = {}, label = script } = {}) {
    return timed('bash', ['-c', script], { cwd, env: { ...this.env, ...env }, logTo: this.logTo, label });
  }

  stopDaemon() {
    timed(process.execPath, this.nxArgs(['daemon', '--stop']), { cwd: this.root, env: this.env, logTo: this.logTo, label: 'daemon stop' });
  }

  /** Gate result files of a project (target -> parsed JSON). */
  results(project) {
    const dir = path.join(this.root, 'dist', 'release-gates', project);
    const out = {};
    if (!fs.existsSync(dir)) return out;
    for (const f of fs.readdirSync(dir)) if (/^gate-.*\.json$/.test(f)) out[f.replace(/\.json$/, '')] = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    return out;
  }

  /** Gate tasks that really ran (not replayed from the cache) since `since`, over all projects. */
  gatesRunSince(since) {
    const base = path.join(this.root, 'dist', 'release-gates');
    let ran = 0;
    let total = 0;
    if (!fs.existsSync(base)) return { ran, total };
    for (const project of projectFolders(base)) {
      for (const r of Object.values(this.results(project))) {
        total++;
        if (Date.parse(r.startedAt) >= since) ran++;
      }
    }
    return { ran, total };
  }

  /** Projects whose release-dry-run report was written since `since`. */
  dryRunsSince(since) {
    const base = path.join(this.root, 'dist', 'release-gates');
    if (!fs.existsSync(base)) return [];
    return projectFolders(base)
      .filter((p) => {
        const f = path.join(base, p, 'release-dry-run.json');
        return fs.existsSync(f) && fs.statSync(f).mtimeMs >= since;
      })
      .sort();
  }

  dryRunStatus(project) {
    const f = path.join(this.root, 'dist', 'release-gates', project, 'release-dry-run.json');
    return fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')).status : 'missing';
  }
}

/** Appends a line to a Rust source file: a new input for Nx, a changed file for cargo. */
let editCounter = 0;
function editSource(file) {
  fs.appendFileSync(file, `// bench edit ${++editCounter} ${Date.now()}\n`);
}

// ---------------------------------------------------------------- the single-crate workspaces (cold, warm, parallel)
function singleCrate(ctx, name, targetDirectory) {
  return Workspace.create(path.join(ctx.work, name), {
    install: ctx.install,
    env: ctx.env,
    logTo: ctx.logFor(name),
    pluginOptions: targetDirectory === 'per-gate' ? { targetDirectory } : {},
    nxJson: { targetDefaults: { 'release-dry-run': { options: { gates: ctx.scriptGates } } } },
    files: (root) => copyTree(FIXTURE, path.join(root, 'textlab')),
  });
}

function coldNx(ws, project = 'textlab', crateDir = 'textlab', args = ['run', `${project}:release-dry-run`]) {
  rm(path.join(ws.root, crateDir, 'target'), path.join(ws.root, 'dist'), path.join(ws.root, '.nx'));
  const r = ws.nx(args, { allowFailure: true, label: 'cold release-dry-run' });
  return r;
}

/** The raw cargo commands the plugin ran (from the result files), as one bash script run in the crate folder. */
function rawScript(ws, project, gates) {
  const results = ws.results(project);
  const lines = ['#!/usr/bin/env bash', '# The commands nx-release-gates ran for this crate (from dist/release-gates/*/gate-*.json), back to back.', 'set -uo pipefail', 'status=0'];
  let count = 0;
  for (const gate of gates) {
    const r = results[gate];
    if (!r) continue;
    for (const command of r.commands ?? []) {
      const env = gate === 'gate-doc' && r.details?.rustdocFlags ? `RUSTDOCFLAGS=${JSON.stringify(r.details.rustdocFlags)} ` : '';
      lines.push(`${env}${command} >/dev/null || status=$?`);
      count++;
    }
  }
  lines.push('exit $status');
  return { text: `${lines.join('\n')}\n`, count };
}

// ---------------------------------------------------------------- benchmarks
function benchCold(ctx) {
  const ws = ctx.single();
  const wsPg = ctx.singlePerGate();
  const crate = path.join(ws.root, 'textlab');
  const raw = path.join(ctx.work, 'raw-cargo.sh');
  const times = { script: [], nx: [], raw: [], nxPerGate: [] };
  const status = { script: [], nx: [], raw: [], nxPerGate: [] };
  const ratios = { nxVsScript: [], nxVsRaw: [] };
  let rawCount = 0;
  for (let round = 1; round <= ctx.o.coldRuns; round++) {
    log(`cold round ${round}/${ctx.o.coldRuns}: release-dry-run (empty target, empty Nx cache)`);
    const n = coldNx(ws);
    times.nx.push(n.ms);
    status.nx.push(`${n.status}/${ws.dryRunStatus('textlab')}`);
    if (round === 1) {
      const s = rawScript(ws, 'textlab', ctx.scriptGates);
      write(raw, s.text);
      rawCount = s.count;
    }
    log(`  ${secs(n.ms)}; now the original script`);
    rm(path.join(crate, 'target'));
    const s = ws.sh(`bash ${JSON.stringify(SCRIPT)}`, { cwd: crate, label: 'cold original script' });
    times.script.push(s.ms);
    status.script.push(s.status);
    log(`  ${secs(s.ms)}; now the raw cargo commands (${rawCount})`);
    rm(path.join(crate, 'target'));
    const r = ws.sh(`bash ${JSON.stringify(raw)}`, { cwd: crate, label: 'cold raw cargo' });
    times.raw.push(r.ms);
    status.raw.push(r.status);
    ratios.nxVsScript.push(n.ms / s.ms);
    ratios.nxVsRaw.push(n.ms / r.ms);
    log(`  ${secs(r.ms)}`);
    if (ctx.o.only.includes('parallel') && round === 1) {
      log('  release-dry-run with per-gate target directories (for the parallel benchmark)');
      const p = coldNx(wsPg);
      times.nxPerGate.push(p.ms);
      status.nxPerGate.push(`${p.status}/${wsPg.dryRunStatus('textlab')}`);
      log(`  ${secs(p.ms)}`);
    }
  }
  ctx.coldSingle = { shared: times.nx, perGate: times.nxPerGate, sharedDisk: diskBytes(path.join(crate, 'target')), perGateDisk: diskBytes(path.join(wsPg.root, 'textlab', 'target')) };
  const ratioScript = median(ratios.nxVsScript);
  const ratioRaw = median(ratios.nxVsRaw);
  return {
    name: 'Cold (empty target directory and Nx cache)',
    rows: [
      ['original script (6 gates + pre-flight, bash)', timeCell(summary(times.script)), `exit ${status.script.join(', ')}`],
      ['`nx run textlab:release-dry-run`', timeCell(summary(times.nx)), `exit/report ${status.nx.join(', ')}`],
      [`raw cargo: the ${rawCount} commands the plugin ran, back to back`, timeCell(summary(times.raw)), `exit ${status.raw.join(', ')}`],
    ],
    header: ['variant', 'time: median (min–max)', 'status'],
    goals: [
      goal('cold: release-dry-run no slower than the script (ratio ≤ 1.0)', ratioCell(ratios.nxVsScript), ratioScript <= 1.0),
      goal('cold: release-dry-run within 10% of the raw cargo commands (ratio ≤ 1.10)', ratioCell(ratios.nxVsRaw), ratioRaw <= 1.1),
    ],
    data: { times, status, ratios, rawCount, rawScript: fs.readFileSync(raw, 'utf8') },
  };
}

function benchWarm(ctx) {
  const ws = ctx.single();
  const crate = path.join(ws.root, 'textlab');
  // Fill the target directory and the Nx cache if the cold benchmark did not run.
  if (!fs.existsSync(path.join(ws.root, '.nx'))) ws.nx(['run', 'textlab:release-dry-run'], { allowFailure: true, label: 'warm-up fill' });
  log('warm: one unmeasured run of each variant first');
  ws.sh(`bash ${JSON.stringify(SCRIPT)}`, { cwd: crate, label: 'warm-up script' });
  ws.nx(['run', 'textlab:release-dry-run'], { allowFailure: true, label: 'warm-up nx' });
  ws.nx(['run', 'textlab:release-dry-run'], { allowFailure: true, env: { NX_DAEMON: 'true' }, label: 'warm-up nx daemon (starts it)' });
  const times = { script: [], off: [], on: [] };
  const ratios = { off: [], on: [] };
  const hits = [];
  for (let round = 1; round <= ctx.o.runs; round++) {
    const s = ws.sh(`bash ${JSON.stringify(SCRIPT)}`, { cwd: crate, label: 'warm script' });
    const since = Date.now();
    const off = ws.nx(['run', 'textlab:release-dry-run'], { allowFailure: true, label: 'warm nx, daemon off' });
    hits.push(ws.gatesRunSince(since));
    const on = ws.nx(['run', 'textlab:release-dry-run'], { allowFailure: true, env: { NX_DAEMON: 'true' }, label: 'warm nx, daemon on' });
    times.script.push(s.ms);
    times.off.push(off.ms);
    times.on.push(on.ms);
    ratios.off.push(s.ms / off.ms);
    ratios.on.push(s.ms / on.ms);
    log(`warm round ${round}/${ctx.o.runs}: script ${secs(s.ms)}, nx daemon off ${secs(off.ms)}, on ${secs(on.ms)}`);
  }
  ws.stopDaemon();
  const best = Math.min(median(times.off), median(times.on));
  const last = hits[hits.length - 1] ?? { ran: NaN, total: NaN };
  return {
    name: 'Warm, nothing changed',
    header: ['variant', 'time: median (min–max)', 'script ÷ variant (pairwise)'],
    rows: [
      ['original script (re-switches features, re-runs tests)', timeCell(summary(times.script)), '1×'],
      ['`nx run textlab:release-dry-run`, NX_DAEMON=false', timeCell(summary(times.off)), ratioCell(ratios.off)],
      ['`nx run textlab:release-dry-run`, daemon on', timeCell(summary(times.on)), ratioCell(ratios.on)],
    ],
    notes: [`gates that really ran in the last daemon-off run: ${last.ran} of ${last.total} (the rest replayed from the Nx cache; gates marked uncached in the plugin always run)`],
    goals: [
      goal('warm: release-dry-run ≥ 30× faster than the script (daemon off)', ratioCell(ratios.off), median(ratios.off) >= 30),
      goal('warm: release-dry-run ≥ 30× faster than the script (daemon on)', ratioCell(ratios.on), median(ratios.on) >= 30),
      goal('warm: release-dry-run under 2 s', `daemon off ${secs(median(times.off))}, on ${secs(median(times.on))}`, best < 2000),
    ],
    data: { times, ratios, hits },
  };
}

/**
 * The goal of a warm dry run: at most 1.5x one Nx start on the same workspace. Side by side in one run, alternating:
 * the floor (`nx show projects`), warm `release-dry-run` daemon off and on, on the example crate (every gate) and the
 * benchmark crate (the script's gates); ratios pair by pair (a dry run over the floor measured next to it, same mode).
 */
function benchFloor(ctx) {
  const example = Workspace.create(path.join(ctx.work, 'example'), {
    install: ctx.install,
    env: ctx.env,
    logTo: ctx.logFor('example'),
    files: (root) => copyTree(EXAMPLE, path.join(root, 'release-gates-demo')),
  });
  const crates = [
    { label: 'example crate (release-gates-demo, every gate)', ws: example, project: 'release-gates-demo' },
    { label: 'benchmark crate (textlab, the script\'s gates)', ws: ctx.single(), project: 'textlab' },
  ];
  const rows = [];
  const goals = [];
  const data = {};
  for (const { label, ws, project } of crates) {
    const dryRun = (env, tag) => ws.nx(['run', `${project}:release-dry-run`], { allowFailure: true, env, label: `warm ${project} ${tag}` });
    const floor = (env, tag) => ws.nx(['show', 'projects'], { allowFailure: true, env, label: `floor ${project} ${tag}` });
    log(`floor: ${project}: fill the cache, start the daemon (not timed)`);
    dryRun({}, 'fill');
    dryRun({}, 'fill');
    dryRun({ NX_DAEMON: 'true' }, 'daemon warm-up');
    floor({ NX_DAEMON: 'true' }, 'daemon warm-up');
    const times = { floorOff: [], off: [], floorOn: [], on: [] };
    const ratios = { off: [], on: [] };
    for (let round = 1; round <= ctx.o.runs; round++) {
      const fOff = floor({}, 'daemon off');
      const dOff = dryRun({}, 'daemon off');
      const fOn = floor({ NX_DAEMON: 'true' }, 'daemon on');
      const dOn = dryRun({ NX_DAEMON: 'true' }, 'daemon on');
      times.floorOff.push(fOff.ms);
      times.off.push(dOff.ms);
      times.floorOn.push(fOn.ms);
      times.on.push(dOn.ms);
      ratios.off.push(dOff.ms / fOff.ms);
      ratios.on.push(dOn.ms / fOn.ms);
      log(`floor round ${round}/${ctx.o.runs} ${project}: floor ${secs(fOff.ms)} / dry run ${secs(dOff.ms)} (daemon off), floor ${secs(fOn.ms)} / dry run ${secs(dOn.ms)} (on)`);
    }
    ws.stopDaemon();
    rows.push(
      [`${label}: \`nx show projects\`, daemon off (floor)`, timeCell(summary(times.floorOff)), '1×'],
      [`${label}: warm release-dry-run, daemon off`, timeCell(summary(times.off)), ratioCell(ratios.off)],
      [`${label}: \`nx show projects\`, daemon on (floor)`, timeCell(summary(times.floorOn)), '1×'],
      [`${label}: warm release-dry-run, daemon on`, timeCell(summary(times.on)), ratioCell(ratios.on)],
    );
    goals.push(
      goal(`warm: ${project} release-dry-run ≤ 1.5× one Nx start (daemon off)`, ratioCell(ratios.off), median(ratios.off) <= 1.5),
      goal(`warm: ${project} release-dry-run ≤ 1.5× one Nx start (daemon on)`, ratioCell(ratios.on), median(ratios.on) <= 1.5),
    );
    data[project] = { times, ratios };
  }
  return { name: 'Warm release-dry-run against one Nx start (the floor)', header: ['variant', 'time: median (min–max)', 'variant ÷ floor (pairwise)'], rows, goals, data };
}

/**
 * The tag release replaying the private dry run: the e2e suite's self-hosted cache server (Nx's published API) runs in
 * a child process (this script times with spawnSync, which would block a server in its own process); clone A, cold,
 * fills it; clone B, another folder with the same files, an empty local cache and an empty target directory, runs the
 * same release-dry-run. Goal: B at most 10% of A's time.
 */
function startCacheServer(ctx) {
  const ts = createRequire(import.meta.url)('typescript');
  const source = fs.readFileSync(path.join(REPO, 'e2e', 'nx-release-gates-e2e', 'support', 'remote-cache-server.ts'), 'utf8');
  const dir = path.join(ctx.work, 'cache-server');
  fs.mkdirSync(dir, { recursive: true });
  write(path.join(dir, 'server.cjs'), ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText);
  const urlFile = path.join(dir, 'url');
  rm(urlFile);
  write(
    path.join(dir, 'run.cjs'),
    `const fs = require('node:fs');\nrequire('./server.cjs').RemoteCacheServer.start({ token: 'bench' }).then((s) => fs.writeFileSync(${JSON.stringify(urlFile)}, s.url));\n`,
  );
  const child = spawn(process.execPath, [path.join(dir, 'run.cjs')], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !fs.existsSync(urlFile); i++) sleep(100);
  if (!fs.existsSync(urlFile)) throw new Error('the cache server did not start');
  return { url: fs.readFileSync(urlFile, 'utf8'), stop: () => child.kill() };
}

function benchRemote(ctx) {
  const server = startCacheServer(ctx);
  try {
    const clones = ['remote-a', 'remote-b'].map((name) => singleCrate(ctx, name, 'shared'));
    const env = (ws) => ({
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url,
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 'bench',
      NX_CACHE_DIRECTORY: path.join(ws.root, '.nx-local-cache'),
    });
    const times = [];
    const replayed = [];
    for (const ws of clones) {
      rm(path.join(ws.root, 'textlab', 'target'), path.join(ws.root, 'dist'), path.join(ws.root, '.nx'), path.join(ws.root, '.nx-local-cache'));
      const r = ws.nx(['run', 'textlab:release-dry-run'], { allowFailure: true, env: env(ws), label: `cold release-dry-run ${path.basename(ws.root)}` });
      times.push(r.ms);
      const rows = JSON.parse(fs.readFileSync(path.join(ws.root, 'dist', 'release-gates', 'textlab', 'release-dry-run.json'), 'utf8')).rows ?? [];
      replayed.push(`${rows.filter((row) => row.source === 'remote cache').length} of ${rows.length}`);
      log(`  ${path.basename(ws.root)}: ${secs(r.ms)}, gates from the remote cache: ${replayed.at(-1)}`);
    }
    const ratio = times[1] / times[0];
    return {
      name: 'Tag release replaying the private dry run (remote cache, cold clones)',
      header: ['variant', 'time', 'gates replayed from the remote cache'],
      rows: [
        ['clone A: cold release-dry-run, fills the remote cache', secs(times[0]), replayed[0]],
        ['clone B: same commit, other folder, empty local cache and target directory', secs(times[1]), replayed[1]],
        ['clone B ÷ clone A', `${ratio.toFixed(2)}×`, ''],
      ],
      goals: [goal('remote: clone B at most 10% of clone A (cold, benchmark crate)', `${(ratio * 100).toFixed(1)}%`, ratio <= 0.1)],
      data: { times, replayed },
    };
  } finally {
    server.stop();
  }
}

function benchAffected(ctx) {
  const count = 20;
  // A tree: crate i depends on crate floor(i/2) (c01 at the root); c02 also depends on c01 through a chain c01 <- c02 <- c04 ...
  const parentsOf = (i) => (i === 1 ? [] : [Math.floor(i / 2)]);
  let deps;
  const ws = Workspace.create(path.join(ctx.work, 'affected'), {
    install: ctx.install,
    env: ctx.env,
    logTo: ctx.logFor('affected'),
    nxJson: { targetDefaults: { 'release-dry-run': { options: { gates: ctx.scriptGates } } } },
    files: (root) => {
      deps = tinyWorkspace(root, count, parentsOf);
      run('cargo', ['generate-lockfile', '--offline'], { cwd: root, env: ctx.env });
    },
  });
  const base = ws.git(['rev-parse', 'HEAD']).trim();
  const leaf = crateName(count, 2);
  const inner = crateName(3, 2);
  log('affected: filling the cache and target directory (all 20 crates, unmeasured)');
  ws.nx(['run-many', '-t', 'release-dry-run'], { allowFailure: true, label: 'fill' });
  const times = { affected: [], all: [], allCached: [] };
  const ratios = [];
  const selections = [];
  const tasks = { affected: [], all: [], allCached: [] };
  const runVariant = (key, args, env = {}) => {
    const since = Date.now();
    const r = ws.nx(args, { allowFailure: true, env, label: `affected bench: ${key}` });
    times[key].push(r.ms);
    tasks[key].push(ws.gatesRunSince(since));
    return { r, selected: ws.dryRunsSince(since) };
  };
  for (let round = 1; round <= ctx.o.affectedRuns; round++) {
    ws.git(['checkout', '--', '.']);
    editSource(path.join(ws.root, 'crates', leaf, 'src', 'lib.rs'));
    const a = runVariant('affected', ['affected', '-t', 'release-dry-run', `--base=${base}`]);
    selections.push(a.selected);
    editSource(path.join(ws.root, 'crates', leaf, 'src', 'lib.rs'));
    const b = runVariant('all', ['run-many', '-t', 'release-dry-run'], { NX_SKIP_NX_CACHE: 'true' });
    editSource(path.join(ws.root, 'crates', leaf, 'src', 'lib.rs'));
    runVariant('allCached', ['run-many', '-t', 'release-dry-run']);
    ratios.push(b.r.ms / a.r.ms);
    log(`affected round ${round}/${ctx.o.affectedRuns}: affected ${secs(a.r.ms)} (${a.selected.join(' ')}), every crate's gates ${secs(b.r.ms)}`);
  }
  // An inner crate: the crate and everything that depends on it.
  ws.git(['checkout', '--', '.']);
  editSource(path.join(ws.root, 'crates', inner, 'src', 'lib.rs'));
  const since = Date.now();
  const innerRun = ws.nx(['affected', '-t', 'release-dry-run', `--base=${base}`], { allowFailure: true, label: 'affected inner' });
  const innerSelected = ws.dryRunsSince(since);
  const innerTasks = ws.gatesRunSince(since);
  ws.git(['checkout', '--', '.']);

  const expectedLeaf = dependentsClosure(deps, leaf);
  const expectedInner = dependentsClosure(deps, inner);
  const leafRight = selections.every((s) => JSON.stringify(s) === JSON.stringify(expectedLeaf));
  const innerRight = JSON.stringify(innerSelected) === JSON.stringify(expectedInner);
  const t = (k) => tasks[k][tasks[k].length - 1] ?? { ran: NaN, total: NaN };
  const perCrate = ctx.scriptGates.length;
  return {
    name: `Affected (Cargo workspace of ${count} tiny crates, tree c(i) → c(i/2); edit in leaf ${leaf})`,
    header: ['variant', 'time: median (min–max)', 'gate tasks run / total', 'crates'],
    rows: [
      [`\`nx affected -t release-dry-run --base=<rev>\` after an edit in ${leaf}`, timeCell(summary(times.affected)), `${t('affected').ran} / ${count * perCrate}`, `${selections[selections.length - 1]?.join(' ') || 'none'}`],
      ["every crate's gates: `nx run-many -t release-dry-run`, NX_SKIP_NX_CACHE=true", timeCell(summary(times.all)), `${t('all').ran} / ${count * perCrate}`, `${count}`],
      ["every crate's release-dry-run with the Nx cache: `nx run-many -t release-dry-run`", timeCell(summary(times.allCached)), `${t('allCached').ran} / ${count * perCrate}`, `${count}`],
      [`\`nx affected\` after an edit in inner crate ${inner} (1 run)`, secs(innerRun.ms), `${innerTasks.ran} / ${count * perCrate}`, innerSelected.join(' ')],
    ],
    notes: [
      `expected after an edit in ${leaf}: ${expectedLeaf.join(' ')}; selected: ${selections.map((s) => s.join(' ') || 'none').join(' | ')} → ${leafRight ? 'exact' : 'WRONG'}`,
      `expected after an edit in ${inner}: ${expectedInner.join(' ')}; selected: ${innerSelected.join(' ') || 'none'} → ${innerRight ? 'exact' : 'WRONG'}`,
      'all variants start from the same state: target directory warm, Nx cache filled for the committed tree; each run follows a fresh edit.',
    ],
    goals: [
      goal(`affected: selects exactly the edited crate and its dependents`, `${leaf}: ${leafRight ? 'exact' : 'wrong'}; ${inner}: ${innerRight ? 'exact' : 'wrong'}`, leafRight && innerRight),
      goal("affected: time ratio, every crate's gates ÷ nx affected (pairwise)", ratioCell(ratios), null),
    ],
    data: { times, ratios, selections, tasks, innerSelected, expectedLeaf, expectedInner, innerTasks },
  };
}

function benchInference(ctx) {
  const shimDir = path.join(ctx.work, 'cargo-shim');
  const shimLog = path.join(ctx.work, 'cargo-metadata-calls.log');
  const realCargo = tryRun('bash', ['-c', 'command -v cargo']);
  write(path.join(shimDir, 'cargo'), `#!/usr/bin/env bash\n# Counts cargo metadata calls, then runs the real cargo.\nif [ "\${1:-}" = metadata ]; then echo "$PWD $*" >> ${JSON.stringify(shimLog)}; fi\nexec ${JSON.stringify(realCargo)} "$@"\n`);
  fs.chmodSync(path.join(shimDir, 'cargo'), 0o755);
  const sizes = [0, ...ctx.o.sizes];
  const spaces = {};
  for (const n of sizes) {
    spaces[n] = Workspace.create(path.join(ctx.work, `inference-${n}`), {
      install: ctx.install,
      env: ctx.env,
      logTo: ctx.logFor('inference'),
      files: (root) => {
        if (n === 0) return;
        tinyWorkspace(root, n, (i) => [i - 1, i - 7]);
        run('cargo', ['generate-lockfile', '--offline'], { cwd: root, env: ctx.env });
      },
    });
  }
  const times = Object.fromEntries(sizes.map((n) => [n, []]));
  const calls = Object.fromEntries(sizes.map((n) => [n, []]));
  const projects = Object.fromEntries(sizes.map((n) => [n, []]));
  const env = { PATH: `${shimDir}${path.delimiter}${ctx.env.PATH}`, NX_DAEMON: 'false' };
  for (let round = 1; round <= ctx.o.runs; round++) {
    for (const n of sizes) {
      const ws = spaces[n];
      rm(path.join(ws.root, '.nx'), shimLog);
      const r = ws.nx(['show', 'projects'], { env, capture: true, label: `show projects (${n} crates)` });
      times[n].push(r.ms);
      calls[n].push(fs.existsSync(shimLog) ? fs.readFileSync(shimLog, 'utf8').split('\n').filter(Boolean).length : 0);
      projects[n].push(r.out.split('\n').filter(Boolean).length);
    }
    log(`inference round ${round}/${ctx.o.runs}: ${sizes.map((n) => `${n}: ${secs(times[n][times[n].length - 1])}`).join(', ')}`);
  }
  const med = Object.fromEntries(sizes.map((n) => [n, median(times[n])]));
  const [a, b, c] = ctx.o.sizes;
  const perCrate = (x, y) => (med[y] - med[x]) / (y - x);
  const rows = sizes.map((n) => [
    n === 0 ? 'no crates (Nx alone)' : `${n} crates`,
    timeCell(summary(times[n])),
    n === 0 ? '—' : `${Math.max(...calls[n])} (max of ${calls[n].length} runs)`,
    `${Math.min(...projects[n])}`,
  ]);
  const linear = a && b && c ? perCrate(b, c) <= 1.5 * Math.max(perCrate(a, b), 0.5) && med[c] / med[b] <= c / b && med[b] / med[a] <= b / a : null;
  const okCalls = ctx.o.sizes.every((n) => calls[n].every((k) => k === 1));
  const at200 = med[200];
  return {
    name: 'Inference at scale (`nx show projects`, NX_DAEMON=false, .nx deleted before each run)',
    header: ['Cargo workspace', 'time: median (min–max)', '`cargo metadata` calls', 'projects listed'],
    rows,
    notes: [
      a && b && c
        ? `marginal cost per crate: ${a}→${b}: ${perCrate(a, b).toFixed(2)} ms, ${b}→${c}: ${perCrate(b, c).toFixed(2)} ms; time ratio ${b}/${a} crates ${(med[b] / med[a]).toFixed(2)} (linear would be ${(b / a).toFixed(1)}), ${c}/${b} ${(med[c] / med[b]).toFixed(2)} (linear ${(c / b).toFixed(1)})`
        : 'growth not computed (needs three sizes)',
      'each crate depends by path on the crates 1 and 7 before it; one Cargo workspace; cargo metadata counted by a `cargo` wrapper first on PATH.',
    ],
    goals: [
      goal('inference: 1 `cargo metadata` call per Cargo workspace', ctx.o.sizes.map((n) => `${n}: ${Math.max(...calls[n])}`).join(', '), okCalls),
      ...(at200 !== undefined ? [goal('inference: 200 crates under 3 s', secs(at200), at200 < 3000)] : []),
      goal('inference: growth no worse than linear', a && b && c ? `${b}/${a}: ${(med[b] / med[a]).toFixed(2)}×, ${c}/${b}: ${(med[c] / med[b]).toFixed(2)}×` : 'n/a', linear),
    ],
    data: { times, calls, projects },
  };
}

function benchParallel(ctx) {
  const single = ctx.o.parallelRuns >= 1;
  const ws = single ? ctx.single() : null;
  const wsPg = single ? ctx.singlePerGate() : null;
  // 1 crate, cold: measured in the cold rounds when they ran; else once here (none with --parallel-runs 0).
  let cold = ctx.coldSingle ?? { shared: [], perGate: [], sharedDisk: NaN, perGateDisk: NaN };
  if (!ctx.coldSingle && single) {
    log('parallel: cold single crate, shared then per-gate');
    const a = coldNx(ws);
    const b = coldNx(wsPg);
    cold = { shared: [a.ms], perGate: [b.ms], sharedDisk: diskBytes(path.join(ws.root, 'textlab', 'target')), perGateDisk: diskBytes(path.join(wsPg.root, 'textlab', 'target')) };
  }
  // 1 crate, after an edit of its source (target directories warm), alternating.
  const edit = { shared: [], perGate: [] };
  const editRatios = [];
  for (let round = 1; round <= ctx.o.parallelRuns; round++) {
    editSource(path.join(ws.root, 'textlab', 'src', 'lib.rs'));
    const a = ws.nx(['run', 'textlab:release-dry-run'], { allowFailure: true, label: 'edit, shared' });
    editSource(path.join(wsPg.root, 'textlab', 'src', 'lib.rs'));
    const b = wsPg.nx(['run', 'textlab:release-dry-run'], { allowFailure: true, label: 'edit, per-gate' });
    edit.shared.push(a.ms);
    edit.perGate.push(b.ms);
    editRatios.push(b.ms / a.ms);
    log(`parallel, 1 crate after an edit, round ${round}/${ctx.o.parallelRuns}: shared ${secs(a.ms)}, per-gate ${secs(b.ms)}`);
  }
  const disk1 = single ? { shared: diskBytes(path.join(ws.root, 'textlab', 'target')), perGate: diskBytes(path.join(wsPg.root, 'textlab', 'target')) } : { shared: NaN, perGate: NaN };
  // 5 crates in one Cargo workspace, cold, alternating.
  const suite = (name, targetDirectory) =>
    Workspace.create(path.join(ctx.work, name), {
      install: ctx.install,
      env: ctx.env,
      logTo: ctx.logFor(name),
      pluginOptions: targetDirectory === 'per-gate' ? { targetDirectory } : {},
      nxJson: { targetDefaults: { 'release-dry-run': { options: { gates: ctx.scriptGates } } } },
      files: (root) => {
        suiteWorkspace(path.join(root, 'suite'), FIXTURE);
        run('cargo', ['update', '--workspace', '--offline'], { cwd: path.join(root, 'suite'), env: ctx.env });
        run('cargo', ['fmt', '--all'], { cwd: path.join(root, 'suite'), env: ctx.env });
      },
    });
  const skipSuite = ctx.o.suiteRuns < 1;
  const s5 = skipSuite ? null : suite('suite-shared', 'shared');
  const p5 = skipSuite ? null : suite('suite-per-gate', 'per-gate');
  const five = { shared: [], perGate: [] };
  const fiveStatus = { shared: [], perGate: [] };
  const fiveRatios = [];
  for (let round = 1; round <= ctx.o.suiteRuns; round++) {
    for (const [key, w] of [['shared', s5], ['perGate', p5]]) {
      rm(path.join(w.root, 'suite', 'target'), path.join(w.root, 'dist'), path.join(w.root, '.nx'));
      const r = w.nx(['run-many', '-t', 'release-dry-run'], { allowFailure: true, label: `5 crates cold, ${key}` });
      five[key].push(r.ms);
      fiveStatus[key].push(r.status);
      log(`parallel, 5 crates cold, round ${round}/${ctx.o.suiteRuns}: ${key} ${secs(r.ms)} (exit ${r.status})`);
    }
    fiveRatios.push(five.perGate[five.perGate.length - 1] / five.shared[five.shared.length - 1]);
  }
  const disk5 = skipSuite ? { shared: NaN, perGate: NaN } : { shared: diskBytes(path.join(s5.root, 'suite', 'target')), perGate: diskBytes(path.join(p5.root, 'suite', 'target')) };
  const coldRatios = cold.perGate.map((p, i) => p / cold.shared[i]);
  return {
    name: 'Parallel gates: shared target directory (default) vs per-gate target directories (Nx default parallelism, 3)',
    header: ['case', 'shared: time', 'per-gate: time', 'per-gate ÷ shared (pairwise)', 'disk shared', 'disk per-gate'],
    rows: [
      ['1 crate, cold', timeCell(summary(cold.shared)), timeCell(summary(cold.perGate)), ratioCell(coldRatios), bytesCell(cold.sharedDisk), bytesCell(cold.perGateDisk)],
      ['1 crate, after an edit of src/lib.rs', timeCell(summary(edit.shared)), timeCell(summary(edit.perGate)), ratioCell(editRatios), bytesCell(disk1.shared), bytesCell(disk1.perGate)],
      ['5 crates (one Cargo workspace), cold, `nx run-many -t release-dry-run`', timeCell(summary(five.shared)), timeCell(summary(five.perGate)), ratioCell(fiveRatios), bytesCell(disk5.shared), bytesCell(disk5.perGate)],
    ],
    notes: [skipSuite ? '5 crates: not measured in this run (--suite-runs 0)' : `5-crate exit codes: shared ${fiveStatus.shared.join(', ')}, per-gate ${fiveStatus.perGate.join(', ')}`],
    goals: [],
    data: { cold, edit, editRatios, disk1, five, fiveRatios, disk5 },
  };
}

function goal(text, figure, met) {
  return { text, figure, met };
}

// ---------------------------------------------------------------- report
function markdown(result) {
  const m = result.machine;
  const lines = [];
  lines.push(`Machine: ${m.cores} cores (${m.cpuModel}), ${m.memory} memory, ${m.os}; ${m.rustc}; ${m.cargo}; Node ${m.node}; Nx ${m.nx}; CUDA: ${m.nvcc}.`);
  lines.push(`Run ${m.date}; load average at start ${m.loadAverageAtStart}${result.loadAtEnd ? `, at end ${result.loadAtEnd}` : ''}. Options: \`${result.command}\`.`);
  lines.push('');
  lines.push('### Goals');
  lines.push('');
  lines.push('| goal | measured | met |');
  lines.push('| --- | --- | --- |');
  for (const b of result.benchmarks) for (const g of b.goals) lines.push(`| ${g.text} | ${g.figure} | ${g.met === null ? '(figure only)' : g.met ? 'met' : '**not met**'} |`);
  for (const b of result.benchmarks) {
    lines.push('');
    lines.push(`### ${b.name}`);
    lines.push('');
    lines.push(`| ${b.header.join(' | ')} |`);
    lines.push(`| ${b.header.map(() => '---').join(' | ')} |`);
    for (const row of b.rows) lines.push(`| ${row.join(' | ')} |`);
    for (const note of b.notes ?? []) lines.push(`\n${note}`);
  }
  for (const e of result.errors) lines.push(`\n**${e.benchmark} did not finish:** ${e.error}`);
  return `${lines.join('\n')}\n`;
}

function docsPage(table) {
  const intro = fs.readFileSync(path.join(BENCH, 'benchmarks-intro.md'), 'utf8');
  return `${intro.trimEnd()}\n\n## Latest results\n\n${table}`;
}

// ---------------------------------------------------------------- main
function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.render) {
    // Re-render the table and docs/benchmarks.md from the last run's JSON (after editing benchmarks-intro.md).
    const last = JSON.parse(fs.readFileSync(path.join(REPO, 'bench-results', 'latest.json'), 'utf8'));
    const table = markdown(last);
    write(path.join(REPO, 'bench-results', 'latest.md'), `# nx-release-gates benchmark\n\n${table}`);
    write(path.join(REPO, 'docs', 'benchmarks.md'), docsPage(table));
    console.log(table);
    return;
  }
  fs.mkdirSync(o.work, { recursive: true });
  const results = path.join(REPO, 'bench-results');
  setLog(path.join(o.work, 'bench.log'));
  const nvcc = findNvcc(o.nvcc, o.work);
  const env = baseEnv(nvcc.dir ? [nvcc.dir] : []);
  const ctx = { o, work: o.work, env, logFor: (name) => path.join(o.work, 'logs', `${name}.log`) };
  rm(path.join(o.work, 'logs'));
  const info = machine(nvcc.kind);
  log(`nx-release-gates benchmark: ${o.only.join(', ')}; ${info.cores} cores, ${info.rustc}, node ${info.node}; CUDA: ${info.nvcc}`);
  log(`work folder ${o.work} (logs in ${path.join(o.work, 'logs')})`);
  log('fetching the fixture crate\'s dependencies (not timed)');
  run('cargo', ['fetch', '--locked'], { cwd: FIXTURE, env });
  const { install, gates } = installPlugin(o.work, env, o.pluginRev);
  ctx.install = install;
  // The gates that correspond to the original script (pre-flight + gates 1-6); docker is left out because the
  // script builds its image only when a Docker daemon answers, and publish/version are not in the local script.
  const wanted = ['gate-lockfile', 'gate-fmt', 'gate-build', 'gate-cuda', 'gate-package', 'gate-size', 'gate-test', 'gate-doc'];
  ctx.scriptGates = wanted.filter((g) => gates.includes(g));
  log(`release-dry-run gates used (the script's): ${ctx.scriptGates.join(', ')}`);
  let single;
  let singlePg;
  ctx.single = () => (single ??= singleCrate(ctx, 'single-shared', 'shared'));
  ctx.singlePerGate = () => (singlePg ??= singleCrate(ctx, 'single-per-gate', 'per-gate'));

  const result = { machine: info, command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(), gates: ctx.scriptGates, benchmarks: [], errors: [] };
  const save = () => {
    const table = markdown(result);
    write(path.join(results, 'latest.md'), `# nx-release-gates benchmark\n\n${table}`);
    write(path.join(results, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    return table;
  };
  const order = { cold: benchCold, warm: benchWarm, floor: benchFloor, remote: benchRemote, affected: benchAffected, inference: benchInference, parallel: benchParallel };
  for (const name of ALL.filter((b) => o.only.includes(b))) {
    const started = Date.now();
    log(`=== ${name}`);
    try {
      const b = order[name](ctx);
      b.id = name;
      b.seconds = Math.round((Date.now() - started) / 1000);
      result.benchmarks.push(b);
    } catch (error) {
      log(`${name} failed: ${error.message}`);
      result.errors.push({ benchmark: name, error: error.message });
    }
    save();
  }
  result.loadAtEnd = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const table = save();
  if (o.docs) write(path.join(REPO, 'docs', 'benchmarks.md'), docsPage(table));
  console.log(`\n${table}`);
  console.log(`written: bench-results/latest.md, bench-results/latest.json${o.docs ? ', docs/benchmarks.md' : ''}`);
  for (const w of [single, singlePg]) w?.stopDaemon();
  if (!o.keep) {
    // Target directories take gigabytes: keep only the logs and scripts unless --keep.
    for (const entry of fs.readdirSync(o.work)) {
      if (!['logs', 'bench.log', 'raw-cargo.sh', 'cuda'].includes(entry)) rm(path.join(o.work, entry));
    }
  }
  process.exitCode = result.errors.length ? 1 : 0;
}

main();
