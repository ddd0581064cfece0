import { DEFAULT_SETTINGS, migrateSettings, providerPreset, SETTINGS_VERSION } from '../../../src/core/settings';

describe('migrateSettings', () => {
  it('gives the defaults for nothing saved', () => {
    expect(migrateSettings(undefined).settings).toEqual(DEFAULT_SETTINGS);
    expect(migrateSettings(null).settings).toEqual(DEFAULT_SETTINGS);
    expect(migrateSettings('garbage').settings).toEqual(DEFAULT_SETTINGS);
    expect(migrateSettings([1, 2]).settings).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps valid values and drops unknown keys', () => {
    const { settings } = migrateSettings({ provider: 'openai', baseURL: 'https://api.openai.com/v1', model: 'gpt-x', rawFolder: 'Sources', extra: 1 });
    expect(settings).toMatchObject({ provider: 'openai', model: 'gpt-x', rawFolder: 'Sources', version: SETTINGS_VERSION });
    expect(settings).not.toHaveProperty('extra');
  });

  it('moves a plain-text key out of the settings of an older version', () => {
    const { settings, legacyApiKey } = migrateSettings({ version: 1, apiKey: 'sk-old', baseUrl: 'http://localhost:1234/v1', concurrency: '4' });
    expect(legacyApiKey).toBe('sk-old');
    expect(JSON.stringify(settings)).not.toContain('sk-old');
    expect(settings).toMatchObject({ baseURL: 'http://localhost:1234/v1', provider: 'lmstudio', maxConcurrentRequests: 4 });
  });

  it('clamps numbers and rejects folders that escape the vault', () => {
    const { settings } = migrateSettings({ maxConcurrentRequests: 999, rawFolder: '../outside', wikiFolder: '/wiki/', contextTokens: 'x' });
    expect(settings.maxConcurrentRequests).toBe(16);
    expect(settings.rawFolder).toBe('raw');
    expect(settings.wikiFolder).toBe('wiki');
    expect(settings.contextTokens).toBe(providerPreset('ollama').contextTokens);
  });

  it('never lets the wiki folder be the raw folder', () => {
    const { settings } = migrateSettings({ rawFolder: 'notes', wikiFolder: 'notes' });
    expect(settings.wikiFolder).not.toBe(settings.rawFolder);
  });

  it('lets tools be turned off and keeps them on when the setting predates it', () => {
    expect(migrateSettings({ useTools: false }).settings.useTools).toBe(false);
    expect(migrateSettings({ version: 1 }).settings.useTools).toBe(true);
  });

  it('maps the older network flag to the network mode', () => {
    expect(migrateSettings({ useObsidianNetwork: true }).settings.networkMode).toBe('obsidian');
  });

  it('rejects secret names Obsidian would refuse', () => {
    expect(migrateSettings({ apiKeySecret: 'Bad Name!' }).settings.apiKeySecret).toBe(DEFAULT_SETTINGS.apiKeySecret);
    expect(migrateSettings({ apiKeySecret: 'my-key-2' }).settings.apiKeySecret).toBe('my-key-2');
  });
});
