/**
 * One definition per reply shape we ask a model for, giving both the JSON Schema sent with the
 * request (`response_format: json_schema`) and the validation of what comes back, with errors a
 * person and the model can act on ("concepts[2].name: expected a string").
 *
 * The JSON Schema is the subset every OpenAI-compatible server we support accepts in strict mode
 * (OpenAI, Ollama, LM Studio, llama.cpp server, vLLM): objects list every property as required
 * and forbid others; an optional property is nullable instead; limits are only minItems/maxItems
 * and minimum/maximum. Validation is more forgiving than the schema, because a server that ignores
 * the schema (or one we only prompted) still gets its near-misses accepted: null means absent,
 * declared aliases of a key are read, and each kind below says what else it tolerates.
 */

export type JsonSchema = { [key: string]: unknown };

const INVALID: unique symbol = Symbol('invalid');
type Read<T> = T | typeof INVALID;

export interface Schema<T> {
  /** True for `s.optional(…)`: absent or null reads as undefined. */
  readonly optional: boolean;
  jsonSchema(): JsonSchema;
  /** The value read and normalized, or INVALID with the reasons pushed onto `issues`. */
  read(value: unknown, path: string, issues: string[]): Read<T>;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

function at(path: string): string {
  return path || 'the reply';
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function describe(schema: JsonSchema, description: string | undefined): JsonSchema {
  return description ? { ...schema, description } : schema;
}

function schemaOf<T>(jsonSchema: () => JsonSchema, read: (value: unknown, path: string, issues: string[]) => Read<T>): Schema<T> {
  return { optional: false, jsonSchema, read };
}

export interface StringOptions {
  description?: string;
  /** Longer text is cut to this many characters (not an error: the rest is usually still useful). */
  max?: number;
  /** Collapse all whitespace to single spaces (titles, names); otherwise only line endings are normalized. */
  oneLine?: boolean;
  /** Empty (after trimming) is an error. */
  nonEmpty?: boolean;
  /** End a cut text with "…". */
  ellipsis?: boolean;
  /** Accept a finite number and write it out ("2024"). */
  fromNumber?: boolean;
}

function string(options: StringOptions = {}): Schema<string> {
  return schemaOf(
    () => describe({ type: 'string' }, options.description),
    (value, path, issues) => {
      let text: string;
      if (typeof value === 'string') text = value;
      else if (options.fromNumber && typeof value === 'number' && Number.isFinite(value)) text = String(value);
      else {
        issues.push(`${at(path)}: expected a string, not ${shown(value)}`);
        return INVALID;
      }
      text = options.oneLine ? text.replace(/\s+/g, ' ').trim() : text.replace(/\r\n?/g, '\n').trim();
      if (options.nonEmpty && text === '') {
        issues.push(`${at(path)}: expected a non-empty string`);
        return INVALID;
      }
      if (options.max !== undefined && text.length > options.max) {
        text = options.ellipsis ? `${text.slice(0, options.max - 1).trimEnd()}…` : text.slice(0, options.max).trimEnd();
      }
      return text;
    },
  );
}

export interface NumberOptions {
  description?: string;
  min?: number;
  max?: number;
  integer?: boolean;
  /**
   * Accept a string that is plainly a number ("12.5", "-3", "1e3"); "12%" or "1,234" are not
   * guessed at, since locales disagree on what they mean.
   */
  fromString?: boolean;
}

const PLAIN_NUMBER = /^\s*-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i;

function number(options: NumberOptions = {}): Schema<number> {
  return schemaOf(
    () => {
      const schema: JsonSchema = { type: options.integer ? 'integer' : 'number' };
      if (options.min !== undefined) schema.minimum = options.min;
      if (options.max !== undefined) schema.maximum = options.max;
      return describe(schema, options.description);
    },
    (value, path, issues) => {
      let n: number;
      if (typeof value === 'number') n = value;
      else if (options.fromString && typeof value === 'string' && PLAIN_NUMBER.test(value)) n = Number(value);
      else {
        issues.push(`${at(path)}: expected a number, not ${shown(value)}`);
        return INVALID;
      }
      if (!Number.isFinite(n)) {
        issues.push(`${at(path)}: expected a finite number`);
        return INVALID;
      }
      if (options.integer && !Number.isInteger(n)) {
        issues.push(`${at(path)}: expected a whole number, not ${n}`);
        return INVALID;
      }
      if ((options.min !== undefined && n < options.min) || (options.max !== undefined && n > options.max)) {
        issues.push(`${at(path)}: expected a number from ${options.min ?? '-∞'} to ${options.max ?? '∞'}, not ${n}`);
        return INVALID;
      }
      return n;
    },
  );
}

function boolean(options: { description?: string } = {}): Schema<boolean> {
  return schemaOf(
    () => describe({ type: 'boolean' }, options.description),
    (value, path, issues) => {
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      issues.push(`${at(path)}: expected true or false, not ${shown(value)}`);
      return INVALID;
    },
  );
}

export interface EnumOptions<T extends string> {
  description?: string;
  /** Other words read as one of the values ("column" as "bar"); compared ignoring case. */
  synonyms?: Record<string, T>;
}

/** Compared ignoring case, spaces and underscores ("Unsourced claim" reads as "unsourced-claim"). */
function enumOf<T extends string>(values: readonly T[], options: EnumOptions<T> = {}): Schema<T> {
  const key = (s: string) => s.trim().toLowerCase().replace(/[_\s]+/g, '-');
  const lookup = new Map<string, T>();
  for (const v of values) lookup.set(key(v), v);
  for (const [word, v] of Object.entries(options.synonyms ?? {})) lookup.set(key(word), v);
  return schemaOf(
    () => describe({ type: 'string', enum: [...values] }, options.description),
    (value, path, issues) => {
      const found = typeof value === 'string' ? lookup.get(key(value)) : undefined;
      if (found !== undefined) return found;
      issues.push(`${at(path)}: expected one of ${values.map((v) => `"${v}"`).join(', ')}, not ${shown(value)}`);
      return INVALID;
    },
  );
}

export interface ArrayOptions {
  description?: string;
  min?: number;
  max?: number;
  /** Beyond `max`: 'error' (the default) or 'cut' (keep the first `max`). */
  overflow?: 'error' | 'cut';
  /** A lone value reads as a one-item list. */
  single?: boolean;
  /** Items that do not fit are dropped instead of failing the list. */
  skipInvalid?: boolean;
}

function array<T>(item: Schema<T>, options: ArrayOptions = {}): Schema<T[]> {
  return schemaOf(
    () => {
      const schema: JsonSchema = { type: 'array', items: item.jsonSchema() };
      if (options.min !== undefined) schema.minItems = options.min;
      if (options.max !== undefined) schema.maxItems = options.max;
      return describe(schema, options.description);
    },
    (value, path, issues) => {
      let list: unknown[];
      if (Array.isArray(value)) list = value;
      else if (options.single && value !== undefined && value !== null) list = [value];
      else {
        issues.push(`${at(path)}: expected a list, not ${shown(value)}`);
        return INVALID;
      }
      const out: T[] = [];
      let failed = false;
      for (let i = 0; i < list.length; i++) {
        const mine: string[] = [];
        const read = item.read(list[i], `${path}[${i}]`, mine);
        if (read === INVALID) {
          if (options.skipInvalid) continue;
          issues.push(...mine);
          failed = true;
          continue;
        }
        out.push(read);
        if (options.overflow === 'cut' && options.max !== undefined && out.length >= options.max) break;
      }
      if (failed) return INVALID;
      if (options.min !== undefined && out.length < options.min) {
        issues.push(`${at(path)}: expected at least ${options.min} item${options.min === 1 ? '' : 's'}, not ${out.length}`);
        return INVALID;
      }
      if (options.max !== undefined && out.length > options.max) {
        issues.push(`${at(path)}: expected at most ${options.max} items, not ${out.length}`);
        return INVALID;
      }
      return out;
    },
  );
}

type Shape = Record<string, Schema<unknown>>;
type ObjectOf<P extends Shape> = { [K in keyof P]: Infer<P[K]> };

export interface ObjectOptions<P extends Shape> {
  description?: string;
  /** Other keys a model may use for a property (`heading` for `title`); read when the key itself is absent. */
  aliases?: { [K in keyof P]?: string[] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object<P extends Shape>(properties: P, options: ObjectOptions<P> = {}): Schema<ObjectOf<P>> {
  return schemaOf(
    () =>
      describe(
        {
          type: 'object',
          properties: Object.fromEntries(Object.entries(properties).map(([key, schema]) => [key, schema.jsonSchema()])),
          required: Object.keys(properties),
          additionalProperties: false,
        },
        options.description,
      ),
    (value, path, issues) => {
      if (!isRecord(value)) {
        issues.push(`${at(path)}: expected an object, not ${shown(value)}`);
        return INVALID;
      }
      const out: Record<string, unknown> = {};
      let failed = false;
      for (const [key, schema] of Object.entries(properties)) {
        let raw = value[key];
        for (const alias of options.aliases?.[key] ?? []) {
          if (raw !== undefined && raw !== null) break;
          raw = value[alias];
        }
        const where = path ? `${path}.${key}` : key;
        if (raw === undefined || raw === null) {
          if (schema.optional) continue;
          issues.push(`${where}: missing`);
          failed = true;
          continue;
        }
        const read = schema.read(raw, where, issues);
        if (read === INVALID) failed = true;
        else out[key] = read;
      }
      return failed ? INVALID : (out as ObjectOf<P>);
    },
  );
}

function optional<T>(schema: Schema<T>): Schema<T | undefined> {
  return {
    optional: true,
    // Strict mode wants every property listed as required; "may be absent" is said as nullable.
    jsonSchema: () => {
      const inner = schema.jsonSchema();
      if (typeof inner.type === 'string' && inner.type !== 'object' && inner.type !== 'array' && !('enum' in inner)) {
        return { ...inner, type: [inner.type, 'null'] };
      }
      return { anyOf: [inner, { type: 'null' }] };
    },
    read: (value, path, issues) => (value === undefined || value === null ? undefined : schema.read(value, path, issues)),
  };
}

/** The first of `options` the value fits; when none does, the reasons from the closest one. */
function oneOf<O extends readonly Schema<unknown>[]>(options: O, description?: string): Schema<Infer<O[number]>> {
  return schemaOf<Infer<O[number]>>(
    () => describe({ anyOf: options.map((o) => o.jsonSchema()) }, description),
    (value, path, issues) => {
      let closest: string[] | null = null;
      for (const option of options) {
        const mine: string[] = [];
        const read = option.read(value, path, mine);
        if (read !== INVALID) return read as Infer<O[number]>;
        if (!closest || mine.length < closest.length) closest = mine;
      }
      issues.push(...(closest ?? [`${at(path)}: matches none of the allowed forms`]));
      return INVALID;
    },
  );
}

/**
 * The same JSON Schema as `schema`, but validation first passes the raw value through `from`:
 * for a near-miss a prompted model sends in another form (a claim as a bare string, a point as
 * an `[x, y]` pair), so the schema sent asks for one form and the reader accepts both.
 */
function coerce<T>(schema: Schema<T>, from: (value: unknown) => unknown): Schema<T> {
  return { optional: schema.optional, jsonSchema: () => schema.jsonSchema(), read: (value, path, issues) => schema.read(from(value), path, issues) };
}

/** The schema builder: `s.object({ name: s.string({ nonEmpty: true }), tags: s.optional(s.array(s.string())) })`. */
export const s = { string, number, boolean, enumOf, array, object, optional, oneOf, coerce };

function withoutNull(schema: JsonSchema): JsonSchema | null {
  if (Array.isArray(schema.type) && schema.type.includes('null')) {
    const rest = (schema.type as string[]).filter((t) => t !== 'null');
    return { ...schema, type: rest.length === 1 ? rest[0] : rest };
  }
  if (Array.isArray(schema.anyOf) && schema.anyOf.some((o: JsonSchema) => o.type === 'null')) {
    const rest = (schema.anyOf as JsonSchema[]).filter((o) => o.type !== 'null');
    return rest.length === 1 ? { ...rest[0], ...(schema.description ? { description: schema.description } : {}) } : { ...schema, anyOf: rest };
  }
  return null;
}

function loosen(schema: JsonSchema): JsonSchema {
  if (schema.type === 'object' && schema.properties) {
    const properties: JsonSchema = {};
    const required: string[] = [];
    for (const [key, value] of Object.entries(schema.properties as Record<string, JsonSchema>)) {
      const optional = withoutNull(value);
      properties[key] = loosen(optional ?? value);
      if (!optional) required.push(key);
    }
    return { ...(schema.description ? { description: schema.description } : {}), type: 'object', properties, ...(required.length ? { required } : {}) };
  }
  if (schema.type === 'array' && schema.items) return { ...schema, items: loosen(schema.items as JsonSchema) };
  return schema;
}

/**
 * The JSON Schema of a tool's parameters as function calling is usually given it (not strict):
 * an optional argument is left out of `required` instead of being nullable, and other keys are
 * not forbidden. The same definition validates what the model sends.
 */
export function toolParameters(schema: Schema<unknown>): JsonSchema {
  return loosen(schema.jsonSchema());
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Reads `value` against `schema`: the normalized value, or every reason it does not fit. */
export function validate<T>(schema: Schema<T>, value: unknown): Validation<T> {
  const issues: string[] = [];
  const read = schema.read(value, '', issues);
  return read === INVALID ? { ok: false, errors: issues } : { ok: true, value: read };
}

/** Like `validate`, but throws one Error naming the first few problems (what `LlmClient.json` shows the model). */
export function parseWith<T>(schema: Schema<T>, value: unknown): T {
  const result = validate(schema, value);
  if (result.ok) return result.value;
  const shownErrors = result.errors.slice(0, 5);
  const more = result.errors.length - shownErrors.length;
  throw new Error(`${shownErrors.join('; ')}${more > 0 ? `; and ${more} more` : ''}`);
}

/**
 * A reply shape for `LlmClient.json`: the name and JSON Schema sent as `response_format`, and the
 * parse that validates against the same schema and then applies the shape's own checks.
 */
export interface ReplyShape<T> {
  /** Letters, digits, '_' and '-' only (the API's rule for a schema name). */
  name: string;
  schema: JsonSchema;
  parse(value: unknown): T;
}

export function replyShape<S, T>(name: string, schema: Schema<S>, finish: (value: S) => T): ReplyShape<T> {
  return { name, schema: schema.jsonSchema(), parse: (value) => finish(parseWith(schema, value)) };
}
