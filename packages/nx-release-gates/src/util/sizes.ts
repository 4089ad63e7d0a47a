/**
 * Sizes as people write them. `KB`/`MB`/`GB` are powers of 1000 and `KiB`/`MiB`/`GiB` powers of 1024, as in
 * IEC 80000-13, so `20MiB` is exactly 20*1024*1024 bytes.
 */
const UNITS: Record<string, number> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Returns the size in bytes, or null when the value is not a size. */
export function parseSize(value: unknown): number | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 && Number.isInteger(value) ? value : null;
  }
  if (typeof value !== 'string') return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (!match) return null;
  const unit = match[2].toLowerCase() || 'b';
  const factor = UNITS[unit];
  if (factor === undefined) return null;
  return Math.round(Number(match[1]) * factor);
}

/** 20971520 -> "20.0 MiB": for tables and reasons, always in binary units so limits read naturally. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 'B';
  for (const next of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  return `${value.toFixed(1)} ${unit}`;
}
