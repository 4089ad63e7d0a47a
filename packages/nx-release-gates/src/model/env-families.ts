/**
 * The environment variables that can change what cargo, rustc, rustdoc, build scripts and the compilers they call
 * produce, by name pattern: cargo reads whole families (every `CARGO_PROFILE_<name>_<key>`, `CARGO_TARGET_<triple>_*`,
 * `CARGO_BUILD_*`), and build scripts read the compiler variables the `cc` crate documents, pkg-config's and
 * bindgen's. Every gate's fingerprint hashes the value of each variable set in these families (values as hashes,
 * never as text).
 *
 * Left out on purpose: variables that only say where things are or how much to print (CARGO_HOME, CARGO_TARGET_DIR,
 * CARGO_TERM_*, CARGO_LOG), which differ between two machines without changing a verdict and would stop two clones
 * sharing results; cargo's own per-unit variables (CARGO_PKG_*, CARGO_CFG_*, OUT_DIR: derived from the manifest);
 * and secrets (anything named like a token, password or credential), which must never reach a hash or a log unless
 * the person declares one by its full name in envInputs.
 */
export const ENV_FAMILIES: readonly RegExp[] = [
  /^CARGO_/,
  /^RUSTC/,
  /^RUSTDOC/,
  /^RUSTFLAGS$/,
  /^RUSTUP_TOOLCHAIN$/,
  // cc and cmake crates: CC, CC_<target>, HOST_CC, TARGET_CFLAGS, CFLAGS_x86_64_unknown_linux_gnu, ...
  /^(HOST_|TARGET_)?(CC|CXX|AR|RANLIB|CFLAGS|CXXFLAGS|CPPFLAGS|ARFLAGS|LDFLAGS|CRATE_CC_NO_DEFAULTS|CMAKE[A-Z_]*)([_-].+)?$/,
  /^PKG_CONFIG/,
  /_NO_PKG_CONFIG$/,
  /^(LIBCLANG_PATH|CLANG_PATH|LLVM_CONFIG_PATH)$/,
  /^BINDGEN_/,
  /^CUDA_/,
  /^NVCC/,
  /^SOURCE_DATE_EPOCH$/,
];

/** Machine-specific or print-only members of the families: never hashed (see the header). */
/**
 * Names cargo sets for the processes it starts, derived from the manifest and the profile. Cargo sets its own for
 * each unit, so a value in a gate's environment is someone else's: one cargo does not set for that unit (a made-up
 * `CARGO_PKG_X`, read with `option_env!`) would reach the build unhashed. Never hashed, and withheld from the gates.
 */
const SET_BY_CARGO_PATTERNS: readonly RegExp[] = [/^CARGO_(PKG|MANIFEST|CRATE|BIN|CFG)_/, /^CARGO_PRIMARY_PACKAGE$/, /^CARGO_RUSTC_CURRENT_DIR$/, /^CARGO_TARGET_TMPDIR$/];

export const isSetByCargo = (name: string): boolean => SET_BY_CARGO_PATTERNS.some((p) => p.test(name));

const NOT_VERDICT: readonly RegExp[] = [
  /^CARGO_HOME$/,
  /^CARGO_TARGET_DIR$/,
  /^CARGO_BUILD_TARGET_DIR$/,
  /^CARGO_BUILD_JOBS$/,
  /^CARGO_INCREMENTAL$/,
  /^CARGO_TERM_/,
  /^CARGO_LOG/,
  /^CARGO_HTTP_/,
  /^CARGO_NET_RETRY$/,
  /^CARGO_MAKEFLAGS$/,
  /^CARGO_CACHE_/,
  // Set by cargo for the processes it starts (SET_BY_CARGO): never hashed, and withheld from the gates.
  ...SET_BY_CARGO_PATTERNS,
  // Where the CUDA toolkit is: its version is hashed instead (the `cuda:` line).
  /^CUDA_(PATH|HOME)$/,
];

/** Secrets: never hashed, never printed (a hash of a short token can be brute-forced). */
const SECRET = /(TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE_KEY|_KEY$)/;

/** Variables cargo sets for build scripts from the target and profile: read through rerun-if-env-changed, derived. */
export const CARGO_SET_FOR_BUILD_SCRIPTS: ReadonlySet<string> = new Set([
  'TARGET',
  'HOST',
  'PROFILE',
  'OPT_LEVEL',
  'DEBUG',
  'NUM_JOBS',
  'OUT_DIR',
  'RUSTC',
  'RUSTDOC',
  'RUSTC_LINKER',
  'CARGO',
  'CARGO_ENCODED_RUSTFLAGS',
]);

export function isSecretName(name: string): boolean {
  return SECRET.test(name.toUpperCase());
}

/** `MY_BUILD_*` -> a RegExp matching names that start with MY_BUILD_; a plain name matches itself. */
export function namePattern(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/**
 * Whether the fingerprint hashes `name`: a member of the families, or of the user's `envInputs` patterns. A name
 * declared in full is hashed even when it looks like a secret (`MAX_TOKENS`): the person chose it, and only a slow hash
 * of its value ever leaves the process (cache-key/fingerprint.ts). A pattern never sweeps in a secret-looking name.
 */
export function isFingerprinted(name: string, extraPatterns: readonly string[] = []): boolean {
  if (extraPatterns.includes(name)) return true;
  if (isSecretName(name)) return false;
  if (extraPatterns.some((p) => namePattern(p).test(name))) return true;
  return ENV_FAMILIES.some((f) => f.test(name)) && !NOT_VERDICT.some((n) => n.test(name));
}

/** The variables of `env` the fingerprint hashes, sorted by name. */
export function fingerprintedVariables(env: Readonly<Record<string, string | undefined>>, extraPatterns: readonly string[] = []): Array<[string, string]> {
  return Object.entries(env)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && isFingerprinted(entry[0], extraPatterns))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Compiler variables build scripts read in a `<NAME>_<target triple>` form with the triple's own hyphens. */
const PER_TARGET_COMPILER_VARIABLES = ['CC', 'CXX', 'AR', 'RANLIB', 'CFLAGS', 'CXXFLAGS', 'CPPFLAGS', 'ARFLAGS', 'LDFLAGS'] as const;

/**
 * `CC_x86_64-unknown-linux-gnu` and its kind: the `cc` crate reads them, but no shell passes a name holding `-` to
 * the programs it starts, and Nx runs the runtime fingerprint through a shell. They join the key as Nx env inputs
 * instead (Nx reads those from its own environment), for the triples a gate builds for.
 */
export function hyphenatedCompilerVariables(triples: readonly string[]): string[] {
  return triples.filter((t) => t.includes('-')).flatMap((triple) => PER_TARGET_COMPILER_VARIABLES.map((name) => `${name}_${triple}`));
}

/** The Rust host triple of the machine Node runs on, for the common platforms (null elsewhere). */
export function hostTriple(platform: string = process.platform, arch: string = process.arch): string | null {
  const cpu = ({ x64: 'x86_64', arm64: 'aarch64' } as Record<string, string>)[arch];
  if (!cpu) return null;
  if (platform === 'linux') return `${cpu}-unknown-linux-gnu`;
  if (platform === 'darwin') return `${cpu}-apple-darwin`;
  if (platform === 'win32') return `${cpu}-pc-windows-msvc`;
  return null;
}
