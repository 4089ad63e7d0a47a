import { closestName, editDistance } from './closest-name';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['abc', '', 3],
    ['max-binary-sise', 'max-binary-size', 1],
    ['runer', 'runner', 1],
    ['maxBianrySize', 'maxBinarySize', 1],
    ['kitten', 'sitting', 3],
  ])('%p -> %p is %p', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('closestName', () => {
  const known = ['max-binary-size', 'max-crate-size', 'runner', 'features'];

  it('names the nearest known name for a typo', () => {
    expect(closestName('max-binary-sise', known)).toBe('max-binary-size');
    expect(closestName('max-crate-sze', known)).toBe('max-crate-size');
    expect(closestName('runer', known)).toBe('runner');
    expect(closestName('featrues', known)).toBe('features');
  });

  it('ignores case, so a wrongly capitalised name still finds its option', () => {
    expect(closestName('Runner', known)).toBe('runner');
  });

  it('names nothing for a word that is not near any known name', () => {
    expect(closestName('timeout', known)).toBeUndefined();
    expect(closestName('x', known)).toBeUndefined();
    expect(closestName('anything', [])).toBeUndefined();
  });
});
