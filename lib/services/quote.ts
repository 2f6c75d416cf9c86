import 'server-only';

/**
 * Quotes from a CDR file (issue 15.7): a switch's CDR CSV, uploaded as multipart, priced call by
 * call on the caller's sell deck as it stood at `at` (default now), summed per destination. The
 * upload is read as it streams (never held whole), refused past CDR_FILE_MAX_BYTES with a 413, and
 * stopped at the first problem with the file itself; a row that cannot be read is skipped alone.
 */
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { z } from 'zod';
import { assertCan, type AccountAccess } from '@/lib/auth/access';
import { CDR_FILE_MAX_BYTES, CDR_FILE_PROFILE_LABELS, createCdrFileReader, MAPPING_FIELDS, type CdrColumnMapping, type CdrFileFormat, type CdrFileItem } from '@/lib/billing/cdr-file';
import { centsToDecimal, divideRoundHalfUp, usageLineCents } from '@/lib/billing/money';
import { billedSecondsOf, type RatedEntry } from '@/lib/billing/rating';
import { getDb } from '@/lib/db/client';
import { getQuoteDeckById } from '@/lib/db/queries/quote';
import { getRateBindings } from '@/lib/db/queries/rate-bindings';
import { AppError } from '@/lib/errors';
import { deckVersionIndex, versionInForce } from './rating';

/** Rows listed in `rowsSkipped` (`rowsSkippedCount` counts them all). */
export const QUOTE_SKIPPED_LIST_MAX = 100;
/** Lines of unrated calls listed in `unrated.lines`. */
export const QUOTE_UNRATED_LINES_MAX = 20;
/** Prefixes listed per quote line (`prefixCount` counts them all). */
export const QUOTE_PREFIXES_LISTED = 20;
/** The form's other fields and its part headers, beside the file. */
const FORM_OVERHEAD_BYTES = 64 * 1024;
const FIELD_MAX_CHARS = 200;

export const QUOTE_FORM_FIELDS = ['file', ...Object.values(MAPPING_FIELDS), 'at'] as const;
const TEXT_FIELDS = new Set<string>([...Object.values(MAPPING_FIELDS), 'at']);

export type UnratedReason = 'invalid_number' | 'no_rate';

export interface QuoteLine {
  kind: 'termination' | 'origination';
  destination: string;
  prefixes: string[];
  prefixCount: number;
  rate: string;
  connectionFee: string;
  firstIncrement: number;
  nextIncrement: number;
  minimumDuration: number;
  calls: number;
  answeredCalls: number;
  billedSeconds: number;
  /** billedSeconds / 60, two places, half-up (for reading; the amount is priced on the seconds). */
  billedMinutes: string;
  /** Rounded half-up to the cent once, for the whole line. */
  amount: string;
}

export interface Quote {
  account: { id: string; name: string };
  deck: { id: string; name: string; version: number; currency: string; effectiveFrom: string };
  at: string;
  format: { profile: CdrFileFormat['profile']; label: string; header: boolean; columns: { to: string; duration: string; answered: string | null; start: string | null } };
  lines: QuoteLine[];
  total: string;
  unrated: { calls: number; reasons: Record<UnratedReason, number>; lines: number[] };
  rowsRead: number;
  rowsSkippedCount: number;
  rowsSkipped: { line: number; reason: string }[];
  period: { from: string; to: string } | null;
}

const formFields = z.object({
  to_column: z.string().trim().min(1, 'to_column is a header name of the file').max(FIELD_MAX_CHARS).optional(),
  duration_column: z.string().trim().min(1, 'duration_column is a header name of the file').max(FIELD_MAX_CHARS).optional(),
  start_column: z.string().trim().min(1, 'start_column is a header name of the file').max(FIELD_MAX_CHARS).optional(),
  answered_column: z.string().trim().min(1, 'answered_column is a header name of the file').max(FIELD_MAX_CHARS).optional(),
  at: z.iso.datetime({ offset: true, message: 'at is an ISO 8601 time with its offset (2026-04-01T00:00:00Z)' }).optional(),
});
type FormFields = z.output<typeof formFields>;

const formError = (field: string, message: string) => new AppError('invalid:form', message, { fieldErrors: { [field]: [message] } });
const tooLarge = () =>
  new AppError('too_large:file', `The file is larger than ${CDR_FILE_MAX_BYTES / 1024 / 1024} MB (${CDR_FILE_MAX_BYTES.toLocaleString('en-US')} bytes), the most a quote reads; nothing past that was read. Split the file (by day, say) and quote each part.`, {
    fieldErrors: { file: [`Larger than ${CDR_FILE_MAX_BYTES / 1024 / 1024} MB.`] },
  });

/** The multipart content type, or a 415 that says what to send. */
function multipartTypeOf(contentType: string | null): string {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'multipart/form-data' || !/;\s*boundary=/i.test(contentType ?? '')) {
    throw new AppError('unsupported_media_type:body', 'Send the CDR file as multipart/form-data (with its boundary), the CSV in the field `file`: curl -F file=@cdr.csv.');
  }
  return contentType!;
}

interface LineTotals {
  kind: QuoteLine['kind'];
  entry: RatedEntry;
  prefixes: Set<string>;
  calls: number;
  answeredCalls: number;
  billedSeconds: number;
}

type VersionIndex = Awaited<ReturnType<typeof deckVersionIndex>>;

/** Sums priced calls per destination and terms, in memory bounded by the deck, not the file. */
class QuoteTotals {
  private readonly lines = new Map<string, LineTotals>();
  readonly unrated = { calls: 0, reasons: { invalid_number: 0, no_rate: 0 } as Record<UnratedReason, number>, lines: [] as number[] };
  readonly skipped: { line: number; reason: string }[] = [];
  skippedCount = 0;
  rowsRead = 0;
  private first: number | undefined;
  private last: number | undefined;

  constructor(private readonly index: VersionIndex) {}

  add(items: CdrFileItem[]) {
    for (const item of items) {
      this.rowsRead++;
      if ('skipped' in item) {
        this.skippedCount++;
        if (this.skipped.length < QUOTE_SKIPPED_LIST_MAX) this.skipped.push(item.skipped);
        continue;
      }
      const { row } = item;
      if (row.startedAt) {
        const time = row.startedAt.getTime();
        if (this.first === undefined || time < this.first) this.first = time;
        if (this.last === undefined || time > this.last) this.last = time;
      }
      const kind = row.direction === 'inbound' ? 'origination' : 'termination';
      const entry = row.toDigits === null ? undefined : this.index[kind].lookup(row.toDigits);
      if (!entry) {
        this.unrated.calls++;
        this.unrated.reasons[row.toDigits === null ? 'invalid_number' : 'no_rate']++;
        if (this.unrated.lines.length < QUOTE_UNRATED_LINES_MAX) this.unrated.lines.push(row.line);
        continue;
      }
      // One line per destination and terms: a line has one rate, so it is rounded once.
      const key = [kind, entry.destination, entry.rate, entry.connectionFee, entry.firstIncrement, entry.nextIncrement, entry.minimumDuration].join('\u0000');
      let line = this.lines.get(key);
      if (!line) this.lines.set(key, (line = { kind, entry, prefixes: new Set(), calls: 0, answeredCalls: 0, billedSeconds: 0 }));
      line.prefixes.add(entry.prefix);
      line.calls++;
      if (row.answered) line.answeredCalls++;
      line.billedSeconds += billedSecondsOf(row.seconds, row.answered, entry);
    }
  }

  result(): Pick<Quote, 'lines' | 'total' | 'unrated' | 'rowsRead' | 'rowsSkippedCount' | 'rowsSkipped' | 'period'> {
    let totalCents = 0n;
    const lines = [...this.lines.values()].map((line): { line: QuoteLine; cents: bigint } => {
      const cents = BigInt(usageLineCents({ billedSeconds: line.billedSeconds, rate: line.entry.rate, answeredCalls: line.answeredCalls, connectionFee: line.entry.connectionFee }));
      totalCents += cents;
      const prefixes = [...line.prefixes].sort();
      return {
        cents,
        line: {
          kind: line.kind,
          destination: line.entry.destination,
          prefixes: prefixes.slice(0, QUOTE_PREFIXES_LISTED),
          prefixCount: prefixes.length,
          rate: line.entry.rate,
          connectionFee: line.entry.connectionFee,
          firstIncrement: line.entry.firstIncrement,
          nextIncrement: line.entry.nextIncrement,
          minimumDuration: line.entry.minimumDuration,
          calls: line.calls,
          answeredCalls: line.answeredCalls,
          billedSeconds: line.billedSeconds,
          billedMinutes: centsToDecimal(divideRoundHalfUp(BigInt(line.billedSeconds) * 100n, 60n)),
          amount: centsToDecimal(cents),
        },
      };
    });
    lines.sort((a, b) => (a.line.kind !== b.line.kind ? (a.line.kind === 'termination' ? -1 : 1) : b.cents !== a.cents ? (b.cents > a.cents ? 1 : -1) : a.line.destination.localeCompare(b.line.destination)));
    return {
      lines: lines.map(({ line }) => line),
      total: centsToDecimal(totalCents),
      unrated: this.unrated,
      rowsRead: this.rowsRead,
      rowsSkippedCount: this.skippedCount,
      rowsSkipped: this.skipped,
      period: this.first === undefined ? null : { from: new Date(this.first).toISOString(), to: new Date(this.last!).toISOString() },
    };
  }
}

const describeError = (error: unknown): AppError => {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/Unexpected end of (form|file)/.test(message)) return new AppError('invalid:form', 'The upload ended before the form did: the multipart body is cut off or malformed.', { cause: error });
  if (/Malformed part header|Malformed/.test(message)) return new AppError('invalid:form', 'A part of the multipart body has malformed headers.', { cause: error });
  throw error;
};

/** The sell deck and version a quote of the account would price on now (the page says it before an upload). */
export async function getQuoteDeck(access: AccountAccess, { now = new Date() }: { now?: Date } = {}): Promise<{ name: string; version: number; currency: string } | null> {
  assertCan(access, 'billing.read');
  const db = await getDb();
  const bindings = await getRateBindings(db, { accountIds: [access.account.id], connectionIds: [] });
  const deckId = bindings.sellDeckByAccount.get(access.account.id);
  const deck = deckId ? await getQuoteDeckById(db, { deckId }) : undefined;
  const version = deckId ? versionInForce(bindings.versionsByDeck.get(deckId), now) : undefined;
  return deck && version ? { name: deck.name, version: version.version, currency: deck.currency } : null;
}

/**
 * Prices a multipart upload of a CDR CSV (field `file`, optional `to_column`, `duration_column`,
 * `start_column`, `answered_column` and `at`, all before the file) on the caller's sell deck.
 */
export async function quoteCdrUpload(access: AccountAccess, body: ReadableStream<Uint8Array> | null, contentType: string | null, { now = new Date() }: { now?: Date } = {}): Promise<Quote> {
  assertCan(access, 'billing.read');
  if (!body) throw formError('file', 'Attach the CDR CSV in the field `file`.');
  let multipart: string;
  let deck: NonNullable<Awaited<ReturnType<typeof getQuoteDeckById>>>;
  let bindings: Awaited<ReturnType<typeof getRateBindings>>;
  const db = await getDb();
  try {
    multipart = multipartTypeOf(contentType);
    bindings = await getRateBindings(db, { accountIds: [access.account.id], connectionIds: [] });
    const deckId = bindings.sellDeckByAccount.get(access.account.id);
    const found = deckId ? await getQuoteDeckById(db, { deckId }) : undefined;
    if (!found) throw new AppError('unprocessable:rate_deck', `No rate deck prices the calls of ${access.account.name} yet (none is assigned to it or above it, and there is no default deck): ask the carrier for one.`);
    deck = found;
  } catch (error) {
    // Refused before the file: none of the upload is read.
    await body.cancel().catch(() => undefined);
    throw error;
  }
  const deckId = deck.id;

  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: { 'content-type': multipart }, defParamCharset: 'utf8', limits: { fileSize: CDR_FILE_MAX_BYTES + 1, files: 1, fields: TEXT_FIELDS.size, fieldSize: FIELD_MAX_CHARS * 4, parts: QUOTE_FORM_FIELDS.length + 1, headerPairs: 20 } });
  } catch (error) {
    throw new AppError('unsupported_media_type:body', 'The multipart Content-Type cannot be read (its boundary?): send multipart/form-data, the CSV in the field `file`.', { cause: error });
  }

  let failure: { error: unknown } | undefined;
  const waiting = new Set<() => void>();
  const fail = (error: unknown) => {
    if (!failure) failure = { error };
    for (const wake of waiting) wake();
  };
  const wait = (event: 'drain' | 'finish') =>
    new Promise<void>((resolve) => {
      if (failure) return resolve();
      const wake = () => {
        waiting.delete(wake);
        parser.off(event, wake);
        resolve();
      };
      waiting.add(wake);
      parser.once(event, wake);
    });

  const fields = new Map<string, string>();
  let fileSeen = false;
  let fileTask: Promise<Pick<Quote, 'deck' | 'at' | 'format'> & { totals: QuoteTotals }> | undefined;

  const readFields = (): FormFields => {
    const parsed = formFields.safeParse(Object.fromEntries(fields));
    if (!parsed.success) {
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) (fieldErrors[String(issue.path[0] ?? 'form')] ??= []).push(issue.message);
      throw new AppError('invalid:form', `Some form fields are not valid: ${Object.keys(fieldErrors).join(', ')}.`, { fieldErrors });
    }
    return parsed.data;
  };

  const priceFile = async (stream: Readable & { truncated?: boolean }) => {
    const form = readFields();
    const at = form.at ? new Date(form.at) : now;
    const version = versionInForce(bindings.versionsByDeck.get(deckId), at);
    if (!version) {
      const first = bindings.versionsByDeck.get(deckId)?.at(-1);
      throw new AppError(
        'unprocessable:rate_deck',
        first ? `The rate deck ${deck.name} has no version in force at ${at.toISOString()}: its first takes effect at ${first.effectiveFrom.toISOString()}.` : `The rate deck ${deck.name} has no prices yet: ask the carrier.`,
        form.at ? { fieldErrors: { at: ['No version of the deck is in force then.'] } } : {},
      );
    }
    const mapping: CdrColumnMapping = { to: form.to_column, duration: form.duration_column, start: form.start_column, answered: form.answered_column };
    const reader = createCdrFileReader(mapping);
    const totals = new QuoteTotals(await deckVersionIndex(db, version.id));
    for await (const chunk of stream) {
      if (failure) break;
      totals.add(reader.write(chunk as Uint8Array));
    }
    if (failure) throw failure.error;
    if (stream.truncated) throw tooLarge();
    totals.add(reader.end());
    const format = reader.format!;
    return {
      deck: { id: deck.id, name: deck.name, version: version.version, currency: deck.currency, effectiveFrom: version.effectiveFrom.toISOString() },
      at: at.toISOString(),
      format: {
        profile: format.profile,
        label: format.mapped.length ? `${CDR_FILE_PROFILE_LABELS[format.profile]}, columns as mapped` : CDR_FILE_PROFILE_LABELS[format.profile],
        header: format.hasHeader,
        columns: { to: format.columns.to.name, duration: format.columns.duration.name, answered: format.columns.answered?.name ?? null, start: format.columns.start?.name ?? null },
      },
      totals,
    };
  };

  parser.on('field', (name: string, value: string, info: busboy.FieldInfo) => {
    if (!TEXT_FIELDS.has(name)) return fail(formError(name, `Unknown form field "${name.slice(0, 40)}": the fields are ${QUOTE_FORM_FIELDS.join(', ')}.`));
    if (fileSeen) return fail(formError(name, `${name} came after the file: send the other fields before \`file\` (with curl, put -F file=@cdr.csv last).`));
    if (fields.has(name)) return fail(formError(name, `${name} is sent more than once.`));
    if (info.valueTruncated) return fail(formError(name, `${name} is longer than ${FIELD_MAX_CHARS} characters.`));
    fields.set(name, value);
  });
  parser.on('file', (name: string, stream: Readable & { truncated?: boolean }) => {
    if (name !== 'file') {
      stream.resume();
      return fail(formError(name, `Unknown file field "${name.slice(0, 40)}": send the CSV in the field \`file\`.`));
    }
    fileSeen = true;
    stream.on('limit', () => fail(tooLarge()));
    fileTask = priceFile(stream);
    fileTask.catch(fail);
  });
  parser.on('filesLimit', () => fail(formError('file', 'Send one file per quote.')));
  parser.on('fieldsLimit', () => fail(formError('form', 'Too many form fields.')));
  parser.on('partsLimit', () => fail(formError('form', 'Too many form parts.')));
  parser.on('error', fail);

  const reader = body.getReader();
  let received = 0;
  let finished = false;
  try {
    while (!failure) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        parser.end();
        await wait('finish');
        break;
      }
      received += value.byteLength;
      // The file part is cut at its own limit; this bounds everything else (a second file, padding).
      if (received > CDR_FILE_MAX_BYTES + FORM_OVERHEAD_BYTES) {
        fail(tooLarge());
        break;
      }
      if (!parser.write(value)) await wait('drain');
    }
    if (!failure) {
      if (!fileTask) {
        readFields();
        throw formError('file', 'Attach the CDR CSV in the field `file`.');
      }
      const priced = await fileTask;
      if (failure) throw (failure as { error: unknown }).error;
      const { totals, ...rest } = priced;
      return { account: { id: access.account.id, name: access.account.name }, ...rest, ...totals.result() };
    }
    throw failure.error;
  } catch (error) {
    throw describeError(error);
  } finally {
    // Stopped early (a refused file, the size limit): the rest of the upload is not read.
    if (!finished) await reader.cancel().catch(() => undefined);
    parser.removeAllListeners('file');
    parser.on('error', () => undefined);
    parser.destroy();
  }
}
