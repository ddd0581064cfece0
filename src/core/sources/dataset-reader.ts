import { tr } from '../../i18n';
import { basename, basenameNoExt } from '../markdown/paths';
import { DATASET_EXTENSIONS, FORMAT_LABEL, isDatasetProblem, profileDataset, type ColumnProfile, type DatasetProfile } from './dataset-profile';
import type { SourceReader } from './types';

/** Columns listed one by one in the profile; the rest are named in one line. */
const MAX_COLUMNS_SHOWN = 100;
/** Sample columns shown (a wide table is unreadable and costly). */
const MAX_SAMPLE_COLUMNS = 20;
const CELL_CHARS = 60;
/** Columns beyond the table named in one line, at most this many (the rest counted). */
const MAX_COLUMNS_NAMED = 200;

const DELIMITER_NAME: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

/** A number for people: thousands separated, at most 6 significant digits after rounding. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function formatValue(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  const rounded = Number(n.toPrecision(6));
  return rounded.toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** A table cell: no pipes or line breaks, short. */
function cell(text: string, max = CELL_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const cut = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  return cut.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** "CSV, 12,345 rows × 8 columns": the line the summary's header shows. */
export function datasetFact(profile: DatasetProfile): string {
  return `${FORMAT_LABEL[profile.format]}, ${plural(profile.rows, 'row')} × ${plural(profile.columns.length, 'column')}`;
}

/** {@link datasetFact} for a person, in the interface language (a render's summary line). */
export function datasetFactText(profile: DatasetProfile): string {
  const params = { format: FORMAT_LABEL[profile.format], rows: formatCount(profile.rows), columns: formatCount(profile.columns.length) };
  if (profile.rows === 1) return profile.columns.length === 1 ? tr('core.sources.dataset.fact.oneOne', params) : tr('core.sources.dataset.fact.oneMany', params);
  return profile.columns.length === 1 ? tr('core.sources.dataset.fact.manyOne', params) : tr('core.sources.dataset.fact.manyMany', params);
}

function describeFormat(profile: DatasetProfile): string {
  const parts = [FORMAT_LABEL[profile.format]];
  if (profile.format === 'csv' && profile.delimiter && profile.delimiter !== ',') parts.push(`(${DELIMITER_NAME[profile.delimiter] ?? `"${profile.delimiter}"`}-separated)`);
  if (profile.format === 'csv' || profile.format === 'tsv') parts.push(profile.header ? 'with a header row' : 'without a header row (columns named by position)');
  if (profile.recordsKey) parts.push(`(records under "${profile.recordsKey}")`);
  return parts.join(' ');
}

function missingText(c: ColumnProfile, rows: number): string {
  if (c.missing === 0) return '0';
  const pct = rows > 0 ? (100 * c.missing) / rows : 0;
  return `${formatCount(c.missing)} (${pct < 0.1 ? '<0.1' : pct.toFixed(1)}%)`;
}

function typeText(c: ColumnProfile): string {
  if (c.other === 0) return c.type;
  const noun = c.type === 'integer' || c.type === 'number' ? 'numbers' : c.type === 'date' ? 'dates' : c.type === 'boolean' ? 'true/false' : c.type;
  return `${c.type} (${formatCount(c.other)} not ${noun})`;
}

function rangeText(c: ColumnProfile): [string, string, string] {
  if (c.min !== undefined && c.max !== undefined) return [formatValue(c.min), formatValue(c.max), c.mean === undefined ? '' : formatValue(c.mean)];
  if (c.minDate !== undefined && c.maxDate !== undefined) return [cell(c.minDate), cell(c.maxDate), c.meanDate ?? ''];
  return ['', '', ''];
}

function topText(c: ColumnProfile): string {
  // A column whose values are all different has no top values worth the tokens.
  if (c.top.length === 0 || (c.top[0]?.count ?? 0) <= 1) return '';
  return c.top
    .filter((t) => t.count > 1)
    .slice(0, 3)
    .map((t) => `${cell(t.value, 30)} (${formatCount(t.count)})`)
    .join(', ');
}

/** The columns as a markdown table: type, missing, distinct, min, max, mean, top values. */
export function columnsTable(profile: DatasetProfile): string {
  const shown = profile.columns.slice(0, MAX_COLUMNS_SHOWN);
  const lines = ['| Column | Type | Missing | Distinct | Min | Max | Mean | Top values |', '|---|---|---:|---:|---:|---:|---:|---|'];
  for (const c of shown) {
    const [min, max, mean] = rangeText(c);
    const distinct = c.distinctCapped ? `more than ${formatCount(c.distinct)}` : formatCount(c.distinct);
    lines.push(`| ${cell(c.name)} | ${typeText(c)} | ${missingText(c, profile.rows)} | ${distinct} | ${min} | ${max} | ${mean} | ${topText(c)} |`);
  }
  if (profile.columns.length > shown.length) {
    const rest = profile.columns.slice(shown.length);
    const named = rest.slice(0, MAX_COLUMNS_NAMED).map((c) => `${cell(c.name, 40)} (${c.type})`);
    const unnamed = rest.length - named.length;
    lines.push('', `And ${plural(rest.length, 'more column')}: ${named.join(', ')}${unnamed > 0 ? `, and ${plural(unnamed, 'other')}` : ''}.`);
  }
  return lines.join('\n');
}

/** The first `rows` sample rows as a markdown table (at most 20 columns). */
export function sampleTable(profile: DatasetProfile, rows = profile.sample.length): string {
  const cols = profile.columns.slice(0, MAX_SAMPLE_COLUMNS);
  const lines = [`| ${cols.map((c) => cell(c.name, 40)).join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`];
  for (const row of profile.sample.slice(0, rows)) lines.push(`| ${cols.map((_, i) => cell(row[i] ?? '')).join(' | ')} |`);
  return lines.join('\n');
}

/**
 * The profile as the model reads it: what the file is, its columns as a table, problems found,
 * and a sample of rows, within `maxChars` (the sample shrinks first).
 */
export function profileMarkdown(path: string, profile: DatasetProfile, maxChars = Infinity): string {
  const head = [`Dataset "${basename(path)}": ${describeFormat(profile)}, ${plural(profile.rows, 'row')} × ${plural(profile.columns.length, 'column')}.`];
  head.push('The profile below was computed from every row of the file, not by a model; the sample shows only the first rows.');
  const notes: string[] = [];
  if (profile.malformedRows > 0) notes.push(`${plural(profile.malformedRows, 'malformed row')} left out (${profile.malformedExamples.join('; ')}${profile.malformedRows > profile.malformedExamples.length ? '; …' : ''}).`);
  if (profile.stoppedEarly) notes.push(profile.stoppedEarly);
  if (profile.columnsLeftOut) notes.push(`Only the first ${plural(profile.columns.length, 'column')} are profiled; ${profile.format === 'json' || profile.format === 'jsonl' ? 'at least ' : ''}${plural(profile.columnsLeftOut, 'more column')} left out.`);
  if (profile.undecodable > 0) notes.push(`${plural(profile.undecodable, 'character')} could not be read as UTF-8.`);
  const columns = ['## Columns', '', columnsTable(profile)];
  const build = (sampleRows: number) => {
    const parts = [head.join(' '), ...(notes.length ? ['', ...notes] : []), '', ...columns];
    if (sampleRows > 0) {
      const more = profile.columns.length > MAX_SAMPLE_COLUMNS ? `, first ${MAX_SAMPLE_COLUMNS} columns` : '';
      parts.push('', `## Sample (first ${plural(sampleRows, 'row')}${more})`, '', sampleTable(profile, sampleRows));
    }
    return `${parts.join('\n')}\n`;
  };
  let rows = profile.sample.length;
  let body = build(rows);
  while (body.length > maxChars && rows > 0) {
    rows = rows > 5 ? Math.floor(rows / 2) : rows - 1;
    body = build(rows);
  }
  return body;
}

/**
 * CSV, TSV, JSON and JSON Lines files: profiled locally in one streamed pass (no model), and
 * the model gets the profile and a bounded sample to write the summary from.
 */
export const datasetReader: SourceReader = {
  kind: 'dataset',
  label: 'dataset',
  extensions: DATASET_EXTENSIONS,
  async read(path, ctx) {
    const profile = await profileDataset(ctx.vault, path, { ...(ctx.signal ? { signal: ctx.signal } : {}) });
    if (isDatasetProblem(profile)) return { kind: profile.problem, message: profile.message, ...(profile.hash ? { hash: profile.hash } : {}) };
    const facts = [datasetFact(profile)];
    if (profile.malformedRows > 0) facts.push(`${plural(profile.malformedRows, 'malformed row')} left out`);
    if (profile.columnsLeftOut) facts.push(`only the first ${plural(profile.columns.length, 'column')} profiled`);
    return {
      path,
      kind: 'dataset',
      hash: profile.hash,
      title: basenameNoExt(path),
      authors: [],
      body: profileMarkdown(path, profile, Math.max(2000, ctx.budgetTokens * 4)),
      facts,
    };
  },
};
