import type { App } from 'obsidian';
import type { ResearchAgentOptions } from '../../core/ask';
import type { ScriptoriumSettings } from '../../core/settings';
import { pluginWeb } from './plugin-web';

/**
 * The chat agent's web option: only when a provider is set and "Use the web in the chat" is on;
 * otherwise nothing (the agent then has no web tool at all). A provider set without its address
 * or key throws its sentence, which the chat shows.
 */
export function chatWeb(app: App, settings: ScriptoriumSettings): Pick<ResearchAgentOptions, 'web'> {
  if (!settings.web.useInChat || settings.web.provider === 'none') return {};
  const { provider, reader } = pluginWeb(app, settings);
  return provider ? { web: { provider, reader, maxCalls: settings.web.maxCallsPerRun } } : {};
}
