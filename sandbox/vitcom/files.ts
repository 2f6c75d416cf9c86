/** Files the VITCOM sandbox links to (CDR CSVs, PDFs) and the stats rollups computed from CDRs. */
import { type CdrRecord, wireDateTime } from './state';

/** The document never shows the CSV; these columns are the sandbox's (and the adapter's) assumption. */
export const CDR_CSV_HEADER = [
  'call_id', 'start_time', 'answer_time', 'end_time', 'ani', 'dnis', 'duration', 'billsec', 'pdd_ms', 'sip_code', 'disposition', 'cost', 'tg_id',
];

const csvField = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const micros = (value: number) => `${Math.floor(value / 1_000_000)}.${String(value % 1_000_000).padStart(6, '0').slice(0, 4)}`;

/**
 * Scenarios (knob `scenarios`) for a quiet format change: `cdr-csv-renamed-columns` renames the time
 * and duration columns, `cdr-csv-short-rows` leaves the last three cells off every row.
 */
export type CdrCsvDrift = 'cdr-csv-renamed-columns' | 'cdr-csv-short-rows';
const RENAMED_COLUMNS: Record<string, string> = { start_time: 'start', end_time: 'stop', duration: 'secs', billsec: 'billed' };

export function renderCdrCsv(calls: readonly CdrRecord[], drift?: CdrCsvDrift): string {
  const header = drift === 'cdr-csv-renamed-columns' ? CDR_CSV_HEADER.map((column) => RENAMED_COLUMNS[column] ?? column) : CDR_CSV_HEADER;
  const lines = [header.join(',')];
  for (const c of calls) {
    const cells = [
      c.callId, wireDateTime(c.start), c.answer ? wireDateTime(c.answer) : '', wireDateTime(c.end), c.ani, c.dnis, String(c.duration),
      String(c.billsec), String(c.pddMs), String(c.sipCode), c.disposition, micros(c.costMicros), c.tgId,
    ];
    lines.push((drift === 'cdr-csv-short-rows' ? cells.slice(0, -3) : cells).map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** A minimal one-page PDF: enough for a viewer, and its `%PDF` magic bytes. */
export function renderPdf(text: string): Buffer {
  const safe = text.replace(/[()\\]/g, '');
  const stream = `BT /F1 12 Tf 72 720 Td (${safe}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** processed = attempts, completed = answered, acd in seconds, asr "NN%", mou minutes, peak = max concurrent. */
export function statsRows(calls: readonly CdrRecord[], keys: readonly string[], keyOf: (call: CdrRecord) => string) {
  return keys.map((key) => {
    const mine = calls.filter((c) => keyOf(c) === key);
    const answered = mine.filter((c) => c.disposition === 'ANSWERED');
    const talk = answered.reduce((sum, c) => sum + c.duration, 0);
    const billed = answered.reduce((sum, c) => sum + c.billsec, 0);
    const edges = mine.flatMap((c) => [
      [c.start, 1],
      [c.end, -1],
    ]).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
    let live = 0;
    let peak = 0;
    for (const [, delta] of edges) {
      live += delta!;
      peak = Math.max(peak, live);
    }
    return {
      number: key,
      processed: String(mine.length),
      completed: String(answered.length),
      acd: String(answered.length ? Math.round(talk / answered.length) : 0),
      asr: `${mine.length ? Math.round((answered.length / mine.length) * 100) : 0}%`,
      mou: String(Math.round(billed / 60)),
      peak: String(peak),
    };
  });
}
