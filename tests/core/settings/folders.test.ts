import { DEFAULT_SETTINGS, describeFolderProblem, migrateSettings, validateFolders } from '../../../src/core/settings';

const ok = (rawFolder: string, wikiFolder: string, configDir?: string) => validateFolders({ rawFolder, wikiFolder }, configDir);

describe('validateFolders', () => {
  it('accepts ordinary folders side by side, nested paths and trailing slashes', () => {
    expect(ok('raw', 'wiki')).toBeNull();
    expect(ok('Sources/Clippings', 'Knowledge/Wiki/')).toBeNull();
    expect(ok('raw', 'wiki-2')).toBeNull();
    expect(ok('raw', 'rawish')).toBeNull();
  });

  it.each([
    ['a/ .. / .. /x', /contains " \.\. "/],
    ['../outside', /contains "\.\."/],
    ['wiki/./x', /contains "\."/],
    ['/wiki', /not a path inside the vault/],
    ['C:/Users/me/wiki', /not a path inside the vault/],
    ['~/wiki', /not a path inside the vault/],
    ['', /is empty/],
    ['a//b', /empty part/],
    [' wiki/ x', /starts or ends with a space/],
    ['wi:ki', /contains ":"/],
    ['wi\u0000ki', /control character/],
    ['.obsidian', /configuration folder|hidden folder/],
    ['.obsidian/plugins/x', /hidden folder/],
    ['.trash/wiki', /hidden folder/],
    ['notes/.wiki', /hidden folder/],
    ['.OBSIDIAN/x', /hidden folder/],
  ])('refuses the wiki folder %j', (wiki, message) => {
    const problem = ok('raw', wiki);
    expect(problem?.field).toBe('wikiFolder');
    expect(problem?.message).toMatch(message);
  });

  it('refuses the same folder twice, and either folder inside the other (whatever the case)', () => {
    expect(ok('notes', 'notes')?.message).toMatch(/both "notes"/);
    expect(ok('Notes', 'notes')?.message).toMatch(/both/);
    expect(ok('raw', 'raw/wiki')?.message).toMatch(/inside the raw sources folder/);
    expect(ok('wiki/raw', 'wiki')?.field).toBe('rawFolder');
    expect(ok('wiki/raw', 'wiki')?.message).toMatch(/inside the wiki folder/);
  });

  it('knows another config folder name', () => {
    expect(ok('raw', '.config-x/wiki', '.config-x')?.message).toMatch(/configuration folder/);
    expect(ok('raw', 'config-x/wiki', '.config-x')).toBeNull();
  });

  it('says where to fix it', () => {
    const problem = ok('raw', '../x');
    expect(problem && describeFolderProblem(problem)).toMatch(/Settings → Scriptorium → Folders/);
  });
});

describe('migrateSettings and folders', () => {
  it('reports a folder that escapes the vault and falls back to a safe one', () => {
    const { settings, folderProblem } = migrateSettings({ wikiFolder: 'a/ .. / .. /x' });
    expect(folderProblem).toMatchObject({ field: 'wikiFolder' });
    expect(folderProblem?.message).toMatch(/a\/ \.\. \/ \.\. \/x/);
    expect(settings.wikiFolder).toBe('wiki');
    expect(settings.rawFolder).toBe('raw');
  });

  it('moves a clashing wiki folder beside the sources', () => {
    const { settings, folderProblem } = migrateSettings({ rawFolder: 'wiki', wikiFolder: 'wiki/out' });
    expect(folderProblem?.field).toBe('wikiFolder');
    expect(validateFolders(settings)).toBeNull();
    expect(settings.rawFolder).toBe('wiki');
  });

  it('reports nothing for good folders', () => {
    expect(migrateSettings({ rawFolder: 'Sources', wikiFolder: 'Wiki' }).folderProblem).toBeUndefined();
    expect(migrateSettings({}).folderProblem).toBeUndefined();
  });

  it('has a source size cap of 2 MB by default; 0 turns it off', () => {
    expect(DEFAULT_SETTINGS.maxSourceKB).toBe(2048);
    expect(migrateSettings({ maxSourceKB: 0 }).settings.maxSourceKB).toBe(0);
    expect(migrateSettings({ maxSourceKB: '512' }).settings.maxSourceKB).toBe(512);
    expect(migrateSettings({ maxSourceKB: -5 }).settings.maxSourceKB).toBe(0);
    expect(migrateSettings({ maxSourceKB: 'lots' }).settings.maxSourceKB).toBe(2048);
  });
});
