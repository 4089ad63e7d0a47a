import { indexFilePath, parseIndexFile } from './registry-index';

describe('crates.io sparse index', () => {
  it('finds the index file of a name as cargo does', () => {
    expect(indexFilePath('a')).toBe('1/a');
    expect(indexFilePath('ab')).toBe('2/ab');
    expect(indexFilePath('abc')).toBe('3/a/abc');
    expect(indexFilePath('Serde')).toBe('se/rd/serde');
  });

  it('reads versions and yanked flags, skipping lines it cannot read', () => {
    expect(parseIndexFile('{"name":"x","vers":"0.1.0","yanked":false}\nnot json\n{"name":"x","vers":"0.2.0","yanked":true}\n')).toEqual([
      { version: '0.1.0', yanked: false },
      { version: '0.2.0', yanked: true },
    ]);
  });
});
