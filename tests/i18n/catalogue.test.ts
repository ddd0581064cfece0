import { CATALOGUES, createTranslator, languageFromEnv, LANGUAGES, parseLanguage } from '../../src/i18n';
import { en } from '../../src/i18n/en';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the message catalogues', () => {
  it('ships English and Simplified Chinese', () => {
    expect(LANGUAGES).toEqual(['en', 'zh-CN']);
  });

  it.each(LANGUAGES)('%s has exactly the English keys: none missing, none extra', (language) => {
    const keys = Object.keys(CATALOGUES[language]);
    const missing = Object.keys(en).filter((k) => !keys.includes(k));
    const extra = keys.filter((k) => !(k in en));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  });

  it.each(LANGUAGES)('%s has the same placeholders as English in every text, and no empty text', (language) => {
    const catalogue: Record<string, string> = CATALOGUES[language];
    const differ = Object.entries(en)
      .filter(([key, text]) => placeholders(catalogue[key] ?? '').join() !== placeholders(text).join())
      .map(([key]) => key);
    expect(differ).toEqual([]);
    expect(Object.keys(catalogue).filter((key) => catalogue[key].trim() === '')).toEqual([]);
  });

  it('zh-CN is translated: every text has Chinese in it, apart from placeholders, the product name and punctuation alone', () => {
    const untranslated = Object.entries(CATALOGUES['zh-CN'])
      .map(([key, text]) => [key, text.replace(/\{\w+\}|Scriptorium/g, '')] as const)
      .filter(([, text]) => !/\p{Script=Han}/u.test(text) && !/^[\p{P}\s]+$/u.test(text))
      .map(([key]) => key);
    expect(untranslated).toEqual([]);
  });
});

describe('the translator', () => {
  it('fills placeholders with the params, in each language', () => {
    expect(createTranslator('en')('cli.error.unknownCommandGuess', { name: 'serch', guess: 'search' })).toBe(
      'unknown command "serch" (did you mean search? scriptorium --help lists the commands)',
    );
    expect(createTranslator('zh-CN')('cli.error.unknownCommandGuess', { name: 'serch', guess: 'search' })).toBe(
      '未知命令 "serch"（是不是想用 search？scriptorium --help 列出所有命令）',
    );
    expect(createTranslator('zh-CN')('command.openChat')).toBe('打开对话');
  });
});

describe('choosing the language', () => {
  it.each([
    ['en', 'en'],
    ['en-GB', 'en'],
    ['zh', 'zh-CN'],
    ['zh-CN', 'zh-CN'],
    ['zh-Hans-CN', 'zh-CN'],
    ['zh_CN.UTF-8', 'zh-CN'],
    ['zh_SG.gb18030', 'zh-CN'],
    ['zh-TW', undefined],
    ['zh_HK.UTF-8', undefined],
    ['zh-Hant', undefined],
    ['fr', undefined],
    ['C', undefined],
    ['', undefined],
  ])('%j is %j', (tag, language) => {
    expect(parseLanguage(tag)).toBe(language);
  });

  it('takes LC_ALL, else LC_MESSAGES, else LANG, as POSIX programs do; English when that one is not shipped', () => {
    expect(languageFromEnv({ LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(languageFromEnv({ LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' })).toBe('zh-CN');
    expect(languageFromEnv({ LC_ALL: 'en_US.UTF-8', LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(languageFromEnv({ LC_ALL: '', LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(languageFromEnv({ LC_ALL: 'fr_FR.UTF-8', LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(languageFromEnv({})).toBe('en');
  });
});
