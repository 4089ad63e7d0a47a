import { formatBytes, parseSize } from './sizes';

describe('parseSize', () => {
  it.each([
    ['1KB', 1000],
    ['8MB', 8_000_000],
    ['2GB', 2_000_000_000],
    ['1KiB', 1024],
    ['20MiB', 20 * 1024 * 1024],
    ['1GiB', 1024 ** 3],
    ['10mib', 10 * 1024 * 1024],
    [' 15 MB ', 15_000_000],
    ['1.5KiB', 1536],
    ['0.5MB', 500_000],
    ['512', 512],
    ['512B', 512],
    ['0', 0],
  ])('reads %p as %p bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it('keeps decimal and binary units apart', () => {
    expect(parseSize('1MB')).not.toBe(parseSize('1MiB'));
    expect(parseSize('20MiB')! - parseSize('20MB')!).toBe(20 * 1024 * 1024 - 20_000_000);
  });

  it('accepts a byte count given as a number', () => {
    expect(parseSize(20971520)).toBe(20971520);
    expect(parseSize(0)).toBe(0);
  });

  it.each([
    ['-1', '-1'],
    ['abc', 'abc'],
    ['', ''],
    ['MB', 'MB'],
    ['10 TB', '10 TB'],
    ['10XB', '10XB'],
    ['1,5MB', '1,5MB'],
    ['10 MiB extra', '10 MiB extra'],
    ['0x10', '0x10'],
  ])('rejects the string %p', (_label, text) => {
    expect(parseSize(text)).toBeNull();
  });

  it.each([[-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY]])('rejects the number %p', (value) => {
    expect(parseSize(value)).toBeNull();
  });

  it.each([[null], [undefined], [true], [[10]], [{ bytes: 10 }]])('rejects the non-size %p', (value) => {
    expect(parseSize(value)).toBeNull();
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [20 * 1024 * 1024, '20.0 MiB'],
    [10 * 1024 * 1024 - 1, '10.0 MiB'],
    [3 * 1024 ** 3, '3.0 GiB'],
    [5 * 1024 ** 4, '5120.0 GiB'],
  ])('formats %p as %p', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('round-trips with parseSize for binary sizes', () => {
    expect(parseSize(formatBytes(20 * 1024 * 1024).replace(' ', ''))).toBe(20 * 1024 * 1024);
  });
});
