import { DEFAULT_SETTINGS, migrateSettings, validateAttachmentsFolder } from '../../../src/core/settings';

describe('the attachments folder setting', () => {
  it('defaults to "assets" beside the sources, wherever the raw folder is', () => {
    expect(DEFAULT_SETTINGS.attachmentsFolder).toBe('raw/assets');
    expect(migrateSettings({}).settings.attachmentsFolder).toBe('raw/assets');
    expect(migrateSettings({ rawFolder: 'Sources' }).settings.attachmentsFolder).toBe('Sources/assets');
    expect(migrateSettings({ attachmentsFolder: 'Clippings/img/' }).settings.attachmentsFolder).toBe('Clippings/img');
  });

  it('refuses folders in the wiki, the config folder, hidden or outside the vault, and falls back when hand-edited to one', () => {
    const folders = { rawFolder: 'raw', wikiFolder: 'wiki' };
    expect(validateAttachmentsFolder('raw/assets', folders, '.obsidian')).toBeNull();
    expect(validateAttachmentsFolder('raw', folders, '.obsidian')).toBeNull();
    expect(validateAttachmentsFolder('wiki/assets', folders, '.obsidian')).toMatch(/inside the wiki folder/);
    expect(validateAttachmentsFolder('.obsidian/img', folders, '.obsidian')).toMatch(/configuration folder/);
    expect(validateAttachmentsFolder('../img', folders, '.obsidian')).toMatch(/outside it/);
    expect(validateAttachmentsFolder('', folders)).toMatch(/empty/);
    expect(migrateSettings({ attachmentsFolder: 'wiki/img' }, '.obsidian').settings.attachmentsFolder).toBe('raw/assets');
    expect(migrateSettings({ rawFolder: 'src', attachmentsFolder: '/abs' }, '.obsidian').settings.attachmentsFolder).toBe('src/assets');
  });
});
