import type { NxJsonConfiguration } from '@nx/devkit';

export const PLUGIN_NAME = 'nx-release-gates';

/** The options object of this plugin's entry in nx.json `plugins`, if any. */
export function pluginOptionsFrom(nxJson: NxJsonConfiguration | undefined): Record<string, unknown> {
  for (const entry of nxJson?.plugins ?? []) {
    if (typeof entry === 'string') continue;
    if (entry.plugin === PLUGIN_NAME || entry.plugin.endsWith(`/${PLUGIN_NAME}`)) return (entry.options as Record<string, unknown>) ?? {};
  }
  return {};
}
