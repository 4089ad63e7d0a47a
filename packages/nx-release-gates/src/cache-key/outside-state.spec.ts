import { execFileSync } from 'node:child_process';
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { engineLines, manifestRegistryNames, registryLines, resolutionLines, semverToolLines, tagLines } from './outside-state';

const entry = (name: string, versions: string[]) => versions.map((vers) => JSON.stringify({ name, vers, deps: [], cksum: '0'.repeat(64) })).join('\n');

describe('outside state probes', () => {
  let dir: string;
  let index: string;
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, stdio: 'pipe' }).toString();

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outside-state-'));
    index = path.join(dir, 'index');
    write('index/ti/ny/tinydep', `${entry('tinydep', ['0.1.0'])}\n`);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('registry: one line per name, changing with its entry; an absent entry is a stable line', async () => {
    const first = await registryLines(index, ['tinydep', 'nothere', 'tinydep']);
    expect(first).toEqual([`index ${index}`, 'entry nothere absent', expect.stringMatching(/^entry tinydep sha256 [0-9a-f]{64}$/)]);
    expect(await registryLines(index, ['nothere', 'tinydep'])).toEqual(first);
    write('index/ti/ny/tinydep', `${entry('tinydep', ['0.1.0', '0.1.1'])}\n`);
    expect(await registryLines(index, ['tinydep', 'nothere'])).not.toEqual(first);
  });

  it('registry: an entry the index did not answer at once is asked again, and counts when it answers then', async () => {
    const asked = new Map<string, number>();
    const server = http.createServer((request, response) => {
      const times = (asked.get(request.url ?? '') ?? 0) + 1;
      asked.set(request.url ?? '', times);
      // The first request for each entry fails, as a busy proxy may.
      if (times === 1) response.writeHead(503).end();
      else response.writeHead(200, { etag: `"${request.url}"` }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `sparse+http://127.0.0.1:${(server.address() as { port: number }).port}/`;
      const lines = await registryLines(url, ['tinydep', 'serde']);
      expect(lines.slice(1)).toEqual(['entry serde etag "/se/rd/serde"', 'entry tinydep etag "/ti/ny/tinydep"']);
      expect([...asked.values()]).toEqual([2, 2]);
    } finally {
      server.close();
    }
  });

  it('registry: an index that cannot answer never prints the same line twice', async () => {
    const gone = path.join(dir, 'no-index');
    const [a, b] = [await registryLines(gone, ['tinydep']), await registryLines(gone, ['tinydep'])];
    expect(a[1]).toMatch(/^entry tinydep unknown \(index did not answer\) /);
    expect(a[1]).not.toBe(b[1]);
  });

  it("tags: this crate's release tags with their objects, HEAD only when asked", async () => {
    write('a.txt', 'a');
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'one');
    const none = await tagLines(dir, 'tool', false);
    expect(none).toEqual([]);
    git('tag', 'tool-v0.1.0');
    git('tag', 'other-v0.1.0');
    git('tag', '-a', '-m', 'annotated', 'v0.2.0');
    const tagged = await tagLines(dir, 'tool', true);
    const head = git('rev-parse', 'HEAD').trim();
    expect(tagged).toEqual([expect.stringMatching(/^tag tool-v0\.1\.0 [0-9a-f]{40}$/), expect.stringMatching(new RegExp(`^tag v0\\.2\\.0 [0-9a-f]{40} ${head}$`)), `head ${head}`]);
    git('commit', '-q', '--allow-empty', '-m', 'two');
    expect(await tagLines(dir, 'tool', false)).toEqual(tagged.slice(0, 2));
    expect((await tagLines(dir, 'tool', true))[2]).not.toBe(tagged[2]);
  });

  it('tags: outside a repository it is a line, not an exception', async () => {
    expect(await tagLines(dir, 'tool', false)).toEqual(['tags: git cannot list them']);
  });

  it('engines: none asked is a line; an engine on PATH is probed by its answer', async () => {
    expect(await engineLines(dir, [])).toEqual(['engines none asked (empty)']);
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'docker'), '#!/bin/sh\necho 27.0.0\n', { mode: 0o755 });
    const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` };
    expect(await engineLines(dir, ['docker'], env)).toEqual(['engine docker usable 27.0.0']);
    fs.writeFileSync(path.join(bin, 'docker'), '#!/bin/sh\necho 28.0.0\n', { mode: 0o755 });
    expect(await engineLines(dir, ['docker'], env)).toEqual(['engine docker usable 28.0.0']);
  });

  it('semver-tool: the executable cargo would find, by path, size and time; none when absent', () => {
    expect(semverToolLines({ PATH: path.join(dir, 'bin'), CARGO_HOME: path.join(dir, 'home') })).toEqual(['cargo-semver-checks none']);
    write('home/bin/cargo-semver-checks', 'x');
    expect(semverToolLines({ PATH: path.join(dir, 'bin'), CARGO_HOME: path.join(dir, 'home') })[0]).toMatch(/^cargo-semver-checks .*home\/bin\/cargo-semver-checks 1 /);
  });

  it('reads registry names from every dependency table; git and other registries are reported', () => {
    const names = manifestRegistryNames({
      dependencies: { a: '1', renamed: { package: 'b', version: '1' }, local: { path: '../local' }, both: { path: '../both', version: '0.1' }, g: { git: 'https://x' } },
      'dev-dependencies': { c: '1' },
      target: { 'cfg(unix)': { 'build-dependencies': { d: '1' } } },
    });
    expect(names.names.sort()).toEqual(['a', 'b', 'both', 'c', 'd']);
    expect(names.other).toEqual(['g']);
  });

  describe('resolution', () => {
    const request = { index: '', crateRoot: 'app', resultFile: 'dist/gate-install.json', lockfile: 'app/Cargo.lock' };
    beforeEach(() => {
      write('app/Cargo.toml', '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\ntinydep = "0.1"\n');
      write('app/Cargo.lock', 'version = 4\n\n[[package]]\nname = "app"\nversion = "0.1.0"\n\n[[package]]\nname = "tinydep"\nversion = "0.1.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n');
    });

    it("changes with a new release of a direct dependency, and of a name only the last fresh resolution reached", async () => {
      const lines = () => resolutionLines(dir, { ...request, index });
      const first = await lines();
      expect(first).toContainEqual(expect.stringMatching(/^entry tinydep sha256 /));
      expect(await lines()).toEqual(first);
      write('index/ti/ny/tinydep', `${entry('tinydep', ['0.1.0', '0.1.1'])}\n`);
      const released = await lines();
      expect(released).not.toEqual(first);
      write('dist/gate-install.json', JSON.stringify({ details: { resolvedNames: ['tinydep', 'newdep'] } }));
      const recorded = await lines();
      expect(recorded).toContain('entry newdep absent');
      write('index/ne/wd/newdep', `${entry('newdep', ['1.0.0'])}\n`);
      expect(await lines()).not.toEqual(recorded);
    });

    it('holds the local source cargo config puts in place of crates.io, by listing and checksums', async () => {
      write('app/.cargo/config.toml', '[source.crates-io]\nreplace-with = "v"\n\n[source.v]\ndirectory = "../vendor"\n');
      write('vendor/tinydep-0.1.0/.cargo-checksum.json', '{"package":"a"}');
      const lines = () => resolutionLines(dir, { ...request, index });
      const first = await lines();
      expect(first).toContainEqual(expect.stringMatching(/^source .*vendor [0-9a-f]{64}$/));
      write('vendor/tinydep-0.1.1/.cargo-checksum.json', '{"package":"b"}');
      expect(await lines()).not.toEqual(first);
    });

    it('never matches with a git dependency', async () => {
      write('app/Cargo.toml', '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\nfar = { git = "https://example.com/far" }\n');
      const [a, b] = [await resolutionLines(dir, { ...request, index }), await resolutionLines(dir, { ...request, index })];
      expect(a).not.toEqual(b);
      expect(a[0]).toMatch(/^dependencies unknown \(git or other registry: far\) /);
    });
  });
});
