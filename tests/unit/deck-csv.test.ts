/**
 * Rate deck CSV (issue 15.2): liberal in what it reads (header or none, quotes, CRLF, `+` prefixes,
 * `$` amounts), strict in meaning (every bad row named by line, nothing kept when one is bad,
 * duplicates refused, six decimals at most, never a float), and what it writes reads back the same.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DECK_CSV_HEADER, formatDeckCsv, parseDeckCsv, rateText, readAmount, readIncrement, type DeckEntryInput, type DidTierInput } from '@/lib/billing/deck-csv';

function entriesOf(text: string) {
  const result = parseDeckCsv(text);
  if (!result.ok) throw new Error(result.problems.map((p) => `line ${p.line}: ${p.reason}`).join('\n'));
  return result;
}

function problemsOf(text: string) {
  const result = parseDeckCsv(text);
  if (result.ok) throw new Error('expected the file to be refused');
  return result.problems.map((p) => `line ${p.line}: ${p.reason}`);
}

describe('parseDeckCsv', () => {
  it('reads a file with a header, quoted fields, CRLF, a BOM, + prefixes and $ amounts', () => {
    const text = '\uFEFFprefix,destination,rate,connection_fee,increment,minimum_duration,kind\r\n+1,"United States, Canada",$0.0100,0,6/6,0,termination\r\n"5255","Mexico ""CDMX""",0.016,$0.001,60/60,30,\r\n1800,US toll-free,0,,1/1,,origination\r\n';
    const { entries, didTiers } = entriesOf(text);
    expect(didTiers).toBeNull();
    expect(entries).toEqual([
      { kind: 'termination', prefix: '1', destination: 'United States, Canada', rate: '0.010000', connectionFee: '0.000000', firstIncrement: 6, nextIncrement: 6, minimumDuration: 0 },
      { kind: 'termination', prefix: '5255', destination: 'Mexico "CDMX"', rate: '0.016000', connectionFee: '0.001000', firstIncrement: 60, nextIncrement: 60, minimumDuration: 30 },
      { kind: 'origination', prefix: '1800', destination: 'US toll-free', rate: '0.000000', connectionFee: '0.000000', firstIncrement: 1, nextIncrement: 1, minimumDuration: 0 },
    ]);
  });

  it('reads a file without a header in the documented column order, and a header in any order with optional columns left out', () => {
    expect(entriesOf('44,United Kingdom,0.0112\n447,United Kingdom - Mobile,0.03,,1/1\n').entries.map((e) => [e.prefix, e.rate, e.firstIncrement, e.nextIncrement, e.kind])).toEqual([
      ['44', '0.011200', 60, 60, 'termination'],
      ['447', '0.030000', 1, 1, 'termination'],
    ]);
    expect(entriesOf('Rate,Prefix,Destination\n0.5,49,Germany\n').entries).toEqual([
      { kind: 'termination', prefix: '49', destination: 'Germany', rate: '0.500000', connectionFee: '0.000000', firstIncrement: 60, nextIncrement: 60, minimumDuration: 0 },
    ]);
  });

  it('reads LF-only and CR-only line endings, skips blank and # lines, and counts lines inside a quoted field', () => {
    const { entries } = entriesOf('# Standard deck\r\r44,United Kingdom,0.01\r\r\n\n33,France,0.02\r');
    expect(entries.map((e) => [e.prefix, e.destination])).toEqual([
      ['44', 'United Kingdom'],
      ['33', 'France'],
    ]);
    expect(problemsOf('1,US,0.01\n44,"United\nKingdom",0.01\n33,,0.02\n')).toEqual(['line 2: destination cannot contain control characters', 'line 4: destination is missing']);
  });

  it('reads the DID tier section under its own header', () => {
    const { entries, didTiers } = entriesOf('prefix,destination,rate\n1,US,0.01\n\ntier,label,countries,monthly,one_time\nA,Tier A,"US,CA",$5,0\nB,Tier B,MX BR,10.00,\n');
    expect(entries).toHaveLength(1);
    expect(didTiers).toEqual<DidTierInput[]>([
      { tier: 'A', label: 'Tier A', countries: ['US', 'CA'], monthly: '5.0000', oneTime: '0.0000' },
      { tier: 'B', label: 'Tier B', countries: ['MX', 'BR'], monthly: '10.0000', oneTime: '0.0000' },
    ]);
  });

  it('names every bad row by its line and keeps nothing', () => {
    const problems = problemsOf(
      [
        'prefix,destination,rate,connection_fee,increment,minimum_duration,kind',
        '1,United States,0.01,0,6/6,0,termination',
        'abc,Nowhere,0.01',
        '44,,0.01',
        '33,France,0.0123456',
        '49,Germany,-0.01',
        '52,Mexico,1e-3',
        '55,Brazil,0.03,0,6-6',
        '56,Chile,0.03,0,6/6,two',
        '57,Colombia,0.03,0,6/6,0,transit',
        '1,United States again,0.02',
        '58,Venezuela,0.1,0,0/6',
        '59,Too,0.1,0,6/6,0,termination,extra',
      ].join('\n'),
    );
    expect(problems).toEqual([
      'line 3: prefix "abc" is not 1–15 digits (an E.164 prefix such as 44 or +5255)',
      'line 4: destination is missing',
      'line 5: rate "0.0123456" has more than 6 decimal places',
      'line 6: rate "-0.01" cannot be negative',
      'line 7: rate "1e-3" is not an amount like 0.0125',
      'line 8: increment "6-6" is not first/next seconds like 6/6 or 60/60',
      'line 9: minimum_duration "two" is not a whole number of seconds',
      'line 10: kind "transit" is neither termination nor origination',
      'line 11: prefix 1 (termination) is already on line 2',
      'line 12: increment "0/6" must be 1–3600 seconds each',
      'line 13: 8 fields where a rate row has 7 (prefix, destination, rate, connection_fee, increment, minimum_duration, kind); quote a destination that holds a comma',
    ]);
    expect(parseDeckCsv('1,US,0.01\n1,US,0.02\n')).toMatchObject({ ok: false, problemCount: 1 });
  });

  it('the same prefix may be priced once for termination and once for origination', () => {
    expect(entriesOf('1,US,0.01,0,6/6,0,termination\n1,US inbound,0.004,0,6/6,0,origination\n').entries).toHaveLength(2);
  });

  it('refuses an unknown header column, an empty file, an unclosed quote and bad DID tiers', () => {
    expect(problemsOf('prefix,destination,rate,colour\n1,US,0.01,red\n')[0]).toMatch(/^line 1: unknown column "colour" in the rate header/);
    expect(problemsOf('prefix,destination\n1,US\n')[0]).toBe('line 1: the rate header lacks rate');
    expect(problemsOf('\n\n')).toEqual(['line 1: the file has no rates (a row is prefix,destination,rate,…)']);
    expect(problemsOf('1,US,0.01\n44,"United Kingdom,0.01\n')).toEqual(['line 2: a quoted field is never closed (a " is missing)']);
    expect(problemsOf('1,US,0.01\ntier,label,countries,monthly\nA,Tier A,US CA,5\nB,Tier B,US MX,10\nA,Again,BR,1\nC,Tier C,USA,1.12345\n')).toEqual([
      'line 4: US is already in tier "A": a country belongs to one tier',
      'line 5: tier "A" is already on line 3',
      'line 6: country "USA" is not a two-letter ISO code (US, MX); monthly "1.12345" has more than 4 decimal places',
    ]);
  });

  it('lists at most 200 problems but counts them all', () => {
    const result = parseDeckCsv(Array.from({ length: 250 }, (_, i) => `x${i},Bad,0.01`).join('\n'));
    expect(result).toMatchObject({ ok: false, problemCount: 250 });
    expect(!result.ok && result.problems).toHaveLength(200);
  });

  it('reads 25,000 prefixes', () => {
    const lines = Array.from({ length: 25_000 }, (_, i) => `${100000 + i},Destination ${i},0.${String(i).padStart(6, '0')}`);
    const { entries } = entriesOf(`${DECK_CSV_HEADER}${lines.join('\r\n')}`);
    expect(entries).toHaveLength(25_000);
    expect(entries[24_999]).toMatchObject({ prefix: '124999', rate: '0.024999' });
  });
});

describe('amounts and increments', () => {
  it('reads amounts exactly, to six places at most, never through a float', () => {
    expect(readAmount('0.1', 'rate', 6)).toEqual({ ok: true, value: '0.100000' });
    expect(readAmount('$ 1,234.5', 'rate', 6)).toEqual({ ok: true, value: '1234.500000' });
    expect(readAmount('.5', 'rate', 6)).toEqual({ ok: true, value: '0.500000' });
    expect(readAmount('0.1234560', 'rate', 6)).toEqual({ ok: true, value: '0.123456' });
    expect(readAmount('1000000', 'rate', 6)).toMatchObject({ ok: false });
    expect(readAmount('', 'rate', 6, '0.000000')).toEqual({ ok: true, value: '0.000000' });
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 999_999_999_999n }), (micros) => {
        const text = `${micros / 1_000_000n}.${String(micros % 1_000_000n).padStart(6, '0')}`;
        expect(readAmount(text, 'rate', 6)).toEqual({ ok: true, value: text });
        expect(readAmount(rateText(text), 'rate', 6)).toEqual({ ok: true, value: text });
      }),
    );
  });

  it('reads first/next increments', () => {
    expect(readIncrement('6/6')).toEqual({ ok: true, value: { first: 6, next: 6 } });
    expect(readIncrement('30/6')).toEqual({ ok: true, value: { first: 30, next: 6 } });
    expect(readIncrement('60')).toEqual({ ok: true, value: { first: 60, next: 60 } });
    expect(readIncrement(' 1 / 1 ')).toEqual({ ok: true, value: { first: 1, next: 1 } });
    expect(readIncrement('')).toEqual({ ok: true, value: { first: 60, next: 60 } });
    expect(readIncrement('6/0')).toMatchObject({ ok: false });
    expect(readIncrement('6/6/6')).toMatchObject({ ok: false });
  });
});

describe('formatDeckCsv', () => {
  const entry = fc.record<DeckEntryInput>({
    kind: fc.constantFrom('termination', 'origination'),
    prefix: fc.stringMatching(/^[0-9]{1,15}$/),
    destination: fc.string({ minLength: 1, maxLength: 40 }).filter((text) => text.trim() !== '' && !/[\u0000-\u001f\u007f]/.test(text) && text.trim() === text),
    rate: fc.bigInt({ min: 0n, max: 999_999_999_999n }).map((micros) => `${micros / 1_000_000n}.${String(micros % 1_000_000n).padStart(6, '0')}`),
    connectionFee: fc.bigInt({ min: 0n, max: 9_999_999n }).map((micros) => `${micros / 1_000_000n}.${String(micros % 1_000_000n).padStart(6, '0')}`),
    firstIncrement: fc.integer({ min: 1, max: 3600 }),
    nextIncrement: fc.integer({ min: 1, max: 3600 }),
    minimumDuration: fc.integer({ min: 0, max: 3600 }),
  });

  it('writes what it reads back the same, whatever the destination holds', () => {
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => `${e.kind}:${e.prefix}`, maxLength: 30, minLength: 1 }), (entries) => {
        const tiers: DidTierInput[] = [{ tier: 'A', label: 'Tier A', countries: ['US', 'CA'], monthly: '5.0000', oneTime: '0.0000' }];
        const read = entriesOf(formatDeckCsv(entries, tiers));
        expect(read.entries).toEqual(entries);
        expect(read.didTiers).toEqual(tiers);
      }),
    );
  });

  it('never writes a cell a spreadsheet would run as a formula', () => {
    const text = formatDeckCsv([{ kind: 'termination', prefix: '44', destination: '=HYPERLINK("x")', rate: '0.010000', connectionFee: '0.000000', firstIncrement: 1, nextIncrement: 1, minimumDuration: 0 }]);
    expect(text.split('\r\n')[1]).toBe(`44,"'=HYPERLINK(""x"")",0.0100,0.0000,1/1,0,termination`);
    expect(entriesOf(text).entries[0]!.destination).toBe('=HYPERLINK("x")');
  });
});
