/**
 * Reading a switch's CDR export for a quote (pure, incremental): bytes in as they arrive, calls out
 * as `{ to, seconds, answered, startedAt }`. The file is sniffed first (binary and archive formats
 * refused by their magic bytes, NUL bytes anywhere), then its delimiter and its columns: Asterisk
 * Master.csv (no header) and cdr with a header, FreeSWITCH mod_cdr_csv (with a header or the
 * default template's columns), the portal's own CDR export, or generic names; explicit names
 * override. A row that cannot be read is skipped with its line; the file goes on.
 */
import { AppError } from '@/lib/errors';
import { toCallParty } from '@/lib/phone-numbers';

/** Largest file a quote reads (issue 15.7). */
export const CDR_FILE_MAX_BYTES = 50 * 1024 * 1024;
/** A longer record is skipped without being held (an unclosed quote would otherwise swallow the file). */
export const CDR_FILE_MAX_RECORD_CHARS = 64 * 1024;
/** Longer than a week is not one call. */
const MAX_CALL_SECONDS = 7 * 24 * 3600;

export type CdrFileProfile = 'asterisk-master' | 'asterisk' | 'freeswitch' | 'freeswitch-template' | 'portal' | 'generic';

export const CDR_FILE_PROFILE_LABELS: Record<CdrFileProfile, string> = {
  'asterisk-master': 'Asterisk Master.csv (no header)',
  asterisk: 'Asterisk CDR with a header',
  freeswitch: 'FreeSWITCH mod_cdr_csv with a header',
  'freeswitch-template': 'FreeSWITCH mod_cdr_csv default template (no header)',
  portal: 'This portal’s CDR export',
  generic: 'CSV with generic column names',
};

/** Header names the caller gives for columns the detection does not find (or finds wrongly). */
export interface CdrColumnMapping {
  to?: string;
  duration?: string;
  start?: string;
  answered?: string;
}

export const MAPPING_FIELDS = { to: 'to_column', duration: 'duration_column', start: 'start_column', answered: 'answered_column' } as const satisfies Record<keyof CdrColumnMapping, string>;

type AnsweredRule = 'disposition' | 'present' | 'cause' | 'flag';

interface Column {
  index: number;
  /** As the header writes it, or `column 3` in a file without one. */
  name: string;
}

export interface CdrFileFormat {
  profile: CdrFileProfile;
  /** Which mapping fields the caller gave (they override the profile's columns). */
  mapped: (keyof CdrColumnMapping)[];
  hasHeader: boolean;
  delimiter: string;
  columns: { to: Column; duration: Column; answered: (Column & { rule: AnsweredRule }) | null; start: Column | null; direction: Column | null };
}

export interface CdrFileRow {
  /** Line of the file where the row starts (from 1; the header is line 1). */
  line: number;
  /** The called number as the file writes it. */
  to: string;
  /** E.164 without `+` for prefix lookup; null when the cell is not a phone number (an extension, `s`). */
  toDigits: string | null;
  seconds: number;
  answered: boolean;
  startedAt: Date | null;
  direction: 'outbound' | 'inbound';
}

export interface SkippedRow {
  line: number;
  reason: string;
}

export type CdrFileItem = { row: CdrFileRow } | { skipped: SkippedRow };

/* ------------------------------------------------------------------ content sniffing */

const MAGIC: { bytes: number[]; what: string }[] = [
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], what: 'a PDF document' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive (an Excel .xlsx workbook is one): export the sheet as CSV' },
  { bytes: [0x50, 0x4b, 0x05, 0x06], what: 'an empty zip archive' },
  { bytes: [0x1f, 0x8b], what: 'gzip-compressed: decompress it first' },
  { bytes: [0x42, 0x5a, 0x68], what: 'bzip2-compressed: decompress it first' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'xz-compressed: decompress it first' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive' },
  { bytes: [0x52, 0x61, 0x72, 0x21], what: 'a RAR archive' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an Excel .xls (or other Office) document: export the sheet as CSV' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0xff, 0xfe], what: 'UTF-16 text: save it as UTF-8 CSV' },
  { bytes: [0xfe, 0xff], what: 'UTF-16 text: save it as UTF-8 CSV' },
];
const MAGIC_LENGTH = Math.max(...MAGIC.map((magic) => magic.bytes.length));

const fileError = (code: `invalid:${string}`, message: string, fields: Record<string, string[]> = {}) => new AppError(code, message, { fieldErrors: { file: [message], ...fields } });

/** What a file's first bytes say it is, when that is not text. */
export function binaryKindOf(head: Uint8Array): string | undefined {
  return MAGIC.find((magic) => magic.bytes.length <= head.length && magic.bytes.every((byte, index) => head[index] === byte))?.what;
}

/* ------------------------------------------------------------------ CSV records */

const DELIMITERS = [',', ';', '\t', '|'] as const;

/** The delimiter of a header or first row: the one seen most outside quotes (a comma on a tie). */
export function sniffDelimiter(line: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((delimiter) => [delimiter, 0]));
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  let best = ',';
  for (const delimiter of DELIMITERS) if (counts.get(delimiter)! > counts.get(best)!) best = delimiter;
  return best;
}

interface CsvRecord {
  line: number;
  cells: string[];
}

/**
 * RFC 4180 records from text pushed in pieces: quoted fields may hold delimiters, doubled quotes and
 * line breaks; unquoted fields are trimmed; `\r\n` or `\n`. Lenient where switches are sloppy (a
 * quote inside an unquoted field is kept as a character).
 */
class CsvRecordReader {
  private cells: string[] = [];
  private field = '';
  private fieldQuoted = false;
  /** Where a quoted field's closing quote fell: what follows it is trimmed. */
  private closedAt = 0;
  private inQuotes = false;
  /** A record of one quoted empty cell (`""`) is a record; an empty line is not. */
  private recordQuoted = false;
  /** A quote ended the last piece inside a quoted field: closing, or the first of a doubled one. */
  private quoteAtEnd = false;
  private recordChars = 0;
  private skipping = false;
  private line = 1;
  private recordLine = 1;
  readonly overlong: number[] = [];

  constructor(
    readonly delimiter: string,
    private readonly emit: (record: CsvRecord) => void,
  ) {}

  push(text: string) {
    let i = 0;
    const n = text.length;
    if (this.quoteAtEnd && n > 0) {
      this.quoteAtEnd = false;
      if (text[0] === '"') {
        this.field += '"';
        i = 1;
      } else this.closeQuotes();
    }
    const delimiter = this.delimiter;
    while (i < n) {
      if (this.skipping) {
        const newline = text.indexOf('\n', i);
        if (newline === -1) return;
        this.line++;
        i = newline + 1;
        this.skipping = false;
        this.resetRecord();
        continue;
      }
      if (this.inQuotes) {
        const quote = text.indexOf('"', i);
        const end = quote === -1 ? n : quote;
        const piece = text.slice(i, end);
        for (let at = piece.indexOf('\n'); at !== -1; at = piece.indexOf('\n', at + 1)) this.line++;
        this.field += piece;
        if (!this.grow(piece.length)) return this.startSkipping(text, end);
        if (quote === -1) return;
        if (quote + 1 === n) {
          this.quoteAtEnd = true;
          return;
        }
        if (text[quote + 1] === '"') {
          this.field += '"';
          i = quote + 2;
        } else {
          this.closeQuotes();
          i = quote + 1;
        }
        continue;
      }
      // Outside quotes: up to the next delimiter, quote or line end.
      let j = i;
      while (j < n) {
        const char = text[j]!;
        if (char === delimiter || char === '\n' || char === '"') break;
        j++;
      }
      if (j > i) {
        this.field += text.slice(i, j);
        if (!this.grow(j - i)) return this.startSkipping(text, j);
      }
      if (j === n) return;
      const char = text[j]!;
      if (char === '"') {
        if (!this.fieldQuoted && this.field.trim() === '') {
          this.field = '';
          this.fieldQuoted = true;
          this.recordQuoted = true;
          this.inQuotes = true;
        } else this.field += '"';
      } else if (char === delimiter) this.endField();
      else {
        this.endField();
        this.endRecord();
        this.line++;
        this.recordLine = this.line;
      }
      i = j + 1;
    }
  }

  end() {
    if (this.skipping) return;
    if (this.quoteAtEnd || this.inQuotes) this.closeQuotes();
    this.quoteAtEnd = false;
    if (this.cells.length > 0 || this.field !== '' || this.fieldQuoted) {
      this.endField();
      this.endRecord();
    }
  }

  private closeQuotes() {
    this.inQuotes = false;
    this.closedAt = this.field.length;
  }

  private grow(chars: number): boolean {
    this.recordChars += chars;
    return this.recordChars <= CDR_FILE_MAX_RECORD_CHARS;
  }

  /** The record is too long: report it, drop it, and read on from the next line. */
  private startSkipping(text: string, from: number) {
    this.overlong.push(this.recordLine);
    this.skipping = true;
    this.inQuotes = false;
    this.quoteAtEnd = false;
    this.push(text.slice(from));
  }

  private endField() {
    this.cells.push(this.fieldQuoted ? this.field.slice(0, this.closedAt) + this.field.slice(this.closedAt).trim() : this.field.trim());
    this.field = '';
    this.fieldQuoted = false;
    this.closedAt = 0;
  }

  private endRecord() {
    const cells = this.cells;
    const line = this.recordLine;
    const quoted = this.recordQuoted;
    this.resetRecord();
    if (cells.length === 1 && cells[0] === '' && !quoted) return;
    this.emit({ line, cells });
  }

  private resetRecord() {
    this.cells = [];
    this.recordQuoted = false;
    this.field = '';
    this.fieldQuoted = false;
    this.recordChars = 0;
    this.recordLine = this.line;
  }
}

/** The cells of one line of CSV (the page offers a file's header names as mapping choices). */
export function splitCsvLine(line: string, delimiter = sniffDelimiter(line)): string[] {
  let cells: string[] = [];
  const reader = new CsvRecordReader(delimiter, (record) => {
    if (cells.length === 0) cells = record.cells;
  });
  reader.push(line.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '');
  reader.end();
  return cells;
}

/* ------------------------------------------------------------------ columns */

/** `Called Number` → `called_number`, `Duration (sec)` → `duration_sec`. */
export function headerKey(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

const TO_NAMES = ['to', 'destination_number', 'dst', 'called_number', 'called', 'called_party', 'callee', 'dnis', 'destination', 'dialed_number', 'dialed', 'to_number', 'number'];
const DURATION_NAMES = ['billsec', 'billable_seconds', 'billed_seconds', 'bill_sec', 'duration_sec', 'duration_seconds', 'seconds', 'duration', 'call_duration'];
const START_NAMES = ['start', 'start_stamp', 'start_time', 'started_at', 'invite_at', 'invite_at_utc', 'calldate', 'call_date', 'datetime', 'timestamp', 'date', 'time', 'connect_time'];
const ANSWERED_NAMES: [string, AnsweredRule][] = [
  ['answered', 'flag'],
  ['disposition', 'disposition'],
  ['answer_at', 'present'],
  ['answer_at_utc', 'present'],
  ['answer_stamp', 'present'],
  ['answer_time', 'present'],
  ['answered_at', 'present'],
  ['answer', 'present'],
  ['hangup_cause', 'cause'],
  ['status', 'flag'],
  ['sip_code', 'flag'],
  ['result', 'flag'],
];
const KNOWN_NAMES = new Set([...TO_NAMES, ...DURATION_NAMES, ...START_NAMES, ...ANSWERED_NAMES.map(([name]) => name), 'call_id', 'src', 'uuid', 'caller_id_number', 'from', 'direction']);

const DISPOSITIONS = new Set(['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION']);
const INTEGER = /^\d+$/;
const STAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?/;

function describeColumns(cells: readonly string[]): string {
  const shown = cells.slice(0, 40).map((cell) => `"${cell.length > 40 ? `${cell.slice(0, 37)}…` : cell}"`);
  return `${shown.join(', ')}${cells.length > 40 ? ` and ${cells.length - 40} more` : ''}`;
}

const positional = (index: number): Column => ({ index, name: `column ${index + 1}` });

/** Headerless files by the shape of their first row. */
function headerlessFormat(cells: readonly string[]): Pick<CdrFileFormat, 'profile' | 'columns'> | undefined {
  // Asterisk Master.csv: accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata, start, answer, end, duration, billsec, disposition, amaflags…
  if (cells.length >= 15 && INTEGER.test(cells[13]!) && DISPOSITIONS.has(cells[14]!.toUpperCase())) {
    return {
      profile: 'asterisk-master',
      columns: { to: positional(2), duration: positional(13), answered: { ...positional(14), rule: 'disposition' }, start: positional(9), direction: null },
    };
  }
  // mod_cdr_csv's default template: caller_id_name, caller_id_number, destination_number, context, start_stamp, answer_stamp, end_stamp, duration, billsec, hangup_cause…
  if (cells.length >= 10 && STAMP.test(cells[4]!) && INTEGER.test(cells[7]!) && INTEGER.test(cells[8]!) && /^[A-Z][A-Z0-9_]+$/.test(cells[9]!)) {
    return {
      profile: 'freeswitch-template',
      columns: { to: positional(2), duration: positional(8), answered: { ...positional(5), rule: 'present' }, start: positional(4), direction: null },
    };
  }
  return undefined;
}

type FoundColumns = { to: Column | null; duration: Column | null; answered: (Column & { rule: AnsweredRule }) | null; start: Column | null; direction: Column | null };

function headerFormat(cells: readonly string[]): { profile: CdrFileProfile; columns: FoundColumns } {
  const keys = cells.map(headerKey);
  const find = (...names: string[]): Column | null => {
    for (const name of names) {
      const index = keys.indexOf(name);
      if (index !== -1) return { index, name: cells[index]!.trim() };
    }
    return null;
  };
  const answeredBy = (names: [string, AnsweredRule][]) => {
    for (const [name, rule] of names) {
      const column = find(name);
      if (column) return { ...column, rule };
    }
    return null;
  };
  const has = (...names: string[]) => names.every((name) => keys.includes(name));
  if (has('call_id', 'invite_at_utc', 'to', 'billsec')) {
    return { profile: 'portal', columns: { to: find('to'), duration: find('billsec'), answered: answeredBy([['answer_at_utc', 'present']]), start: find('invite_at_utc'), direction: find('direction') } };
  }
  if (has('destination_number', 'billsec')) {
    return {
      profile: 'freeswitch',
      columns: { to: find('destination_number'), duration: find('billsec'), answered: answeredBy([['answer_stamp', 'present'], ['answer_epoch', 'present'], ['hangup_cause', 'cause']]), start: find('start_stamp', 'start_epoch'), direction: null },
    };
  }
  if (has('dst', 'billsec')) {
    return { profile: 'asterisk', columns: { to: find('dst'), duration: find('billsec'), answered: answeredBy([['disposition', 'disposition'], ['answer', 'present']]), start: find('start', 'calldate'), direction: null } };
  }
  return { profile: 'generic', columns: { to: find(...TO_NAMES), duration: find(...DURATION_NAMES), answered: answeredBy(ANSWERED_NAMES), start: find(...START_NAMES), direction: find('direction') } };
}

/**
 * The format of a file from its first record: a header this module knows (or one naming the
 * mapped columns), else a headerless switch layout. Throws a 400 that names the columns found and
 * the mapping fields to send.
 */
export function detectCdrFormat(first: readonly string[], delimiter: string, mapping: CdrColumnMapping = {}): CdrFileFormat {
  const mapped = (Object.keys(MAPPING_FIELDS) as (keyof CdrColumnMapping)[]).filter((key) => mapping[key]?.trim());
  const lowered = first.map((cell) => cell.trim().toLowerCase());
  // A switch's own headerless layout is told by its data (a disposition cell reads like a header name).
  const headerless = mapped.length === 0 ? headerlessFormat(first) : undefined;
  if (headerless) return { ...headerless, mapped, hasHeader: false, delimiter };
  // Names this module knows, the mapped names, or else words only: a data row holds a number somewhere.
  const hasHeader =
    first.some((cell) => KNOWN_NAMES.has(headerKey(cell))) ||
    mapped.some((key) => lowered.includes(mapping[key]!.trim().toLowerCase())) ||
    (first.some((cell) => /[a-z]/i.test(cell)) && !first.some((cell) => /^['+]?[\d\s().:+-]*\d[\d\s().:+-]*$/.test(cell.trim())));
  if (!hasHeader) {
    const message = `The first line is neither a header naming the called number and duration columns nor an Asterisk Master.csv or FreeSWITCH mod_cdr_csv row. It holds ${describeColumns(first)}. Add a header row, then send ${MAPPING_FIELDS.to} and ${MAPPING_FIELDS.duration} with its names if they are not the usual ones (to, destination, called, dnis; duration, billsec, seconds).`;
    const fields: Record<string, string[]> = { [MAPPING_FIELDS.to]: ['Name the column of called numbers.'], [MAPPING_FIELDS.duration]: ['Name the column of call durations in seconds.'] };
    for (const key of mapped) fields[MAPPING_FIELDS[key]] = [`"${mapping[key]}" is not on the file’s first line.`];
    throw fileError('invalid:columns', message, fields);
  }
  const detected = headerFormat(first);
  const columns = { ...detected.columns };
  const unknownMapped: Record<string, string[]> = {};
  for (const key of mapped) {
    const wanted = mapping[key]!.trim().toLowerCase();
    const index = lowered.indexOf(wanted);
    if (index === -1) {
      unknownMapped[MAPPING_FIELDS[key]] = [`"${mapping[key]!.trim()}" is not a column of the file; its columns are ${describeColumns(first)}.`];
      continue;
    }
    const column = { index, name: first[index]!.trim() };
    if (key === 'answered') columns.answered = { ...column, rule: ANSWERED_NAMES.find(([name]) => name === headerKey(column.name))?.[1] ?? 'flag' };
    else columns[key] = column;
  }
  const names = Object.keys(unknownMapped);
  if (names.length) throw fileError('invalid:columns', `${names.join(' and ')} ${names.length > 1 ? 'name no columns' : 'names no column'} of the file. Its columns: ${describeColumns(first)}.`, unknownMapped);
  const missing: Record<string, string[]> = {};
  if (!columns.to) missing[MAPPING_FIELDS.to] = ['Name the column of called numbers.'];
  if (!columns.duration) missing[MAPPING_FIELDS.duration] = ['Name the column of call durations in seconds.'];
  if (!columns.to || !columns.duration) {
    const lacking = [!columns.to ? 'called numbers' : null, !columns.duration ? 'durations' : null].filter(Boolean).join(' nor of ');
    throw fileError(
      'invalid:columns',
      `The header names no column of ${lacking} this quote recognizes. Columns found: ${describeColumns(first)}. Send ${Object.keys(missing).join(' and ')} with the header of that column.`,
      missing,
    );
  }
  return { profile: detected.profile, mapped, hasHeader: true, delimiter, columns: columns as CdrFileFormat['columns'] };
}

/* ------------------------------------------------------------------ cell values */

/** Seconds as switches write them: `63`, `63.4`, `1:03`, `0:01:03`; undefined for anything else. */
export function parseSeconds(text: string): number | undefined {
  const value = text.trim();
  if (/^\d{1,9}(\.\d{1,6})?$/.test(value)) return Number(value);
  const clock = /^(?:(\d{1,4}):)?(\d{1,2}):(\d{2})(\.\d{1,6})?$/.exec(value);
  if (clock) {
    const [, hours = '0', minutes, seconds, fraction = ''] = clock;
    if (Number(seconds) > 59 || (clock[1] !== undefined && Number(minutes) > 59)) return undefined;
    return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds) + (fraction ? Number(fraction) : 0);
  }
  return undefined;
}

/**
 * A dialed number as E.164 digits without `+`: `+44…`, `011 44…` and `00 44…` (international
 * prefixes), ten-digit and `1`+ten-digit North American numbers, plus-less international digits, and
 * `sip:`/`tel:` URIs; our own export's formula-safe `'+1…`. Undefined for an extension, `s` or text.
 */
export function normalizeDialedNumber(raw: string): string | undefined {
  let text = raw.trim().replace(/^'/, '');
  const uri = /^(?:sips?|tel):([^@;]+)/i.exec(text);
  if (uri) text = uri[1]!;
  text = text.replace(/[\s().\-/]/g, '');
  let candidate: string | undefined;
  if (/^\+\d{7,15}$/.test(text)) candidate = text;
  else if (/^011\d{7,15}$/.test(text)) candidate = `+${text.slice(3)}`;
  else if (/^00\d{7,15}$/.test(text)) candidate = `+${text.slice(2)}`;
  else if (/^1?[2-9]\d{2}[2-9]\d{6}$/.test(text)) candidate = `+1${text.slice(-10)}`;
  else if (/^[1-9]\d{10,14}$/.test(text)) candidate = `+${text}`;
  if (!candidate) return undefined;
  return toCallParty(candidate)?.e164.slice(1);
}

/** A start time: ISO 8601, `YYYY-MM-DD HH:MM:SS` (UTC), or Unix seconds. */
export function parseStart(text: string): Date | null {
  const value = text.trim();
  if (!value) return null;
  if (/^\d{9,10}(\.\d+)?$/.test(value)) return new Date(Number(value) * 1000);
  if (!STAMP.test(value)) return null;
  const iso = value.replace(' ', 'T');
  const date = new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(iso) ? iso : `${iso}Z`);
  return Number.isFinite(date.getTime()) ? date : null;
}

const TRUE_WORDS = new Set(['answered', 'answer', 'yes', 'y', 'true', 't', '1', 'ok', 'completed', 'complete', 'success', 'connected', 'normal_clearing']);
const FALSE_WORDS = new Set(['no answer', 'no_answer', 'noanswer', 'busy', 'failed', 'congestion', 'cancel', 'cancelled', 'canceled', 'no', 'n', 'false', 'f', '0', 'unanswered', 'rejected']);

function answeredOf(rule: AnsweredRule, text: string, seconds: number): boolean {
  const value = text.trim();
  switch (rule) {
    case 'disposition':
      return value.toUpperCase() === 'ANSWERED';
    case 'present':
      return value !== '' && !/^0+$/.test(value) && !value.startsWith('0000-00-00');
    case 'cause':
      return value.toUpperCase() === 'NORMAL_CLEARING' || seconds > 0;
    case 'flag': {
      const lowered = value.toLowerCase();
      if (lowered === '') return false;
      if (/^[1-6]\d\d$/.test(lowered)) return lowered.startsWith('2');
      if (TRUE_WORDS.has(lowered) || STAMP.test(value)) return true;
      if (FALSE_WORDS.has(lowered)) return false;
      return seconds > 0;
    }
  }
}

/** One data record as a call, or why it cannot be one. */
export function rowOf(format: CdrFileFormat, record: { line: number; cells: readonly string[] }): CdrFileItem {
  const { columns } = format;
  const { line, cells } = record;
  const needed = Math.max(columns.to.index, columns.duration.index);
  if (cells.length <= needed) {
    const missing = columns.to.index >= cells.length ? columns.to : columns.duration;
    return { skipped: { line, reason: `${cells.length} field${cells.length === 1 ? '' : 's'}: no ${missing === columns.to ? 'called number' : 'duration'} (${missing.name}).` } };
  }
  const to = cells[columns.to.index]!.trim();
  if (!to) return { skipped: { line, reason: `The called number (${columns.to.name}) is empty.` } };
  const durationText = cells[columns.duration.index]!;
  const seconds = parseSeconds(durationText);
  if (seconds === undefined) {
    const shown = durationText.length > 30 ? `${durationText.slice(0, 27)}…` : durationText;
    return { skipped: { line, reason: durationText.trim() ? `The duration (${columns.duration.name}) "${shown}" is not a number of seconds.` : `The duration (${columns.duration.name}) is empty.` } };
  }
  if (seconds > MAX_CALL_SECONDS) return { skipped: { line, reason: `The duration (${columns.duration.name}) ${seconds} s is longer than a week: not one call.` } };
  const answered = columns.answered ? answeredOf(columns.answered.rule, cells[columns.answered.index] ?? '', seconds) : seconds > 0;
  const startedAt = columns.start ? parseStart(cells[columns.start.index] ?? '') : null;
  const direction = columns.direction && /^in/i.test((cells[columns.direction.index] ?? '').trim()) ? 'inbound' : 'outbound';
  return { row: { line, to, toDigits: normalizeDialedNumber(to) ?? null, seconds, answered, startedAt, direction } };
}

/* ------------------------------------------------------------------ the reader */

export interface CdrFileReader {
  /** Bytes of the file as they arrive; the rows and skips they complete. Throws a 400 for a file that is not a CDR CSV. */
  write(bytes: Uint8Array): CdrFileItem[];
  /** The end of the file: its last row, and a 400 for an empty file or one without calls. */
  end(): CdrFileItem[];
  readonly format: CdrFileFormat | undefined;
  readonly bytesRead: number;
}

/** Holds one partial record and one chunk at most, whatever the file's size. */
export function createCdrFileReader(mapping: CdrColumnMapping = {}): CdrFileReader {
  const decoder = new TextDecoder('utf-8');
  let head = new Uint8Array(0);
  let headChecked = false;
  let bytesRead = 0;
  let firstLine = '';
  let records: CsvRecordReader | undefined;
  let format: CdrFileFormat | undefined;
  let dataRecords = 0;
  let out: CdrFileItem[] = [];

  const onRecord = (record: CsvRecord) => {
    if (!format) {
      format = detectCdrFormat(record.cells, records!.delimiter, mapping);
      if (format.hasHeader) return;
    }
    dataRecords++;
    out.push(rowOf(format, record));
  };
  const flushOverlong = () => {
    if (!records) return;
    for (const line of records.overlong.splice(0)) {
      if (!format) throw fileError('invalid:file', `The first line is longer than ${CDR_FILE_MAX_RECORD_CHARS / 1024} KB: this is not a CDR CSV.`);
      dataRecords++;
      out.push({ skipped: { line, reason: `The row is longer than ${CDR_FILE_MAX_RECORD_CHARS / 1024} KB (an unclosed quote?): skipped up to the next line.` } });
    }
  };
  const feedText = (text: string, final: boolean) => {
    if (!records) {
      firstLine += text;
      const newline = firstLine.indexOf('\n');
      if (newline === -1 && !final && firstLine.length <= CDR_FILE_MAX_RECORD_CHARS) return;
      const pending = firstLine.replace(/^\uFEFF/, '');
      firstLine = '';
      records = new CsvRecordReader(sniffDelimiter(newline === -1 ? pending : pending.slice(0, pending.indexOf('\n'))), onRecord);
      records.push(pending);
    } else records.push(text);
    flushOverlong();
  };
  const checkBytes = (bytes: Uint8Array, offset: number) => {
    const nul = bytes.indexOf(0);
    if (nul !== -1) throw fileError('invalid:file', `The file holds a NUL byte (at byte ${(offset + nul + 1).toLocaleString('en-US')}): it is binary, not a CSV text file.`);
  };
  const checkHead = () => {
    headChecked = true;
    const kind = binaryKindOf(head);
    if (kind) throw fileError('invalid:file', `The file is not a CSV: it is ${kind}.`);
    checkBytes(head, 0);
    const bytes = head;
    head = new Uint8Array(0);
    feedText(decoder.decode(bytes, { stream: true }), false);
  };
  const take = () => {
    const items = out;
    out = [];
    return items;
  };

  return {
    write(bytes) {
      if (bytes.length === 0) return [];
      const offset = bytesRead;
      bytesRead += bytes.length;
      if (!headChecked) {
        const joined = new Uint8Array(head.length + bytes.length);
        joined.set(head);
        joined.set(bytes, head.length);
        head = joined;
        if (head.length >= MAGIC_LENGTH) checkHead();
        return take();
      }
      checkBytes(bytes, offset);
      feedText(decoder.decode(bytes, { stream: true }), false);
      return take();
    },
    end() {
      if (!headChecked) {
        if (head.length === 0) throw fileError('invalid:file', 'The file is empty.');
        checkHead();
      }
      feedText(decoder.decode(), true);
      records?.end();
      flushOverlong();
      if (!format) throw fileError('invalid:file', 'The file holds no CSV rows (only blank lines).');
      if (dataRecords === 0) throw fileError('invalid:file', 'The file has a header but no calls.');
      return take();
    },
    get format() {
      return format;
    },
    get bytesRead() {
      return bytesRead;
    },
  };
}
