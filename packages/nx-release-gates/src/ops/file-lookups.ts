/**
 * The questions the cache key asks about files while it walks up from a crate (is this a file, what is its real path,
 * what does it hold, what does it parse to), asked of the disk each time (`directLookups`) or shared by a batch
 * (`sharedLookups`). The preTasksExecution hook fingerprints every crate of the graph at once, and crates side by side
 * walk up through the same folders to the same toolchain pin, cargo and rustfmt config files and release-gates.lock:
 * at 500 crates that was about 30,000 stats and a TOML parse per crate and file. A shared set answers each question
 * once. It lives for one hook call (a fraction of a second), so it describes the files as that call found them, like
 * the one-by-one lookups do; nothing is kept from one run to the next.
 */
import * as fs from 'node:fs';

export interface FileLookups {
  /** Whether a path exists (any kind). */
  exists(file: string): boolean;
  /** Whether a path is a regular file, symbolic links followed. */
  isFile(file: string): boolean;
  /** fs.realpathSync's answer; throws as it does. */
  realpath(file: string): string;
  /** The file's UTF-8 text; throws as fs.readFileSync does (ENOENT and all). */
  readText(file: string): string;
  /** `parse(readText(file), file)`; throws what either throws. Shared lookups parse a file once per parser. */
  parsed<T>(file: string, parse: (text: string, file: string) => T): T;
}

export const directLookups: FileLookups = {
  exists: (file) => fs.existsSync(file),
  isFile: (file) => fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true,
  realpath: (file) => fs.realpathSync(file),
  readText: (file) => fs.readFileSync(file, 'utf8'),
  parsed: (file, parse) => parse(fs.readFileSync(file, 'utf8'), file),
};

type Outcome<T> = { value: T } | { error: unknown };

/** Remembers each answer, a thrown error included (a missing file stays missing for the batch, and says so the same way). */
function remembered<T>(memo: Map<string, Outcome<T>>, key: string, ask: () => T): T {
  let outcome = memo.get(key);
  if (!outcome) {
    try {
      outcome = { value: ask() };
    } catch (error) {
      outcome = { error };
    }
    memo.set(key, outcome);
  }
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}

/** Lookups that answer each question once, for one batch of crates. */
export function sharedLookups(): FileLookups {
  const exists = new Map<string, Outcome<boolean>>();
  const isFile = new Map<string, Outcome<boolean>>();
  const realpath = new Map<string, Outcome<string>>();
  const text = new Map<string, Outcome<string>>();
  const parsedBy = new Map<(text: string, file: string) => unknown, Map<string, Outcome<unknown>>>();
  const lookups: FileLookups = {
    exists: (file) => remembered(exists, file, () => directLookups.exists(file)),
    isFile: (file) => remembered(isFile, file, () => directLookups.isFile(file)),
    realpath: (file) => remembered(realpath, file, () => directLookups.realpath(file)),
    readText: (file) => remembered(text, file, () => directLookups.readText(file)),
    parsed<T>(file: string, parse: (text: string, file: string) => T): T {
      let memo = parsedBy.get(parse);
      if (!memo) {
        memo = new Map();
        parsedBy.set(parse, memo);
      }
      return remembered(memo as Map<string, Outcome<T>>, file, () => parse(lookups.readText(file), file));
    },
  };
  return lookups;
}
