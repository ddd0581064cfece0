import { LinkResolver } from '../../../src/core/markdown';
import { buildMarpDeck, convertSlideLinks, parseDeckDraft, relativePath, MAX_BULLETS } from '../../../src/core/render';
import { localImagePaths, renderDeck } from './support/marp-check';

const files = ['notes/Topic.md', 'notes/img/chart one.png', 'attachments/photo (1).jpg', 'wiki/concepts/Idea.md'];
const links = { resolver: new LinkResolver(files), fromPath: 'notes/Topic.md', deckFolder: 'wiki/outputs' };

function deck(draft: unknown, sources = [{ title: 'Topic', path: 'notes/Topic.md' }]) {
  return buildMarpDeck({ draft: parseDeckDraft(draft), theme: 'default', links, sources, date: '2025-01-15' });
}

function fullText(body: string, fm: Record<string, unknown>): string {
  return `---\n${Object.entries(fm).map(([k, v]) => `${k}: ${String(v)}`).join('\n')}\n---\n${body}`;
}

describe('relativePath', () => {
  it('climbs out of the deck folder and into the image folder', () => {
    expect(relativePath('wiki/outputs', 'notes/img/a.png')).toBe('../../notes/img/a.png');
    expect(relativePath('wiki/outputs', 'wiki/outputs/a.png')).toBe('a.png');
    expect(relativePath('', 'a/b.png')).toBe('a/b.png');
  });
});

describe('convertSlideLinks', () => {
  it('turns wikilinks and note links into their labels and pulls images out', () => {
    const out = convertSlideLinks('See [[Idea]], [[Idea|the idea]], [[Idea#Part]], [x](Idea.md) and ![[img/chart one.png]] ![pic](../attachments/photo%20(1).jpg)', links);
    expect(out.text).toBe('See Idea, the idea, Idea › Part, x and');
    expect(out.images.map((i) => [i.vaultPath, i.href])).toEqual([
      ['notes/img/chart one.png', '../../notes/img/chart%20one.png'],
      ['attachments/photo (1).jpg', '../../attachments/photo%20(1).jpg'],
    ]);
  });

  it('drops embeds of missing images and keeps remote images and code spans', () => {
    const out = convertSlideLinks('A ![[missing.png]] `[[kept]]` ![r](https://example.com/r.png)', links);
    expect(out.images).toEqual([]);
    expect(out.remoteImages).toEqual([{ alt: 'r', url: 'https://example.com/r.png' }]);
    expect(out.text).toBe('A `[[kept]]`');
  });
});

describe('parseDeckDraft', () => {
  it('moves bullets beyond the limit into the speaker notes, so slides stay short', () => {
    const bullets = Array.from({ length: MAX_BULLETS + 2 }, (_, i) => `b${i}`);
    const d = parseDeckDraft({ title: 'T', slides: [{ title: 'S', bullets, notes: 'say' }] });
    expect(d.slides[0].bullets).toHaveLength(MAX_BULLETS);
    expect(d.slides[0].notes).toBe(`say\n- b${MAX_BULLETS}\n- b${MAX_BULLETS + 1}`);
  });

  it.each([
    [{ slides: [{ title: 'S', bullets: ['x'] }] }, 'title: missing'],
    [{ title: 'T', slides: 'none' }, 'slides: expected a list, not "none"'],
    [{ title: 'T', slides: [{ bullets: ['x'] }] }, 'slides[0].title: missing'],
    [{ title: 'T', slides: [{ title: 'S', bullets: [] }] }, 'every slide is empty'],
  ])('refuses %j', (value, message) => {
    expect(() => parseDeckDraft(value)).toThrow(message);
  });
});

describe('buildMarpDeck', () => {
  it('writes a deck Marp renders slide for slide, with separators, notes and a sources slide', () => {
    const d = deck({
      title: 'Deck',
      subtitle: 'About [[Idea]]',
      slides: [
        { title: 'One', bullets: ['# not a heading', '- not a list', '1. not ordered', '---', 'a | b'], notes: 'Key: value\nmore -- and -->' },
        { title: 'Two', bullets: ['Has a picture'], images: ['![[img/chart one.png]]', 'nope.png'] },
        { title: 'Three', bullets: [], images: ['https://example.com/x.png'] },
      ],
    });
    expect(d.slideCount).toBe(5);
    expect(d.droppedImages).toEqual(['nope.png']);
    expect(d.images).toEqual(['notes/img/chart one.png']);
    expect(d.body).toContain('\n\n---\n\n');
    const text = fullText(d.body, d.marpFrontmatter);
    const r = renderDeck(text);
    expect(r.slides).toBe(5);
    // Escaped markers stay literal text inside one list.
    expect(r.html).toContain('<li># not a heading</li>');
    expect(r.html).toContain('<li>- not a list</li>');
    expect(r.html).toContain('<li>1. not ordered</li>');
    expect(r.html).not.toMatch(/<h1[^>]*>not a heading/);
    // The notes survive as notes, closed properly.
    expect(r.notes[1].join('\n')).toContain('Key: value');
    expect(r.notes[1].join('\n')).toContain('more – and –>');
    // The final slide lists the source in plain text.
    expect(r.html).toMatch(/Sources[\s\S]*<li>Topic<\/li>/);
    expect(localImagePaths('wiki/outputs/Deck.md', r.images)).toEqual(['notes/img/chart one.png']);
    expect(r.images).toContain('https://example.com/x.png');
    expect(r.html).not.toContain('[[');
  });

  it('keeps one slide per drafted slide whatever the text holds', () => {
    const tricky = ['<!-- _class: x -->', '<style>h1{}</style>', '$x$ and $$y$$', '```', '***', '<br>'];
    const d = deck({ title: 'T', slides: tricky.map((t) => ({ title: t, bullets: [t], notes: t })) });
    const r = renderDeck(fullText(d.body, d.marpFrontmatter));
    expect(r.slides).toBe(tricky.length + 2);
    expect(r.html).not.toContain('<style>h1{}');
    expect(r.html).not.toContain('katex');
  });
});
