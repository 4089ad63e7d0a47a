/**
 * The environment a gate's processes get (cargo, rustc, build scripts, tests, rustfmt, nextest, cargo-semver-checks,
 * git, container engines): only the variables the gate's cache key covers, and those a process needs to run at all
 * that cannot change a verdict. Anything else is withheld, so a variable no key covers cannot change a verdict Nx
 * later replays: a replayed verdict is true by construction (docs/cache-key.md: "What a gate's processes see").
 *
 * Kept because the key covers them: the families cargo and build scripts read (their verdict members hashed, their
 * locators and print settings such as CARGO_HOME, CARGO_TARGET_DIR, CARGO_TERM_*, CUDA_PATH changing no verdict), the
 * declared envInputs (names and PREFIX_* patterns; a name declared in full even when it looks like a secret), the
 * gate's own variables (gate-version's release tag), the emergency skip, and the `<NAME>_<host triple>` compiler
 * variables Nx hashes as env inputs. A hyphenated name for another triple reaches no key (the fingerprint runs through
 * a shell, which drops such names): it is withheld; the underscore spelling (`CC_aarch64_unknown_linux_gnu`) is hashed.
 *
 * Kept because a process needs them and they change no verdict: where the user, the temporary folder and the programs
 * are, the locale and time zone (withholding them would not make a run hermetic: the process would read the machine's
 * defaults, which no key covers either), the terminal and colour settings (every parser strips ANSI codes or reads
 * cargo's JSON, so colour never changes how a verdict is read), rustup's settings (the toolchain they select is in the
 * key as `rustc -vV`), how to reach and authenticate to registries and git remotes (proxies, certificates, the ssh
 * agent, cargo's registry credentials), which git repository and configuration git uses (the key's git state probes
 * run with Nx's environment, so the gates' git must see the same), and where the container engine is.
 *
 * Withheld unless declared: CI, GITHUB_* (but gate-version's GITHUB_REF_NAME/GITHUB_REF_TYPE) and every other
 * variable, e.g. RUST_BACKTRACE, RUST_TEST_THREADS, LD_LIBRARY_PATH, NX_*: a test reading CI can pass on a laptop and
 * fail on a runner.
 */
import { EMERGENCY_ENV_INPUTS } from './inputs';
import type { GateSpec } from '../model/catalog';
import type { GateOptions } from '../model/options';
import { ENV_FAMILIES, hostTriple, hyphenatedCompilerVariables, isFingerprinted, isSecretName, isSetByCargo } from '../model/env-families';

export interface GateEnvironment {
  /** What the gate's processes get. */
  env: Record<string, string>;
  /** Names of the variables left out, sorted; never their values. */
  withheld: string[];
}

/** What every process needs: who and where the user is, temporary files, locale, terminal. */
const PROCESS_BASICS = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TMPDIR',
  'TMP',
  'TEMP',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TERM',
  'COLORTERM',
  'NO_COLOR',
  'CLICOLOR',
  'CLICOLOR_FORCE',
  'FORCE_COLOR',
  'XDG_CONFIG_HOME',
  'XDG_CACHE_HOME',
  'XDG_DATA_HOME',
  'XDG_STATE_HOME',
  'XDG_RUNTIME_DIR',
];

/** Windows' own: programs do not start, or find no profile, without them (names compared in capitals there). */
const WINDOWS_BASICS = [
  'SYSTEMROOT',
  'SYSTEMDRIVE',
  'WINDIR',
  'COMSPEC',
  'PATHEXT',
  'USERPROFILE',
  'USERNAME',
  'USERDOMAIN',
  'APPDATA',
  'LOCALAPPDATA',
  'PROGRAMDATA',
  'ALLUSERSPROFILE',
  'PUBLIC',
  'PROGRAMFILES',
  'PROGRAMFILES(X86)',
  'PROGRAMW6432',
  'COMMONPROGRAMFILES',
  'COMMONPROGRAMFILES(X86)',
  'COMMONPROGRAMW6432',
  'HOMEDRIVE',
  'HOMEPATH',
  'COMPUTERNAME',
  'NUMBER_OF_PROCESSORS',
  'PROCESSOR_ARCHITECTURE',
  'PROCESSOR_IDENTIFIER',
  'OS',
];

/**
 * Reaching registries, git remotes and container engines, and which git repository git works on: they decide whether
 * a fetch or a connection works, never what is built or how a test judges it.
 */
const ACCESS = [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'CURL_CA_BUNDLE',
  'GIT_SSL_CAINFO',
  'GIT_SSL_CAPATH',
  'SSH_AUTH_SOCK',
  'SSH_ASKPASS',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_ASKPASS',
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_COMMON_DIR',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_CEILING_DIRECTORIES',
  'GIT_DISCOVERY_ACROSS_FILESYSTEM',
  'DOCKER_HOST',
  'DOCKER_CONTEXT',
  'DOCKER_CONFIG',
  'DOCKER_CERT_PATH',
  'DOCKER_TLS_VERIFY',
  'CONTAINER_HOST',
  'CONTAINER_CONNECTION',
  'CONTAINERS_CONF',
  'CONTAINERS_STORAGE_CONF',
  'CONTAINERS_REGISTRIES_CONF',
  'REGISTRY_AUTH_FILE',
  'DBUS_SESSION_BUS_ADDRESS',
];

const KEPT_PATTERNS: readonly RegExp[] = [
  // LC_ALL, LC_CTYPE, ...: the locale, as LANG.
  /^LC_[A-Z]+$/,
  // rustup's settings: the toolchain they pick is hashed as `rustc -vV`, and the gates must pick the one the key saw.
  /^RUSTUP_/,
  // git's own configuration (GIT_CONFIG_GLOBAL, GIT_CONFIG_COUNT/KEY_n/VALUE_n, GIT_CONFIG_PARAMETERS from `git -c`).
  /^GIT_CONFIG(_[A-Z0-9_]+)?$/,
];

/** cargo's registry credentials: named like secrets (never hashed), read only to authenticate a download or upload. */
const REGISTRY_CREDENTIAL = /^CARGO_(REGISTRY|REGISTRIES_[A-Za-z0-9_-]+)_(TOKEN|CREDENTIAL_PROVIDER)$|^CARGO_REGISTRY_GLOBAL_CREDENTIAL_PROVIDERS$/;

/** Whether `name` belongs to the families cargo, rustc and build scripts read (kept, hashed or not; see the header). */
function inFamilies(name: string): boolean {
  return ENV_FAMILIES.some((f) => f.test(name)) && (!isSecretName(name) || REGISTRY_CREDENTIAL.test(name));
}

/**
 * The environment of a gate's processes, from the task's own: every variable the gate's cache key covers and the few
 * a process needs that change no verdict (see the header), and the names of the ones withheld.
 */
export function gateEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  gate: Pick<GateSpec, 'envInputs'>,
  options: Pick<GateOptions, 'envInputs'>,
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): GateEnvironment {
  const windows = platform === 'win32';
  const named = new Set([...PROCESS_BASICS, ...ACCESS, ...(windows ? WINDOWS_BASICS : []), ...EMERGENCY_ENV_INPUTS, ...(gate.envInputs ?? [])]);
  const host = hostTriple(platform, arch);
  const hyphenated = new Set(hyphenatedCompilerVariables(host ? [host] : []));
  const kept = (name: string): boolean => {
    // Windows reads variable names in any case: `Path` is PATH there.
    if (named.has(name) || (windows && named.has(name.toUpperCase()))) return true;
    if (name.includes('-')) return hyphenated.has(name);
    if (isSetByCargo(name)) return false;
    if (KEPT_PATTERNS.some((p) => p.test(name))) return true;
    return inFamilies(name) || isFingerprinted(name, options.envInputs);
  };
  const result: GateEnvironment = { env: {}, withheld: [] };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (kept(name)) result.env[name] = value;
    else result.withheld.push(name);
  }
  result.withheld.sort();
  return result;
}

/** The name PATH goes by in `env` (Windows spells it `Path`). */
export function pathVariable(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform = process.platform): string {
  if (platform !== 'win32') return 'PATH';
  return Object.keys(env).find((name) => name.toUpperCase() === 'PATH') ?? 'Path';
}

/** How many withheld names a result keeps: enough to find one, never a whole CI machine's environment. */
export const WITHHELD_IN_DETAILS = 50;
/** How many the warning line names. */
const WITHHELD_IN_LINE = 8;

/** The result's details for the withheld names: the first names (sorted) and how many there were; none when none. */
export function withheldDetails(withheld: readonly string[]): Record<string, unknown> {
  if (withheld.length === 0) return {};
  return { withheldEnv: withheld.slice(0, WITHHELD_IN_DETAILS), withheldEnvCount: withheld.length };
}

/** The one warning line a gate prints when it withheld variables: what, how many, and how to declare one. */
/**
 * Variables that only describe the run itself (Nx's and npm's bookkeeping, the CI runner's job metadata, the
 * shell's own state): withheld like any other, but not worth a warning line on every gate of every run.
 */
const BOOKKEEPING = /^(NX_|npm_|NODE_|GITHUB_|RUNNER_|ACTIONS_|INVOCATION_ID$|JOURNAL_STREAM$|SHLVL$|_$|OLDPWD$|PWD$|COLUMNS$|LINES$)/;

/** Whether any withheld variable is one a build or a test might have meant to read (the warning line is for those). */
export const worthWarning = (withheld: readonly string[]) => withheld.some((name) => !BOOKKEEPING.test(name));

export function withheldSummary(task: string, all: readonly string[]): string {
  // The names a build might read come first; the run's bookkeeping names last.
  const withheld = [...all.filter((n) => !BOOKKEEPING.test(n)), ...all.filter((n) => BOOKKEEPING.test(n))];
  const shown = withheld.slice(0, WITHHELD_IN_LINE).join(', ');
  const more = withheld.length > WITHHELD_IN_LINE ? ` and ${withheld.length - WITHHELD_IN_LINE} more (details.withheldEnv)` : '';
  const count = `${withheld.length} variable${withheld.length === 1 ? '' : 's'}`;
  return `${task} withheld ${count} the cache key does not cover: ${shown}${more}; declare one with envInputs (Cargo.toml [package.metadata.release-gates] env-inputs = ["${withheld[0]}"]) if the build or tests need it`;
}
