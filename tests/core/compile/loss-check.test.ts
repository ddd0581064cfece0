import { checkLoss, describeLosses } from '../../../src/core/compile/loss-check';

const ARTICLE = [
  'A levain is an offshoot of the sourdough starter built for one bake. It is usually mixed 8 to 12 hours before the dough.',
  '',
  '## Feeding',
  '',
  'A young levain tastes mild and sweet [[wiki/sources/Levain basics|Levain basics]]. Bakers feed it flour and water in equal weights.[^1]',
  '',
  '- Keep it at 24 degrees.',
  '- Use it at its peak, see [the guide](https://example.org/levain).',
  '',
  '[^1]: King Arthur, *Levain*, https://example.org/ka',
].join('\n');

describe('checkLoss', () => {
  it('finds nothing lost when the text is unchanged or only added to', () => {
    expect(checkLoss(ARTICLE, ARTICLE)).toEqual([]);
    expect(checkLoss(ARTICLE, `${ARTICLE}\n\nA ripe levain is added at 20 percent of the flour weight [[wiki/sources/Fermentation|Fermentation]].`)).toEqual([]);
  });

  it('reports a left-out paragraph once, as a paragraph, with its line', () => {
    const without = ARTICLE.split('\n').slice(2).join('\n');
    const losses = checkLoss(ARTICLE, without);
    expect(losses).toEqual([{ kind: 'paragraph', text: ARTICLE.split('\n')[0], line: 1 }]);
    expect(describeLosses(losses)).toBe('1 paragraph ("A levain is an offshoot of the sourdough starter built for…")');
  });

  it('reports one sentence left out of a paragraph as a sentence', () => {
    const losses = checkLoss(ARTICLE, ARTICLE.replace(' It is usually mixed 8 to 12 hours before the dough.', ''));
    expect(losses).toEqual([{ kind: 'sentence', text: 'It is usually mixed 8 to 12 hours before the dough.', line: 1 }]);
  });

  it('reports a dropped citation, footnote ref, link and heading even when the words stay', () => {
    const changed = ARTICLE.replace(' [[wiki/sources/Levain basics|Levain basics]]', '')
      .replace('equal weights.[^1]', 'equal weights.')
      .replace('[the guide](https://example.org/levain)', 'the guide')
      .replace('## Feeding', '');
    const losses = checkLoss(ARTICLE, changed);
    expect(losses.map((l) => [l.kind, l.text, l.line])).toEqual([
      ['heading', '## Feeding', 3],
      ['citation', '[[wiki/sources/Levain basics|Levain basics]]', 5],
      ['citation', '[^1]', 5],
      ['link', '[the guide](https://example.org/levain)', 8],
    ]);
    expect(describeLosses(losses)).toBe('1 heading ("## Feeding"), 2 citations ([[wiki/sources/Levain basics|Levain basics]], …) and 1 link ([the guide](https://example.org/levain))');
  });

  it('counts repeated citations: citing a source once where it was cited twice loses one', () => {
    const old = 'Alpha rises fast [[S]]. Beta rises slow [[S]].';
    expect(checkLoss(old, 'Alpha rises fast. Beta rises slow [[S]].')).toEqual([{ kind: 'citation', text: '[[S]]', line: 1 }]);
  });

  it('accepts a link written another way to the same file, and a heading at another level', () => {
    const changed = ARTICLE.replace('[[wiki/sources/Levain basics|Levain basics]]', '[[Levain basics]]').replace('## Feeding', '### feeding');
    expect(checkLoss(ARTICLE, changed)).toEqual([]);
  });

  it('accepts light rephrasing: at least 80 % of a sentence\'s content words in one sentence', () => {
    const old = 'The starter holds wild yeast and lactic bacteria that leaven the dough overnight.';
    // Content words: starter holds wild yeast lactic bacteria leaven dough overnight (9); 8 kept.
    expect(checkLoss(old, 'Overnight, wild yeast and lactic bacteria in the starter leaven the dough.')).toEqual([]);
    // Only 5 of 9 left: lost.
    expect(checkLoss(old, 'The starter leavens bread with yeast overnight; wild bacteria help the dough.')).toHaveLength(1);
  });

  it('accepts a sentence split over adjacent sentences, but not words scattered across the article', () => {
    const old = 'The crumb opens when the dough ferments long enough and the oven gives steam early.';
    expect(checkLoss(old, 'The crumb opens when the dough ferments long enough. The oven gives steam early.')).toEqual([]);
    const scattered = ['The crumb is tight.', '', 'Some dough ferments.', '', 'Long enough is fine.', '', 'An oven gives heat.', '', 'Steam comes early.', '', 'It opens.'].join('\n');
    expect(checkLoss(old, scattered).map((l) => l.kind)).toEqual(['paragraph']);
  });

  it('accepts every sentence kept in a new order, with sections reorganised', () => {
    const sentences = Array.from({ length: 40 }, (_, i) => `Fact number ${i} says the ${['crust', 'crumb', 'levain', 'flour', 'water'][i % 5]} behaves in way ${i * 7}.`);
    const old = [0, 1, 2, 3].map((p) => `## Part ${p}\n\n${sentences.slice(p * 10, p * 10 + 10).join(' ')}`).join('\n\n');
    const shuffled = [...sentences].reverse();
    const now = [3, 2, 1, 0].map((p) => `## Part ${p}\n\n${shuffled.slice((3 - p) * 10, (3 - p) * 10 + 10).join('\n\n')}`).join('\n\n');
    expect(checkLoss(old, now)).toEqual([]);
    expect(checkLoss(old, now.replace(sentences[17], ''))).toEqual([{ kind: 'sentence', text: sentences[17], line: 7 }]);
  });

  it('treats list items and code lines as units, and ignores accents and case', () => {
    const old = 'Steps:\n\n- Mix the levain.\n- Rest the dough.\n\n```\nbake --at 250\n```\n\nThe café crème is nice.';
    expect(checkLoss(old, 'Steps:\n\n- mix the LEVAIN\n- rest the dough\n\n```\nbake --at 250\n```\n\nThe cafe creme is nice.')).toEqual([]);
    expect(checkLoss(old, 'Steps:\n\n- Mix the levain.\n\n```\nbake --at 300\n```\n\nThe café crème is nice.').map((l) => [l.kind, l.text, l.line])).toEqual([
      ['sentence', 'Rest the dough.', 4],
      ['paragraph', 'bake --at 250', 7],
    ]);
  });
});
