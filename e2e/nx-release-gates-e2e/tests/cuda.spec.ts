/**
 * gate-cuda with a crate whose build.rs compiles a .cu file with nvcc when its CUDA feature is on: CPU fallback
 * without nvcc, a real CUDA build with it, a CUDA compile error that fails instead of falling back, requireCuda,
 * gate-test's feature set, and the toolkit as part of the cache key. The real nvcc comes from
 * tools/install-cuda-nvcc.sh; without it the tests that need it fail and say so.
 */
import * as path from 'node:path';
import { crateFiles } from '../support/crates';
import { pathWithout, testCudaPath } from '../support/checks';
import { TestWorkspace } from '../support/workspace';

// Like the `cc` crate, the build script finds nvcc on PATH; like CUDA crates' build scripts, it declares the toolkit's
// locating variables and hands the crate a value with rustc-env (under undeclaredInputs: deny, which CI=true sets,
// neither may fail the gates: the fingerprint keys the toolkit each variable points at, and the value is the script's
// output).
const BUILD_RS = `use std::env;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=src/kernel.cu");
    println!("cargo:rerun-if-env-changed=PATH");
    println!("cargo:rerun-if-env-changed=CUDA_PATH");
    println!("cargo:rerun-if-env-changed=CUDA_HOME");
    // A value the script derives for the crate's own env!: its output, not an input from the environment.
    let mode = if env::var_os("CARGO_FEATURE_LLAMA_CUDA").is_some() { "cuda" } else { "cpu" };
    println!("cargo:rustc-env=TOOL_KERNEL_MODE={mode}");
    if env::var_os("CARGO_FEATURE_LLAMA_CUDA").is_none() {
        return;
    }
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("kernel.o");
    let status = Command::new("nvcc")
        .args(["-c", "src/kernel.cu", "-o"])
        .arg(&out)
        .status()
        .expect("could not start nvcc");
    assert!(status.success(), "nvcc could not compile src/kernel.cu");
}
`;

const KERNEL = `__global__ void scale(float *x, float a, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) x[i] *= a;
}

extern "C" void launch_scale(float *x, float a, int n) { scale<<<(n + 255) / 256, 256>>>(x, a, n); }
`;

const BROKEN_KERNEL = KERNEL.replace('x[i] *= a;', 'x[i] *= undeclared_factor;');

// The compiled kernel object is embedded when the CUDA feature is on: proof that nvcc really ran.
const MAIN = `//! A tool with an optional CUDA kernel.

/// The CUDA kernel object nvcc compiled (only with \`llama-cuda\`).
#[cfg(feature = "llama-cuda")]
pub const KERNEL: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/kernel.o"));

fn main() {
    #[cfg(feature = "llama-cuda")]
    println!("kernel object: {} bytes", KERNEL.len());
    println!("ready ({})", env!("TOOL_KERNEL_MODE"));
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs() {}

    #[cfg(feature = "llama-cuda")]
    #[test]
    fn kernel_was_compiled() {
        assert!(!super::KERNEL.is_empty());
    }
}
`;

function cudaCrate(name: string, kernel: string, releaseGates?: string): Record<string, string> {
  return crateFiles({
    name,
    main: MAIN,
    features: { default: [], llama: [], 'llama-cuda': ['llama'] },
    packageExtra: 'build = "build.rs"',
    releaseGates,
    files: { 'build.rs': BUILD_RS, 'src/kernel.cu': kernel },
  });
}

describe('gate-cuda', () => {
  let ws: TestWorkspace;
  const noNvcc = { PATH: pathWithout(['nvcc']) };
  const first: Record<string, Record<string, any>> = {};

  beforeAll(() => {
    ws = TestWorkspace.create('cuda', {
      files: {
        ...cudaCrate('cuda-tool', KERNEL),
        ...cudaCrate('cuda-broken', BROKEN_KERNEL),
        ...cudaCrate('cuda-required', KERNEL, 'require-cuda = true'),
      },
    });
  });
  afterAll(() => ws?.remove());

  describe('without nvcc', () => {
    let exitCode: number;
    beforeAll(() => {
      exitCode = ws.nx(['run-many', '--targets=gate-cuda,gate-test', '--projects=cuda-tool,cuda-broken,cuda-required', '--outputStyle=static'], noNvcc).exitCode;
      for (const crate of ['cuda-tool', 'cuda-broken', 'cuda-required']) first[crate] = ws.result(crate, 'gate-cuda');
    });

    it('builds the CPU fallback and reports `fallback`', () => {
      const result = first['cuda-tool'];
      expect(result.status).toBe('fallback');
      expect(result.details).toMatchObject({ mode: 'cpu-fallback', features: ['llama'], cudaFeatures: ['llama-cuda'], cudaToolkit: null });
      expect(result.environment.cudaToolkit).toBeNull();
      expect(result.commands).toEqual([expect.stringMatching(/^cargo build --release --features llama\b/)]);
      // Without a toolkit nothing can tell a broken kernel from a good one.
      expect(first['cuda-broken'].status).toBe('fallback');
    });

    it('fails instead of falling back when require-cuda = true', () => {
      expect(exitCode).not.toBe(0);
      expect(first['cuda-required']).toMatchObject({ status: 'failed', details: { mode: 'missing-toolkit' } });
      expect(first['cuda-required'].commands).toEqual([]);
    });

    it('runs gate-test without the CUDA features, and says so', () => {
      const result = ws.result('cuda-tool', 'gate-test');
      expect(result.status).toBe('passed');
      expect(result.details.excludedFeatures).toEqual(['llama-cuda']);
      expect(result.details.passed).toBe(1);
      expect(result.commands.join('\n')).not.toContain('--all-features');
    });
  });

  describe('with nvcc', () => {
    // testCudaPath() fails each test with the install hint when tools/install-cuda-nvcc.sh has not run.
    it('on PATH only: the toolkit is part of the cache key, so the fallback pass is not replayed; a .cu error fails', () => {
      const base = testCudaPath();
      // Only PATH differs from the fallback run, and PATH is no cache input: the toolkit fingerprint must miss.
      const env = { PATH: `${path.join(base, 'bin')}${path.delimiter}${noNvcc.PATH}` };
      const run = ws.nx(['run-many', '--targets=gate-cuda', '--projects=cuda-tool,cuda-broken', '--outputStyle=static'], env);
      expect(run.exitCode).not.toBe(0);
      const good = ws.result('cuda-tool', 'gate-cuda');
      expect(good.startedAt).not.toBe(first['cuda-tool'].startedAt);
      expect(good.status).toBe('passed');
      expect(good.details).toMatchObject({ mode: 'cuda', features: ['llama-cuda'] });
      expect(good.environment.cudaToolkit).toMatch(/^\d+\.\d+$/);
      expect(good.commands).toEqual([expect.stringMatching(/^cargo build --release --features llama-cuda\b/)]);

      const broken = ws.result('cuda-broken', 'gate-cuda');
      expect(broken.status).toBe('failed');
      expect(broken.details.mode).toBe('cuda');
      expect(broken.details.cudaToolkit).toBe(good.details.cudaToolkit);
    });

    it('through CUDA_PATH: gate-cuda passes (also with require-cuda) and gate-test runs every feature', () => {
      const base = testCudaPath();
      const env = { ...noNvcc, CUDA_PATH: base };
      const run = ws.nx(['run-many', '--targets=gate-cuda,gate-test', '--projects=cuda-tool,cuda-required', '--outputStyle=static'], env);
      expect(ws.result('cuda-tool', 'gate-cuda')).toMatchObject({ status: 'passed', details: { mode: 'cuda' } });
      expect(ws.result('cuda-required', 'gate-cuda')).toMatchObject({ status: 'passed', details: { mode: 'cuda' } });
      const test = ws.result('cuda-tool', 'gate-test');
      expect(test.status).toBe('passed');
      expect(test.details.excludedFeatures).toEqual([]);
      expect(test.details.passed).toBe(2);
      expect(test.environment.cudaToolkit).toMatch(/^\d+\.\d+$/);
      expect(run.exitCode).toBe(0);
    });
  });
});
