import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cachedEntry, localCacheFolders } from './nx-cache';

describe('Nx local cache', () => {
  let base: string;
  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'nx-cache-'));
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('looks in NX_CACHE_DIRECTORY first, then where the workspace\'s Nx says, else .nx/cache and every ~/.nx/<id>/cache', () => {
    fs.mkdirSync(path.join(base, 'home', '.nx', 'b1', 'cache'), { recursive: true });
    fs.mkdirSync(path.join(base, 'home', '.nx', 'a2', 'cache'), { recursive: true });
    // Where no Nx can be loaded for `ws` (an nx in a folder above the temporary one must not decide this test): the fallbacks.
    const ws = path.join(base, 'ws');
    expect(localCacheFolders(ws, { NX_CACHE_DIRECTORY: 'tmp/cache' }, path.join(base, 'home'), () => null)).toEqual([
      path.join(ws, 'tmp', 'cache'),
      path.join(ws, '.nx', 'cache'),
      path.join(base, 'home', '.nx', 'a2', 'cache'),
      path.join(base, 'home', '.nx', 'b1', 'cache'),
    ]);
  });

  it('takes the folder the workspace\'s Nx reports instead of guessing', () => {
    const ws = path.join(base, 'ws');
    expect(localCacheFolders(ws, {}, path.join(base, 'home'), () => '/somewhere/cache')).toEqual(['/somewhere/cache']);
  });

  it('finds the entry folder named by the hash, with the gate\'s result file from it', () => {
    const cache = path.join(base, 'cache');
    fs.mkdirSync(path.join(cache, '123', 'dist', 'release-gates', 'app'), { recursive: true });
    fs.writeFileSync(path.join(cache, '123', 'dist', 'release-gates', 'app', 'gate-test.json'), '{"status":"passed"}');
    fs.mkdirSync(path.join(cache, '456'));
    const file = 'dist/release-gates/app/gate-test.json';
    expect(cachedEntry([path.join(base, 'none'), cache], '123', file)).toEqual({ folder: path.join(cache, '123'), content: '{"status":"passed"}' });
    expect(cachedEntry([cache], '456', file)).toEqual({ folder: path.join(cache, '456'), content: null });
    expect(cachedEntry([cache], '789', file)).toBeNull();
    expect(cachedEntry([cache], '../cache/123', file)).toBeNull();
  });
});
