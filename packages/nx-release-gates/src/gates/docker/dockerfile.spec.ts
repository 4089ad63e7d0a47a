import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkDockerfile, contextPath, isIgnored, parseDockerfile, parseDockerignore, pathPattern, substitute } from './dockerfile';

describe('parseDockerfile', () => {
  it('reads shell and JSON forms, several sources, flags and continuations', () => {
    const parsed = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        'FROM rust:1 AS build',
        'COPY --chown=1000:1000 Cargo.toml Cargo.lock ./',
        'copy src/ /app/src/',
        'COPY ["templates/a b.txt", "README.md", "/app/"]',
        'ADD --chmod=644 \\',
        '    # a comment inside the continuation',
        '    config/ \\',
        '    /etc/app/',
        'COPY --from=build /app/target/release/tool /usr/local/bin/tool',
        'ADD https://example.com/file.tar.gz /tmp/',
      ].join('\n'),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.copies.map((c) => [c.instruction, c.line, c.from, c.sources, c.destination])).toEqual([
      ['COPY', 3, null, ['Cargo.toml', 'Cargo.lock'], './'],
      ['COPY', 4, null, ['src/'], '/app/src/'],
      ['COPY', 5, null, ['templates/a b.txt', 'README.md'], '/app/'],
      ['ADD', 6, null, ['config/'], '/etc/app/'],
      ['COPY', 10, 'build', ['/app/target/release/tool'], '/usr/local/bin/tool'],
      ['ADD', 11, null, ['https://example.com/file.tar.gz'], '/tmp/'],
    ]);
  });

  it('honours the escape directive and skips heredoc bodies', () => {
    const parsed = parseDockerfile(
      ['# escape=`', 'FROM scratch', 'COPY a `', '  b /dst/', 'COPY <<EOF /etc/motd', 'COPY not-an-instruction /x', 'EOF', 'COPY c /dst/'].join('\n'),
    );
    expect(parsed.copies.map((c) => c.sources)).toEqual([['a', 'b'], ['<<EOF'], ['c']]);
  });

  it('reports a COPY without a destination and collects ARG/ENV values', () => {
    const parsed = parseDockerfile('ARG DIR=assets\nARG NODEFAULT\nENV APP_HOME=/app\nENV LEGACY value here\nCOPY onlyone\n');
    expect(parsed.problems).toEqual([expect.stringContaining('line 5: COPY needs at least one source and a destination')]);
    expect(parsed.variables).toEqual({ DIR: 'assets', APP_HOME: '/app', LEGACY: 'value here' });
  });
});

describe('paths and patterns', () => {
  it('substitutes known variables only', () => {
    expect(substitute('${DIR}/x', { DIR: 'assets' })).toBe('assets/x');
    expect(substitute('$DIR/x', { DIR: 'assets' })).toBe('assets/x');
    expect(substitute('${NOPE:-fallback}/x', {})).toBe('fallback/x');
    expect(substitute('${NOPE}/x', {})).toBeNull();
  });
  it('keeps sources inside the context', () => {
    expect(contextPath('/src/./main.rs')).toBe('src/main.rs');
    expect(contextPath('./')).toBe('.');
    expect(contextPath('../outside')).toBeNull();
    expect(contextPath('a/../../b')).toBeNull();
  });
  it('matches Go-style globs with ** across folders', () => {
    expect(pathPattern('src/*.rs').test('src/main.rs')).toBe(true);
    expect(pathPattern('src/*.rs').test('src/a/main.rs')).toBe(false);
    expect(pathPattern('**/*.md').test('docs/a/b.md')).toBe(true);
    expect(pathPattern('file?.[ch]').test('file1.c')).toBe(true);
    expect(pathPattern('[!a]*').test('abc')).toBe(false);
  });
  it('applies .dockerignore with exceptions and parent folders', () => {
    const rules = parseDockerignore('# comment\ntarget\n*.log\n!keep.log\n/docs/**\n');
    expect(isIgnored('target/release/tool', rules)).toBe(true);
    expect(isIgnored('debug.log', rules)).toBe(true);
    expect(isIgnored('keep.log', rules)).toBe(false);
    expect(isIgnored('docs/a.md', rules)).toBe(true);
    expect(isIgnored('src/main.rs', rules)).toBe(false);
  });
});

describe('checkDockerfile', () => {
  let dir: string;
  const write = (file: string, content = 'x') => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-dockerfile-'));
    write('Cargo.toml');
    write('src/main.rs');
    write('templates/docker/entry.sh');
    write('assets/a.json');
    write('assets/b.json');
    write('build.log');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('passes when every context source exists, leaving other stages and remote sources unchecked', () => {
    write(
      'templates/docker/Dockerfile',
      'FROM scratch AS base\nARG ASSETS=assets\nCOPY Cargo.toml src/ /app/\nCOPY ${ASSETS}/*.json /app/assets/\nCOPY ["templates/docker/entry.sh", "/entry.sh"]\nCOPY --from=base /app /app\nADD https://example.com/x /x\n',
    );
    const result = checkDockerfile(path.join(dir, 'templates/docker/Dockerfile'), dir);
    expect(result.missing).toEqual([]);
    expect(result.checked).toBe(4);
    expect(result.unchecked.map((u) => u.source)).toEqual(['/app', 'https://example.com/x']);
  });

  it('lists missing sources, unmatched globs, sources outside the context and ignored files', () => {
    write('.dockerignore', '*.log\n');
    write('Dockerfile', 'FROM scratch\nCOPY templates/missing/ /t/\nCOPY assets/*.yaml /a/\nCOPY ../secret /s\nCOPY build.log /l\nCOPY src /src\n');
    const result = checkDockerfile(path.join(dir, 'Dockerfile'), dir);
    expect(result.missing.map((m) => [m.line, m.source, m.why])).toEqual([
      [2, 'templates/missing/', 'not in the build context'],
      [3, 'assets/*.yaml', 'not in the build context'],
      [4, '../secret', 'outside the build context'],
      [5, 'build.log', 'excluded by .dockerignore'],
    ]);
    expect(result.dockerignore).toBe(path.join(dir, '.dockerignore'));
  });

  it('prefers <Dockerfile>.dockerignore beside the Dockerfile', () => {
    write('.dockerignore', 'src\n');
    write('docker/Dockerfile', 'FROM scratch\nCOPY src /src\n');
    write('docker/Dockerfile.dockerignore', 'assets\n');
    const result = checkDockerfile(path.join(dir, 'docker/Dockerfile'), dir);
    expect(result.missing).toEqual([]);
    expect(result.dockerignore).toBe(path.join(dir, 'docker/Dockerfile.dockerignore'));
  });
});
