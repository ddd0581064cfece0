import { LlmError, type ChatDelta } from '../../src/core/llm';

/** The LlmError a call fails with; fails the test if it succeeds or throws anything else. */
export async function failure(promise: Promise<unknown>): Promise<LlmError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LlmError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** Every delta of a stream, in order. */
export async function drain(stream: AsyncGenerator<ChatDelta>): Promise<ChatDelta[]> {
  const out: ChatDelta[] = [];
  for await (const delta of stream) out.push(delta);
  return out;
}
