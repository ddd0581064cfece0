/**
 * Upload of a dataset and a fine-tuning job on an OpenAI-compatible endpoint that offers the files
 * and fine-tuning APIs, through the openai SDK. Every failure is an `LlmError` with a safe message.
 */
import { toFile, type OpenAI } from 'openai';
import { tr } from '../../i18n';
import { openAiSdk } from '../llm/sdk';
import { LlmError, toLlmError } from '../llm/errors';
import type { FetchFn } from '../ports/fetch';

export interface FineTuneEndpoint {
  baseURL: string;
  apiKey?: string;
  fetch?: FetchFn;
  timeoutMs?: number;
}

export interface SubmittedJob {
  jobId: string;
  trainingFile: string;
  validationFile: string | null;
  status: string;
  model: string;
}

export interface JobStatus {
  id: string;
  status: string;
  model: string;
  fineTunedModel: string | null;
  trainedTokens: number | null;
  createdAt: string | null;
  finishedAt: string | null;
  error: string | null;
}


const isoOf = (seconds: number | null | undefined) => (typeof seconds === 'number' && seconds > 0 ? new Date(seconds * 1000).toISOString() : null);

export class FineTuneClient {
  private readonly sdk: OpenAI;
  private readonly endpoint: FineTuneEndpoint;

  constructor(endpoint: FineTuneEndpoint) {
    this.endpoint = { ...endpoint, baseURL: endpoint.baseURL.replace(/\/+$/, '') };
    this.sdk = openAiSdk({
      baseURL: this.endpoint.baseURL,
      apiKey: endpoint.apiKey,
      fetch: endpoint.fetch,
      timeoutMs: endpoint.timeoutMs,
      maxRetries: 1,
    });
  }

  private fail(error: unknown, model: string): Error {
    return toLlmError(error, { baseURL: this.endpoint.baseURL, model, apiKey: this.endpoint.apiKey });
  }

  /** Uploads train.jsonl (and valid.jsonl when it has lines) and starts a job on `model`. */
  async submit(request: { model: string; train: string; valid?: string; suffix?: string; signal?: AbortSignal }): Promise<SubmittedJob> {
    if (request.train.trim() === '') throw new Error(tr('core.synth.error.emptyTrainingFile'));
    const encoder = new TextEncoder();
    try {
      const options = request.signal ? { signal: request.signal } : {};
      const train = await this.sdk.files.create({ file: await toFile(encoder.encode(request.train), 'train.jsonl', { type: 'application/jsonl' }), purpose: 'fine-tune' }, options);
      let validId: string | null = null;
      if (request.valid && request.valid.trim() !== '') {
        const valid = await this.sdk.files.create({ file: await toFile(encoder.encode(request.valid), 'valid.jsonl', { type: 'application/jsonl' }), purpose: 'fine-tune' }, options);
        validId = valid.id;
      }
      const job = await this.sdk.fineTuning.jobs.create(
        { model: request.model, training_file: train.id, ...(validId ? { validation_file: validId } : {}), ...(request.suffix ? { suffix: request.suffix } : {}) },
        options,
      );
      return { jobId: job.id, trainingFile: train.id, validationFile: validId, status: job.status, model: job.model };
    } catch (error) {
      throw this.fail(error, request.model);
    }
  }

  async status(jobId: string, signal?: AbortSignal): Promise<JobStatus> {
    try {
      const job = await this.sdk.fineTuning.jobs.retrieve(jobId, signal ? { signal } : {});
      return {
        id: job.id,
        status: job.status,
        model: job.model,
        fineTunedModel: job.fine_tuned_model ?? null,
        trainedTokens: job.trained_tokens ?? null,
        createdAt: isoOf(job.created_at),
        finishedAt: isoOf(job.finished_at),
        error: job.error?.message ?? null,
      };
    } catch (error) {
      const failure = this.fail(error, '');
      // A 404 here is a job the endpoint does not know, not a missing model (there is none in the request).
      if (failure instanceof LlmError && failure.status === 404) {
        throw new LlmError('bad_request', tr('core.synth.error.noJob', { job: jobId, url: this.endpoint.baseURL }), { status: 404, cause: error, hint: tr('core.synth.error.noJobHint') });
      }
      throw failure;
    }
  }
}
