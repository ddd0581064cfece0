import { ConversationStore, type Conversation } from '../../../src/core/ask';
import { MemoryStateStore } from '../../support/memory-vault';

function conversation(id: string, updatedAt: number, question = 'Why?'): Conversation {
  return {
    id,
    title: question,
    createdAt: updatedAt,
    updatedAt,
    turns: [
      {
        question,
        contextPaths: ['raw/a.md'],
        answer: 'Because [[raw/a]].',
        citations: [{ link: '[[raw/a]]', path: 'raw/a.md', heading: null, valid: true }],
        steps: [{ tool: 'search', args: { query: 'why' }, resultSummary: '1 result' }],
        usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 },
        mode: 'tools',
        at: updatedAt,
      },
    ],
  };
}

describe('ConversationStore', () => {
  it('keeps conversations across instances (a restart), newest first', async () => {
    const state = new MemoryStateStore();
    const first = new ConversationStore({ state });
    await first.put(conversation('a', 1));
    await first.put(conversation('b', 2, 'How?'));
    const again = new ConversationStore({ state });
    const list = await again.list();
    expect(list.map((c) => c.id)).toEqual(['b', 'a']);
    expect(list[1]).toEqual(conversation('a', 1));
  });

  it('replaces a conversation with the same id, removes one, and drops the oldest beyond the limit', async () => {
    const state = new MemoryStateStore();
    const store = new ConversationStore({ state, limit: 2 });
    await store.put(conversation('a', 1));
    await store.put(conversation('b', 2));
    await store.put({ ...conversation('a', 3), title: 'renamed' });
    expect((await store.list()).map((c) => [c.id, c.title])).toEqual([['a', 'renamed'], ['b', 'Why?']]);
    await store.put(conversation('c', 4));
    expect((await new ConversationStore({ state }).list()).map((c) => c.id)).toEqual(['c', 'a']);
    await store.remove('c');
    expect((await new ConversationStore({ state }).list()).map((c) => c.id)).toEqual(['a']);
  });

  it('starts empty on a broken file and skips malformed entries', async () => {
    const state = new MemoryStateStore();
    await state.set('chat-history.json', '{not json');
    expect(await new ConversationStore({ state }).list()).toEqual([]);
    await state.set('chat-history.json', JSON.stringify({ conversations: [{ id: 'x', updatedAt: 1, turns: [{ question: 'q' }, { question: 'q2', answer: 'a2' }] }, 'junk'] }));
    const list = await new ConversationStore({ state }).list();
    expect(list).toHaveLength(1);
    expect(list[0].turns.map((t) => t.question)).toEqual(['q2']);
  });
});
