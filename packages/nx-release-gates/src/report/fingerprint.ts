/**
 * A run's fingerprint: what decides whether two runs of the same crate may share gate results through a cache
 * (toolchain, host, target, features, CUDA mode, Cargo.lock, commit, the cache-relevant environment variables and the
 * emergency skip). Written into release-dry-run.json as `fingerprint`; release-parity compares two of them.
 * Environment variables appear by name with a SHA-256 of their value, never the value (RUSTFLAGS can hold paths or
 * tokens, and the report is uploaded as an artifact).
 */
import { fingerprintedVariables } from '../model/env-families';
import { EMERGENCY_ENV_INPUTS } from '../cache-key/inputs';
import { sha256 } from '../util/hash';
import type { GateResult } from './result';

export interface RunFingerprint {
  rustc: string | null;
  cargo: string | null;
  host: string | null;
  /** CARGO_BUILD_TARGET when set, else the host triple. */
  target: string | null;
  /** gate-build's features and --no-default-features, null when gate-build has no result. */
  features: { features: string[]; noDefaultFeatures: boolean } | null;
  /** gate-cuda's mode (`cuda`, `cpu-fallback`) and the CUDA toolkit version seen, or none. */
  cuda: { mode: string | null; toolkit: string | null };
  lockfileSha256: string | null;
  commit: string | null;
  /** Every fingerprinted variable: name -> sha256 of its value, null when unset. */
  env: Record<string, string | null>;
  emergency: { gates: string[]; reason: string } | null;
  /**
   * The runtime fingerprint's file lines, as every gate's cache key holds them (fingerprint/fingerprint.ts): cargo
   * config files (`config: <place> <sha256>`), the rustup toolchain file, outside path dependencies. Hashes only.
   */
  files?: string[];
}

/**
 * Every variable of the families the gates' cache key hashes (fingerprint/env-families.ts) that is set, and the
 * emergency variables (null when unset): name -> sha256 of the value.
 */
export function hashedEnvironment(env: NodeJS.ProcessEnv): Record<string, string | null> {
  const hashed: Record<string, string | null> = {};
  for (const [name, value] of fingerprintedVariables(env)) hashed[name] = sha256(value);
  for (const name of EMERGENCY_ENV_INPUTS) hashed[name] = env[name] === undefined ? null : sha256(env[name] as string);
  return hashed;
}

export interface FingerprintFacts {
  gates: GateResult[];
  env: NodeJS.ProcessEnv;
  lockfileSha256: string | null;
  commit: string | null;
  emergency: RunFingerprint['emergency'];
  /** The fingerprint's lines about files outside the crate (cache-key/fingerprint.ts outsideFileLines). */
  outsideFileLines?: string[];
}

export function buildFingerprint(facts: FingerprintFacts): RunFingerprint {
  const environment = facts.gates.find((g) => g.environment)?.environment ?? null;
  const build = facts.gates.find((g) => g.gate === 'gate-build');
  const cuda = facts.gates.find((g) => g.gate === 'gate-cuda');
  const buildFeatures = build?.details?.features;
  return {
    rustc: environment?.rustc ?? null,
    cargo: environment?.cargo ?? null,
    host: environment?.host ?? null,
    target: facts.env.CARGO_BUILD_TARGET || environment?.host || null,
    features: build && Array.isArray(buildFeatures) ? { features: [...(buildFeatures as string[])].sort(), noDefaultFeatures: build.details.noDefaultFeatures === true } : null,
    cuda: { mode: typeof cuda?.details?.mode === 'string' ? cuda.details.mode : null, toolkit: environment?.cudaToolkit ?? null },
    lockfileSha256: facts.lockfileSha256,
    commit: facts.commit,
    env: hashedEnvironment(facts.env),
    emergency: facts.emergency,
    ...(facts.outsideFileLines ? { files: facts.outsideFileLines } : {}),
  };
}
