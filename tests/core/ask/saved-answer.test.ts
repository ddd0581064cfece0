import { answerSummary, SavedAnswer, type AskResult } from '../../../src/core/ask';
import { hashText, parseNote } from '../../../src/core/markdown';
import { readArticle, WikiWriter } from '../../../src/core/plan';
import { MemoryStateStore } from '../../support/memory-vault';
import { researchVault } from './fixtures';

const clock = { now: () => new Date(2026, 2, 14, 12).getTime() };

function result(overrides: Partial<AskResult> = {}): AskResult {
  return {
    question: 'Why does dropck exist?',
    answer: '**Dropck** rejects unsound destructors [[wiki/concepts/Dropck#Soundness]]. Owners drop values [[raw/Rust book#Ownership]]. Also [[wiki/Nowhere]].',
    citations: [
      { link: '[[wiki/concepts/Dropck#Soundness]]', path: 'wiki/concepts/Dropck.md', heading: 'Soundness', valid: true },
      { link: '[[raw/Rust book#Ownership]]', path: 'raw/Rust book.md', heading: 'Ownership', valid: true },
      { link: '[[wiki/Nowhere]]', path: null, heading: null, valid: false },
    ],
    steps: [],
    usage: { promptTokens: 100, completionTokens: 20, totalTokens: 120 },
    mode: 'tools',
    ...overrides,
  };
}

function setup() {
  const vault = researchVault();
  const writer = new WikiWriter({ vault, state: new MemoryStateStore(), clock });
  return { vault, writer, saver: new SavedAnswer({ writer, vault, clock }) };
}

describe('SavedAnswer.plan', () => {
  it('writes the answer note under wiki/outputs with contract frontmatter, and adds it to the index and log', async () => {
    const { vault, writer, saver } = setup();
    const plan = await saver.plan(result());
    expect(plan.operation).toBe('save-answer');
    expect(plan.changes.map((c) => c.path)).toEqual(['wiki/outputs/Why does dropck exist.md', 'wiki/index.md', 'wiki/log.md']);
    await writer.apply(plan);

    const text = await vault.read('wiki/outputs/Why does dropck exist.md');
    const article = readArticle(text);
    expect(article.ownership).toBe('generated');
    expect(article.type).toBe('output');
    expect(article.title).toBe('Why does dropck exist?');
    expect(article.summary).toBe('Dropck rejects unsound destructors.');
    // Raw sources: cited directly, and behind the cited wiki article.
    expect(article.sources).toEqual(['raw/Nomicon.md', 'raw/Rust book.md']);
    expect(article.sourceHashes).toEqual({
      'raw/Nomicon.md': hashText(await vault.read('raw/Nomicon.md')),
      'raw/Rust book.md': hashText(await vault.read('raw/Rust book.md')),
    });
    expect(parseNote(text).frontmatter.updated).toBe('2026-03-14');
    expect(article.body).toContain('## Question\n\nWhy does dropck exist?');
    expect(article.body).toContain('## Sources\n\n- [[wiki/concepts/Dropck#Soundness]]\n- [[raw/Rust book#Ownership]]');
    expect(article.body).toContain('Unverified links');
    expect(article.body).toContain('`[[wiki/Nowhere]]`');

    expect(await vault.read('wiki/index.md')).toContain('[[wiki/outputs/Why does dropck exist|Why does dropck exist?]] — Dropck rejects unsound destructors.');
    expect(await vault.read('wiki/log.md')).toContain('] save-answer | Why does dropck exist?');
  });

  it('replaces its own earlier answer to the same question but never a person’s note of that name', async () => {
    const { vault, writer, saver } = setup();
    await writer.apply(await saver.plan(result()));
    const again = await saver.plan(result({ answer: 'A newer answer.' }));
    expect(again.changes[0]).toMatchObject({ path: 'wiki/outputs/Why does dropck exist.md', action: 'modify' });

    await vault.write('wiki/outputs/Is it sound.md', 'My own notes.');
    const other = await saver.plan(result({ question: 'Is it sound?' }));
    expect(other.changes[0]).toMatchObject({ path: 'wiki/outputs/Is it sound 2.md', action: 'create' });
  });

  it('refuses an empty answer and keeps odd characters out of the file name', async () => {
    const { saver } = setup();
    await expect(saver.plan(result({ answer: '  ' }))).rejects.toThrow(/empty/);
    expect(await saver.pathFor('What is a/b: "x"?')).toBe('wiki/outputs/What is a b x.md');
  });
});

describe('answerSummary', () => {
  it('is the first sentence as plain text', () => {
    expect(answerSummary('## Short answer\n\nIt is [[x|the checker]] in `rustc`. More text.')).toBe('Short answer It is the checker in rustc.');
  });
});
