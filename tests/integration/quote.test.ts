/**
 * Quotes from a CDR file (issue 15.7): POST /api/v1/quote with multipart bodies, called as a program
 * would (an API key, real Request objects, streamed bodies), every answer checked against the
 * published OpenAPI document. Pricing is checked by hand against a deck inserted here (increments,
 * minimum, connection fee, longest prefix, one rounding per line), the deck version by `at`, bad
 * files by their precise errors, the 50 MB limit on a generated stream that is never held whole,
 * and who may quote on which deck (Globex's deck never prices Acme's calls; technical and viewer refused).
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { quoteCdrFile } from '@/lib/api/contracts/quote';
import { CDR_FILE_MAX_BYTES } from '@/lib/billing/cdr-file';
import { accounts, memberships, rateDecks } from '@/lib/db/schema';
import { config as proxyConfig } from '@/proxy';
import { createTestApiKey, type TestApiKey } from '../support/api';
import { liftRateLimits } from '../support/api-operations';
import { insertDeckVersion, insertRateDeck } from '../support/billing';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants, sessionUser } from '../support/fixtures';
import { headersFromClient } from '../support/next-mocks';
import { textOf } from '../support/render-text';
import { expectConformsToSpec } from '../support/openapi';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = 'true';
liftRateLimits();

type Route = typeof import('@/app/api/v1/quote/route');

const BOUNDARY = '----quote-test-7f3a';
const encoder = new TextEncoder();

type Part = { name: string; value: string } | { name: string; filename: string; content: string | Uint8Array; type?: string };

/** A multipart/form-data body of these parts, in this order. */
function multipart(parts: Part[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    const disposition = 'filename' in part ? `form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.type ?? 'text/csv'}` : `form-data; name="${part.name}"`;
    chunks.push(encoder.encode(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    chunks.push(typeof ('value' in part ? part.value : part.content) === 'string' ? encoder.encode('value' in part ? part.value : (part.content as string)) : (part as { content: Uint8Array }).content);
    chunks.push(encoder.encode('\r\n'));
  }
  chunks.push(encoder.encode(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

const file = (content: string | Uint8Array, filename = 'cdr.csv'): Part => ({ name: 'file', filename, content });

describe('POST /api/v1/quote', () => {
  const test = useTestDatabase();
  let route: Route;
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const keys = {} as Record<'admin' | 'finance' | 'technical' | 'viewer' | 'globex', TestApiKey>;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    route = await import('@/app/api/v1/quote/route');
    for (const role of ['admin', 'finance', 'technical', 'viewer'] as const) keys[role] = await createTestApiKey(test.db, { accountId: tenants.acme.id, role, createdBy: 'owner@acme.example' });
    keys.globex = await createTestApiKey(test.db, { accountId: tenants.globex.id, role: 'admin', createdBy: 'owner@globex.example' });
    // Acme's deck: version 1 of 2020, version 2 (in force now) of 2025.
    const { deck } = await insertRateDeck(test.db, {
      name: 'Acme quote deck',
      effectiveFrom: new Date('2020-01-01T00:00:00Z'),
      rates: [
        { prefix: '44', destination: 'United Kingdom', rate: '0.0200', increment: [60, 60] },
        { prefix: '4420', destination: 'United Kingdom - London', rate: '0.0200', increment: [60, 60] },
      ],
      assignTo: [tenants.acme.id],
    });
    await insertDeckVersion(test.db, {
      deckId: deck.id,
      version: 2,
      effectiveFrom: new Date('2025-01-01T00:00:00Z'),
      rates: [
        { prefix: '44', destination: 'United Kingdom', rate: '0.0120', increment: [1, 1] },
        { prefix: '4420', destination: 'United Kingdom - London', rate: '0.0110', increment: [1, 1] },
        { prefix: '1', destination: 'United States', rate: '0.0100', increment: [6, 6] },
        { prefix: '52', destination: 'Mexico', rate: '0.0150', increment: [60, 60] },
        { prefix: '55', destination: 'Brazil', rate: '0.0350', increment: [60, 60], minimumDuration: 90 },
        { prefix: '33', destination: 'France', rate: '0.0130', increment: [1, 1], connectionFee: '0.0100' },
        { prefix: '1', destination: 'United States - DID', rate: '0.0040', increment: [6, 6], kind: 'origination' },
      ],
    });
    // Globex's own deck, far dearer: it must never price a call of Acme's.
    await insertRateDeck(test.db, { name: 'Globex quote deck', rates: [{ prefix: '44', destination: 'United Kingdom (Globex)', rate: '9.9900' }], assignTo: [tenants.globex.id] });
  });

  async function quote(body: Uint8Array | ReadableStream<Uint8Array>, { key = keys.admin as TestApiKey | null, query = '', contentType = `multipart/form-data; boundary=${BOUNDARY}`, headers = {} as Record<string, string> } = {}) {
    const requestHeaders = headersFromClient('198.51.100.7', { 'content-type': contentType, ...headers });
    if (key) requestHeaders.set('authorization', `Bearer ${key.secret}`);
    const init = { method: 'POST', headers: requestHeaders, body, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit;
    const response = await route.POST(new Request(`http://portal.test/api/v1/quote${query}`, init), { params: Promise.resolve({}) });
    const text = await response.text();
    const answer = { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
    expectConformsToSpec(quoteCdrFile, answer);
    return answer;
  }

  const asteriskFile = [
    'accountcode,src,dst,dcontext,start,billsec,disposition',
    'acme,1001,+442079460000,out,2026-04-01 12:00:00,61,ANSWERED', // London (4420, not 44), 1/1: 61 s
    'acme,1001,442071234567,out,2026-04-01 12:01:00,1,ANSWERED', // London: 1 s
    'acme,1001,447911123456,out,2026-04-01 12:02:00,61,ANSWERED', // United Kingdom (44): 61 s
    'acme,1001,12125550100,out,2026-04-01 12:03:00,7,ANSWERED', // US 6/6: 12 s
    'acme,1001,2125550101,out,2026-04-01 12:04:00,0,NO ANSWER', // US: a call, nothing billed
    'acme,1001,12125550102,out,2026-04-01 12:05:00,61,ANSWERED', // US: 66 s
    'acme,1001,011525512345678,out,2026-04-01 12:06:00,30,ANSWERED', // Mexico 60/60: 60 s
    'acme,1001,+525512345679,out,2026-04-01 12:07:00,60,ANSWERED', // Mexico: 60 s
    'acme,1001,00525512345670,out,2026-04-01 12:08:00,1,ANSWERED', // Mexico: 60 s
    'acme,1001,5511987654321,out,2026-04-01 12:09:00,10,ANSWERED', // Brazil: minimum 90 s
    'acme,1001,5511987654322,out,2026-04-01 12:10:00,0,BUSY', // Brazil: unanswered, no minimum
    'acme,1001,33145678901,out,2026-04-01 12:11:00,100,ANSWERED', // France 1/1 + 0.01 a call
    'acme,1001,33145678902,out,2026-04-01 12:12:00,20,ANSWERED', // France
    'acme,1001,1001,internal,2026-04-01 12:13:00,30,ANSWERED', // an extension: unrated
    'acme,1001,8613812345678,out,2026-04-01 12:14:00,30,ANSWERED', // China: no rate
    'acme,1001,+442079460009,out,2026-04-01 12:15:00,about a minute,ANSWERED', // skipped
  ].join('\r\n');

  it('prices a file per destination on the caller’s deck: longest prefix, increments, minimum, fee, one rounding per line', async () => {
    const answer = await quote(multipart([file(asteriskFile)]));
    expect(answer.status, answer.text).toBe(200);
    const { body } = answer;
    expect(body.deck).toMatchObject({ name: 'Acme quote deck', version: 2, currency: 'USD' });
    expect(body.format).toMatchObject({ profile: 'asterisk', header: true, columns: { to: 'dst', duration: 'billsec', answered: 'disposition', start: 'start' } });
    const byDestination = Object.fromEntries(body.lines.map((line: { destination: string }) => [line.destination, line]));
    expect(Object.keys(byDestination).sort()).toEqual(['Brazil', 'France', 'Mexico', 'United Kingdom', 'United Kingdom - London', 'United States']);
    const brief = (name: string) => {
      const line = byDestination[name];
      return [line.prefixes.join(' '), line.calls, line.answeredCalls, line.billedSeconds, line.billedMinutes, line.amount];
    };
    // 62 s × $0.0110/60 = $0.011367 → $0.01
    expect(brief('United Kingdom - London')).toEqual(['4420', 2, 2, 62, '1.03', '0.01']);
    expect(brief('United Kingdom')).toEqual(['44', 1, 1, 61, '1.02', '0.01']);
    // 12 + 0 + 66 = 78 s × $0.0100/60 = $0.013 → $0.01
    expect(brief('United States')).toEqual(['1', 3, 2, 78, '1.30', '0.01']);
    // Three whole minutes at $0.0150 = $0.045 → $0.05 for the line (each call alone would round to $0.02: $0.06).
    expect(brief('Mexico')).toEqual(['52', 3, 3, 180, '3.00', '0.05']);
    // The 10 s call bills its 90 s minimum: $0.0525 → $0.05; the busy one bills nothing.
    expect(brief('Brazil')).toEqual(['55', 2, 1, 90, '1.50', '0.05']);
    // 120 s × $0.0130/60 = $0.026, plus 2 × $0.0100 = $0.046 → $0.05
    expect(brief('France')).toEqual(['33', 2, 2, 120, '2.00', '0.05']);
    expect(byDestination.France).toMatchObject({ rate: '0.013000', connectionFee: '0.010000', firstIncrement: 1, nextIncrement: 1, minimumDuration: 0 });
    expect(byDestination.Brazil).toMatchObject({ minimumDuration: 90, firstIncrement: 60 });
    expect(body.total).toBe('0.18');
    expect(body.unrated).toEqual({ calls: 2, reasons: { invalid_number: 1, no_rate: 1 }, lines: [15, 16] });
    expect(body.rowsRead).toBe(16);
    expect(body.rowsSkippedCount).toBe(1);
    expect(body.rowsSkipped).toEqual([{ line: 17, reason: 'The duration (billsec) "about a minute" is not a number of seconds.' }]);
    // From the calls read (a skipped row is not one).
    expect(body.period).toEqual({ from: '2026-04-01T12:00:00.000Z', to: '2026-04-01T12:14:00.000Z' });
    // Nothing of Globex's deck.
    expect(answer.text).not.toContain('9.99');
    expect(answer.text).not.toContain('Globex');
  });

  it('reproduces seed 000’s MX line: 890,104 min × $0.0160 = $14,241.664, rounded once to $14,241.66', async () => {
    await insertRateDeck(test.db, { name: 'Seed 000 MX', rates: [{ prefix: '52', destination: 'Mexico', rate: '0.0160' }], assignTo: [tenants.west.id] });
    // 890,104 minutes as 1,483 calls of 600 min and one of 304, each a second short of its minutes (60/60 bills the whole minute).
    const rows = ['to,duration', ...Array.from({ length: 1483 }, (_, i) => `+52551234${String(i).padStart(4, '0')},${600 * 60 - 1}`), `+525512349999,${304 * 60 - 1}`];
    const answer = await quote(multipart([file(rows.join('\n'))]), { query: `?accountId=${tenants.west.id}` });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.deck.name).toBe('Seed 000 MX');
    expect(answer.body.lines).toEqual([expect.objectContaining({ destination: 'Mexico', calls: 1484, billedSeconds: 890_104 * 60, billedMinutes: '890104.00', amount: '14241.66' })]);
    expect(answer.body.total).toBe('14241.66');
  });

  it('prices on the version in force at `at`, and reads mapping fields sent before the file', async () => {
    const older = await quote(multipart([{ name: 'at', value: '2024-06-01T00:00:00Z' }, file('to,duration\n+442079460000,61\n')]));
    expect(older.status, older.text).toBe(200);
    // Version 1: London at $0.0200, 60/60: 120 s → $0.04.
    expect(older.body.deck.version).toBe(1);
    expect(older.body.at).toBe('2024-06-01T00:00:00.000Z');
    expect(older.body.lines).toEqual([expect.objectContaining({ destination: 'United Kingdom - London', billedSeconds: 120, amount: '0.04' })]);

    const before = await quote(multipart([{ name: 'at', value: '2019-06-01T00:00:00Z' }, file('to,duration\n+442079460000,61\n')]));
    expect([before.status, before.body.error.code]).toEqual([422, 'unprocessable:rate_deck']);
    expect(before.body.error.message).toMatch(/no version in force at 2019-06-01.*first takes effect at 2020-01-01/);

    const badAt = await quote(multipart([{ name: 'at', value: 'last Tuesday' }, file('to,duration\n+442079460000,61\n')]));
    expect([badAt.status, badAt.body.error.fields.at]).toEqual([400, ['at is an ISO 8601 time with its offset (2026-04-01T00:00:00Z)']]);

    const mapped = await quote(
      multipart([
        { name: 'to_column', value: 'Callee Phone' },
        { name: 'duration_column', value: 'talk time' },
        { name: 'answered_column', value: 'Result' },
        file('Caller,Callee Phone,Talk Time,Result\n1001,+33145678901,100,Connected\n1001,+33145678902,0,Rejected\n'),
      ]),
    );
    expect(mapped.status, mapped.text).toBe(200);
    expect(mapped.body.format).toMatchObject({ profile: 'generic', columns: { to: 'Callee Phone', duration: 'Talk Time', answered: 'Result' } });
    expect(mapped.body.lines).toEqual([expect.objectContaining({ destination: 'France', calls: 2, answeredCalls: 1, billedSeconds: 100, amount: '0.03' })]);
  });

  it('reads the headerless layouts and the portal’s own export through the endpoint', async () => {
    const master = '"","1001","011442079460000","default","","SIP/1001-1","SIP/trunk-2","Dial","","2026-04-01 12:00:00","2026-04-01 12:00:04","2026-04-01 12:01:07",67,63,"ANSWERED","DOCUMENTATION","1.1",""\n';
    const asMaster = await quote(multipart([file(master, 'Master.csv')]));
    expect([asMaster.status, asMaster.body.format.profile, asMaster.body.format.columns]).toEqual([200, 'asterisk-master', { to: 'column 3', duration: 'column 14', answered: 'column 15', start: 'column 10' }]);
    expect(asMaster.body.lines[0]).toMatchObject({ destination: 'United Kingdom - London', billedSeconds: 63 });

    const portal = 'call_id,account_id,invite_at_utc,direction,from,to,destination,trunk_group,carrier,sip_code,q850_cause,pdd_ms,answer_at_utc,end_at_utc,billsec,mos\r\n1,x,2026-04-01T12:00:00.000Z,inbound,\'+14155550100,\'+12145550199,US,,,200,,,2026-04-01T12:00:02.000Z,2026-04-01T12:01:02.000Z,60,4.30\r\n';
    const asPortal = await quote(multipart([file(portal)]));
    expect(asPortal.status, asPortal.text).toBe(200);
    expect(asPortal.body.lines).toEqual([expect.objectContaining({ kind: 'origination', destination: 'United States - DID', billedSeconds: 60, amount: '0.00' })]);
  });

  it('answers precise 400s for bad files and forms, on the field they are about', async () => {
    const expectFile = async (body: Uint8Array, code: string, message: RegExp) => {
      const answer = await quote(body);
      expect([answer.status, answer.body.error.code], answer.text).toEqual([400, code]);
      expect(answer.body.error.message).toMatch(message);
      expect(answer.body.error.fields.file).toBeDefined();
      return answer;
    };
    await expectFile(multipart([{ name: 'at', value: '2026-01-01T00:00:00Z' }]), 'invalid:form', /Attach the CDR CSV in the field `file`/);
    await expectFile(multipart([file('')]), 'invalid:file', /^The file is empty\.$/);
    await expectFile(multipart([file(encoder.encode('%PDF-1.7\n%âãÏÓ\n1 0 obj'), 'cdr.pdf')]), 'invalid:file', /not a CSV: it is a PDF document/);
    await expectFile(multipart([file(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 6, 0, 8, 0]), 'cdr.xlsx')]), 'invalid:file', /zip archive \(an Excel \.xlsx workbook is one\)/);
    await expectFile(multipart([file(new Uint8Array([...encoder.encode('to,duration\n+442079460000,61\n'), 0, 1, 2]))]), 'invalid:file', /NUL byte \(at byte 30\)/);
    await expectFile(multipart([file('to,duration\r\n')]), 'invalid:file', /header but no calls/);
    const columns = await expectFile(multipart([file('Caller,Callee Phone,Talk Time\n1001,+442079460000,61\n')]), 'invalid:columns', /Columns found: "Caller", "Callee Phone", "Talk Time"\. Send to_column and duration_column/);
    expect(Object.keys(columns.body.error.fields).sort()).toEqual(['duration_column', 'file', 'to_column']);

    const late = await quote(multipart([file('to,duration\n+442079460000,61\n'), { name: 'to_column', value: 'to' }]));
    expect([late.status, late.body.error.fields.to_column[0]]).toEqual([400, 'to_column came after the file: send the other fields before `file` (with curl, put -F file=@cdr.csv last).']);
    const unknown = await quote(multipart([{ name: 'colour', value: 'red' }, file('to,duration\n+442079460000,61\n')]));
    expect([unknown.status, unknown.body.error.fields.colour[0]]).toEqual([400, 'Unknown form field "colour": the fields are file, to_column, duration_column, start_column, answered_column, at.']);
    const otherFile = await quote(multipart([{ name: 'cdr', filename: 'cdr.csv', content: 'to,duration\n' }]));
    expect([otherFile.status, otherFile.body.error.fields.cdr[0]]).toEqual([400, 'Unknown file field "cdr": send the CSV in the field `file`.']);
    const cut = await quote(encoder.encode(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nto,duration\n+44207946`));
    expect([cut.status, cut.body.error.code]).toEqual([400, 'invalid:form']);
    expect(cut.body.error.message).toMatch(/cut off or malformed/);

    const notMultipart = await quote(encoder.encode('to,duration\n+442079460000,61\n'), { contentType: 'text/csv' });
    expect([notMultipart.status, notMultipart.body.error.code]).toEqual([415, 'unsupported_media_type:body']);
    expect(notMultipart.body.error.message).toMatch(/multipart\/form-data.*`file`/);
  });

  /** A multipart upload whose file is `fileBytes` long, made only as the reader asks for it (never whole in memory). */
  function generatedUpload(fileBytes: number) {
    const head = encoder.encode(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n`);
    const tail = encoder.encode(`\r\n--${BOUNDARY}--\r\n`);
    const header = 'to,duration,note\n';
    const row = (length: number) => `+442079460000,61,${'x'.repeat(length - 18)}\n`;
    const state = { fileProduced: 0, tailPulled: false, cancelled: false, pulls: 0 };
    let rowsLeft = fileBytes - header.length;
    let started = false;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          state.pulls++;
          if (!started) {
            started = true;
            controller.enqueue(head);
            return;
          }
          if (state.fileProduced === 0) {
            state.fileProduced += header.length;
            controller.enqueue(encoder.encode(header));
            return;
          }
          if (rowsLeft === 0) {
            state.tailPulled = true;
            controller.enqueue(tail);
            controller.close();
            return;
          }
          let chunk = '';
          while (rowsLeft > 0 && chunk.length < 64 * 1024) {
            const length = rowsLeft >= 2048 ? 1024 : rowsLeft;
            chunk += row(length);
            rowsLeft -= length;
          }
          state.fileProduced += chunk.length;
          controller.enqueue(encoder.encode(chunk));
        },
        cancel() {
          state.cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    return { stream, state };
  }

  it(`reads a file of exactly ${CDR_FILE_MAX_BYTES / 1024 / 1024} MB as it streams, and refuses one byte more with 413 before its end`, async () => {
    const exact = generatedUpload(CDR_FILE_MAX_BYTES);
    const accepted = await quote(exact.stream);
    expect(accepted.status, accepted.text.slice(0, 300)).toBe(200);
    expect(exact.state.fileProduced).toBe(CDR_FILE_MAX_BYTES);
    expect(accepted.body.lines).toEqual([expect.objectContaining({ destination: 'United Kingdom - London', calls: accepted.body.rowsRead })]);

    const over = generatedUpload(CDR_FILE_MAX_BYTES + 1);
    const refused = await quote(over.stream);
    expect([refused.status, refused.body.error.code]).toEqual([413, 'too_large:file']);
    expect(refused.body.error.message).toBe('The file is larger than 50 MB (52,428,800 bytes), the most a quote reads; nothing past that was read. Split the file (by day, say) and quote each part.');
    expect(refused.body.error.fields).toEqual({ file: ['Larger than 50 MB.'] });
    expect(over.state.tailPulled, 'the end of the upload was never asked for').toBe(false);
    expect(over.state.cancelled, 'the upload was stopped, not drained').toBe(true);
  }, 180_000);

  it('stops reading a much larger upload at the limit instead of draining it', async () => {
    const huge = generatedUpload(4 * CDR_FILE_MAX_BYTES);
    const refused = await quote(huge.stream);
    expect(refused.status).toBe(413);
    expect(huge.state.cancelled).toBe(true);
    expect(huge.state.fileProduced, 'read up to the limit and a chunk or two past it, no further').toBeLessThan(CDR_FILE_MAX_BYTES + 4 * 64 * 1024);
  }, 180_000);

  it('stops at a file it cannot read without reading the rest of the upload', async () => {
    const head = multipart([file('Caller,Callee,Talk Time\n')]).slice(0, -(`\r\n--${BOUNDARY}--\r\n`.length));
    let pulls = 0;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls++;
          controller.enqueue(pulls === 1 ? head : encoder.encode(`1001,+442079460000,61\n`.repeat(2000)));
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    const answer = await quote(stream);
    expect([answer.status, answer.body.error.code]).toEqual([400, 'invalid:columns']);
    expect(cancelled).toBe(true);
    expect(pulls).toBeLessThan(5);
  });

  it('refuses technical and viewer keys (no money for them), lets finance quote, and keeps every tenant on its own deck', async () => {
    const body = multipart([file('to,duration\n+442079460000,61\n')]);
    for (const role of ['technical', 'viewer'] as const) {
      const refused = await quote(body, { key: keys[role] });
      expect([refused.status, refused.body.error.code], role).toEqual([403, 'forbidden:role']);
      expect(refused.text).not.toMatch(/0\.01|Acme quote deck/);
    }
    const finance = await quote(body, { key: keys.finance });
    expect([finance.status, finance.body.deck.name]).toEqual([200, 'Acme quote deck']);

    // A sub-account without a deck of its own inherits Acme's.
    const east = await quote(body, { query: `?accountId=${tenants.east.id}` });
    expect([east.status, east.body.deck.name, east.body.account.id]).toEqual([200, 'Acme quote deck', tenants.east.id]);

    const globex = await quote(body, { key: keys.globex });
    // $9.99 a minute, 60/60: 61 s bill 120 s.
    expect([globex.status, globex.body.deck.name, globex.body.total]).toEqual([200, 'Globex quote deck', '19.98']);
    for (const accountId of [tenants.acme.id, tenants.east.id]) {
      const across = await quote(body, { key: keys.globex, query: `?accountId=${accountId}` });
      expect([across.status, across.body.error.code]).toEqual([404, 'not_found:account']);
    }
    const acmeIntoGlobex = await quote(body, { query: `?accountId=${tenants.globex.id}` });
    expect([acmeIntoGlobex.status, acmeIntoGlobex.body.error.code]).toEqual([404, 'not_found:account']);

    const anonymous = await quote(body, { key: null });
    expect(anonymous.status).toBe(401);
  });

  it('answers 422 when no deck prices the account, without reading the upload', async () => {
    const defaults = await test.db.select({ id: rateDecks.id }).from(rateDecks).where(eq(rateDecks.isDefault, true));
    await test.db.update(rateDecks).set({ isDefault: false });
    try {
      // A new customer nobody has assigned a deck to, with no default deck to fall back on.
      const id = randomUUID();
      await test.db.insert(accounts).values({ id, name: 'Initech', billingAccountId: id, path: `/${id}/`, depth: 0 });
      await test.db.insert(memberships).values({ userId: (await sessionUser(test.db, 'owner@globex.example')).id, accountId: id, role: 'owner' });
      const initechKey = await createTestApiKey(test.db, { accountId: id, role: 'admin', createdBy: 'owner@globex.example' });
      let pulls = 0;
      const upload = new ReadableStream<Uint8Array>({ pull: (controller) => void (pulls++, controller.enqueue(multipart([file('to,duration\n+442079460000,61\n')]))) }, { highWaterMark: 0 });
      const none = await quote(upload, { key: initechKey });
      expect([none.status, none.body.error.code]).toEqual([422, 'unprocessable:rate_deck']);
      expect(pulls).toBe(0);
      expect(none.body.error.message).toMatch(/No rate deck prices the calls of Initech yet/);
    } finally {
      for (const { id } of defaults) await test.db.update(rateDecks).set({ isDefault: true }).where(eq(rateDecks.id, id));
    }
  });

  it('serves the portal’s page through a session: finance quotes, technical is refused; the page itself is for billing roles only', async () => {
    const body = multipart([file('to,duration\n+442079460000,61\n')]);
    const finance = await sessionUser(test.db, 'finance@acme.example');
    const tech = await sessionUser(test.db, 'tech@acme.example');
    const page = (await import('@/app/(portal)/billing/quote/page')).default;
    try {
      session.userId = finance.id;
      session.accountCookie = tenants.acme.id;
      const asFinance = await quote(body, { key: null, headers: { origin: 'http://portal.test' } });
      expect([asFinance.status, asFinance.body.deck.name]).toEqual([200, 'Acme quote deck']);
      const crossSite = await quote(body, { key: null, headers: { origin: 'https://evil.example' } });
      expect([crossSite.status, crossSite.body.error.code]).toEqual([403, 'forbidden:origin']);
      const rendered = textOf(await page());
      expect(rendered).toContain('Acme quote deck');

      session.userId = tech.id;
      const asTech = await quote(body, { key: null, headers: { origin: 'http://portal.test' } });
      expect([asTech.status, asTech.body.error.code]).toEqual([403, 'forbidden:role']);
      const refused = await page().then(
        () => 'rendered',
        (error: { digest?: string }) => String(error.digest),
      );
      expect(refused).toMatch(/;403$/);
    } finally {
      session.userId = undefined;
      session.accountCookie = undefined;
    }
  });

  it('runs without the proxy in front, which would buffer the upload and cut it at 10 MB', async () => {
    // Next's own compiler of proxy matchers (exported, not typed).
    const { getMiddlewareMatchers } = (await import('next/dist/build/analysis/get-page-static-info')) as unknown as { getMiddlewareMatchers: (matcher: unknown, config: object) => { regexp: string }[] };
    const [matcher] = getMiddlewareMatchers(proxyConfig.matcher, {});
    const proxied = new RegExp(matcher!.regexp);
    expect(proxied.test('/api/v1/quote')).toBe(false);
    expect(proxied.test('/api/v1/cdrs')).toBe(false);
    expect(proxied.test('/api/v1/numbers')).toBe(true);
    expect(proxied.test('/billing/quote')).toBe(true);
  });
});
