import { tr } from '../../i18n';
import Papa from 'papaparse';
import { BytesHasher } from '../markdown/hash';
import { extname } from '../markdown/paths';
import { readChunks, type VaultPort } from '../ports/vault';

/**
 * Datasets (CSV, TSV, JSON, JSON Lines) read as a stream of rows and profiled without a model:
 * rows, columns and, per column, its type, missing values, min/max/mean or distinct count and top
 * values. Memory does not grow with rows: per column only counters, a capped table of distinct
 * values and the first rows as a sample are kept. CSV and TSV are parsed by papaparse, fed the
 * file chunk by chunk; JSON Lines line by line; a JSON array must be parsed whole, so it is capped.
 */

export type DatasetFormat = 'csv' | 'tsv' | 'json' | 'jsonl';

export const DATASET_EXTENSIONS: readonly string[] = ['.csv', '.tsv', '.json', '.jsonl', '.ndjson'];

const FORMAT_BY_EXTENSION: Record<string, DatasetFormat> = { '.csv': 'csv', '.tsv': 'tsv', '.json': 'json', '.jsonl': 'jsonl', '.ndjson': 'jsonl' };

/** The dataset format of a path by its extension, or undefined when it is not one. */
export function datasetFormat(path: string): DatasetFormat | undefined {
  return FORMAT_BY_EXTENSION[extname(path).toLowerCase()];
}

export const FORMAT_LABEL: Record<DatasetFormat, string> = { csv: 'CSV', tsv: 'TSV', json: 'JSON', jsonl: 'JSON Lines' };

export type ColumnType = 'integer' | 'number' | 'boolean' | 'date' | 'text' | 'empty';

export interface ValueCount {
  value: string;
  count: number;
}

export interface ColumnProfile {
  name: string;
  /** The type at least 95% of the column's values have ('empty' when every value is missing). */
  type: ColumnType;
  /** Values present (not missing). */
  present: number;
  /** Empty cells, and NA, N/A, null, None, NaN, #N/A. */
  missing: number;
  /** Present values that are not of `type` ("n.a." in a number column); left out of min/max/mean. */
  other: number;
  /** Distinct present values, exact up to `distinctCap`. */
  distinct: number;
  /** True when there are more than `distinct` distinct values (the count stopped at the cap). */
  distinctCapped: boolean;
  /** The most frequent values, most frequent first (among the first `distinctCap` distinct ones). */
  top: ValueCount[];
  /** Numbers (integer, number): over the values of that type. */
  min?: number;
  max?: number;
  mean?: number;
  /** Dates: the earliest and latest as written in the file, and the mean as YYYY-MM-DD. */
  minDate?: string;
  maxDate?: string;
  meanDate?: string;
}

export interface DatasetProfile {
  format: DatasetFormat;
  /** CSV/TSV: the delimiter used (sniffed for .csv). */
  delimiter?: string;
  /** CSV/TSV: whether the first row was read as column names. */
  header: boolean;
  /** JSON: the key holding the records when they are not the top-level array ("data"). */
  recordsKey?: string;
  /** Data rows profiled (the header and malformed rows not counted). */
  rows: number;
  columns: ColumnProfile[];
  /** Rows left out: wrong number of fields, broken quoting, a JSON Lines line that is not an object. */
  malformedRows: number;
  /** The first few of them, with why ("record 17: 5 fields where there are 4 columns"). */
  malformedExamples: string[];
  /** Set when reading stopped early (an unclosed quote swallowing the rest of the file). */
  stoppedEarly?: string;
  /** Columns beyond {@link MAX_COLUMNS} that were not profiled (at least this many). */
  columnsLeftOut?: number;
  /** The first rows, one string per column ('' when missing). */
  sample: string[][];
  /** Characters that were not valid UTF-8 (read as U+FFFD). */
  undecodable: number;
  bytes: number;
  /** `hashBytes` of the file. */
  hash: string;
}

/** Why a file cannot be profiled (the reader turns it into a SourceDefect). */
export interface DatasetProblem {
  problem: 'empty' | 'binary' | 'too-big' | 'unreadable';
  message: string;
  hash?: string;
}

export function isDatasetProblem<T extends object>(value: T | DatasetProblem): value is DatasetProblem {
  return 'problem' in value;
}

export interface DatasetReadOptions {
  signal?: AbortSignal;
  /** Rows kept as the sample. Default 20. */
  sampleRows?: number;
  /** Largest .json file parsed (it is parsed whole). Default 50 MB. */
  maxJsonBytes?: number;
  /** Bytes per chunk read. Default 1 MiB. */
  chunkBytes?: number;
}

export const MAX_JSON_BYTES = 50 * 1024 * 1024;
/** Exact distinct counts per column up to this many values (fewer when there are very many columns). */
export const DISTINCT_CAP = 10_000;
/** Distinct values kept over all columns together, so a file with 1,000 columns stays bounded. */
const DISTINCT_BUDGET = 1_000_000;
/** Columns beyond this are not profiled (a JSON file whose records all have different keys). */
export const MAX_COLUMNS = 1_000;
const KEY_CHARS = 200;
const HEADER_LOOKAHEAD = 50;
/** CSV characters read without completing one row before reading stops (an unclosed quote). */
const MAX_PENDING_CHARS = 32 * 1024 * 1024;
const MAX_MALFORMED_EXAMPLES = 5;
/** Text papaparse gets in its first chunk, to guess the delimiter and line ending from. */
const SNIFF_CHARS = 64 * 1024;

// ---------------------------------------------------------------------------------------------
// Values

const MISSING = new Set(['', 'na', 'n/a', 'null', 'none', 'nan', '#n/a']);
const INTEGER = /^[-+]?(?:0|[1-9]\d*)$/;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const BOOLEAN = new Set(['true', 'false', 'yes', 'no']);
const DATE = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** A cell as the profile sees it: trimmed, or undefined when missing. */
export function presentValue(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  // Cheap checks first: this runs for every cell of a 100 MB file.
  const n = raw.length;
  const v = n > 0 && (raw.charCodeAt(0) <= 32 || raw.charCodeAt(n - 1) <= 32) ? raw.trim() : raw;
  if (v.length > 4) return v;
  return MISSING.has(v.toLowerCase()) ? undefined : v;
}

function isBoolean(v: string): boolean {
  return v.length <= 5 && BOOLEAN.has(v.toLowerCase());
}

/** Could `v` be a number? (its first character is a digit, a sign or a point) */
function numberLike(v: string): boolean {
  const c = v.charCodeAt(0);
  return (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46;
}

/** A number written plainly ("12", "-3.5", "1e3"), else undefined. Leading zeros ("007") are codes, not numbers. */
export function numberValue(v: string): number | undefined {
  if (!numberLike(v)) return undefined;
  // "1e999" is written like a number but is none JavaScript can hold (Infinity): text, not a number.
  if (INTEGER.test(v)) return finite(Number(v));
  if (NUMBER.test(v) && !/^[-+]?0\d/.test(v)) return finite(Number(v));
  return undefined;
}

function finite(n: number): number | undefined {
  return Number.isFinite(n) ? n : undefined;
}

/** A date in ISO form (2024-01-31, 2024-01-31T10:00, 2024/01/31) as milliseconds, read as UTC when no zone is given. */
export function dateValue(v: string): number | undefined {
  if (v.length < 10 || !numberLike(v)) return undefined;
  const m = DATE.exec(v);
  if (!m) return undefined;
  // Computed from the parts (no string building, no Date.parse): this runs for every cell.
  const year = +m[1];
  const month = +m[2];
  const day = +m[3];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  const hour = m[4] ? +m[4] : 0;
  const minute = m[5] ? +m[5] : 0;
  const second = m[6] ? +m[6] : 0;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let t = Date.UTC(year, month - 1, day, hour, minute, second, m[7] ? Math.round(parseFloat(m[7]) * 1000) : 0);
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const sign = zone.charCodeAt(0) === 45 ? -1 : 1;
    const digits = zone.replace(/[^0-9]/g, '');
    t -= sign * (+digits.slice(0, 2) * 60 + +digits.slice(2, 4)) * 60_000;
  }
  return t;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  if (month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0)) return 29;
  return MONTH_DAYS[month - 1];
}

function jsonCell(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = JSON.stringify(value);
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}

// ---------------------------------------------------------------------------------------------
// Column statistics

class ColumnStats {
  present = 0;
  missing: number;
  private ints = 0;
  private decimals = 0;
  private bools = 0;
  private dates = 0;
  private numCount = 0;
  private numSum = 0;
  private numMin = Infinity;
  private numMax = -Infinity;
  private dateCount = 0;
  private dateSum = 0;
  private dateMin = Infinity;
  private dateMax = -Infinity;
  private dateMinText = '';
  private dateMaxText = '';
  private readonly counts = new Map<string, number>();
  private capped = false;

  constructor(
    readonly name: string,
    private readonly cap: number,
    missingSoFar: number,
  ) {
    this.missing = missingSoFar;
  }

  add(raw: string | undefined): void {
    const v = presentValue(raw);
    if (v === undefined) {
      this.missing++;
      return;
    }
    this.present++;
    const n = numberValue(v);
    if (n !== undefined) {
      if (Number.isInteger(n) && INTEGER.test(v)) this.ints++;
      else this.decimals++;
      this.numCount++;
      this.numSum += n;
      if (n < this.numMin) this.numMin = n;
      if (n > this.numMax) this.numMax = n;
    } else if (isBoolean(v)) {
      this.bools++;
    } else {
      const t = dateValue(v);
      if (t !== undefined) {
        this.dates++;
        this.dateCount++;
        this.dateSum += t;
        if (t < this.dateMin) {
          this.dateMin = t;
          this.dateMinText = v;
        }
        if (t > this.dateMax) {
          this.dateMax = t;
          this.dateMaxText = v;
        }
      }
    }
    const key = v.length > KEY_CHARS ? v.slice(0, KEY_CHARS) : v;
    const seen = this.counts.get(key);
    if (seen !== undefined) this.counts.set(key, seen + 1);
    else if (this.counts.size < this.cap) this.counts.set(key, 1);
    else this.capped = true;
  }

  profile(topN: number): ColumnProfile {
    const numeric = this.ints + this.decimals;
    const fits = (k: number) => this.present > 0 && k >= 0.95 * this.present;
    let type: ColumnType;
    let fitting: number;
    if (this.present === 0) [type, fitting] = ['empty', 0];
    else if (fits(numeric)) [type, fitting] = [this.decimals === 0 ? 'integer' : 'number', numeric];
    else if (fits(this.bools)) [type, fitting] = ['boolean', this.bools];
    else if (fits(this.dates)) [type, fitting] = ['date', this.dates];
    else [type, fitting] = ['text', this.present];
    const top = [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, topN)
      .map(([value, count]) => ({ value, count }));
    const out: ColumnProfile = {
      name: this.name,
      type,
      present: this.present,
      missing: this.missing,
      other: this.present - fitting,
      distinct: this.counts.size,
      distinctCapped: this.capped,
      top,
    };
    if ((type === 'integer' || type === 'number') && this.numCount > 0) {
      out.min = this.numMin;
      out.max = this.numMax;
      out.mean = this.numSum / this.numCount;
    }
    if (type === 'date' && this.dateCount > 0) {
      out.minDate = this.dateMinText;
      out.maxDate = this.dateMaxText;
      out.meanDate = new Date(Math.round(this.dateSum / this.dateCount)).toISOString().slice(0, 10);
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Scanning rows

/** What a scan found besides the rows it handed over. */
export interface DatasetScan {
  format: DatasetFormat;
  delimiter?: string;
  header: boolean;
  recordsKey?: string;
  /** Column names; for JSON they grow as new keys appear. */
  columns: string[];
  rows: number;
  malformedRows: number;
  malformedExamples: string[];
  stoppedEarly?: string;
  /** Columns beyond {@link MAX_COLUMNS} left out of `columns` (their values are not handed over). */
  columnsLeftOut?: number;
  undecodable: number;
  bytes: number;
  hash: string;
}

/**
 * Called for every well-formed data row: `values[i]` is the raw text of `columns[i]` (undefined
 * when the record has no such field). `columns` may have grown since the previous row (JSON).
 */
export type RowHandler = (values: readonly (string | undefined)[], columns: readonly string[]) => void;

class ScanState implements DatasetScan {
  delimiter?: string;
  header = false;
  recordsKey?: string;
  columns: string[] = [];
  rows = 0;
  malformedRows = 0;
  malformedExamples: string[] = [];
  stoppedEarly?: string;
  columnsLeftOut?: number;
  undecodable = 0;
  bytes = 0;
  hash = '';
  /** Records seen, header included: what "record N" counts. */
  records = 0;

  constructor(readonly format: DatasetFormat) {}

  malformed(why: string): void {
    this.malformedRows++;
    if (this.malformedExamples.length < MAX_MALFORMED_EXAMPLES) this.malformedExamples.push(why);
  }
}

function countReplacement(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\ufffd'); i !== -1; i = text.indexOf('\ufffd', i + 1)) n++;
  return n;
}

function looksBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 8192);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}

/** The file as decoded text pieces, hashing every byte; stops at the first NUL (a binary file). */
async function* decodedText(vault: VaultPort, path: string, state: ScanState, options: DatasetReadOptions): AsyncGenerator<string> {
  const hasher = new BytesHasher();
  const decoder = new TextDecoder('utf-8');
  let first = true;
  for await (const bytes of readChunks(vault, path, options.chunkBytes)) {
    options.signal?.throwIfAborted();
    if (first && looksBinary(bytes)) throw new BinaryFile();
    first = false;
    hasher.update(bytes);
    state.bytes += bytes.length;
    state.hash = hasher.digest();
    const text = decoder.decode(bytes, { stream: true });
    if (text) {
      state.undecodable += countReplacement(text);
      yield text;
    }
  }
  const tail = decoder.decode();
  state.hash = hasher.digest();
  if (tail) {
    state.undecodable += countReplacement(tail);
    yield tail;
  }
}

class BinaryFile extends Error {}
class TooBig extends Error {}

/** A cell's type for header detection (the types a profile uses, missing as undefined). */
function cellType(raw: string | undefined): ColumnType | undefined {
  const v = presentValue(raw);
  if (v === undefined) return undefined;
  if (numberValue(v) !== undefined) return 'number';
  if (isBoolean(v)) return 'boolean';
  if (dateValue(v) !== undefined) return 'date';
  return 'text';
}

/**
 * Whether the first row names the columns: a column whose values below have one non-text type
 * and whose first cell does not (a "price" over numbers) votes yes, one whose first cell has the
 * same type as the values votes no. All-text data has a header unless its first row repeats a
 * value, or has empty cells, where names would be expected to be distinct and present.
 */
function hasHeader(rows: string[][]): boolean {
  const first = rows[0] ?? [];
  const rest = rows.slice(1);
  let votes = 0;
  // A row of a million fields is judged by its first columns, as only those are profiled.
  for (let c = 0; c < Math.min(first.length, MAX_COLUMNS); c++) {
    const types = new Set(rest.map((r) => cellType(r[c])).filter((t): t is ColumnType => t !== undefined));
    if (types.size !== 1) continue;
    const [type] = types;
    if (type === 'text') continue;
    const head = cellType(first[c]);
    if (head === undefined) continue;
    votes += head === type ? -1 : 1;
  }
  if (votes !== 0) return votes > 0;
  const names = first.slice(0, MAX_COLUMNS).map((v) => v.trim());
  const filled = names.filter((n) => n !== '');
  if (filled.length < Math.ceil(names.length / 2)) return false;
  if (new Set(filled.map((n) => n.toLowerCase())).size !== filled.length) return false;
  return !filled.some((n) => cellType(n) === 'number' || cellType(n) === 'date');
}

/** Column names from a header row: blanks named by position, duplicates numbered. */
function columnNames(header: readonly string[] | undefined, width: number): string[] {
  const names: string[] = [];
  const used = new Set<string>();
  for (let i = 0; i < width; i++) {
    let name = (header?.[i] ?? '').replace(/\s+/g, ' ').trim() || `column ${i + 1}`;
    if (used.has(name.toLowerCase())) {
      let n = 2;
      while (used.has(`${name} (${n})`.toLowerCase())) n++;
      name = `${name} (${n})`;
    }
    used.add(name.toLowerCase());
    names.push(name);
  }
  return names;
}

/** The most common row width among the first rows (what a file without a header has as columns). */
function usualWidth(rows: string[][]): number {
  const counts = new Map<number, number>();
  for (const r of rows) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (const [w, n] of counts) if (n > bestCount || (n === bestCount && w > best)) [best, bestCount] = [w, n];
  return best;
}

/** Feeds strings to papaparse through the minimal readable-stream shape it accepts in Node and the browser alike. */
class PushSource {
  readonly readable = true;
  private listeners: Record<string, ((arg?: unknown) => void)[]> = { data: [], end: [], error: [] };
  read(): null {
    return null;
  }
  on(event: string, fn: (arg?: unknown) => void): void {
    (this.listeners[event] ??= []).push(fn);
  }
  removeListener(event: string, fn: (arg?: unknown) => void): void {
    this.listeners[event] = (this.listeners[event] ?? []).filter((g) => g !== fn);
  }
  pause(): void {}
  resume(): void {}
  emit(event: 'data' | 'end', arg?: string): void {
    for (const fn of [...(this.listeners[event] ?? [])]) fn(arg);
  }
}

async function scanDelimited(vault: VaultPort, path: string, state: ScanState, onRow: RowHandler, options: DatasetReadOptions): Promise<void> {
  const source = new PushSource();
  let buffered: string[][] | null = [];
  let width = 0;
  let pendingChars = 0;
  let stop = false;
  let failure: Error | undefined;

  const take = (row: string[]) => {
    state.records++;
    if (row.length !== width) {
      state.malformed(`record ${state.records}: ${row.length} field${row.length === 1 ? '' : 's'} where there ${width === 1 ? 'is 1 column' : `are ${width} columns`}`);
      return;
    }
    state.rows++;
    onRow(row, state.columns);
  };
  const settle = () => {
    if (!buffered) return;
    const rows = buffered;
    buffered = null;
    if (rows.length === 0) return;
    state.header = hasHeader(rows);
    width = state.header ? rows[0].length : usualWidth(rows);
    // Rows keep their full width (a row with a field too many is still malformed), but only the
    // first MAX_COLUMNS columns are profiled: a line of ten million commas is not ten million columns' statistics.
    state.columns = columnNames(state.header ? rows[0] : undefined, Math.min(width, MAX_COLUMNS));
    if (width > MAX_COLUMNS) state.columnsLeftOut = width - MAX_COLUMNS;
    if (state.header) state.records++;
    for (const row of state.header ? rows.slice(1) : rows) take(row);
  };

  // papaparse reads any object with `readable`, `read` and `on` as a stream (ReadableStreamStreamer).
  Papa.parse<string[], File>(source as unknown as File, {
    header: false,
    skipEmptyLines: true,
    ...(state.format === 'tsv' ? { delimiter: '\t' } : {}),
    chunk: (results: Papa.ParseResult<string[]>, parser: Papa.Parser) => {
      try {
        if (state.delimiter === undefined && results.meta.delimiter) state.delimiter = results.meta.delimiter;
        const broken = new Map<number, string>();
        for (const e of results.errors) {
          // Errors of the unfinished last row come again once it is complete; count them then.
          if (e.type !== 'Quotes' || e.row === undefined || e.row >= results.data.length) continue;
          if (!broken.has(e.row)) broken.set(e.row, e.message.toLowerCase());
        }
        pendingChars = results.data.length > 0 ? 0 : pendingChars;
        results.data.forEach((row, i) => {
          const why = broken.get(i);
          if (why !== undefined) {
            state.records++;
            state.malformed(`record ${state.records}: ${why}`);
            return;
          }
          if (buffered) {
            buffered.push(row);
            if (buffered.length > HEADER_LOOKAHEAD) settle();
          } else take(row);
        });
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
        stop = true;
        parser.abort();
      }
    },
    complete: () => undefined,
  });

  // papaparse guesses the delimiter and line ending from its first chunk: give it enough text.
  let opening: string | null = '';
  for await (const piece of decodedText(vault, path, state, options)) {
    // After a stop the rest is still read, so the hash covers the whole file.
    if (stop) continue;
    if (opening !== null) {
      opening += piece;
      if (opening.length < SNIFF_CHARS) continue;
    }
    const text = opening ?? piece;
    opening = null;
    pendingChars += text.length;
    source.emit('data', text);
    if (!stop && pendingChars > MAX_PENDING_CHARS) {
      stop = true;
      state.stoppedEarly = `Reading stopped after record ${state.records}: more than ${Math.round(MAX_PENDING_CHARS / (1024 * 1024))} million characters without the end of a row (an unclosed quote?).`;
    }
  }
  // Set inside papaparse's callback, so read through a function (no narrowing across the calls).
  const rethrow = () => {
    if (failure) throw failure;
  };
  rethrow();
  if (!stop && opening) source.emit('data', opening);
  if (!stop) source.emit('end');
  rethrow();
  settle();
}

/** Turns one record (an object, or an array under a header) into the row the handler takes. */
class RecordColumns {
  private readonly index = new Map<string, number>();
  /** Keys seen beyond MAX_COLUMNS (counted up to a bound, so a file of unique keys stays small). */
  private readonly extra = new Set<string>();

  constructor(private readonly state: ScanState) {}

  row(record: Record<string, unknown>): (string | undefined)[] {
    const values: (string | undefined)[] = [];
    for (const key of Object.keys(record)) {
      let i = this.index.get(key);
      if (i === undefined) {
        if (this.state.columns.length >= MAX_COLUMNS) {
          if (this.extra.size < 10 * MAX_COLUMNS) this.extra.add(key.length > KEY_CHARS ? key.slice(0, KEY_CHARS) : key);
          this.state.columnsLeftOut = this.extra.size;
          continue;
        }
        i = this.state.columns.length;
        this.index.set(key, i);
        this.state.columns.push(key === '' ? `column ${i + 1}` : key);
      }
      values[i] = jsonCell(record[key]);
    }
    return values;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One JSON value as a record: an object as it is, a lone scalar as {"value": …}. Arrays under a header row are handled by the caller. */
function asRecord(value: unknown): Record<string, unknown> | undefined {
  if (isRecord(value)) return value;
  if (Array.isArray(value)) return undefined;
  return { value };
}

async function scanJsonLines(vault: VaultPort, path: string, state: ScanState, onRow: RowHandler, options: DatasetReadOptions): Promise<void> {
  const columns = new RecordColumns(state);
  let carry = '';
  let skipping = false;
  const line = (text: string) => {
    const trimmed = text.trim();
    if (trimmed === '') return;
    state.records++;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      state.malformed(`line ${state.records}: not valid JSON`);
      return;
    }
    const record = asRecord(value);
    if (!record) {
      state.malformed(`line ${state.records}: a list, not an object`);
      return;
    }
    let values: (string | undefined)[];
    try {
      values = columns.row(record);
    } catch (error) {
      // A value nested thousands deep cannot be written back as text (the stack runs out): one bad line.
      if (!(error instanceof RangeError)) throw error;
      state.malformed(`line ${state.records}: nested too deeply`);
      return;
    }
    state.rows++;
    onRow(values, state.columns);
  };
  for await (const text of decodedText(vault, path, state, options)) {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      if (skipping) skipping = false;
      else line(carry + text.slice(start, nl));
      carry = '';
      start = nl + 1;
    }
    if (!skipping) carry += text.slice(start);
    if (carry.length > MAX_PENDING_CHARS) {
      state.records++;
      state.malformed(`line ${state.records}: longer than ${Math.round(MAX_PENDING_CHARS / (1024 * 1024))} million characters`);
      carry = '';
      skipping = true;
    }
  }
  if (!skipping) line(carry);
}

async function scanJson(vault: VaultPort, path: string, state: ScanState, onRow: RowHandler, options: DatasetReadOptions): Promise<void> {
  const max = options.maxJsonBytes ?? MAX_JSON_BYTES;
  const parts: string[] = [];
  let tooBig = false;
  for await (const text of decodedText(vault, path, state, options)) {
    // Too big: the rest is still read (not kept), so the defect carries the file's hash.
    if (tooBig || state.bytes > max) {
      tooBig = true;
      parts.length = 0;
      continue;
    }
    parts.push(text);
  }
  if (tooBig) throw new TooBig();
  const text = parts.join('');
  parts.length = 0;
  if (text.trim() === '') return;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new NotJson(error instanceof Error ? error.message : String(error));
  }
  let records: unknown[] | undefined;
  if (Array.isArray(value)) records = value;
  else if (isRecord(value)) {
    // {"data": [ … ]}: the first key holding a list of objects.
    for (const [key, inner] of Object.entries(value)) {
      if (Array.isArray(inner) && inner.some(isRecord)) {
        records = inner;
        state.recordsKey = key;
        break;
      }
    }
    if (!records) throw new NotJson('it holds one object, not a list of records (an array of objects, or an object with such an array)', 'one-object');
  } else throw new NotJson('it holds a single value, not a list of records', 'single-value');
  const columns = new RecordColumns(state);
  // An array of arrays is a table: the first row names the columns when it looks like a header.
  if (records.length > 0 && records.every((r) => Array.isArray(r))) {
    const rows = (records as unknown[][]).map((r) => r.map((v) => jsonCell(v) ?? ''));
    state.header = hasHeader(rows.slice(0, HEADER_LOOKAHEAD + 1));
    const width = state.header ? rows[0].length : usualWidth(rows.slice(0, HEADER_LOOKAHEAD));
    state.columns = columnNames(state.header ? rows[0] : undefined, Math.min(width, MAX_COLUMNS));
    if (width > MAX_COLUMNS) state.columnsLeftOut = width - MAX_COLUMNS;
    if (state.header) state.records++;
    for (const row of state.header ? rows.slice(1) : rows) {
      state.records++;
      if (row.length !== width) {
        state.malformed(`record ${state.records}: ${row.length} values where there are ${width} columns`);
        continue;
      }
      state.rows++;
      onRow(row, state.columns);
    }
    return;
  }
  for (const item of records) {
    options.signal?.throwIfAborted();
    state.records++;
    const record = asRecord(item);
    if (!record) {
      state.malformed(`record ${state.records}: a list among objects`);
      continue;
    }
    state.rows++;
    onRow(columns.row(record), state.columns);
  }
}

/** A JSON file that is not a dataset: `shape` says why when the JSON parsed, `message` is the parser's error otherwise. */
class NotJson extends Error {
  readonly shape: 'one-object' | 'single-value' | undefined;

  constructor(message: string, shape?: 'one-object' | 'single-value') {
    super(message);
    this.shape = shape;
  }
}

/**
 * Streams every row of the dataset at `path` to `onRow` and says what it found; a file that
 * cannot be read as a dataset is a {@link DatasetProblem}, never an exception (a stop is).
 */
export async function scanDataset(vault: VaultPort, path: string, onRow: RowHandler, options: DatasetReadOptions = {}): Promise<DatasetScan | DatasetProblem> {
  const format = datasetFormat(path);
  const label = format ? FORMAT_LABEL[format] : 'dataset';
  if (!format) return { problem: 'unreadable', message: tr('core.sources.dataset.notDataset', { ext: extname(path) }) };
  const state = new ScanState(format);
  try {
    if (format === 'csv' || format === 'tsv') await scanDelimited(vault, path, state, onRow, options);
    else if (format === 'jsonl') await scanJsonLines(vault, path, state, onRow, options);
    else await scanJson(vault, path, state, onRow, options);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const hash = state.hash || undefined;
    if (error instanceof BinaryFile) return { problem: 'binary', message: tr('core.sources.dataset.binary', { format: label }) };
    if (error instanceof TooBig) {
      const max = options.maxJsonBytes ?? MAX_JSON_BYTES;
      return { problem: 'too-big', message: tr('core.sources.dataset.jsonTooBig', { max: Math.round(max / (1024 * 1024)) }), ...(hash ? { hash } : {}) };
    }
    if (error instanceof RangeError) return { problem: 'unreadable', message: tr('core.sources.dataset.tooDeep', { format: label }), ...(hash ? { hash } : {}) };
    if (error instanceof NotJson) {
      const message = error.shape === 'one-object' ? tr('core.sources.dataset.oneObject') : error.shape === 'single-value' ? tr('core.sources.dataset.singleValue') : tr('core.sources.dataset.notJson', { error: error.message });
      return { problem: 'unreadable', message, ...(hash ? { hash } : {}) };
    }
    return { problem: 'unreadable', message: tr('core.sources.dataset.unreadable', { error: error instanceof Error ? error.message : String(error) }), ...(hash ? { hash } : {}) };
  }
  if (state.rows === 0 && state.columns.length === 0 && state.stoppedEarly) {
    // The reason is made here, in the interface language; `stoppedEarly` itself stays English (the profile the model reads).
    return { problem: 'unreadable', message: tr('core.sources.dataset.noRow', { format: label, million: Math.round(MAX_PENDING_CHARS / (1024 * 1024)) }), ...(state.hash ? { hash: state.hash } : {}) };
  }
  if (state.bytes === 0 || (state.rows === 0 && state.columns.length === 0 && state.malformedRows === 0)) {
    return { problem: 'empty', message: state.bytes === 0 ? tr('core.sources.dataset.empty') : tr('core.sources.dataset.noRows', { format: label }), ...(state.hash ? { hash: state.hash } : {}) };
  }
  return state;
}

/** Profiles the dataset at `path` in one streamed pass (see the file comment). */
export async function profileDataset(vault: VaultPort, path: string, options: DatasetReadOptions = {}): Promise<DatasetProfile | DatasetProblem> {
  const sampleRows = options.sampleRows ?? 20;
  const stats: ColumnStats[] = [];
  const sample: (string | undefined)[][] = [];
  let rows = 0;
  let cap = DISTINCT_CAP;
  const scan = await scanDataset(
    vault,
    path,
    (values, columns) => {
      if (stats.length < columns.length) {
        cap = Math.max(1000, Math.min(DISTINCT_CAP, Math.floor(DISTINCT_BUDGET / columns.length)));
        for (let i = stats.length; i < columns.length; i++) stats.push(new ColumnStats(columns[i], cap, rows));
      }
      for (let i = 0; i < stats.length; i++) stats[i].add(values[i]);
      if (sample.length < sampleRows) sample.push(values.slice(0, columns.length));
      rows++;
    },
    options,
  );
  if (isDatasetProblem(scan)) return scan;
  const width = scan.columns.length;
  return {
    format: scan.format,
    ...(scan.delimiter !== undefined ? { delimiter: scan.delimiter } : {}),
    header: scan.header,
    ...(scan.recordsKey !== undefined ? { recordsKey: scan.recordsKey } : {}),
    rows: scan.rows,
    columns: scan.columns.map((name, i) => (stats[i] ?? new ColumnStats(name, cap, rows)).profile(5)),
    malformedRows: scan.malformedRows,
    malformedExamples: scan.malformedExamples,
    ...(scan.stoppedEarly ? { stoppedEarly: scan.stoppedEarly } : {}),
    ...(scan.columnsLeftOut ? { columnsLeftOut: scan.columnsLeftOut } : {}),
    sample: sample.map((r) => Array.from({ length: width }, (_, i) => (r[i] ?? '').trim())),
    undecodable: scan.undecodable,
    bytes: scan.bytes,
    hash: scan.hash,
  };
}
