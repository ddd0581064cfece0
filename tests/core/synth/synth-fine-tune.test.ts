import { LlmError } from '../../../src/core/llm';
import { FineTuneClient } from '../../../src/core/synth';
import { OpenAiTestServer } from '../../support/openai-server';

const TRAIN = `${JSON.stringify({ messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] })}\n`;

describe('FineTuneClient (files and fine-tuning APIs)', () => {
  let server: OpenAiTestServer;
  beforeEach(async () => {
    server = await new OpenAiTestServer().start();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('uploads the training and validation files and starts a job with them', async () => {
    server.requiredKey = 'sk-test';
    const client = new FineTuneClient({ baseURL: server.baseURL, apiKey: 'sk-test', fetch: globalThis.fetch });
    const job = await client.submit({ model: 'test-model', train: TRAIN, valid: TRAIN.replace("'q'", "'q2'"), suffix: 'wiki' });
    expect(job).toEqual({ jobId: 'ftjob-1', trainingFile: 'file-1', validationFile: 'file-2', status: 'queued', model: 'test-model' });
    expect(server.fineTuning.files.map((f) => [f.filename, f.purpose])).toEqual([['train.jsonl', 'fine-tune'], ['valid.jsonl', 'fine-tune']]);
    expect(server.fineTuning.files[0].content).toBe(TRAIN);
    expect(server.fineTuning.jobs).toEqual([{ id: 'ftjob-1', model: 'test-model', training_file: 'file-1', validation_file: 'file-2', suffix: 'wiki' }]);

    server.fineTuning.status = 'succeeded';
    server.fineTuning.fineTunedModel = 'ft:test-model:wiki';
    const status = await client.status('ftjob-1');
    expect(status).toMatchObject({ id: 'ftjob-1', status: 'succeeded', fineTunedModel: 'ft:test-model:wiki', trainedTokens: 12345, error: null });
  });

  it('leaves out an empty validation file and reports failures as clear errors', async () => {
    const client = new FineTuneClient({ baseURL: server.baseURL, fetch: globalThis.fetch });
    await client.submit({ model: 'test-model', train: TRAIN, valid: '' });
    expect(server.fineTuning.jobs[0].validation_file).toBeNull();
    await expect(client.submit({ model: 'test-model', train: '' })).rejects.toThrow(/training file is empty/);
    const missing = await client.status('ftjob-99').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(LlmError);
    expect((missing as LlmError).message).toMatch(/ftjob-99/);
  });
});
