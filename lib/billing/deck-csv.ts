/**
 * A rate deck as CSV (pure): `prefix,destination,rate,connection_fee,increment,minimum_duration,kind`,
 * then optionally a DID tier section under its own header `tier,label,countries,monthly,one_time`.
 * Liberal in what it reads (a header or none, quoted fields, CRLF, a BOM, `+` before a prefix, `$`
 * before an amount, blank and `#` lines) and strict in meaning: every bad row is reported as
 * `line N: reason`, and a file with any bad row yields no entries at all. Amounts are read as exact
 * decimals (parseMicros), never through a float.
 */
import { csvRow } from '@/lib/views/audit-events';
import { formatMicros, parseMicros } from './money';

export const DECK_CSV_COLUMNS = ['prefix', 'destination', 'rate', 'connection_fee', 'increment', 'minimum_duration', 'kind'] as const;
export const DID_TIER_CSV_COLUMNS = ['tier', 'label', 'countries', 'monthly', 'one_time'] as const;
export const RATE_KINDS = ['termination', 'origination'] as const;
export type RateKindName = (typeof RATE_KINDS)[number];

/** More rates than this in one file is refused (decks of 25,000+ prefixes are read in well under a second). */
export const MAX_DECK_ROWS = 200_000;
/** A file's problems listed at most; the count is always the whole. */
export const MAX_LISTED_PROBLEMS = 200;
/** Seconds: a billing increment or a minimum duration longer than an hour is a typo. */
const MAX_SECONDS = 3600;
/** rate_deck_entries.rate and connection_fee are numeric(12, 6); rate_deck_did_tiers amounts numeric(12, 4). */
const MAX_WHOLE_DIGITS = { 6: 6, 4: 8 } as const;

export interface DeckEntryInput {
  kind: RateKindName;
  /** E.164 digits without the `+`. */
  prefix: string;
  destination: string;
  /** Per minute, six places ("0.010000"). */
  rate: string;
  connectionFee: string;
  firstIncrement: number;
  nextIncrement: number;
  minimumDuration: number;
}

export interface DidTierInput {
  tier: string;
  label: string;
  /** ISO 3166 alpha-2, upper case. */
  countries: string[];
  /** Four places ("5.0000"). */
  monthly: string;
  oneTime: string;
}

export interface DeckCsvProblem {
  line: number;
  reason: string;
}

export type DeckCsvResult =
  | { ok: true; entries: DeckEntryInput[]; /** null: the file has no DID tier section. */ didTiers: DidTierInput[] | null }
  | { ok: false; problems: DeckCsvProblem[]; problemCount: number };

interface CsvRecord {
  /** The line the record starts on, from 1. */
  line: number;
  cells: string[];
}

/** RFC 4180 records; a quoted field may hold commas, quotes ("") and line breaks. */
function* csvRecords(text: string): Generator<CsvRecord | { line: number; unclosedQuote: true }> {
  let line = 1;
  let index = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (index < text.length) {
    const start = line;
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    let inQuotes = false;
    for (;;) {
      if (index >= text.length) {
        if (inQuotes) {
          yield { line: start, unclosedQuote: true };
          return;
        }
        cells.push(quoted ? cell : cell.trim());
        yield { line: start, cells };
        return;
      }
      const char = text[index]!;
      if (inQuotes) {
        if (char === '"') {
          if (text[index + 1] === '"') {
            cell += '"';
            index += 2;
            continue;
          }
          inQuotes = false;
          index += 1;
          continue;
        }
        if (char === '\n' || (char === '\r' && text[index + 1] !== '\n')) line += 1;
        cell += char;
        index += 1;
        continue;
      }
      if (char === '"' && cell.trim() === '' && !quoted) {
        quoted = true;
        inQuotes = true;
        cell = '';
        index += 1;
        continue;
      }
      if (char === ',') {
        cells.push(quoted ? cell : cell.trim());
        cell = '';
        quoted = false;
        index += 1;
        continue;
      }
      if (char === '\r' || char === '\n') {
        index += char === '\r' && text[index + 1] === '\n' ? 2 : 1;
        line += 1;
        cells.push(quoted ? cell : cell.trim());
        yield { line: start, cells };
        break;
      }
      // Text after a closing quote (`"abc" `) is kept as written; only surrounding blanks are dropped.
      if (!(quoted && (char === ' ' || char === '\t'))) cell += char;
      index += 1;
    }
  }
}

const normalizeName = (name: string) => name.trim().toLowerCase().replace(/[\s-]+/g, '_');

const RATE_COLUMN_ALIASES: Record<string, (typeof DECK_CSV_COLUMNS)[number]> = {
  prefix: 'prefix',
  code: 'prefix',
  destination: 'destination',
  description: 'destination',
  rate: 'rate',
  rate_per_minute: 'rate',
  connection_fee: 'connection_fee',
  connect_fee: 'connection_fee',
  increment: 'increment',
  increments: 'increment',
  billing_increment: 'increment',
  minimum_duration: 'minimum_duration',
  min_duration: 'minimum_duration',
  minimum: 'minimum_duration',
  kind: 'kind',
  type: 'kind',
};

const DID_COLUMN_ALIASES: Record<string, (typeof DID_TIER_CSV_COLUMNS)[number]> = {
  tier: 'tier',
  label: 'label',
  name: 'label',
  countries: 'countries',
  country: 'countries',
  monthly: 'monthly',
  mrc: 'monthly',
  one_time: 'one_time',
  onetime: 'one_time',
  setup: 'one_time',
  nrc: 'one_time',
};

type Reading<T> = { ok: true; value: T } | { ok: false; reason: string };
const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });
/** The value of a reading already known to be ok. */
const valueOf = <T>(reading: Reading<T>): T => (reading as { ok: true; value: T }).value;

/** `0.0125`, `$0.0125`, ` 1,000.50 `: an exact amount with at most `places` decimals, ≥ 0. */
export function readAmount(raw: string, label: string, places: 4 | 6, fallback?: string): Reading<string> {
  let text = raw.trim();
  if (text === '') return fallback === undefined ? fail(`${label} is missing`) : { ok: true, value: fallback };
  if (/^(\$\s*)?-\s*[$\d.]/.test(text)) return fail(`${label} ${quote(raw)} cannot be negative`);
  text = text.replace(/^\$\s*/, '');
  if (/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(text)) text = text.replace(/,/g, '');
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text) ?? /^()\.(\d+)$/.exec(text);
  if (!match) return fail(`${label} ${quote(raw)} is not an amount like 0.0125`);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > places) return fail(`${label} ${quote(raw)} has more than ${places} decimal places`);
  const whole = (match[1] ?? '').replace(/^0+(?=\d)/, '') || '0';
  if (whole.length > MAX_WHOLE_DIGITS[places]) return fail(`${label} ${quote(raw)} is too large`);
  return { ok: true, value: formatMicros(parseMicros(`${whole}.${fraction}`, places), places) };
}

function readSeconds(raw: string, label: string, { min, fallback }: { min: number; fallback: number }): Reading<number> {
  const text = raw.trim().replace(/\s*s$/i, '');
  if (text === '') return { ok: true, value: fallback };
  if (!/^\d+$/.test(text)) return fail(`${label} ${quote(raw)} is not a whole number of seconds`);
  const value = Number(text);
  if (value < min || value > MAX_SECONDS) return fail(`${label} ${quote(raw)} must be ${min}–${MAX_SECONDS} seconds`);
  return { ok: true, value };
}

/** `6/6`, `60/60`, `1/1` (first/next seconds); `30/6`; a single `60` means 60/60; blank is 60/60. */
export function readIncrement(raw: string): Reading<{ first: number; next: number }> {
  const text = raw.trim();
  if (text === '') return { ok: true, value: { first: 60, next: 60 } };
  const match = /^(\d+)\s*s?\s*(?:[/:+]\s*(\d+)\s*s?)?$/i.exec(text);
  if (!match) return fail(`increment ${quote(raw)} is not first/next seconds like 6/6 or 60/60`);
  const first = Number(match[1]);
  const next = match[2] === undefined ? first : Number(match[2]);
  if (first < 1 || next < 1 || first > MAX_SECONDS || next > MAX_SECONDS) return fail(`increment ${quote(raw)} must be 1–${MAX_SECONDS} seconds each`);
  return { ok: true, value: { first, next } };
}

function readKind(raw: string): Reading<RateKindName> {
  const text = raw.trim().toLowerCase();
  if (text === '' || text === 'termination' || text === 'term' || text === 'outbound') return { ok: true, value: 'termination' };
  if (text === 'origination' || text === 'orig' || text === 'inbound') return { ok: true, value: 'origination' };
  return fail(`kind ${quote(raw)} is neither termination nor origination`);
}

function readPrefix(raw: string): Reading<string> {
  const text = raw.trim().replace(/^'(?=\+)/, '').replace(/^\+\s*/, '');
  if (text === '') return fail('prefix is missing');
  if (!/^\d{1,15}$/.test(text)) return fail(`prefix ${quote(raw)} is not 1–15 digits (an E.164 prefix such as 44 or +5255)`);
  return { ok: true, value: text };
}

/** Undoes the apostrophe an export puts before text a spreadsheet would run (or before an apostrophe), so a file round-trips. */
function unneutralized(text: string): string {
  return /^'[=+\-@\t\r']/.test(text) ? text.slice(1) : text;
}

/** Text that starts with an apostrophe gets one more, so reading it back does not take its own for csvCell's. */
function keepApostrophe(text: string): string {
  return text.startsWith("'") ? `'${text}` : text;
}

function readText(raw: string, label: string, max: number): Reading<string> {
  const text = unneutralized(raw.trim());
  if (text === '') return fail(`${label} is missing`);
  if (/[\u0000-\u001f\u007f]/.test(text)) return fail(`${label} cannot contain control characters`);
  if (text.length > max) return fail(`${label} is longer than ${max} characters`);
  return { ok: true, value: text };
}

function quote(raw: string): string {
  const shown = raw.trim();
  return `"${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown}"`;
}

function readCountries(raw: string): Reading<string[]> {
  const parts = raw
    .trim()
    .split(/[\s,;/|]+/)
    .filter(Boolean);
  if (parts.length === 0) return fail('countries is missing (ISO codes such as US CA)');
  const bad = parts.find((part) => !/^[A-Za-z]{2}$/.test(part));
  if (bad) return fail(`country ${quote(bad)} is not a two-letter ISO code (US, MX)`);
  return { ok: true, value: [...new Set(parts.map((part) => part.toUpperCase()))] };
}

type Layout<Column extends string> = Map<Column, number>;

function layoutOf<Column extends string>(cells: string[], aliases: Record<string, Column>, required: readonly Column[], what: string): Reading<{ layout: Layout<Column>; width: number }> {
  const layout: Layout<Column> = new Map();
  for (const [index, cell] of cells.entries()) {
    const name = normalizeName(cell);
    if (name === '') continue;
    const column = aliases[name];
    if (!column) return fail(`unknown column ${quote(cell)} in the ${what} header (expected ${[...new Set(Object.values(aliases))].join(', ')})`);
    if (layout.has(column)) return fail(`column ${quote(cell)} appears twice in the ${what} header`);
    layout.set(column, index);
  }
  const missing = required.filter((column) => !layout.has(column));
  if (missing.length) return fail(`the ${what} header lacks ${missing.join(', ')}`);
  return { ok: true, value: { layout, width: cells.length } };
}

const positional = <Column extends string>(columns: readonly Column[]): Layout<Column> => new Map(columns.map((column, index) => [column, index]));

const isBlank = (cells: string[]) => cells.every((cell) => cell.trim() === '');
const isComment = (cells: string[]) => (cells[0] ?? '').trimStart().startsWith('#');

/**
 * Reads a deck file. Rate rows by the header's column names (any order; prefix, destination and
 * rate required) or, without a header, in DECK_CSV_COLUMNS order. A row whose first cell is `tier`
 * starts the DID tier section, read by its header.
 */
export function parseDeckCsv(text: string): DeckCsvResult {
  const problems: DeckCsvProblem[] = [];
  let problemCount = 0;
  const problem = (line: number, reason: string) => {
    problemCount += 1;
    if (problems.length < MAX_LISTED_PROBLEMS) problems.push({ line, reason });
  };
  const entries: DeckEntryInput[] = [];
  const seen = new Map<string, number>();
  let didTiers: DidTierInput[] | null = null;
  const tierLines = new Map<string, number>();
  const countryTier = new Map<string, string>();
  let section: 'start' | 'rates' | 'tiers' = 'start';
  let rateLayout: { layout: Layout<(typeof DECK_CSV_COLUMNS)[number]>; width: number } = { layout: positional(DECK_CSV_COLUMNS), width: DECK_CSV_COLUMNS.length };
  let tierLayout: { layout: Layout<(typeof DID_TIER_CSV_COLUMNS)[number]>; width: number } | undefined;
  let tooMany = false;

  for (const record of csvRecords(text)) {
    if ('unclosedQuote' in record) {
      problem(record.line, 'a quoted field is never closed (a " is missing)');
      break;
    }
    const { line, cells } = record;
    if (isBlank(cells) || isComment(cells)) continue;
    const first = normalizeName(cells[0] ?? '');
    if (first === 'tier') {
      if (didTiers !== null) {
        problem(line, 'a second DID tier header: the file may have one DID tier section');
        continue;
      }
      const header = layoutOf(cells, DID_COLUMN_ALIASES, ['tier', 'label', 'countries', 'monthly'], 'DID tier');
      if (!header.ok) problem(line, header.reason);
      else tierLayout = header.value;
      didTiers = [];
      section = 'tiers';
      continue;
    }
    if (section === 'start') {
      section = 'rates';
      if (first === 'prefix' || cells.some((cell) => normalizeName(cell) === 'prefix')) {
        const header = layoutOf(cells, RATE_COLUMN_ALIASES, ['prefix', 'destination', 'rate'], 'rate');
        if (!header.ok) {
          problem(line, header.reason);
          return { ok: false, problems, problemCount };
        }
        rateLayout = header.value;
        continue;
      }
    }
    if (section === 'tiers') {
      if (!tierLayout) continue;
      const cell = (column: (typeof DID_TIER_CSV_COLUMNS)[number]) => {
        const index = tierLayout!.layout.get(column);
        return index === undefined ? '' : (cells[index] ?? '');
      };
      if (cells.length > tierLayout.width && !isBlank(cells.slice(tierLayout.width))) {
        problem(line, `${cells.length} fields where the DID tier header has ${tierLayout.width}`);
        continue;
      }
      const tier = readText(cell('tier'), 'tier', 20);
      const label = readText(cell('label'), 'label', 80);
      const countries = readCountries(cell('countries'));
      const monthly = readAmount(cell('monthly'), 'monthly', 4);
      const oneTime = readAmount(cell('one_time'), 'one_time', 4, '0.0000');
      const reasons = [tier, label, countries, monthly, oneTime].flatMap((reading) => (reading.ok ? [] : [reading.reason]));
      if (reasons.length) {
        problem(line, reasons.join('; '));
        continue;
      }
      const tierName = valueOf(tier);
      const earlier = tierLines.get(tierName.toLowerCase());
      if (earlier !== undefined) {
        problem(line, `tier ${quote(tierName)} is already on line ${earlier}`);
        continue;
      }
      tierLines.set(tierName.toLowerCase(), line);
      const list = valueOf(countries);
      const taken = list.find((country) => countryTier.has(country));
      if (taken) {
        problem(line, `${taken} is already in tier ${quote(countryTier.get(taken)!)}: a country belongs to one tier`);
        continue;
      }
      for (const country of list) countryTier.set(country, tierName);
      didTiers!.push({ tier: tierName, label: valueOf(label), countries: list, monthly: valueOf(monthly), oneTime: valueOf(oneTime) });
      continue;
    }

    if (entries.length + problemCount >= MAX_DECK_ROWS) {
      if (!tooMany) problem(line, `the file has more than ${MAX_DECK_ROWS.toLocaleString('en-US')} rates; split the deck`);
      tooMany = true;
      continue;
    }
    const cell = (column: (typeof DECK_CSV_COLUMNS)[number]) => {
      const index = rateLayout.layout.get(column);
      return index === undefined ? '' : (cells[index] ?? '');
    };
    if (cells.length > rateLayout.width && !isBlank(cells.slice(rateLayout.width))) {
      problem(line, `${cells.length} fields where a rate row has ${rateLayout.width} (${[...rateLayout.layout.keys()].join(', ')}); quote a destination that holds a comma`);
      continue;
    }
    const prefix = readPrefix(cell('prefix'));
    const destination = readText(cell('destination'), 'destination', 120);
    const rate = readAmount(cell('rate'), 'rate', 6);
    const connectionFee = readAmount(cell('connection_fee'), 'connection_fee', 6, '0.000000');
    const increment = readIncrement(cell('increment'));
    const minimumDuration = readSeconds(cell('minimum_duration'), 'minimum_duration', { min: 0, fallback: 0 });
    const kind = readKind(cell('kind'));
    const reasons = [prefix, destination, rate, connectionFee, increment, minimumDuration, kind].flatMap((reading) => (reading.ok ? [] : [reading.reason]));
    if (reasons.length) {
      problem(line, reasons.join('; '));
      continue;
    }
    const entry: DeckEntryInput = {
      kind: valueOf(kind),
      prefix: valueOf(prefix),
      destination: valueOf(destination),
      rate: valueOf(rate),
      connectionFee: valueOf(connectionFee),
      firstIncrement: valueOf(increment).first,
      nextIncrement: valueOf(increment).next,
      minimumDuration: valueOf(minimumDuration),
    };
    const key = `${entry.kind}:${entry.prefix}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problem(line, `prefix ${entry.prefix} (${entry.kind}) is already on line ${earlier}`);
      continue;
    }
    seen.set(key, line);
    entries.push(entry);
  }

  if (problemCount === 0 && entries.length === 0) problem(1, 'the file has no rates (a row is prefix,destination,rate,…)');
  if (problemCount === 0 && didTiers !== null && didTiers.length === 0 && tierLayout) problem(1, 'the DID tier section has a header but no tiers');
  if (problemCount > 0) return { ok: false, problems, problemCount };
  return { ok: true, entries, didTiers };
}

/** A six-place rate as people write it: at least four places ("0.010000" → "0.0100", "0.012345" stays). */
export function rateText(decimal: string): string {
  const [whole, fraction = ''] = decimal.split('.');
  return `${whole}.${fraction.replace(/0+$/, '').padEnd(4, '0')}`;
}

/** A DID tier amount as people write it: at least two places ("5.0000" → "5.00"). */
export function moneyText(decimal: string): string {
  const [whole, fraction = ''] = decimal.split('.');
  return `${whole}.${fraction.replace(/0+$/, '').padEnd(2, '0')}`;
}

export type DeckCsvEntry = Pick<DeckEntryInput, 'kind' | 'prefix' | 'destination' | 'rate' | 'connectionFee' | 'firstIncrement' | 'nextIncrement' | 'minimumDuration'>;

export const DECK_CSV_HEADER = csvRow(DECK_CSV_COLUMNS);

/** One rate row, formula-safe (csvCell), in import order. */
export function deckCsvLine(entry: DeckCsvEntry): string {
  return csvRow([entry.prefix, keepApostrophe(entry.destination), rateText(entry.rate), rateText(entry.connectionFee), `${entry.firstIncrement}/${entry.nextIncrement}`, entry.minimumDuration, entry.kind]);
}

/** The DID tier section (a blank line, its header, a row a tier), or nothing. */
export function didTierCsvSection(tiers: readonly DidTierInput[]): string {
  if (tiers.length === 0) return '';
  return `\r\n${csvRow(DID_TIER_CSV_COLUMNS)}${tiers.map((tier) => csvRow([keepApostrophe(tier.tier), keepApostrophe(tier.label), tier.countries.join(' '), moneyText(tier.monthly), moneyText(tier.oneTime)])).join('')}`;
}

/** A whole deck file that parseDeckCsv reads back to the same entries and tiers. */
export function formatDeckCsv(entries: readonly DeckCsvEntry[], tiers: readonly DidTierInput[] = []): string {
  return DECK_CSV_HEADER + entries.map(deckCsvLine).join('') + didTierCsvSection(tiers);
}

/**
 * An uploaded deck file's bytes as text, or why they are not a CSV: UTF-8 (a BOM is fine), else
 * Windows-1252 as spreadsheets save "CSV" on Windows; a workbook or any binary file is refused.
 */
export function decodeDeckFile(bytes: Uint8Array): { ok: true; text: string } | { ok: false; message: string } {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    return { ok: false, message: 'This is a spreadsheet workbook (.xlsx), not a CSV file: save it as “CSV UTF-8” and import that.' };
  }
  if (bytes.length >= 8 && bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    return { ok: false, message: 'This is an old Excel workbook (.xls), not a CSV file: save it as “CSV UTF-8” and import that.' };
  }
  if (bytes.includes(0)) return { ok: false, message: 'This is not a text file (it holds binary data): import the deck as CSV.' };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: true, text: new TextDecoder('windows-1252').decode(bytes) };
  }
}
