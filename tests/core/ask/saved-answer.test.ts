import { AnswerNotSavedError, answerSummary, SavedAnswer, saveRefusal, type AskResult } from '../../../src/core/ask';
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

  it('never replaces another note at the same name: a person’s note, another question cleaned to the same name, or a different answer to the same question', async () => {
    const { vault, writer, saver } = setup();
    await writer.apply(await saver.plan(result()));
    const first = await vault.read('wiki/outputs/Why does dropck exist.md');

    // The same answer again goes to the same file (nothing new to write on the same day).
    expect((await saver.place('Why does dropck exist?', await saver.render(result()))).same).toBe(true);
    expect((await saver.save(result())).written).toBe(false);

    // A different answer to the same question gets a numbered name; the first keeps its bytes.
    const again = await saver.save(result({ answer: 'A newer answer [[wiki/concepts/Dropck]].' }));
    expect(again).toMatchObject({ path: 'wiki/outputs/Why does dropck exist (2).md', written: true, earlier: ['wiki/outputs/Why does dropck exist.md'] });
    expect(await vault.read('wiki/outputs/Why does dropck exist.md')).toBe(first);

    // Another question whose file name is the same once cleaned.
    const other = await saver.save(result({ question: 'Why does dropck exist??' }));
    expect(other.path).toBe('wiki/outputs/Why does dropck exist (3).md');
    expect(other.earlier).toEqual([]);
    expect(await vault.read('wiki/outputs/Why does dropck exist.md')).toBe(first);

    await vault.write('wiki/outputs/Is it sound.md', 'My own notes.');
    const mine = await saver.plan(result({ question: 'Is it sound?' }));
    expect(mine.changes[0]).toMatchObject({ path: 'wiki/outputs/Is it sound (2).md', action: 'create' });
    expect(await vault.read('wiki/outputs/Is it sound.md')).toBe('My own notes.');
  });

  it('takes the next name when another run saved to the chosen one between planning and applying', async () => {
    const { vault, writer, saver } = setup();
    const plan = await saver.plan(result());
    // Another process files a different answer under that name first.
    await writer.apply(await saver.plan(result({ answer: 'Theirs [[wiki/concepts/Dropck]].' })));
    const theirs = await vault.read('wiki/outputs/Why does dropck exist.md');
    await expect(writer.apply(plan)).rejects.toMatchObject({ kind: 'conflict' });
    const saved = await saver.save(result());
    expect(saved.path).toBe('wiki/outputs/Why does dropck exist (2).md');
    expect(await vault.read('wiki/outputs/Why does dropck exist.md')).toBe(theirs);
  });

  it.each([
    ['stopped', { incomplete: 'stopped' as const }, /stopped before it was complete/],
    ['cut off by the network', { incomplete: 'connection' as const }, /connection to the model dropped/],
    ['cut off by an error', { incomplete: 'error' as const, error: 'The answer was cut off at the model’s output token limit.' }, /output token limit/],
    ['ended by the step limit', { limited: 'steps' as const }, /step limit/],
    ['ended by the token budget', { limited: 'tokens' as const }, /token budget/],
    ['only unverified links', { citations: [{ link: '[[wiki/Nowhere]]', path: null, heading: null, valid: false }] }, /one link the answer cites does not exist in the vault, so nothing in it is verified/],
  ])('never saves an answer %s, and says why', async (_label, overrides, message) => {
    const { vault, writer, saver } = setup();
    await writer.apply(await saver.plan(result()));
    const before = vault.snapshot();
    expect(saveRefusal(result(overrides))?.message).toMatch(message);
    await expect(saver.plan(result(overrides))).rejects.toBeInstanceOf(AnswerNotSavedError);
    await expect(saver.save(result(overrides))).rejects.toThrow(message);
    expect(vault.snapshot()).toEqual(before);
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
