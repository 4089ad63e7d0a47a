import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeRuntimeArgs, encodeRuntimeArgs, runtimeCommand } from './runtime-args';

const HOSTILE = [
  'q$(touch PWNED)',
  '`touch PWNED`',
  `it's "quoted"`,
  'two\nlines',
  'with space',
  'a;touch PWNED',
  'a&&touch PWNED|b>c<d',
  '%PATH%!x!',
  'MY_*',
  'b64:looks-encoded',
  '',
  'tab\there\\back',
  'ünïcødé/crate',
];

describe('runtime input arguments', () => {
  it('stay as written when every one is shell-safe', () => {
    expect(encodeRuntimeArgs(['lockfile', '.'])).toEqual(['lockfile', '.']);
    expect(encodeRuntimeArgs(['crates/my-app_2', '--tree', '../shared', '--env', 'CC_x86_64@v1.0+a=b'])).toEqual(['crates/my-app_2', '--tree', '../shared', '--env', 'CC_x86_64@v1.0+a=b']);
    expect(decodeRuntimeArgs(['lockfile', '.'])).toEqual(['lockfile', '.']);
  });

  it.each(HOSTILE)('%j: all of them become one base64url argument, and come back whole', (hostile) => {
    const args = ['lockfile', hostile, 'crates/app'];
    const encoded = encodeRuntimeArgs(args);
    expect(encoded).toEqual([expect.stringMatching(/^b64:[A-Za-z0-9_-]+$/)]);
    expect(decodeRuntimeArgs(encoded)).toEqual(args);
  });

  it('take what does not decode to a list of strings as written, never throwing', () => {
    expect(decodeRuntimeArgs(['b64:!!!'])).toEqual(['b64:!!!']);
    expect(decodeRuntimeArgs([`b64:${Buffer.from('{"crateRoot":"x"}').toString('base64url')}`])).toHaveLength(1);
    expect(decodeRuntimeArgs([`b64:${Buffer.from('[1,2]').toString('base64url')}`])).toHaveLength(1);
  });
});

describe('runtimeCommand', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-args-'));
    // Stands in for a runtime-input CLI: prints the arguments it was given.
    fs.mkdirSync(path.join(dir, 'node_modules', 'plugin (1)'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules', 'plugin (1)', 'cli.js'), 'process.stdout.write(JSON.stringify(process.argv.slice(2)));\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the script relative to the workspace, in double quotes', () => {
    expect(runtimeCommand('/ws', '/ws/node_modules/p/cli.js', ['lockfile', '.'])).toBe('node "node_modules/p/cli.js" lockfile .');
  });

  it('refuses a script path that double quotes cannot hold, with one line', () => {
    expect(() => runtimeCommand('/ws', '/ws/../$(x)/cli.js', [])).toThrow(/^nx-release-gates is installed at \.\.\/\$\(x\)\/cli\.js \(relative to the workspace\), whose name holds shell syntax/);
  });

  it.each(HOSTILE)('%j: run by a real shell, reaches the script whole and runs nothing', (hostile) => {
    const args = ['lockfile', hostile];
    const command = runtimeCommand(dir, path.join(dir, 'node_modules', 'plugin (1)', 'cli.js'), args);
    const printed = JSON.parse(execFileSync('/bin/sh', ['-c', command], { cwd: dir, encoding: 'utf8' })) as string[];
    expect(decodeRuntimeArgs(printed)).toEqual(args);
    expect(fs.readdirSync(dir)).toEqual(['node_modules']);
  });
});
