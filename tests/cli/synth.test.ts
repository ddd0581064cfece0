import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/run';
import { capture, tree } from '../support/cli-io';
import { OpenAiTestServer } from '../support/openai-server';
import { articleOf, WIKI, wikiModel } from '../core/synth/synth-support';
import type { RecordedRequest } from '../support/openai-server';

function write(root: string, rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

describe('scriptorium synth and eval', () => {
  let server: OpenAiTestServer;
  let vault: string;
  let out: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    server = await new OpenAiTestServer().start();
    server.handler = wikiModel;
    vault = mkdtempSync(path.join(tmpdir(), 'scriptorium-synth-'));
    out = path.join(mkdtempSync(path.join(tmpdir(), 'scriptorium-synth-out-')), 'bread');
    for (const [rel, text] of Object.entries(WIKI)) write(vault, rel, text);
    env = { SCRIPTORIUM_BASE_URL: server.baseURL, SCRIPTORIUM_MODEL: 'test-model', SCRIPTORIUM_API_KEY: 'sk-test' };
  });

  afterEach(async () => {
    await server.stop();
  });

  it('writes the dataset, regenerates only a changed article, and evaluates the model on it', async () => {
    const c = capture();
    expect(await runCli(['synth', '--vault', vault, '--out', out, '--seed', '3'], env, c.io)).toBe(0);
    expect(c.err[0]).toBe('4 articles: 4 to generate, 0 unchanged; about 4 model calls, ' + c.err[0].split('model calls, ')[1]);
    expect(c.out.join('\n')).toContain('Pairs this run: 16 generated, 4 not grounded, 1 near duplicates, 11 kept.');
    const files = tree(out);
    expect(Object.keys(files).sort()).toEqual(['README.md', 'manifest.json', 'pairs.jsonl', 'train.jsonl', 'valid.jsonl']);
    const manifest = JSON.parse(files['manifest.json']) as { model: string; seed: number; counts: { kept: number; train: number; valid: number } };
    expect(manifest).toMatchObject({ model: 'test-model', seed: 3, counts: { kept: 11 } });
    expect(files['train.jsonl'].trim().split('\n')).toHaveLength(manifest.counts.train);

    // A person edits one article: only it goes back to the model.
    write(vault, 'wiki/concepts/Hydration.md', `${WIKI['wiki/concepts/Hydration.md']}\nWhole wheat flour absorbs more water.\n`);
    const before = server.chatRequests().length;
    const again = capture();
    expect(await runCli(['synth', '--vault', vault, '--out', out, '--seed', '3', '--json'], env, again.io)).toBe(0);
    expect(server.chatRequests().slice(before).map(articleOf)).toEqual(['wiki/concepts/Hydration']);
    const json = JSON.parse(again.out.join('\n')) as { counts: { generated: number }; dataset: { kept: number; reused: number } };
    expect(json.counts.generated).toBe(2);
    expect(json.dataset).toMatchObject({ kept: 11, reused: 3 });

    // The model answers each validation question from the wiki.
    const e = capture();
    expect(await runCli(['eval', '--vault', vault, '--set', out, '--json'], env, e.io)).toBe(0);
    const report = JSON.parse(e.out.join('\n')) as { summary: { questions: number; supportRate: number; citationPrecision: number; f1: number } };
    const valid = readFileSync(path.join(out, 'pairs.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"split":"valid"')).length;
    expect(report.summary.questions).toBe(valid);
    expect(report.summary.f1).toBeGreaterThan(0.9);
    expect(report.summary.supportRate).toBe(1);

    // Side by side with a saved run.
    const saved = path.join(out, '..', 'before.json');
    writeFileSync(saved, e.out.join('\n'));
    const side = capture();
    expect(await runCli(['eval', '--vault', vault, '--set', path.join(out, 'pairs.jsonl'), '--compare', saved, '--model', 'other-model'], env, side.io)).toBe(0);
    expect(side.out.join('\n').split('\n')[0]).toMatch(/test-model\s+other-model$/);
  });

  it('--submit uploads the files and starts a job; --status reports it', async () => {
    const c = capture();
    expect(await runCli(['synth', '--vault', vault, '--out', out, '--submit', '--fine-tune-model', 'base-model'], env, c.io)).toBe(0);
    expect(c.out.join('\n')).toContain('Fine-tuning job ftjob-1 started (queued); check it with: scriptorium synth --status ftjob-1');
    const [train, valid] = server.fineTuning.files;
    expect(train.content).toBe(readFileSync(path.join(out, 'train.jsonl'), 'utf8'));
    expect(valid.content).toBe(readFileSync(path.join(out, 'valid.jsonl'), 'utf8'));
    expect(server.fineTuning.jobs).toEqual([{ id: 'ftjob-1', model: 'base-model', training_file: train.id, validation_file: valid.id, suffix: null }]);
    const upload = server.requests.find((r) => r.path === '/v1/files');
    expect(upload?.headers.authorization).toBe('Bearer sk-test');

    server.fineTuning.status = 'running';
    const s = capture();
    expect(await runCli(['synth', '--vault', vault, '--status', 'ftjob-1'], env, s.io)).toBe(0);
    expect(s.out.join('\n')).toBe('Job ftjob-1: running (base model base-model)');
    const missing = capture();
    expect(await runCli(['synth', '--vault', vault, '--status', 'ftjob-9'], env, missing.io)).toBe(1);
  });

  it('refuses usage errors before calling the model', async () => {
    const c = capture();
    expect(await runCli(['synth', '--vault', vault], env, c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/--out DIR is required/);
    const e = capture();
    expect(await runCli(['eval', '--vault', vault, '--set', path.join(vault, 'nothing.jsonl')], env, e.io)).toBe(2);
    expect(e.err.join('\n')).toMatch(/does not exist/);
    const f = capture();
    expect(await runCli(['synth', '--vault', vault, '--out', out, '--folder', 'wiki/none'], env, f.io)).toBe(2);
    expect(f.err.join('\n')).toMatch(/no articles under wiki\/none/);
    expect(server.chatRequests()).toHaveLength(0);
  });

  it('Ctrl-C writes the finished articles and exits 130; the next run generates the rest', async () => {
    const stop = new AbortController();
    server.handler = (request: RecordedRequest) => {
      if (articleOf(request) === 'wiki/concepts/Hydration') stop.abort();
      return wikiModel(request);
    };
    const c = capture();
    expect(await runCli(['synth', '--vault', vault, '--out', out], env, c.io, { signal: stop.signal })).toBe(130);
    expect(c.err.join('\n')).toMatch(/stopped; the article finished is written, the rest are generated on the next run/);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { articles: Record<string, unknown> };
    expect(Object.keys(manifest.articles)).toEqual(['wiki/concepts/Autolyse.md']);
    server.handler = wikiModel;
    const before = server.chatRequests().length;
    const again = capture();
    expect(await runCli(['synth', '--vault', vault, '--out', out], env, again.io)).toBe(0);
    expect(server.chatRequests().slice(before).map(articleOf)).toEqual(['wiki/concepts/Hydration', 'wiki/concepts/Levain', 'wiki/concepts/Starter']);
  });
});
