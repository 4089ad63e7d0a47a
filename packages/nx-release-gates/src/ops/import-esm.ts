/**
 * execa 9 is ESM-only and this package is CommonJS (what Nx loads executors and plugins as). TypeScript would turn
 * `import()` into `require()`, so the dynamic import is hidden from the compiler.
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const dynamicImport = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;

export function importEsm<T>(specifier: string): Promise<T> {
  return dynamicImport<T>(specifier);
}
