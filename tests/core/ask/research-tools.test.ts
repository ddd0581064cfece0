import { NoteGraph, ResearchTools } from '../../../src/core/ask';
import { indexOf, researchVault } from './fixtures';

async function toolsFor(extra: Record<string, string> = {}) {
  const vault = researchVault(extra);
  return new ResearchTools({ search: await indexOf(vault), vault, graph: new NoteGraph({ vault }) });
}

describe('ResearchTools.run', () => {
  it('lists a folder with its subfolders and files', async () => {
    const tools = await toolsFor();
    const root = await tools.run('list', '{}');
    expect(root.content).toContain('raw/ (2 files)');
    expect(root.content).toContain('wiki/ (3 files)');
    const concepts = await tools.run('list', JSON.stringify({ folder: 'wiki/concepts/' }));
    expect(concepts.content.split('\n').slice(1)).toEqual(['wiki/concepts/Dropck.md', 'wiki/concepts/Ownership.md']);
    expect(concepts.step).toEqual({ tool: 'list', args: { folder: 'wiki/concepts' }, resultSummary: '0 folders, 2 files' });
    const missing = await tools.run('list', JSON.stringify({ folder: 'nope' }));
    expect(missing.step.error).toBe(true);
  });

  it('gives out- and backlinks of a note found by name', async () => {
    const tools = await toolsFor();
    const links = await tools.run('links', JSON.stringify({ path: 'Dropck' }));
    expect(links.step.args).toEqual({ path: 'wiki/concepts/Dropck.md' });
    expect(links.content).toContain('[[wiki/concepts/Ownership]] → wiki/concepts/Ownership.md');
    expect(links.content).toContain('[[raw/Nomicon#Drop check]] → raw/Nomicon.md');
    const back = links.content.slice(links.content.indexOf('Linked from'));
    expect(back).toContain('- wiki/concepts/Ownership.md');
    expect(back).toContain('- wiki/index.md');
    expect(links.step.resultSummary).toBe('3 out, 2 back');
  });

  it('reads a line range and explains a missing heading with the note’s headings', async () => {
    const tools = await toolsFor();
    const range = await tools.run('read', JSON.stringify({ path: 'raw/Rust book.md', start_line: 3, end_line: 5 }));
    expect(range.content).toContain('3: ## Ownership');
    expect(range.content).not.toContain('Borrowing');
    const missing = await tools.run('read', JSON.stringify({ path: 'raw/Rust book.md', heading: 'Lifetimes' }));
    expect(missing.step.error).toBe(true);
    expect(missing.content).toContain('Ownership');
    const reversed = await tools.run('read', JSON.stringify({ path: 'raw/Rust book.md', start_line: 5, end_line: 2 }));
    expect(reversed.content).toMatch(/before "start_line"/);
  });

  it('suggests close names for a note that does not exist, and refuses the config folder', async () => {
    const tools = await toolsFor({ '.obsidian/app.json': '{}' });
    const close = await tools.run('read', JSON.stringify({ path: 'raw/Rust' }));
    expect(close.content).toContain('Did you mean: raw/Rust book.md');
    const config = await tools.run('read', JSON.stringify({ path: '.obsidian/app.json' }));
    expect(config.step.error).toBe(true);
    expect(config.content).not.toContain('{}');
  });

  it('reads the wiki index, or says there is none yet', async () => {
    expect((await (await toolsFor()).run('index', '')).content).toContain('How the compiler checks destructors');
    const vault = researchVault();
    await vault.delete('wiki/index.md');
    const none = await new ResearchTools({ search: await indexOf(vault), vault, graph: new NoteGraph({ vault }) }).run('index', '{}');
    expect(none.content).toMatch(/no wiki index yet/);
  });

  it('rejects arguments of the wrong type', async () => {
    const tools = await toolsFor();
    expect((await tools.run('search', JSON.stringify({ query: 42 }))).content).toBe('Error: query: expected a string, not 42.');
    expect((await tools.run('search', JSON.stringify({ query: 'x', limit: 'many' }))).content).toBe('Error: limit: expected a number, not "many".');
    expect((await tools.run('read', JSON.stringify({ start_line: 2.5 }))).content).toBe('Error: path: missing; start_line: expected a whole number, not 2.5.');
    expect((await tools.run('search', '[1,2]')).content).toMatch(/must be a JSON object/);
    // What small models send: a number as a string, nulls and blanks for arguments they do not use.
    expect((await tools.run('search', JSON.stringify({ query: 'destructor', limit: '2', folder: null }))).step.args).toEqual({ query: 'destructor', limit: 2 });
  });

  it('describes each tool\'s arguments from the same definition that checks them', async () => {
    const search = (await toolsFor()).specs.find((t) => t.name === 'search');
    expect(search?.parameters).toEqual({
      type: 'object',
      properties: {
        query: { type: 'string', description: 'Keywords to search for.' },
        folder: { type: 'string', description: 'Only notes under this folder, e.g. "wiki" or "raw".' },
        limit: { type: 'integer', description: 'Most results (1–20, default 8).' },
      },
      required: ['query'],
    });
    expect((await toolsFor()).specs.find((t) => t.name === 'index')?.parameters).toEqual({ type: 'object', properties: {} });
  });
});
