/**
 * gate-doc: `cargo doc --no-deps` with the same features as gate-test, so the documented API is the tested one. A doc
 * build error fails; `missingDocs` and `denyWarnings` decide whether undocumented items and rustdoc warnings do.
 * Warnings and undocumented public items are counted either way, so the table shows them before they bite.
 */
import { lockedArgs } from '../../model/crate-model';
import * as path from 'node:path';
import { countDiagnostics, DiagnosticCounts, packageArtifacts, parseCargoMessages, renderedDiagnostics } from '../../parsers/cargo-messages';
import { allFeaturesArgs } from '../../model/feature-sets';
import { summarizeCargoError } from '../../parsers/cargo-errors';
import { cargoConfigFiles, readConfig } from '../../ops/config-files';
import { checkUndeclaredInputs } from '../shared/undeclared-check';
import { currentTargetDirectory } from '../../ops/target-directory';
import { forgetFreshness } from '../../ops/forget-freshness';
import { failed, GateDefinition, GateOutcome, passed, skipped } from '../types';
import { gateSpec } from '../../model/catalog';

/**
 * The lint flags gate-doc adds: the missing_docs level (only where there is a public API to document: a binary-only
 * crate has none, so "missing documentation for the crate" on main.rs is no undocumented public item), and
 * `-D warnings` with denyWarnings. rustc promotes every lint at warn level to an error under `-D warnings`, whatever
 * the order of the flags, so the plugin's own `warn` level is kept a warning with `--force-warn` (verified with
 * rustdoc 1.95: `-D warnings -W missing_docs` still errors). The cost: `--force-warn` also wins over a crate's own
 * `#![deny(missing_docs)]`; set missingDocs to deny for that.
 */
export function lintFlags(missingDocs: string, denyWarnings: boolean, hasPublicApi = true): string[] {
  const deny = denyWarnings ? ['-D', 'warnings'] : [];
  if (!hasPublicApi) return deny;
  if (missingDocs === 'warn') return denyWarnings ? [...deny, '--force-warn', 'missing_docs'] : ['-W', 'missing_docs'];
  return [...deny, missingDocs === 'deny' ? '-D' : '-A', 'missing_docs'];
}

export interface DocFacts {
  exitCode: number;
  counts: DiagnosticCounts;
  /** cargo's stderr, for the error when rustdoc never ran on the crate. */
  stderr: string;
  /** The crate's targets cargo documented (lib, bins). */
  documented: number;
  hasLibrary: boolean;
}

export function judgeDoc(facts: DocFacts, details: Record<string, unknown>): GateOutcome {
  const { counts } = facts;
  const all = { ...details, warnings: counts.warnings, errors: counts.errors, undocumentedItems: counts.missingDocs, checked: facts.documented };
  const api = facts.hasLibrary ? '' : ' (binary only: no public API, missing_docs not applied)';
  if (facts.exitCode !== 0) {
    const diagnosed = counts.errors > 0 || counts.firstError !== null;
    if (!diagnosed) return failed(`documentation did not build: ${summarizeCargoError(facts.stderr)}`, { ...all, built: false });
    const parts = [counts.errors ? `${counts.errors} error(s)` : '', counts.missingDocs ? `${counts.missingDocs} undocumented item(s)` : ''].filter(Boolean).join(', ');
    return failed(`documentation build failed (${parts || 'errors'}): ${counts.firstError}`, all);
  }
  // A build that documented no target checked nothing: never a pass.
  if (facts.documented === 0) return failed(`cargo doc documented no target of the crate; check the [lib]/[[bin]] sections and their doc settings`, all);
  return passed(`docs built for ${facts.documented} target(s); ${counts.warnings} warning(s), ${counts.missingDocs} undocumented public item(s)${api}`, all);
}

export interface RustdocFlagFacts {
  /** CARGO_ENCODED_RUSTDOCFLAGS and RUSTDOCFLAGS as set (cargo prefers the first, then the second, then config). */
  encoded?: string;
  plain?: string;
  /** `target.<key>.rustdocflags` keys found in the cargo config files and CARGO_TARGET_<TRIPLE>_RUSTDOCFLAGS. */
  targetKeys: string[];
}

export interface RustdocFlagPlan {
  /** Variables to set for cargo doc. */
  env: Record<string, string>;
  /** `--config` arguments for cargo doc. */
  args: string[];
  /** Where the effective flags come from, for the result. */
  source: string;
}

const tomlKey = (key: string) => (/^[A-Za-z0-9_-]+$/.test(key) ? key : `'${key}'`);

/**
 * How to add gate-doc's lint flags to the rustdoc flags cargo would use anyway, never replacing them: cargo takes
 * CARGO_ENCODED_RUSTDOCFLAGS, else RUSTDOCFLAGS, else every matching `target.<triple|cfg>.rustdocflags` joined, else
 * `build.rustdocflags`. A variable that is set gets the flags appended (even when it is empty). Otherwise `--config` arrays (which cargo joins
 * with the config files' arrays) add them to build.rustdocflags and to every target key the config has, so whichever
 * level cargo picks carries them, without having to evaluate cfg() expressions here.
 */
export function rustdocFlagPlan(facts: RustdocFlagFacts, flags: readonly string[]): RustdocFlagPlan {
  // Set but empty (or blank), a variable still wins over the ones after it and over config in cargo: the flags must go
  // into it, or they never apply.
  if (facts.encoded !== undefined) {
    return { env: { CARGO_ENCODED_RUSTDOCFLAGS: [...(facts.encoded ? [facts.encoded] : []), ...flags].join('\x1f') }, args: [], source: 'CARGO_ENCODED_RUSTDOCFLAGS' };
  }
  if (facts.plain !== undefined) return { env: { RUSTDOCFLAGS: [...(facts.plain.trim() ? [facts.plain.trim()] : []), ...flags].join(' ') }, args: [], source: 'RUSTDOCFLAGS' };
  const array = JSON.stringify(flags);
  const args = ['--config', `build.rustdocflags=${array}`];
  for (const key of [...new Set(facts.targetKeys)]) args.push('--config', `target.${tomlKey(key)}.rustdocflags=${array}`);
  return { env: {}, args, source: facts.targetKeys.length ? 'cargo config (build and target rustdocflags)' : 'cargo config (build.rustdocflags)' };
}

/** The `target.<key>.rustdocflags` keys in the cargo config files a folder sees, and their variable form. */
export function targetRustdocKeys(crateDir: string, env: Readonly<Record<string, string | undefined>>, host: string | null): string[] {
  const keys: string[] = [];
  for (const { file } of cargoConfigFiles(crateDir, env)) {
    const targets = readConfig(file)?.target;
    if (!targets || typeof targets !== 'object') continue;
    for (const [key, table] of Object.entries(targets as Record<string, unknown>)) {
      if (table && typeof table === 'object' && 'rustdocflags' in table) keys.push(key);
    }
  }
  if (host && env[`CARGO_TARGET_${host.toUpperCase().replace(/[-.]/g, '_')}_RUSTDOCFLAGS`] !== undefined) keys.push(host);
  return keys;
}

export const docGate: GateDefinition = {
  ...gateSpec('doc'),
  async run(context) {
    // rustdoc documents the library, or the binaries of a crate without one: a crate with neither checked nothing.
    if (!context.crate.hasLibrary && context.crate.binaries.length === 0) {
      return failed(`crate ${context.crate.name} has no library or binary target to document; add src/lib.rs or src/main.rs (or a [lib]/[[bin]] section) to ${context.crate.manifestPath}`, { checked: 0 });
    }
    // `doc = false` on every target (cargo-fuzz crates) is the maintainer's word that there is nothing to document.
    if (context.crate.targetSwitches?.documented === 0) {
      return skipped(`every library and binary target sets doc = false in ${context.crate.manifestPath}: nothing to document`, { checked: 0 });
    }
    const features = allFeaturesArgs(context.crate, context.options, context.toolchain.cuda !== null);
    const { missingDocs, denyWarnings } = context.options;
    const flags = lintFlags(missingDocs, denyWarnings, context.crate.hasLibrary);
    const plan = rustdocFlagPlan(
      { encoded: context.env.CARGO_ENCODED_RUSTDOCFLAGS, plain: context.env.RUSTDOCFLAGS, targetKeys: targetRustdocKeys(context.crateDir, context.env, context.toolchain.host) },
      flags,
    );
    // Nx runs this gate only when no replay fits: cargo's "fresh" must not stand in for a file it does not track.
    forgetFreshness(await currentTargetDirectory(context), context.crate.name, { prefixes: ['doc-'] });
    // Documentation gives way for the cores, like gate-test's build: the release builds beside it are what a dry run waits for.
    const result = await context.cargo(['doc', '--no-deps', ...plan.args, ...features.args, ...lockedArgs(context), '--message-format=json'], {
      env: plan.env,
      live: 'stderr',
      priority: 'background',
    });
    const messages = parseCargoMessages(result.stdout);
    context.log.info(renderedDiagnostics(messages));
    const manifest = path.join(context.workspaceRoot, context.crate.manifestPath);
    const outcome = judgeDoc(
      { exitCode: result.exitCode, counts: countDiagnostics(messages), stderr: result.stderr, documented: packageArtifacts(messages, manifest).length, hasLibrary: context.crate.hasLibrary },
      {
        rustdocFlags: flags.join(' '),
        rustdocFlagsAddedTo: plan.source,
        missingDocs,
        denyWarnings,
        excludedFeatures: features.excluded,
        excludedByOption: features.excludedByOption,
      },
    );
    return result.exitCode === 0 ? checkUndeclaredInputs(context, messages, outcome) : outcome;
  },
  keyFigure: (r) => (r.details.built === false ? 'did not build' : `${r.details.warnings ?? 0} warnings, ${r.details.undocumentedItems ?? 0} undocumented`),
};
