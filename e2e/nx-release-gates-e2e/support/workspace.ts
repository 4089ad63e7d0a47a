/**
 * A fresh Nx 23.2.1 workspace in a temporary folder outside the repository, with the packed plugin installed by
 * npm, real crates, real git. Tests drive it with real `nx` and read result files.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  output: string;
}

export interface WorkspaceOptions {
  /** Files to write, path -> content (crates, configs). */
  files?: Record<string, string>;
  /** The plugin's options in nx.json. */
  pluginOptions?: Record<string, unknown>;
  /** Extra nx.json content (targetDefaults, ...). */
  nxJson?: Record<string, unknown>;
  /** Register the plugin in nx.json (default true); false leaves that to `nx add`. */
  registerPlugin?: boolean;
  /** Folder to create the workspace in (default: a new temporary folder), e.g. to put cargo config above it. */
  parent?: string;
}

export const NX_VERSION = '23.2.1';

function tarball(): string {
  const file = process.env.NX_RELEASE_GATES_TARBALL;
  if (!file || !fs.existsSync(file)) throw new Error('NX_RELEASE_GATES_TARBALL is not set: run the e2e tests through jest (global setup packs the plugin)');
  return file;
}

export class TestWorkspace {
  constructor(readonly root: string) {}

  static create(name: string, options: WorkspaceOptions = {}): TestWorkspace {
    const root = fs.mkdtempSync(path.join(options.parent ?? os.tmpdir(), `nrg-${name}-`));
    const ws = new TestWorkspace(root);
    ws.write('package.json', JSON.stringify({ name, private: true, devDependencies: { nx: NX_VERSION, 'nx-release-gates': `file:${tarball()}` } }, null, 2));
    const plugins = options.registerPlugin === false ? [] : [{ plugin: 'nx-release-gates', options: options.pluginOptions ?? {} }];
    ws.write('nx.json', JSON.stringify({ plugins, ...options.nxJson }, null, 2));
    ws.write('.gitignore', 'node_modules\ndist\ntarget\n.nx\n');
    for (const [file, content] of Object.entries(options.files ?? {})) ws.write(file, content);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: root, stdio: 'pipe' });
    ws.git(['init', '-q', '-b', 'main']);
    ws.git(['add', '-A']);
    ws.git(['commit', '-q', '-m', 'initial']);
    return ws;
  }

  path(file: string): string {
    return path.join(this.root, file);
  }

  write(file: string, content: string): void {
    fs.mkdirSync(path.dirname(this.path(file)), { recursive: true });
    fs.writeFileSync(this.path(file), content);
  }

  read(file: string): string {
    return fs.readFileSync(this.path(file), 'utf8');
  }

  exists(file: string): boolean {
    return fs.existsSync(this.path(file));
  }

  git(args: string[]): string {
    return execFileSync('git', args, {
      cwd: this.root,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.com', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.com' },
    });
  }

  commitAll(message: string): void {
    this.git(['add', '-A']);
    this.git(['commit', '-q', '-m', message]);
  }

  /** The workspace's own nx CLI script (run it with this Node). */
  nxScript(): string {
    const nxPackage = path.join(this.root, 'node_modules', 'nx');
    return path.join(nxPackage, JSON.parse(fs.readFileSync(path.join(nxPackage, 'package.json'), 'utf8')).bin.nx as string);
  }

  /** The environment `nx()` runs with (the daemon off unless NX_DAEMON is given), for tests that spawn nx themselves. */
  nxEnv(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    return { ...cleanEnv(), NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', ...env };
  }

  /** Runs the workspace's own nx. The daemon is off unless `NX_DAEMON: 'true'` is passed. */
  nx(args: string[], env: Record<string, string | undefined> = {}): RunResult {
    return this.run(process.execPath, [this.nxScript(), ...args], env);
  }

  run(file: string, args: string[], env: Record<string, string | undefined> = {}): RunResult {
    const result = spawnSync(file, args, {
      cwd: this.root,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      env: { ...cleanEnv(), NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', ...env },
    });
    return { exitCode: result.status ?? 1, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}\n${result.stderr}` };
  }

  /**
   * Like nx(), without blocking this process: for tests that serve something to nx from the test process itself
   * (a remote cache server), which spawnSync would starve.
   */
  /** `onOutput` sees stdout and stderr as they come, for a test that acts while the run is still going. */
  nxAsync(args: string[], env: Record<string, string | undefined> = {}, onOutput?: (chunk: string) => void): Promise<RunResult> {
    return this.runAsync(process.execPath, [this.nxScript(), ...args], env, onOutput);
  }

  runAsync(file: string, args: string[], env: Record<string, string | undefined> = {}, onOutput?: (chunk: string) => void): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, { cwd: this.root, env: { ...cleanEnv(), NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        onOutput?.(d);
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        onOutput?.(d);
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ exitCode: code ?? 1, stdout, stderr, output: `${stdout}\n${stderr}` }));
    });
  }

  /** A gate's result file, parsed. */
  result<T = Record<string, any>>(project: string, target: string): T {
    return JSON.parse(this.read(`dist/release-gates/${project}/${target}.json`)) as T;
  }

  remove(): void {
    if (process.env.KEEP_E2E_WORKSPACES) return;
    try {
      this.nx(['daemon', '--stop']);
    } catch {
      // no daemon
    }
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** The test process's environment minus what would leak the repository's own settings into the workspace. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('NX_') && key !== 'NX_RELEASE_GATES_TARBALL') delete env[key];
    if (key.startsWith('npm_') || key === 'CARGO_TARGET_DIR' || key === 'RELEASE_TAG' || key.startsWith('GITHUB_')) delete env[key];
    if (key === 'CUDA_PATH' || key === 'CUDA_HOME' || key.startsWith('RELEASE_GATES_')) delete env[key];
  }
  return env;
}
