import { LlmError } from '../../core/llm';
import type { CliCommand } from '../command';

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'Check the configuration, the model endpoint and the model',
  usage: 'scriptorium doctor --vault DIR [--base-url URL] [--model NAME] [--json]',
  async run(ctx) {
    const endpoint = await ctx.endpoint();
    const report = {
      vault: ctx.vaultDir,
      baseURL: endpoint.baseURL || null,
      model: endpoint.model || null,
      apiKey: endpoint.apiKey ? 'set' : 'unset',
      sources: endpoint.sources,
      endpoint: 'unchecked' as 'ok' | 'failed' | 'unchecked',
      modelCheck: 'unchecked' as 'ok' | 'failed' | 'unchecked',
      error: undefined as string | undefined,
    };
    const finish = (code: number) => {
      ctx.print(report, () =>
        [
          `vault     ${report.vault}`,
          `endpoint  ${report.baseURL ?? '(none)'}  [${endpoint.sources.baseURL}]  ${report.endpoint}`,
          `model     ${report.model ?? '(none)'}  [${endpoint.sources.model}]  ${report.modelCheck}`,
          `api key   ${report.apiKey}  [${endpoint.sources.apiKey}]`,
          ...(report.error ? [`error: ${report.error}`] : ['ok: the endpoint answers and the model works']),
        ].join('\n'),
      );
      return code;
    };
    if (!endpoint.baseURL) {
      report.error = 'no endpoint configured: pass --base-url or set SCRIPTORIUM_BASE_URL';
      return finish(1);
    }
    if (!endpoint.model) {
      report.error = 'no model configured: pass --model or set SCRIPTORIUM_MODEL';
      return finish(1);
    }
    const client = await ctx.llm();
    try {
      const models = await client.listModels();
      report.endpoint = 'ok';
      if (models.length > 0 && !models.includes(endpoint.model)) {
        report.modelCheck = 'failed';
        report.error = `model "${endpoint.model}" is not offered by ${endpoint.baseURL} (it has: ${models.slice(0, 8).join(', ')}${models.length > 8 ? ', …' : ''})`;
        return finish(1);
      }
    } catch (error) {
      // Some servers have no /models route; the chat request below is the real test.
      if (!(error instanceof LlmError) || !['model_not_found', 'bad_request'].includes(error.kind)) {
        report.endpoint = 'failed';
        report.error = error instanceof LlmError ? `${error.message} (${error.hint})` : String(error);
        return finish(1);
      }
    }
    try {
      await client.chat({ messages: [{ role: 'user', content: 'Reply with the word ok.' }], maxTokens: 8 });
      report.endpoint = 'ok';
      report.modelCheck = 'ok';
      return finish(0);
    } catch (error) {
      report.modelCheck = 'failed';
      report.error = error instanceof LlmError ? `${error.message} (${error.hint})` : String(error);
      return finish(1);
    }
  },
};
