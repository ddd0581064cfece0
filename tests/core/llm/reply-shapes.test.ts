import { EXTRACTION_REPLY, mergeReply } from '../../../src/core/compile';
import { DEEP_REPLY } from '../../../src/core/lint/deep/deep-linter';
import type { JsonSchema, ReplyShape } from '../../../src/core/llm';
import { chartReply, DECK_REPLY, diagramReply } from '../../../src/core/render';

/** The keywords strict structured output accepts across OpenAI, Ollama, LM Studio, llama.cpp and vLLM. */
const ALLOWED = new Set(['type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'anyOf', 'description', 'minItems', 'maxItems', 'minimum', 'maximum']);

/** Every way `schema` breaks strict mode, by path. */
function strictProblems(schema: JsonSchema, path = '$'): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(schema)) if (!ALLOWED.has(key)) problems.push(`${path}: keyword "${key}"`);
  if (schema.type === 'object') {
    const keys = Object.keys((schema.properties ?? {}));
    if (schema.additionalProperties !== false) problems.push(`${path}: additionalProperties is not false`);
    if (JSON.stringify(schema.required) !== JSON.stringify(keys)) problems.push(`${path}: not every property is required`);
    for (const key of keys) problems.push(...strictProblems((schema.properties as Record<string, JsonSchema>)[key], `${path}.${key}`));
  }
  if (schema.items) problems.push(...strictProblems(schema.items as JsonSchema, `${path}[]`));
  for (const [i, option] of ((schema.anyOf ?? []) as JsonSchema[]).entries()) problems.push(...strictProblems(option, `${path}|${i}`));
  return problems;
}

const shapes: [string, ReplyShape<unknown>][] = [
  ['extraction', EXTRACTION_REPLY],
  ['merge', mergeReply(0)],
  ['deck', DECK_REPLY],
  ['chart', chartReply()],
  ['diagram', diagramReply()],
  ['deep-check findings', DEEP_REPLY],
];

describe.each(shapes)('the %s reply shape', (_what, shape) => {
  it('sends a schema strict mode accepts: an object at the root, every property required, no others', () => {
    expect(shape.schema.type).toBe('object');
    expect(strictProblems(shape.schema)).toEqual([]);
    expect(shape.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
  });
});
