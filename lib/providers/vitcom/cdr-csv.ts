/**
 * VITCOM's CDR files (§3.25 links them; the columns are CDR_CSV_COLUMNS). A file whose header lacks
 * a column we read, or a row that does not fill the header, fails as `malformed` naming what is
 * missing: dropping rows would make a pull return too few CDRs and no error.
 */
import { ProviderError } from '../errors';
import type { Cdr } from '../types';
import { CDR_CSV_COLUMNS, CDR_DISPOSITIONS } from './assumptions';
import { parseWireDate, toInt, toMoney } from './map';

const malformed = (upstreamMessage: string) => new ProviderError('vitcom', 'malformed', { upstreamMessage });

/** The columns every file must have; the others (answer time, PDD, SIP code, cost, trunk) may be absent or blank. */
const REQUIRED_COLUMNS = ['callId', 'start', 'end', 'from', 'to', 'duration', 'billsec', 'disposition'] as const;

/** RFC 4180-ish: quoted fields, doubled quotes, CRLF or LF. Blank lines are skipped. */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (quoted) throw malformed('CDR file ends inside a quoted field');
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((cells) => cells.some((cell) => cell.trim() !== ''));
}

/** Rows as objects keyed by the lower-cased header; a row with fewer cells than the header is malformed. */
export function parseCsv(text: string, source = 'CDR file'): Record<string, string>[] {
  const [header, ...body] = parseCsvRows(text);
  if (!header) throw malformed(`${source} is empty: not even a header row`);
  const keys = header.map((key) => key.trim().toLowerCase());
  return body.map((cells, index) => {
    if (cells.length < keys.length) {
      throw malformed(`${source} row ${index + 2} has ${cells.length} of ${keys.length} columns: ${keys.slice(cells.length).join(', ')} missing`);
    }
    return Object.fromEntries(keys.map((key, column) => [key, (cells[column] ?? '').trim()]));
  });
}

export function mapCdrRow(row: Record<string, string>, direction: 'inbound' | 'outbound', where = 'CDR row'): Cdr {
  const c = CDR_CSV_COLUMNS;
  const callId = row[c.callId];
  if (!callId) throw malformed(`${where} has no ${c.callId}`);
  const startedAt = parseWireDate(row[c.start]);
  if (!startedAt) throw malformed(`${where} (${callId}) has an unreadable ${c.start}: "${row[c.start] ?? ''}"`);
  const disposition = CDR_DISPOSITIONS[(row[c.disposition] ?? '').toUpperCase()];
  if (!disposition) throw malformed(`${where} (${callId}) has an unknown ${c.disposition}: "${row[c.disposition] ?? ''}"`);
  const answeredAt = disposition === 'answered' ? parseWireDate(row[c.answer]) : undefined;
  const sipCode = toInt(row[c.sipCode]);
  const pdd = toInt(row[c.pddMs]);
  const trunk = row[c.trunk];
  return {
    providerCallId: `${direction === 'inbound' ? 'orig' : 'term'}:${callId}`,
    direction,
    from: row[c.from] ?? '',
    to: row[c.to] ?? '',
    startedAt,
    answeredAt,
    endedAt: parseWireDate(row[c.end]),
    disposition,
    durationSec: toInt(row[c.duration]) ?? 0,
    billableSec: toInt(row[c.billsec]) ?? 0,
    pddMs: pdd,
    sipCode,
    cost: toMoney(row[c.cost]),
    trunkRef: trunk && /^\d+$/.test(trunk) ? `${direction === 'inbound' ? 'o' : 't'}${trunk}` : undefined,
  };
}

/** Every row of one CDR file as a domain CDR, or `malformed` naming the missing columns or the bad row. */
export function mapCdrCsv(text: string, direction: 'inbound' | 'outbound', source = 'CDR file'): Cdr[] {
  const [header] = parseCsvRows(text);
  if (!header) throw malformed(`${source} is empty: not even a header row`);
  const present = new Set(header.map((key) => key.trim().toLowerCase()));
  const missing = REQUIRED_COLUMNS.map((key) => CDR_CSV_COLUMNS[key]).filter((column) => !present.has(column));
  if (missing.length) throw malformed(`${source} lacks the column${missing.length === 1 ? '' : 's'} ${missing.join(', ')} (header: ${header.join(',')})`);
  return parseCsv(text, source).map((row, index) => mapCdrRow(row, direction, `${source} row ${index + 2}`));
}
