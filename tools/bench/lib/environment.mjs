// The machine the benchmark runs on: the environment of every measured process, nvcc for the gpu-cuda feature,
// and the machine line of the report.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NX_VERSION, REPO } from './paths.mjs';
import { bytesCell, commandPath, loadAverage, log, tryRun, writeExecutable } from './util.mjs';

/** The environment of every measured process: this one's minus Nx/npm settings that would leak in. */
export function baseEnv(extraPath) {
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
export function findNvcc(mode, work) {
  if (mode !== 'standin') {
    const onPath = commandPath('nvcc');
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
  writeExecutable(
    path.join(dir, 'nvcc'),
    `#!/usr/bin/env bash\nif [ "\${1:-}" = --version ]; then echo "Cuda compilation tools, release 13.5, V13.5.0 (bench stand-in)"; exit 0; fi\nout=""; while [ $# -gt 0 ]; do [ "$1" = -o ] && out="$2"; shift; done\n[ -n "$out" ] && echo "// stand-in PTX" > "$out"\nexit 0\n`,
  );
  return { dir, kind: 'stand-in nvcc (answers --version, writes empty PTX): no CUDA toolkit could be installed' };
}

function nvccRelease(nvcc) {
  return /release [\d.]+/.exec(tryRun(nvcc, ['--version']) ?? '')?.[0] ?? 'unknown release';
}

export function machine(nvccKind) {
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
    loadAverageAtStart: loadAverage(),
  };
}
