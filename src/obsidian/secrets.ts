import type { App } from 'obsidian';

/** Reads the API key from Obsidian's SecretStorage; settings keep only the entry's name. */
export function readSecret(app: App, name: string): string {
  if (!name) return '';
  try {
    return app.secretStorage.getSecret(name) ?? '';
  } catch {
    return '';
  }
}
