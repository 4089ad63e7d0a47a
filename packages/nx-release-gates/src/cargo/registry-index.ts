/**
 * What crates.io holds for a crate name, read from its sparse index (the same files cargo reads; the web API is not
 * needed). Used by gate-semver (which version is the baseline) and gate-publish (is the name already taken).
 */
export const CRATES_IO_INDEX = 'https://index.crates.io';

export interface PublishedVersion {
  version: string;
  yanked: boolean;
}

export type IndexAnswer = { versions: PublishedVersion[] } | { notFound: true } | { unreachable: string };

/** The index file of a name: `1/a`, `2/ab`, `3/a/abc`, `ab/cd/abcd...` (crates.io names are case-insensitive). */
export function indexFilePath(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length <= 2) return `${lower.length}/${lower}`;
  if (lower.length === 3) return `3/${lower[0]}/${lower}`;
  return `${lower.slice(0, 2)}/${lower.slice(2, 4)}/${lower}`;
}

/** One JSON object per line, one line per published version. */
export function parseIndexFile(text: string): PublishedVersion[] {
  return text
    .split('\n')
    .filter((line) => line.trim())
    .flatMap((line) => {
      try {
        const entry = JSON.parse(line) as { vers?: unknown; yanked?: unknown };
        return typeof entry.vers === 'string' ? [{ version: entry.vers, yanked: entry.yanked === true }] : [];
      } catch {
        return [];
      }
    });
}

export type Fetcher = (url: string, init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<{ status: number; text(): Promise<string> }>;

/** The published versions of `name`; a registry that does not answer is `unreachable` with the reason. */
export async function publishedVersions(name: string, fetcher: Fetcher = fetch as unknown as Fetcher, timeoutMs = 15_000): Promise<IndexAnswer> {
  const url = `${CRATES_IO_INDEX}/${indexFilePath(name)}`;
  try {
    const response = await fetcher(url, { signal: AbortSignal.timeout(timeoutMs), headers: { 'User-Agent': 'nx-release-gates' } });
    if (response.status === 404 || response.status === 410 || response.status === 451) return { notFound: true };
    if (response.status !== 200) return { unreachable: `${url} answered HTTP ${response.status}` };
    return { versions: parseIndexFile(await response.text()) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { unreachable: `${url} did not answer (${cause ?? (error as Error).name ?? 'network error'})` };
  }
}
