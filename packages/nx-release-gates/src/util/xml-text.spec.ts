import { escapeXml, unescapeXml } from './xml-text';

describe('xml text', () => {
  it('reads back what it writes', () => {
    const text = `a < b && c > "d" 'e'`;
    expect(unescapeXml(escapeXml(text))).toBe(text);
  });

  it('reads numeric references and keeps one that names no character', () => {
    expect(unescapeXml('&#65;&#x42;&#99999999;&bogus;')).toBe('AB&#99999999;&bogus;');
  });
});
