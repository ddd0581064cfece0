import { DEFAULT_SETTINGS, migrateSettings } from '../../../src/core/settings';
import { LintLayout } from '../../../src/core/lint';

describe('splitArticleWords setting', () => {
  it('defaults to 2,500 words, keeps 0 (never), and repairs what cannot be a word count', () => {
    expect(DEFAULT_SETTINGS.splitArticleWords).toBe(2500);
    expect(migrateSettings({}).settings.splitArticleWords).toBe(2500);
    expect(migrateSettings({ splitArticleWords: 4000 }).settings.splitArticleWords).toBe(4000);
    expect(migrateSettings({ splitArticleWords: '0' }).settings.splitArticleWords).toBe(0);
    expect(migrateSettings({ splitArticleWords: -5 }).settings.splitArticleWords).toBe(0);
    expect(migrateSettings({ splitArticleWords: 'long' }).settings.splitArticleWords).toBe(2500);
  });

  it('reaches the health checks through the layout, where anything not a positive number turns the check off', () => {
    expect(new LintLayout().splitArticleWords).toBe(2500);
    expect(new LintLayout({ splitArticleWords: 1200.4 }).splitArticleWords).toBe(1200);
    expect(new LintLayout({ splitArticleWords: 0 }).splitArticleWords).toBe(0);
    expect(new LintLayout({ splitArticleWords: Number.NaN }).splitArticleWords).toBe(0);
  });
});
