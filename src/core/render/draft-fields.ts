/**
 * Field kinds shared by the render reply shapes (deck, chart, diagram), built with the one schema
 * kit (src/core/llm/schema.ts). Their errors name the field, because LlmClient.json sends that
 * message back to the model as the reason for its one repair.
 */
import { s, type Schema, type StringOptions } from '../llm/schema';

/**
 * One line of text: whitespace collapsed, capped with "…"; numbers are accepted and written out
 * (a year, a count).
 */
export function line(max: number, options: Pick<StringOptions, 'nonEmpty' | 'description'> = {}): Schema<string> {
  return s.string({ ...options, oneLine: true, max, ellipsis: true, fromNumber: true });
}

/** Optional free text (speaker notes): anything that is not text reads as absent. */
export function textOrNothing(max: number, description: string): Schema<string | undefined> {
  return s.coerce(s.optional(s.string({ max, description })), (value) => (typeof value === 'string' ? value : undefined));
}
