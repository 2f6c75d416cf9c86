/**
 * Reading a switch's CDR export for a quote (lib/billing/cdr-file.ts): every recognized layout
 * from a tiny fixture, explicit column names, files that are not CSV, a header without the columns
 * (its message names what it found), rows skipped alone, and the CSV reader itself by properties:
 * whatever the chunking of the bytes, the same rows; whatever the cells, read back as written.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCdrFileReader, normalizeDialedNumber, parseSeconds, parseStart, splitCsvLine, type CdrColumnMapping, type CdrFileItem } from '@/lib/billing/cdr-file';
import { AppError } from '@/lib/errors';
import { CDR_CSV_HEADER, cdrCsvLine, type CdrView } from '@/lib/services/cdr-search';
import { csvRow } from '@/lib/views/audit-events';

const encoder = new TextEncoder();

/** Reads `content` in pieces of `chunk` bytes; the format and everything read. */
function read(content: string | Uint8Array, { mapping, chunk = 7 }: { mapping?: CdrColumnMapping; chunk?: number } = {}) {
  const bytes = typeof content === 'string' ? encoder.encode(content) : content;
  const reader = createCdrFileReader(mapping);
  const items: CdrFileItem[] = [];
  for (let at = 0; at < bytes.length; at += chunk) items.push(...reader.write(bytes.subarray(at, at + chunk)));
  items.push(...reader.end());
  return { format: reader.format!, items, rows: items.flatMap((item) => ('row' in item ? [item.row] : [])), skipped: items.flatMap((item) => ('skipped' in item ? [item.skipped] : [])) };
}

function refusal(content: string | Uint8Array, options?: Parameters<typeof read>[1]): AppError {
  try {
    read(content, options);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('the file was read');
}

const calls = (rows: ReturnType<typeof read>['rows']) => rows.map((row) => [row.line, row.toDigits, row.seconds, row.answered]);

describe('recognizing switch exports without a mapping', () => {
  it('reads Asterisk Master.csv (no header): dst column 3, billsec 14, disposition 15, quoted fields with commas and doubled quotes', () => {
    const master = [
      '"","1001","011442079460000","default","""Bob, Sales"" <1001>","SIP/1001-00000001","SIP/trunk-00000002","Dial","SIP/trunk/011442079460000,60,tT","2026-04-01 12:00:00","2026-04-01 12:00:04","2026-04-01 12:01:07",67,63,"ANSWERED","DOCUMENTATION","1711972800.1",""',
      '"","1001","2125550100","default","","SIP/1001-00000003","","Dial","","2026-04-01 12:05:00","","2026-04-01 12:05:20",20,0,"NO ANSWER","DOCUMENTATION","1711973100.3",""',
      '"","1001","s","default","","SIP/1001-00000004","","Playback","","2026-04-01 12:06:00","2026-04-01 12:06:00","2026-04-01 12:06:05",5,5,"ANSWERED","DOCUMENTATION","1711973160.4",""',
    ].join('\n');
    const { format, rows } = read(`${master}\n`);
    expect(format).toMatchObject({ profile: 'asterisk-master', hasHeader: false, columns: { to: { index: 2 }, duration: { index: 13 }, answered: { index: 14, rule: 'disposition' }, start: { index: 9 } } });
    expect(calls(rows)).toEqual([
      [1, '442079460000', 63, true],
      [2, '12125550100', 0, false],
      [3, null, 5, true],
    ]);
    expect(rows[0]!.startedAt).toEqual(new Date('2026-04-01T12:00:00Z'));
  });

  it('reads an Asterisk CDR with a header (dst, billsec, disposition)', () => {
    const { format, rows } = read('accountcode,src,dst,dcontext,start,answer,end,duration,billsec,disposition\r\nacme,1001,+525512345678,out,2026-04-01 12:00:00,2026-04-01 12:00:03,2026-04-01 12:01:03,63,60,ANSWERED\r\nacme,1001,+525512345679,out,2026-04-01 12:02:00,,2026-04-01 12:02:30,30,0,BUSY\r\n');
    expect(format).toMatchObject({ profile: 'asterisk', hasHeader: true, columns: { to: { name: 'dst' }, duration: { name: 'billsec' }, answered: { name: 'disposition', rule: 'disposition' }, start: { name: 'start' } } });
    expect(calls(rows)).toEqual([
      [2, '525512345678', 60, true],
      [3, '525512345679', 0, false],
    ]);
  });

  it('reads FreeSWITCH mod_cdr_csv with a header (destination_number, billsec, hangup_cause)', () => {
    const { format, rows } = read('caller_id_number,destination_number,start_stamp,billsec,hangup_cause\n1001,442079460000,2026-04-01 12:00:00,45,NORMAL_CLEARING\n1001,442079460001,2026-04-01 12:01:00,0,ORIGINATOR_CANCEL\n1001,442079460002,2026-04-01 12:02:00,0,NORMAL_CLEARING\n');
    expect(format).toMatchObject({ profile: 'freeswitch', columns: { to: { name: 'destination_number' }, duration: { name: 'billsec' }, answered: { name: 'hangup_cause', rule: 'cause' } } });
    // A call hung up normally within its first second was answered (it bills its minimum).
    expect(calls(rows)).toEqual([
      [2, '442079460000', 45, true],
      [3, '442079460001', 0, false],
      [4, '442079460002', 0, true],
    ]);
  });

  it("reads FreeSWITCH mod_cdr_csv's default template without a header (answered by its answer_stamp)", () => {
    const template = '"Bob","1001","14165550123","default","2026-04-01 12:00:00","2026-04-01 12:00:02","2026-04-01 12:00:32","32","30","NORMAL_CLEARING","a-uuid","b-uuid","acme","PCMU","PCMU"\n"Bob","1001","14165550124","default","2026-04-01 12:01:00","","2026-04-01 12:01:10","10","0","NO_ANSWER","c-uuid","","acme","PCMU","PCMU"\n';
    const { format, rows } = read(template);
    expect(format).toMatchObject({ profile: 'freeswitch-template', hasHeader: false, columns: { to: { index: 2 }, duration: { index: 8 }, answered: { index: 5, rule: 'present' } } });
    expect(calls(rows)).toEqual([
      [1, '14165550123', 30, true],
      [2, '14165550124', 0, false],
    ]);
  });

  it('reads the portal’s own CDR export (GET /api/v1/cdr as CSV), formula-safe cells and all', () => {
    const view = (id: string, to: string, direction: 'inbound' | 'outbound', billsec: number, answerAt: string | null): CdrView => ({
      id,
      accountId: '00000000-0000-4000-8000-000000000001',
      inviteAt: '2026-04-01T12:00:00.000Z',
      direction,
      from: '+12145550100',
      to,
      destination: 'GB',
      trunkGroup: { id: 'tg', name: 'Main, PBX' },
      carrier: 'Carrier 1',
      sipCode: answerAt ? 200 : 486,
      q850Cause: null,
      pddMs: 1200,
      answerAt,
      endAt: '2026-04-01T12:01:04.000Z',
      billsec,
      mos: 4.2,
    });
    const file = csvRow(CDR_CSV_HEADER) + cdrCsvLine(view('1', '+442079460000', 'outbound', 60, '2026-04-01T12:00:04.000Z')) + cdrCsvLine(view('2', '+12145550199', 'inbound', 0, null));
    expect(file).toContain("'+442079460000");
    const { format, rows } = read(file);
    expect(format).toMatchObject({ profile: 'portal', columns: { to: { name: 'to' }, duration: { name: 'billsec' }, answered: { name: 'answer_at_utc' }, start: { name: 'invite_at_utc' }, direction: { name: 'direction' } } });
    expect(rows.map((row) => [row.toDigits, row.seconds, row.answered, row.direction])).toEqual([
      ['442079460000', 60, true, 'outbound'],
      ['12145550199', 0, false, 'inbound'],
    ]);
  });

  it('reads generic names whatever their case and spacing, and semicolon, tab or pipe separators', () => {
    for (const [delimiter, header] of [
      [',', 'to,duration'],
      [';', 'Destination;Seconds'],
      ['\t', 'Called Number\tDuration (sec)'],
      ['|', 'DNIS|billsec'],
      [',', 'called,duration_sec,answered'],
    ] as const) {
      const { format, rows } = read(`${header}\n+442079460000${delimiter}61\n`);
      expect(format.profile, header).toBe('generic');
      expect(format.delimiter).toBe(delimiter);
      expect(calls(rows), header).toEqual([[2, '442079460000', 61, header.endsWith('answered') ? false : true]]);
    }
  });

  it('takes explicit column names over the detection, case-insensitively', () => {
    const { format, rows } = read('Origin,Target,Length,Outcome\n1001,+442079460000,00:01:05,Connected\n1001,+442079460001,12,Rejected\n', { mapping: { to: 'target', duration: 'LENGTH', answered: 'Outcome' } });
    expect(format).toMatchObject({ profile: 'generic', mapped: ['to', 'duration', 'answered'], columns: { to: { name: 'Target' }, duration: { name: 'Length' }, answered: { name: 'Outcome', rule: 'flag' } } });
    expect(calls(rows)).toEqual([
      [2, '442079460000', 65, true],
      [3, '442079460001', 12, false],
    ]);
  });
});

describe('files that are not a CDR CSV', () => {
  it('refuses binary files by their magic bytes, saying what they are', () => {
    const cases: [number[], RegExp][] = [
      [[...encoder.encode('%PDF-1.7\n')], /PDF/],
      [[0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0], /zip archive.*xlsx/],
      [[0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0], /gzip/],
      [[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], /\.xls/],
      [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], /PNG/],
      [[0xff, 0xfe, 0x74, 0, 0x6f, 0], /UTF-16/],
    ];
    for (const [bytes, what] of cases) {
      const error = refusal(new Uint8Array(bytes), { chunk: 1 });
      expect([error.code, error.status]).toEqual(['invalid:file', 400]);
      expect(error.message).toMatch(/not a CSV/);
      expect(error.message).toMatch(what);
      expect(error.fieldErrors?.file?.[0]).toBe(error.message);
    }
  });

  it('refuses a NUL byte anywhere, with its position, not only in the first bytes', () => {
    const text = encoder.encode(`to,duration\n${'+442079460000,61\n'.repeat(100)}`);
    const withNul = new Uint8Array([...text, 0, ...encoder.encode('+442079460000,1\n')]);
    const error = refusal(withNul, { chunk: 64 });
    expect(error.message).toMatch(new RegExp(`NUL byte \\(at byte ${(text.length + 1).toLocaleString('en-US')}\\)`));
  });

  it('refuses an empty file, blank lines only, and a header without calls', () => {
    expect(refusal('').message).toBe('The file is empty.');
    expect(refusal('\n\r\n\n').message).toMatch(/no CSV rows/);
    expect(refusal('to,duration\r\n').message).toBe('The file has a header but no calls.');
  });

  it('names the columns it found and the mapping fields to send when the header lacks one', () => {
    const error = refusal('Caller,Callee Phone,Talk Time\n1001,+442079460000,61\n');
    expect([error.code, error.status]).toEqual(['invalid:columns', 400]);
    expect(error.message).toContain('"Caller", "Callee Phone", "Talk Time"');
    expect(error.message).toMatch(/to_column and duration_column/);
    expect(Object.keys(error.fieldErrors!).sort()).toEqual(['duration_column', 'file', 'to_column']);

    const oneMissing = refusal('to,Talk Time\n+442079460000,61\n');
    expect(oneMissing.message).toMatch(/no column of durations/);
    expect(Object.keys(oneMissing.fieldErrors!).sort()).toEqual(['duration_column', 'file']);

    const wrongName = refusal('to,Talk Time\n+442079460000,61\n', { mapping: { duration: 'talk_time' } });
    expect(wrongName.fieldErrors!.duration_column![0]).toBe('"talk_time" is not a column of the file; its columns are "to", "Talk Time".');
    expect(read('to,Talk Time\n+442079460000,61\n', { mapping: { duration: 'talk time' } }).rows).toHaveLength(1);
  });
});

describe('rows', () => {
  it('skips a row whose duration is not a number, with its line, and reads on (a quoted line break counts as a line)', () => {
    const { rows, skipped } = read('to,duration,note\n+442079460000,61,"two\nlines"\n+442079460001,sixty,x\n+442079460002,,x\n,10,x\n+442079460003\n+442079460004,1:01,x\n+442079460005,999999999,x\n');
    expect(calls(rows)).toEqual([
      [2, '442079460000', 61, true],
      [8, '442079460004', 61, true],
    ]);
    expect(skipped).toEqual([
      { line: 4, reason: 'The duration (duration) "sixty" is not a number of seconds.' },
      { line: 5, reason: 'The duration (duration) is empty.' },
      { line: 6, reason: 'The called number (to) is empty.' },
      { line: 7, reason: '1 field: no duration (duration).' },
      { line: 9, reason: 'The duration (duration) 999999999 s is longer than a week: not one call.' },
    ]);
  });

  it('skips a record longer than 64 KB (an unclosed quote) and reads the lines after it', () => {
    const { rows, skipped } = read(`to,duration\n"+442079460000,61${'x'.repeat(70_000)}\n+442079460001,5\n`, { chunk: 4096 });
    expect(skipped).toEqual([{ line: 2, reason: expect.stringMatching(/longer than 64 KB/) }]);
    expect(calls(rows)).toEqual([[3, '442079460001', 5, true]]);
  });

  it('reads called numbers as switches write them', () => {
    const cases: [string, string | undefined][] = [
      ['+44 20 7946 0958', '442079460958'],
      ['011442079460958', '442079460958'],
      ['00442079460958', '442079460958'],
      ['442079460958', '442079460958'],
      ['2125550100', '12125550100'],
      ['1 (212) 555-0100', '12125550100'],
      ["'+12125550100", '12125550100'],
      ['sip:+442079460958@trunk.example;user=phone', '442079460958'],
      ['tel:+525512345678', '525512345678'],
      ['1001', undefined],
      ['s', undefined],
      ['*97', undefined],
      ['', undefined],
    ];
    for (const [raw, digits] of cases) expect(normalizeDialedNumber(raw), raw).toBe(digits);
  });

  it('reads durations and start times as switches write them', () => {
    expect([parseSeconds('63'), parseSeconds(' 63.5 '), parseSeconds('1:03'), parseSeconds('01:01:03'), parseSeconds('1:75'), parseSeconds('-3'), parseSeconds('1e3'), parseSeconds('')]).toEqual([63, 63.5, 63, 3663, undefined, undefined, undefined, undefined]);
    expect(parseStart('2026-04-01 12:00:00')).toEqual(new Date('2026-04-01T12:00:00Z'));
    expect(parseStart('2026-04-01T12:00:00.250+02:00')).toEqual(new Date('2026-04-01T10:00:00.250Z'));
    expect(parseStart('1711972800')).toEqual(new Date('2024-04-01T12:00:00Z'));
    expect(parseStart('yesterday')).toBeNull();
  });
});

describe('the CSV reader, by properties', () => {
  const cell = fc.oneof(fc.stringMatching(/^[a-z0-9 +]{0,8}$/), fc.string({ maxLength: 12 }).filter((text) => !text.includes('\u0000')), fc.constantFrom('a,b', 'say "hi"', 'two\nlines', 'crlf\r\ninside', ''));
  const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;

  it('reads quoted cells of a line back exactly as written, whatever they hold', () => {
    const oneLine = cell.filter((value) => !/[\r\n]/.test(value));
    fc.assert(
      fc.property(fc.array(oneLine, { minLength: 1, maxLength: 6 }), fc.constantFrom(',', ';', '\t', '|'), (cells, delimiter) => {
        expect(splitCsvLine(cells.map(quote).join(delimiter), delimiter)).toEqual(cells);
      }),
    );
  });

  it('finds the same rows and skips whatever the chunking of the bytes', () => {
    const number = fc.constantFrom('+442079460000', '011525512345678', '2125550100', '1001', 's', '+33 1 45 67 89 01');
    const duration = fc.oneof(fc.integer({ min: 0, max: 4000 }).map(String), fc.constantFrom('abc', '', '1:05', '12.5'));
    const row = fc.tuple(number, duration, cell).map(([to, seconds, note]) => `${quote(to)},${seconds},${quote(note)}`);
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 50 }), fc.constantFrom('\n', '\r\n'), (rows, chunk, newline) => {
        const file = `to,duration,note${newline}${rows.join(newline)}${newline}`;
        const whole = read(file, { chunk: 1 << 20 });
        const pieces = read(file, { chunk });
        expect(pieces.items).toEqual(whole.items);
        expect(whole.items).toHaveLength(rows.length);
      }),
      { numRuns: 200 },
    );
  });
});
