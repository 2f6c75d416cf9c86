import 'server-only';
import type { AccountAccess } from '@/lib/auth/access';
import { getDb } from '@/lib/db/client';
import { getSubtreeByAccount } from '@/lib/db/queries/accounts';
import { AppError } from '@/lib/errors';
import { PROVIDER_IDS } from '@/lib/providers/types';
import { CDR_PUSH_DEFAULT_SOURCE, CDR_PUSH_MAX_BYTES, CDR_PUSH_MAX_LINE_CHARS, CDR_PUSH_MAX_ROWS, CDR_PUSH_REJECTED_LIST_MAX } from '@/lib/validations/cdr-push';
import { CDR_INGEST_BATCH, ingestCdrBatch, type CdrInput, type IngestRejection } from './cdr-ingest';

export { CDR_PUSH_MAX_BYTES, CDR_PUSH_MAX_ROWS, CDR_PUSH_REJECTED_LIST_MAX };
export type CdrPushFormat = 'ndjson' | 'csv';

type FieldKind = 'text' | 'id' | 'uuid' | 'direction' | 'time' | 'int' | 'number' | 'decimal';

/** The fields of a pushed CDR (NDJSON keys, CSV columns), each with how it is read. */
export const CDR_PUSH_FIELDS = {
  source_id: 'id',
  source: 'text',
  account_id: 'uuid',
  direction: 'direction',
  from: 'text',
  to: 'text',
  invite_at: 'time',
  ringing_at: 'time',
  answer_at: 'time',
  end_at: 'time',
  sip_code: 'int',
  q850_cause: 'int',
  billsec: 'int',
  mos: 'number',
  upstream_cost: 'decimal',
  trunk_group_id: 'uuid',
  connection_id: 'uuid',
} as const satisfies Record<string, FieldKind>;

export type CdrPushField = keyof typeof CDR_PUSH_FIELDS;
export const CDR_PUSH_REQUIRED: readonly CdrPushField[] = ['source_id', 'direction', 'from', 'to', 'invite_at', 'sip_code'];

const FIELD_NAMES = Object.keys(CDR_PUSH_FIELDS) as CdrPushField[];
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SOURCE = /^[a-z0-9][a-z0-9_.-]{0,39}$/;
const INTEGER = /^-?\d{1,15}$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

export interface CdrPushResult {
  accepted: number;
  duplicates: number;
  rejectedCount: number;
  /** The first CDR_PUSH_REJECTED_LIST_MAX rejections, by line. */
  rejected: IngestRejection[];
  /** The line of the first row past CDR_PUSH_MAX_ROWS (or the line CDR_PUSH_MAX_BYTES falls in): it and the rest of the body were not read. */
  notReadFromLine: number | null;
}

/** The format a Content-Type names, or undefined (the route answers 415). */
export function pushFormatOf(contentType: string | null): CdrPushFormat | undefined {
  const [type = '', ...params] = (contentType ?? '').split(';').map((part) => part.trim().toLowerCase());
  const charset = params.find((param) => param.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8') return undefined;
  if (type === 'application/x-ndjson' || type === 'application/ndjson' || type === 'application/jsonl') return 'ndjson';
  if (type === 'text/csv') return 'csv';
  return undefined;
}

type Line = { line: number; text: string } | { line: number; overlong: true } | { line: number; pastByteLimit: true };

/**
 * The body's lines as they arrive, numbered from 1, `\r\n` or `\n`. A line longer than
 * CDR_PUSH_MAX_LINE_CHARS is dropped as it streams and reported by number only, so memory stays
 * bounded by one line and one chunk whatever the body holds. Past `maxBytes` nothing more is read:
 * the line the limit falls in is reported (`pastByteLimit`) and ends the lines.
 */
export async function* linesOf(stream: ReadableStream<Uint8Array>, maxChars = CDR_PUSH_MAX_LINE_CHARS, maxBytes = CDR_PUSH_MAX_BYTES): AsyncGenerator<Line> {
  const reader = stream.getReader();
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let overlong = false;
  let line = 0;
  let finished = false;
  let bytes = 0;
  const emit = (piece: string): Line => {
    line++;
    if (overlong || carry.length + piece.length > maxChars) return { line, overlong: true };
    const text = carry + piece;
    return { line, text: text.endsWith('\r') ? text.slice(0, -1) : text };
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      bytes += value?.byteLength ?? 0;
      const past = !done && bytes > maxBytes;
      // Only the bytes up to the limit are read: the lines they complete are still rows.
      const text = done ? decoder.decode() : decoder.decode(past ? value.subarray(0, value.byteLength - (bytes - maxBytes)) : value, { stream: true });
      let start = 0;
      for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
        yield emit(text.slice(start, newline));
        carry = '';
        overlong = false;
        start = newline + 1;
      }
      if (past) {
        yield { line: line + 1, pastByteLimit: true };
        return;
      }
      if (!overlong) {
        carry += text.slice(start);
        if (carry.length > maxChars) {
          overlong = true;
          carry = '';
        }
      }
      if (done) {
        finished = true;
        if (carry || overlong) yield emit('');
        return;
      }
    }
  } finally {
    // The caller stopped early (row limit, failure): stop the upload instead of draining it.
    if (!finished) await reader.cancel().catch(() => undefined);
  }
}

type Raw = { kind: 'json'; value: unknown } | { kind: 'csv'; value: string };

function present(raw: Raw): boolean {
  return raw.kind === 'json' ? raw.value !== null && raw.value !== undefined : raw.value !== '';
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** One field's value, or the reason it cannot be one. */
function readField(name: CdrPushField, raw: Raw): { value: string | number } | { reason: string } {
  const kind: FieldKind = CDR_PUSH_FIELDS[name];
  const { value } = raw;
  if (kind === 'int' || kind === 'number') {
    const number = raw.kind === 'json' ? value : kind === 'int' ? (INTEGER.test(raw.value) ? Number(raw.value) : NaN) : DECIMAL.test(raw.value) ? Number(raw.value) : NaN;
    if (typeof number !== 'number' || !Number.isFinite(number)) return { reason: `${name} must be a number, not ${describe(value)}.` };
    if (kind === 'int' && !Number.isInteger(number)) return { reason: `${name} must be a whole number, not ${describe(value)}.` };
    return { value: number };
  }
  if (kind === 'id' && raw.kind === 'json' && typeof value === 'number' && Number.isSafeInteger(value)) return { value: String(value) };
  if (typeof value !== 'string') {
    const hint = kind === 'decimal' ? ' (a decimal string such as "0.0042": a JSON number loses cents)' : '';
    return { reason: `${name} must be a string${hint}, not ${describe(value)}.` };
  }
  switch (kind) {
    case 'uuid':
      return UUID.test(value) ? { value: value.toLowerCase() } : { reason: `${name} must be an id (a UUID), not ${describe(value)}.` };
    case 'direction':
      return value === 'inbound' || value === 'outbound' ? { value } : { reason: `direction must be "inbound" or "outbound", not ${describe(value)}.` };
    case 'time':
      return ISO_TIME.test(value) && Number.isFinite(Date.parse(value)) && sameCalendarDay(value)
        ? { value }
        : { reason: `${name} must be an ISO 8601 time with its offset, such as 2026-04-01T12:00:00.123Z, not ${describe(value)}.` };
    case 'decimal':
      return DECIMAL.test(value) ? { value } : { reason: `${name} must be a decimal such as "0.0042", not ${describe(value)}.` };
    default:
      return { value };
  }
}

/** Date.parse rolls 2026-02-30 over to March; a switch that wrote it has a bug worth hearing about. */
function sameCalendarDay(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A row's fields as CdrInput, or the first reason it cannot be one. */
function inputOf(fields: Map<CdrPushField, Raw>): { input: CdrInput } | { reason: string } {
  const values = new Map<CdrPushField, string | number>();
  for (const [name, raw] of fields) {
    if (!present(raw)) continue;
    const read = readField(name, raw);
    if ('reason' in read) return read;
    values.set(name, read.value);
  }
  const missing = CDR_PUSH_REQUIRED.filter((name) => !values.has(name));
  if (missing.length) return { reason: `Missing ${missing.join(', ')}.` };
  const source = (values.get('source') as string | undefined) ?? CDR_PUSH_DEFAULT_SOURCE;
  if (!SOURCE.test(source)) return { reason: `source must be 1–40 lower-case letters, digits, ".", "_" or "-", not ${describe(source)}.` };
  // A pushed call must not pass for (or pre-empt) one the portal pulls from that upstream itself.
  if ((PROVIDER_IDS as readonly string[]).includes(source)) return { reason: `source "${source}" is reserved for the CDRs the portal pulls from that carrier.` };
  const text = (name: CdrPushField) => values.get(name) as string | undefined;
  const number = (name: CdrPushField) => values.get(name) as number | undefined;
  const time = (name: CdrPushField) => (values.has(name) ? new Date(text(name)!) : undefined);
  return {
    input: {
      source,
      sourceId: text('source_id')!,
      accountId: text('account_id'),
      direction: text('direction') as CdrInput['direction'],
      from: text('from')!,
      to: text('to')!,
      inviteAt: time('invite_at')!,
      ringingAt: time('ringing_at'),
      answerAt: time('answer_at'),
      endAt: time('end_at'),
      sipCode: number('sip_code')!,
      q850Cause: number('q850_cause'),
      billsec: number('billsec'),
      mos: number('mos'),
      upstreamCost: text('upstream_cost'),
      trunkGroupId: text('trunk_group_id'),
      connectionId: text('connection_id'),
    },
  };
}

const isField = (name: string): name is CdrPushField => Object.hasOwn(CDR_PUSH_FIELDS, name);

/** One NDJSON line: a JSON object of the push fields. */
export function parseNdjsonRow(text: string): { input: CdrInput } | { reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { reason: 'Not valid JSON.' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { reason: 'Not a JSON object: send one object per line.' };
  const fields = new Map<CdrPushField, Raw>();
  for (const [name, field] of Object.entries(value)) {
    if (!isField(name)) return { reason: `Unknown field "${name.slice(0, 40)}"; the fields are ${FIELD_NAMES.join(', ')}.` };
    fields.set(name, { kind: 'json', value: field });
  }
  return inputOf(fields);
}

/**
 * One CSV line (RFC 4180 quoting: `"a ""b"""`; a quoted field does not span lines), or the reason
 * it cannot be read. Unquoted fields are trimmed.
 */
export function splitCsvLine(text: string): string[] | { reason: string } {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote === -1) return { reason: 'A quoted field is not closed on this line.' };
        value += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      while (text[i] === ' ' || text[i] === '\t') i++;
      if (i < text.length && text[i] !== ',') return { reason: 'Text after a closing quote: quote the whole field.' };
      fields.push(value);
    } else {
      const comma = text.indexOf(',', i);
      const end = comma === -1 ? text.length : comma;
      const value = text.slice(i, end).trim();
      if (value.includes('"')) return { reason: 'A quote inside an unquoted field: quote the field and double the quote.' };
      fields.push(value);
      i = end;
    }
    if (i >= text.length) return fields;
    i++; // the comma
    if (i === text.length) {
      fields.push('');
      return fields;
    }
  }
}

/** The columns a CSV header names, or a 400 that says what is wrong with it. */
export function csvColumnsOf(text: string): CdrPushField[] {
  const split = splitCsvLine(text);
  if (!Array.isArray(split)) throw new AppError('invalid:csv_header', `The CSV header (line 1) cannot be read: ${split.reason}`);
  const names = split.map((name) => name.toLowerCase());
  const unknown = names.filter((name) => !isField(name));
  if (unknown.length) throw new AppError('invalid:csv_header', `The CSV header names unknown columns: ${unknown.map((name) => `"${name.slice(0, 40)}"`).join(', ')}. The columns are ${FIELD_NAMES.join(', ')}.`);
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length) throw new AppError('invalid:csv_header', `The CSV header names ${[...new Set(repeated)].join(', ')} more than once.`);
  const missing = CDR_PUSH_REQUIRED.filter((name) => !names.includes(name));
  if (missing.length) throw new AppError('invalid:csv_header', `The CSV header lacks the required columns ${missing.join(', ')}.`);
  return names as CdrPushField[];
}

export function parseCsvRow(columns: readonly CdrPushField[], text: string): { input: CdrInput } | { reason: string } {
  const split = splitCsvLine(text);
  if (!Array.isArray(split)) return split;
  if (split.length !== columns.length) return { reason: `${split.length} fields; the header has ${columns.length}.` };
  return inputOf(new Map(columns.map((name, index) => [name, { kind: 'csv', value: split[index]! }])));
}

/**
 * Stores the CDRs of a push body as it streams in: rows are parsed line by line and written in
 * batches of CDR_INGEST_BATCH (each batch commits on its own, so a failure part-way leaves the
 * earlier batches stored; re-pushing is safe, they count as duplicates). A bad row is rejected
 * alone with its line. Calls may belong to the caller's account or its sub-accounts only.
 */
export async function pushCdrs(access: AccountAccess, body: ReadableStream<Uint8Array> | null, contentType: string | null): Promise<CdrPushResult> {
  const format = pushFormatOf(contentType);
  if (!format) {
    throw new AppError('unsupported_media_type:body', 'Send CDRs as Content-Type: application/x-ndjson (one JSON object per line) or text/csv (a header row, then one call per line), in UTF-8.');
  }
  const db = await getDb();
  const subtree = await getSubtreeByAccount(db, { accountId: access.account.id, accountPath: access.account.path });
  const scope = { accountIds: new Set(subtree.map((account) => account.id)) };
  const result: CdrPushResult = { accepted: 0, duplicates: 0, rejectedCount: 0, rejected: [], notReadFromLine: null };
  const reject = (rejection: IngestRejection) => {
    result.rejectedCount++;
    result.rejected.push(rejection);
    if (result.rejected.length > 2 * CDR_PUSH_REJECTED_LIST_MAX) keepFirstRejections();
  };
  // Lines only grow from one batch to the next, so the lowest ones kept now are the lowest overall.
  const keepFirstRejections = () => {
    result.rejected.sort((a, b) => a.line - b.line);
    if (result.rejected.length > CDR_PUSH_REJECTED_LIST_MAX) result.rejected.length = CDR_PUSH_REJECTED_LIST_MAX;
  };
  let batch: { line: number; input: CdrInput }[] = [];
  // One batch in the database while the next is parsed: the database and this process work at once.
  let inFlight: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | undefined;
  const settle = async () => {
    await inFlight;
    if (failure) throw failure.error;
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const sending = batch;
    batch = [];
    await settle();
    inFlight = ingestCdrBatch(db, sending, scope).then(
      (stored) => {
        result.accepted += stored.accepted;
        result.duplicates += stored.duplicates;
        stored.rejected.forEach(reject);
        keepFirstRejections();
      },
      (error: unknown) => {
        failure = { error };
      },
    );
  };

  let columns: CdrPushField[] | undefined;
  let rows = 0;
  let sawHeader = false;
  let pastByteLimit = false;
  for await (const line of body ? linesOf(body) : []) {
    if ('pastByteLimit' in line) {
      result.notReadFromLine = line.line;
      pastByteLimit = true;
      break;
    }
    if ('overlong' in line) {
      if (format === 'csv' && !sawHeader) throw new AppError('invalid:csv_header', `The CSV header is longer than ${CDR_PUSH_MAX_LINE_CHARS} characters.`);
      if (rows >= CDR_PUSH_MAX_ROWS) {
        result.notReadFromLine = line.line;
        break;
      }
      rows++;
      reject({ line: line.line, reason: `Longer than ${CDR_PUSH_MAX_LINE_CHARS} characters.` });
      continue;
    }
    const text = line.line === 1 ? line.text.replace(/^\uFEFF/, '') : line.text;
    if (!text.trim()) continue;
    if (format === 'csv' && !sawHeader) {
      sawHeader = true;
      columns = csvColumnsOf(text);
      continue;
    }
    if (rows >= CDR_PUSH_MAX_ROWS) {
      result.notReadFromLine = line.line;
      break;
    }
    rows++;
    const parsed = format === 'csv' ? parseCsvRow(columns!, text) : parseNdjsonRow(text);
    if ('reason' in parsed) reject({ line: line.line, reason: parsed.reason });
    else batch.push({ line: line.line, input: parsed.input });
    if (batch.length >= CDR_INGEST_BATCH) await flush();
  }
  await flush();
  await settle();
  if (result.notReadFromLine !== null) {
    const limit = pastByteLimit ? `${CDR_PUSH_MAX_BYTES / 1024 / 1024} MB` : `${CDR_PUSH_MAX_ROWS.toLocaleString('en-US')} rows`;
    reject({ line: result.notReadFromLine, reason: `Over the limit of ${limit} a request: this ${pastByteLimit ? 'line' : 'row'} and any after it were not read. Send them in another request.` });
  }
  if (rows === 0) {
    const none = pastByteLimit ? `The first ${CDR_PUSH_MAX_BYTES / 1024 / 1024} MB of the body (the most a request may carry) hold no CDRs` : 'The body holds no CDRs';
    throw new AppError('invalid:body', format === 'csv' && sawHeader ? `The CSV has a header but no rows${pastByteLimit ? ` in the first ${CDR_PUSH_MAX_BYTES / 1024 / 1024} MB` : ''}.` : `${none}: send one call per line.`);
  }
  keepFirstRejections();
  return result;
}
