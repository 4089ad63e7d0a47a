/**
 * The static half of gate-docker: which files a Dockerfile's COPY and ADD instructions take from the build context,
 * and whether the context has them (a Dockerfile that copies a folder the context lacks builds nowhere, and nothing
 * else notices before release). Handles line continuations and the `# escape=` directive, heredocs, JSON (exec)
 * form, several sources per instruction, `--from=` (another stage or image: not the context), ARG/ENV substitution,
 * remote ADD sources, globs (Go filepath.Match syntax plus `**`) and .dockerignore exclusions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CopyInstruction {
  instruction: 'COPY' | 'ADD';
  /** 1-based line of the instruction in the Dockerfile. */
  line: number;
  /** `--from=` value: a stage or image, so the sources are not in the build context. */
  from: string | null;
  sources: string[];
  destination: string;
}

export interface ParsedDockerfile {
  copies: CopyInstruction[];
  /** Malformed COPY/ADD lines (fewer than a source and a destination), as one-line problems. */
  problems: string[];
  /** ARG defaults and ENV values in file order, for substitution (last value wins). */
  variables: Record<string, string>;
}

interface LogicalLine {
  line: number;
  text: string;
}

/** Joins continued lines, drops comments and heredoc bodies; keeps the first physical line number. */
function logicalLines(text: string): LogicalLine[] {
  const physical = text.replace(/\r\n?/g, '\n').split('\n');
  let escape = '\\';
  // Parser directives: `# key=value` lines at the very top, before any instruction, comment or blank line.
  for (const raw of physical) {
    const directive = /^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(raw);
    if (!directive) break;
    if (directive[1].toLowerCase() === 'escape' && (directive[2] === '`' || directive[2] === '\\')) escape = directive[2];
  }
  const lines: LogicalLine[] = [];
  let current: LogicalLine | null = null;
  for (let i = 0; i < physical.length; i++) {
    const raw = physical[i];
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (current && trimmed === '')) continue;
    if (!current && trimmed === '') continue;
    const continued = trimmed.endsWith(escape);
    const part = continued ? trimmed.slice(0, -1) : trimmed;
    current = current ? { line: current.line, text: `${current.text} ${part}` } : { line: i + 1, text: part };
    if (continued) continue;
    lines.push(current);
    // Heredocs (`COPY <<EOF /dst`, `RUN <<-EOT`): their bodies are data, not instructions.
    const heredocs = [...current.text.matchAll(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g)];
    for (const heredoc of heredocs) {
      const strip = heredoc[1] === '-';
      while (i + 1 < physical.length) {
        i++;
        const body = strip ? physical[i].replace(/^\t+/, '') : physical[i];
        if (body.trimEnd() === heredoc[3]) break;
      }
    }
    current = null;
  }
  if (current) lines.push(current);
  return lines;
}

/** Splits `--flag=value` options from the front of shell-form arguments. */
function splitFlags(words: string[]): { flags: Record<string, string>; rest: string[] } {
  const flags: Record<string, string> = {};
  let i = 0;
  for (; i < words.length && words[i].startsWith('--'); i++) {
    const [name, ...value] = words[i].slice(2).split('=');
    flags[name.toLowerCase()] = value.join('=');
  }
  return { flags, rest: words.slice(i) };
}

function parseArguments(rest: string): string[] | null {
  const trimmed = rest.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string')) return parsed as string[];
    } catch {
      // Not valid JSON: Docker then treats the line as shell form too.
    }
  }
  return null;
}

/** `KEY=value KEY2="v w"` or the legacy `KEY value` (ENV) into pairs. */
function assignments(rest: string, legacyAllowed: boolean): Array<[string, string | null]> {
  const pairs: Array<[string, string | null]> = [];
  const pattern = /([A-Za-z_][A-Za-z0-9_]*)(?:=("([^"]*)"|'([^']*)'|(\S*)))?/g;
  const trimmed = rest.trim();
  if (legacyAllowed && /^[A-Za-z_][A-Za-z0-9_]*\s+[^=]*$/.test(trimmed) && !trimmed.includes('=')) {
    const [key, ...value] = trimmed.split(/\s+/);
    return [[key, value.join(' ')]];
  }
  for (const match of trimmed.matchAll(pattern)) {
    const hasValue = match[2] !== undefined;
    pairs.push([match[1], hasValue ? (match[3] ?? match[4] ?? match[5] ?? '') : null]);
  }
  return pairs;
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const copies: CopyInstruction[] = [];
  const problems: string[] = [];
  const variables: Record<string, string> = {};
  for (const { line, text: logical } of logicalLines(text)) {
    const match = /^([A-Za-z]+)(?:\s+(.*))?$/.exec(logical);
    if (!match) continue;
    const keyword = match[1].toUpperCase();
    const rest = match[2] ?? '';
    if (keyword === 'ARG' || keyword === 'ENV') {
      for (const [key, value] of assignments(rest, keyword === 'ENV')) if (value !== null) variables[key] = value;
      continue;
    }
    if (keyword !== 'COPY' && keyword !== 'ADD') continue;
    const words = rest.trim().split(/\s+/).filter(Boolean);
    const { flags, rest: afterFlags } = splitFlags(words);
    const json = parseArguments(afterFlags.join(' '));
    const args = json ?? afterFlags;
    if (args.length < 2) {
      problems.push(`line ${line}: ${keyword} needs at least one source and a destination: "${logical}"`);
      continue;
    }
    copies.push({
      instruction: keyword,
      line,
      from: flags.from ?? null,
      sources: args.slice(0, -1),
      destination: args[args.length - 1],
    });
  }
  return { copies, problems, variables };
}

/** `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR:+alt}`; null when a variable has no known value. */
export function substitute(source: string, variables: Record<string, string>): string | null {
  let unknown = false;
  const replaced = source.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, braced, op, word, plain) => {
    const name = (braced ?? plain) as string;
    const value = variables[name];
    if (op === '-') return value ? value : word;
    if (op === '+') return value ? word : '';
    if (value === undefined) {
      unknown = true;
      return '';
    }
    return value;
  });
  return unknown ? null : replaced;
}

/** One path segment of a Go filepath.Match pattern as a RegExp (`*`, `?`, `[a-z]`, `[^x]`, `\` escapes). */
export function segmentPattern(segment: string): RegExp {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, end);
      if (body.startsWith('^') || body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < segment.length) {
      out += segment[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

export function hasGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** A whole path pattern (segments joined by `/`, `**` for any number of segments) as a RegExp on posix paths. */
export function pathPattern(pattern: string): RegExp {
  const parts = pattern.split('/').filter(Boolean);
  const body = parts
    .map((part, i) => {
      if (part === '**') return i === parts.length - 1 ? '.*' : '(?:[^/]+/)*';
      const segment = segmentPattern(part).source.slice(1, -1);
      return i === parts.length - 1 ? segment : `${segment}/`;
    })
    .join('');
  return new RegExp(`^${body.replace(/\/$/, '')}$`);
}

/** Cleans a context-relative path: no leading `/` or `./`, `..` resolved; null when it leaves the context. */
export function contextPath(source: string): string | null {
  const normalized = path.posix.normalize(source.replace(/\\/g, '/').replace(/^\/+/, '') || '.').replace(/\/+$/, '');
  if (normalized === '..' || normalized.startsWith('../')) return null;
  return normalized === '' ? '.' : normalized;
}

export interface IgnoreRule {
  pattern: RegExp;
  negated: boolean;
}

/** .dockerignore lines into rules (comments and blank lines dropped, `!` exceptions kept in order). */
export function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    let line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    if (negated) line = line.slice(1).trim();
    const cleaned = path.posix.normalize(line.replace(/^\/+/, '')).replace(/\/+$/, '');
    if (!cleaned || cleaned === '.') continue;
    rules.push({ pattern: pathPattern(cleaned), negated });
  }
  return rules;
}

/** Docker's rule: the last rule matching the path or one of its parent folders decides. */
export function isIgnored(relative: string, rules: readonly IgnoreRule[]): boolean {
  if (relative === '.') return false;
  const parts = relative.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) if (candidates.some((c) => rule.pattern.test(c))) ignored = !rule.negated;
  return ignored;
}

/** Paths under `contextDir` that match a glob, relative with posix separators. */
function expandGlob(contextDir: string, pattern: string): string[] {
  const parts = pattern.split('/').filter(Boolean);
  let current = [''];
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index];
    const next: string[] = [];
    for (const base of current) {
      const dir = path.join(contextDir, base);
      if (part === '**') {
        const walk = (rel: string) => {
          next.push(rel);
          const abs = path.join(contextDir, rel);
          if (!fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory()) return;
          for (const entry of fs.readdirSync(abs)) walk(rel ? `${rel}/${entry}` : entry);
        };
        walk(base);
        continue;
      }
      if (!hasGlob(part)) {
        const rel = base ? `${base}/${part}` : part;
        if (fs.existsSync(path.join(contextDir, rel))) next.push(rel);
        continue;
      }
      if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
      const regex = segmentPattern(part);
      for (const entry of fs.readdirSync(dir)) if (regex.test(entry)) next.push(base ? `${base}/${entry}` : entry);
    }
    current = [...new Set(next)];
  }
  return current.filter((p) => p !== '');
}

export interface MissingSource {
  line: number;
  instruction: 'COPY' | 'ADD';
  source: string;
  why: 'not in the build context' | 'excluded by .dockerignore' | 'outside the build context';
}

export interface UncheckedSource {
  line: number;
  source: string;
  why: string;
}

export interface StaticCheck {
  /** Context sources checked (after substitution). */
  checked: number;
  missing: MissingSource[];
  unchecked: UncheckedSource[];
  problems: string[];
  /** The .dockerignore applied, relative to the workspace root, or null. */
  dockerignore: string | null;
}

const REMOTE = /^(https?:\/\/|git@|git:\/\/|ssh:\/\/)/i;

/** Which ignore file the build uses: `<Dockerfile>.dockerignore` beside the Dockerfile wins over `<context>/.dockerignore`. */
export function dockerignoreFile(dockerfile: string, contextDir: string): string | null {
  const specific = `${dockerfile}.dockerignore`;
  if (fs.existsSync(specific)) return specific;
  const general = path.join(contextDir, '.dockerignore');
  return fs.existsSync(general) ? general : null;
}

/** Checks every COPY/ADD source of `dockerfile` (absolute) against `contextDir` (absolute). */
export function checkDockerfile(dockerfile: string, contextDir: string): StaticCheck & { parsed: ParsedDockerfile } {
  const parsed = parseDockerfile(fs.readFileSync(dockerfile, 'utf8'));
  const ignoreFile = dockerignoreFile(dockerfile, contextDir);
  const rules = ignoreFile ? parseDockerignore(fs.readFileSync(ignoreFile, 'utf8')) : [];
  const missing: MissingSource[] = [];
  const unchecked: UncheckedSource[] = [];
  let checked = 0;
  for (const copy of parsed.copies) {
    for (const raw of copy.sources) {
      const note = (why: string) => unchecked.push({ line: copy.line, source: raw, why });
      if (copy.from !== null) {
        note(`--from=${copy.from}: taken from that stage or image, not the context`);
        continue;
      }
      if (raw.startsWith('<<')) {
        note('heredoc: inline content');
        continue;
      }
      if (copy.instruction === 'ADD' && REMOTE.test(raw)) {
        note('remote source, fetched at build time');
        continue;
      }
      const source = substitute(raw, parsed.variables);
      if (source === null) {
        note('uses a build argument without a default');
        continue;
      }
      checked++;
      const relative = contextPath(source);
      const base = { line: copy.line, instruction: copy.instruction, source: raw };
      if (relative === null) {
        missing.push({ ...base, why: 'outside the build context' });
        continue;
      }
      const matches = hasGlob(relative) ? expandGlob(contextDir, relative) : fs.existsSync(path.join(contextDir, relative)) ? [relative] : [];
      if (matches.length === 0) missing.push({ ...base, why: 'not in the build context' });
      else if (matches.every((m) => isIgnored(m, rules))) missing.push({ ...base, why: 'excluded by .dockerignore' });
    }
  }
  return { checked, missing, unchecked, problems: parsed.problems, dockerignore: ignoreFile, parsed };
}
