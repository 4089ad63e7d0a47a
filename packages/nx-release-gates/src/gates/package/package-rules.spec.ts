import { packageRuleDropping } from './package-rules';

describe('packageRuleDropping', () => {
  it('names the exclude pattern that matches the file, at any depth without a slash', () => {
    expect(packageRuleDropping('LICENSE-MIT', null, ['/tests', 'LICENSE-*'])).toBe('exclude pattern "LICENSE-*" matches it');
    expect(packageRuleDropping('docs/notes.md', null, ['*.md'])).toBe('exclude pattern "*.md" matches it');
  });

  it('anchors a leading slash at the crate root and covers a folder', () => {
    expect(packageRuleDropping('templates/Dockerfile', null, ['/templates'])).toBe('exclude pattern "/templates" matches it');
    expect(packageRuleDropping('src/templates/Dockerfile', null, ['/templates'])).toBeNull();
  });

  it('with include, says no include pattern matches (cargo then ignores exclude)', () => {
    expect(packageRuleDropping('README.md', ['src/**', 'Cargo.toml'], ['README.md'])).toBe('no pattern of include = ["src/**","Cargo.toml"] matches it');
    expect(packageRuleDropping('src/lib.rs', ['src/**'], null)).toBeNull();
  });

  it('is null when neither list explains it (a .gitignore, say)', () => {
    expect(packageRuleDropping('README.md', null, null)).toBeNull();
    expect(packageRuleDropping('README.md', null, ['target'])).toBeNull();
  });
});
