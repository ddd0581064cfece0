/** The page's vault and change plan: a small sourdough wiki, with a few long names and lines to test wrapping. */
import type { ChangePlan } from '../../../src/core/plan';

export const NOTES: Record<string, string> = {
  'raw/Starter.md': [
    '# Starter',
    'A sourdough starter is flour and water colonised by wild yeast and lactic acid bacteria.',
    'Feed it at a ratio of 1:5:5 (starter, flour, water) and keep it at 24 °C; it peaks after about six hours.',
    '## Peak',
    'At its peak the starter has doubled, smells of yoghurt and a drop floats in water. Use it then: the yeast is most active.',
  ].join('\n'),
  'raw/Hydration.md': [
    '# Hydration',
    'Hydration is the weight of water divided by the weight of flour. A 75 % dough holds 750 g of water per kilogram of flour.',
    '## Higher hydration',
    'Wetter doughs ferment faster and give a more open crumb, but are harder to shape; strong flour absorbs more water.',
  ].join('\n'),
  'raw/Autolyse.md': [
    '# Autolyse',
    'Mixing only flour and water and resting it for 30 to 60 minutes before adding the starter and salt lets gluten form on its own.',
  ].join('\n'),
  'wiki/concepts/Fermentation.md': [
    '---',
    'type: concept',
    '---',
    '# Fermentation',
    'Bulk fermentation is the first rise, from mixing to shaping. Its length depends on the temperature of the dough and the strength of the starter.',
    '## Temperature',
    'Every 2 °C warmer shortens fermentation by about a quarter; a dough at 26 °C is ready in roughly four and a half hours.',
    '## Signs of a finished bulk',
    'The dough has grown by half, is domed and jiggly, and shows bubbles on its sides and surface.',
  ].join('\n'),
  'wiki/concepts/Supercalifragilisticexpialidocious-long-concept-name-without-any-spaces-at-all.md': [
    '---',
    'type: concept',
    '---',
    '# A concept whose name is one very long word',
    'https://example.org/a/very/long/address/that/does/not/wrap/by/itself/because/it/has/no/spaces/anywhere/in/it/at/all/fermentation',
  ].join('\n'),
};

const before = ['# Fermentation', 'Bulk fermentation is the first rise.', '## Temperature', 'Warmer is faster.', ''].join('\n');
const after = [
  '# Fermentation',
  'Bulk fermentation is the first rise, from mixing to shaping. Its length depends on the temperature of the dough and the strength of the starter.',
  '## Temperature',
  'Every 2 °C warmer shortens fermentation by about a quarter; a dough at 26 °C is ready in roughly four and a half hours.',
  'https://example.org/a/very/long/address/that/does/not/wrap/by/itself/because/it/has/no/spaces/anywhere/in/it/at/all',
  '',
].join('\n');

export const PLAN: ChangePlan = {
  id: 'compile-browser-1',
  operation: 'compile',
  title: 'Compile 2 sources',
  createdAt: 0,
  changes: [
    { path: 'wiki/sources/Starter.md', action: 'create', before: null, after: '# Starter\nA summary.\n', reason: 'summary of raw/Starter.md' },
    { path: 'wiki/concepts/Fermentation.md', action: 'modify', before, after, reason: 'merge raw/Starter.md and raw/Hydration.md', needsReview: true },
    {
      path: 'wiki/concepts/Supercalifragilisticexpialidocious-long-concept-name-without-any-spaces-at-all.md',
      action: 'create',
      before: null,
      after: '# Long\n',
      reason: 'new concept from raw/Hydration.md',
    },
    { path: 'wiki/index.md', action: 'modify', before: '# Index\n', after: '# Index\n- [[Fermentation]]\n', reason: 'rebuild the index', derived: 'index' },
  ],
  problems: [{ subject: 'raw/Broken-frontmatter-in-a-note-with-a-long-name.md', message: 'Frontmatter is not valid YAML: line 3 has a tab.' }],
  usage: { promptTokens: 12400, completionTokens: 3100, totalTokens: 15500 },
};
