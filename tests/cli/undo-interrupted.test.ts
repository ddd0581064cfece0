import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/run';
import { wikiModelReply } from '../core/compile/wiki-model';
import { capture, tree } from '../support/cli-io';
import { OpenAiTestServer } from '../support/openai-server';

describe('scriptorium undo after an undo that was interrupted', () => {
  let server: OpenAiTestServer;
  beforeEach(async () => {
    server = await new OpenAiTestServer().start();
    server.handler = (r) => wikiModelReply(r);
  });
  afterEach(() => server.stop());

  it('completes the interrupted undo and undoes no other plan', async () => {
    const vault = mkdtempSync(path.join(tmpdir(), 'scriptorium-undo-'));
    mkdirSync(path.join(vault, 'raw'));
    const args = ['--vault', vault, '--base-url', server.baseURL, '--model', 'test-model'];
    writeFileSync(path.join(vault, 'raw', 'Levain.md'), 'A **Levain** is built from the **Sourdough starter** the night before.\n');
    expect(await runCli(['compile', ...args, '--yes'], {}, capture().io)).toBe(0);
    const afterFirst = tree(path.join(vault, 'wiki'));
    writeFileSync(path.join(vault, 'raw', 'Crumb.md'), 'An open **Crumb** needs a strong **Levain** and high hydration.\n');
    expect(await runCli(['compile', ...args, '--yes'], {}, capture().io)).toBe(0);
    // An undo of the second compile failed after marking its journal entry (a full disk, a kill).
    const journalPath = path.join(vault, '.obsidian', 'plugins', 'scriptorium', 'plan-journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { status: string }[] };
    journal.entries[journal.entries.length - 1].status = 'undoing';
    writeFileSync(journalPath, JSON.stringify(journal));
    const undo = capture();
    expect(await runCli(['undo', '--vault', vault], {}, undo.io)).toBe(0);
    expect(undo.out.join('\n')).toMatch(/Undone: Compile Crumb \(the undo that was interrupted earlier is now complete; no other plan was undone\)/);
    expect(tree(path.join(vault, 'wiki'))).toEqual(afterFirst);
    const list = capture();
    await runCli(['undo', '--vault', vault, '--list'], {}, list.io);
    expect(list.out.join('\n')).toMatch(/Compile Levain/);
  });
});
