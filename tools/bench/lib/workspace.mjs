// An Nx workspace the benchmark creates: a fresh git repository with an nx.json registering the plugin and a link
// to the one install of nx and the plugin. Its methods time Nx and read the plugin's result files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NX_VERSION } from './paths.mjs';
import { diskBytes, readJson, rm, run, timed, write } from './util.mjs';

/** Project folders under dist/release-gates (the folder also holds run-wide files such as junit.xml). */
function projectFolders(base) {
  return fs.readdirSync(base, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
}

export class Workspace {
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
    // Nx 23 keeps its local cache in ~/.nx/<workspace id>/cache: here it goes under the workspace's .nx, so that the
    // benchmarks that delete .nx for a cold run empty the cache too (a second cold round otherwise replayed it all).
    const ws = new Workspace(root, { ...env, NX_CACHE_DIRECTORY: path.join(root, '.nx', 'cache') }, logTo);
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

  /** Deletes folders given relative to the workspace (target directories, dist, caches). */
  clean(...relative) {
    rm(...relative.map((p) => path.join(this.root, p)));
  }

  /** Disk use of `<dir>/target`, dir relative to the workspace. */
  targetBytes(dir) {
    return diskBytes(path.join(this.root, dir, 'target'));
  }

  nxArgs(args) {
    const pkg = path.join(this.root, 'node_modules', 'nx');
    const bin = readJson(path.join(pkg, 'package.json')).bin.nx;
    return [path.join(pkg, bin), ...args];
  }

  /** Times `nx <args>`; throws when it fails unless allowFailure. */
  nx(args, { env = {}, label = `nx ${args.join(' ')}`, capture = false, allowFailure = false } = {}) {
    const r = timed(process.execPath, this.nxArgs(args), { cwd: this.root, env: { ...this.env, ...env }, logTo: this.logTo, capture, label });
    if (r.status !== 0 && !allowFailure) throw new Error(`${label} failed (exit ${r.status}) in ${this.root}; see ${this.logTo}`);
    return r;
  }

  /** Times `nx run <project>:release-dry-run`; a failing gate is a figure, not an error. */
  dryRun(project, { env = {}, label } = {}) {
    return this.nx(['run', `${project}:release-dry-run`], { allowFailure: true, env, label });
  }

  sh(script, { cwd = this.root, env = {}, label = script } = {}) {
    return timed('bash', ['-c', script], { cwd, env: { ...this.env, ...env }, logTo: this.logTo, label });
  }

  stopDaemon() {
    timed(process.execPath, this.nxArgs(['daemon', '--stop']), { cwd: this.root, env: this.env, logTo: this.logTo, label: 'daemon stop' });
  }

  resultsDir(project = '') {
    return path.join(this.root, 'dist', 'release-gates', project);
  }

  /** Gate result files of a project (target -> parsed JSON). */
  results(project) {
    const dir = this.resultsDir(project);
    const out = {};
    if (!fs.existsSync(dir)) return out;
    for (const f of fs.readdirSync(dir)) if (/^gate-.*\.json$/.test(f)) out[f.replace(/\.json$/, '')] = readJson(path.join(dir, f));
    return out;
  }

  /** Gate tasks that really ran (not replayed from the cache) since `since`, over all projects. */
  gatesRunSince(since) {
    const base = this.resultsDir();
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
    const base = this.resultsDir();
    if (!fs.existsSync(base)) return [];
    return projectFolders(base)
      .filter((p) => {
        const f = path.join(base, p, 'release-dry-run.json');
        return fs.existsSync(f) && fs.statSync(f).mtimeMs >= since;
      })
      .sort();
  }

  /** A project's release-dry-run report, or null when none was written. */
  dryRunReport(project) {
    const f = path.join(this.resultsDir(project), 'release-dry-run.json');
    return fs.existsSync(f) ? readJson(f) : null;
  }

  dryRunStatus(project) {
    return this.dryRunReport(project)?.status ?? 'missing';
  }
}

/** Appends a line to a Rust source file: a new input for Nx, a changed file for cargo. */
let editCounter = 0;
export function editSource(file) {
  fs.appendFileSync(file, `// bench edit ${++editCounter} ${Date.now()}\n`);
}
