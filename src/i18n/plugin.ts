import { getLanguage } from 'obsidian';
import { createTranslator, parseLanguage, setInterfaceLanguage, type Language } from './index';

/**
 * The plugin's interface language: Obsidian's own (Settings → General → Language), read once when
 * the plugin loads, as Obsidian itself asks for a restart after a change. A language Scriptorium
 * does not ship shows English.
 */
export const pluginLanguage: Language = parseLanguage(getLanguage()) ?? 'en';

/** The plugin's translator: `t('command.openChat')`. */
export const t = createTranslator(pluginLanguage);

// The core's texts (errors, plan titles, health checks, reports) follow the same language.
setInterfaceLanguage(pluginLanguage);
