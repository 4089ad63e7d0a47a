import { unifiedDiff } from './diff';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', 'a/f', 'b/f')).toBe('');
  });

  it('shows a changed line with its context and file labels', () => {
    const diff = unifiedDiff('one\ntwo\nthree\n', 'one\n2\nthree\n', 'a/f.yml', 'b/f.yml');
    expect(diff.split('\n')).toEqual(['--- a/f.yml', '+++ b/f.yml', '@@ -1,3 +1,3 @@', ' one', '-two', '+2', ' three']);
  });

  it('shows a change of the final newline alone, readably', () => {
    const diff = unifiedDiff('name: CI\non: push', 'name: CI\non: push\n', 'a/ci.yml', 'b/ci.yml');
    expect(diff.split('\n')).toEqual(['--- a/ci.yml', '+++ b/ci.yml', '@@ -1,2 +1,2 @@', ' name: CI', '-on: push', '\\ No newline at end of file', '+on: push']);
  });

  it('diffs a missing file against the whole new content', () => {
    expect(unifiedDiff('', 'x\n', 'a/f', 'b/f').split('\n').slice(2)).toEqual(['@@ -0,0 +1,1 @@', '+x']);
  });
});
