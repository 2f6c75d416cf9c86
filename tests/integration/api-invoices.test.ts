/**
 * GET /api/v1/invoices, /invoices/{id} (JSON, PDF or CSV by Accept) and /invoices/{id}/calls, and
 * the Billing pages' downloads (/billing/invoices/<id>/pdf, /csv, /calls): the billing account's
 * money roles get them, answers checked against the published document; technical and viewer keys,
 * a sub-account's key, another tenant's key and their signed-in users get exactly the 404 of an
 * invoice that does not exist.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getInvoice, getInvoiceCalls, listInvoices } from '@/lib/api/contracts/invoices';
import { invoices, users, type Invoice } from '@/lib/db/schema';
import { ingestCdrBatch, type CdrInput } from '@/lib/services/cdr-ingest';
import { issueInvoice } from '@/lib/services/invoice-issue';
import { generateDraftInvoice } from '@/lib/services/invoices';
import { monthOf } from '@/lib/validations/invoices';
import { fileDocumentStorage, getDocumentStorage, setDocumentStorage } from '@/lib/storage/documents';
import { GET as listRoute } from '@/app/api/v1/invoices/route';
import { GET as invoiceRoute } from '@/app/api/v1/invoices/[invoiceId]/route';
import { GET as callsRoute } from '@/app/api/v1/invoices/[invoiceId]/calls/route';
import { GET as pagePdf } from '@/app/(portal)/billing/invoices/[invoiceId]/pdf/route';
import { GET as pageCsv } from '@/app/(portal)/billing/invoices/[invoiceId]/csv/route';
import { GET as pageCalls } from '@/app/(portal)/billing/invoices/[invoiceId]/calls/route';
import { callApi, createTestApiKey, type TestApiKey } from '../support/api';
import { insertRateDeck } from '../support/billing';
import { useTestDatabase } from '../support/db';
import { seedRoleUsers, seedTwoTenants } from '../support/fixtures';
import { headersFromClient } from '../support/next-mocks';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** A raw answer (the PDF's bytes intact), with a key or the mocked session. */
async function fetchRoute(handler: Handler, url: string, { params = {}, key, accept }: { params?: Record<string, string>; key?: TestApiKey; accept?: string } = {}) {
  const headers = headersFromClient('198.51.100.7', accept ? { accept } : {});
  if (key) headers.set('authorization', `Bearer ${key.secret}`);
  const response = await handler(new Request(`http://portal.test${url}`, { headers }), { params: Promise.resolve(params) });
  return { status: response.status, headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) };
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('Invoices API and downloads', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let storageDir: string;
  let keys: Record<'admin' | 'technical' | 'finance' | 'viewer' | 'branchFinance' | 'acmeAdmin', TestApiKey>;
  let april: Invoice;
  let may: Invoice;

  const call = (accountId: string, to: string, minute: number, billsec: number): CdrInput => {
    const inviteAt = new Date(Date.UTC(2026, 3, 7, 9, minute));
    return { source: 'switch-api', sourceId: `api-${accountId}-${minute}`, accountId, direction: 'outbound', from: '+12125550100', to, inviteAt, answerAt: new Date(inviteAt.getTime() + 2000), endAt: new Date(inviteAt.getTime() + 2000 + billsec * 1000), billsec, sipCode: 200 };
  };

  beforeAll(async () => {
    storageDir = await mkdtemp(path.join(tmpdir(), 'cp-api-invoices-'));
    setDocumentStorage(fileDocumentStorage(storageDir));
    tenants = await seedTwoTenants(test.db);
    await seedRoleUsers(test.db, tenants.globex.id, 'globex.example');
    await insertRateDeck(test.db, {
      name: 'Globex deck',
      rates: [
        { prefix: '1', destination: 'US', rate: '0.0100' },
        { prefix: '52', destination: 'MX', rate: '0.0160' },
      ],
      assignTo: [tenants.globex.id],
    });
    const calls = [call(tenants.globex.id, '+14155551212', 0, 120), call(tenants.globex.id, '+14155551213', 5, 60), call(tenants.globex.id, '+14155551214', 9, 180), call(tenants.globexBranch.id, '+525555123456', 1, 300), call(tenants.globexBranch.id, '+525555123457', 2, 240)];
    const result = await ingestCdrBatch(test.db, calls.map((input, i) => ({ line: i + 1, input })));
    expect(result.rejected).toEqual([]);
    const { invoice } = await generateDraftInvoice(test.db, { billingAccountId: tenants.globex.id, month: '2026-04' });
    april = await issueInvoice(test.db, { invoiceId: invoice.id, now: new Date('2026-05-01T00:10:00Z') });
    may = (await generateDraftInvoice(test.db, { billingAccountId: tenants.globex.id, month: '2026-05' })).invoice;
    const key = (accountId: string, role: 'admin' | 'technical' | 'finance' | 'viewer', createdBy: string) => createTestApiKey(test.db, { accountId, role, createdBy });
    keys = {
      admin: await key(tenants.globex.id, 'admin', 'owner@globex.example'),
      technical: await key(tenants.globex.id, 'technical', 'owner@globex.example'),
      finance: await key(tenants.globex.id, 'finance', 'owner@globex.example'),
      viewer: await key(tenants.globex.id, 'viewer', 'owner@globex.example'),
      branchFinance: await key(tenants.globexBranch.id, 'finance', 'owner@globex.example'),
      acmeAdmin: await key(tenants.acme.id, 'admin', 'owner@acme.example'),
    };
  }, 120_000);

  afterAll(async () => {
    setDocumentStorage(undefined);
    await rm(storageDir, { recursive: true, force: true });
  });

  it('lists the billing account’s invoices with decimal totals and links, filtered by status', async () => {
    const answer = await callApi(listRoute, { url: '/api/v1/invoices', key: keys.finance, endpoint: listInvoices });
    expect(answer.status).toBe(200);
    expect(answer.body.nextCursor).toBeNull();
    expect(answer.body.data.map((invoice: { number: string }) => invoice.number)).toEqual([may.number, april.number]);
    const issued = answer.body.data[1];
    // US 6 min × $0.01 = $0.06; MX 9 min × $0.016 = $0.144 → $0.14.
    expect(issued).toMatchObject({
      id: april.id,
      status: 'issued',
      currency: 'USD',
      periodStart: '2026-04-01T00:00:00.000Z',
      periodEnd: '2026-05-01T00:00:00.000Z',
      totals: { subtotal: '0.20', discounts: '0.00', charges: '0.20', totalDue: '0.20' },
      links: { self: `/api/v1/invoices/${april.id}`, pdf: `/api/v1/invoices/${april.id}?format=pdf`, calls: `/api/v1/invoices/${april.id}/calls` },
    });
    const onlyIssued = await callApi(listRoute, { url: '/api/v1/invoices?status=issued', key: keys.admin, endpoint: listInvoices });
    expect(onlyIssued.body.data.map((invoice: { id: string }) => invoice.id)).toEqual([april.id]);
  });

  it('answers one invoice as JSON with a section per account, as PDF or CSV by Accept, named by its number', async () => {
    const json = await callApi(invoiceRoute, { url: `/api/v1/invoices/${april.id}`, params: { invoiceId: april.id }, key: keys.finance, endpoint: getInvoice });
    expect(json.status).toBe(200);
    expect(json.body.billingAccount).toEqual({ id: tenants.globex.id, name: 'Globex' });
    expect(json.body.sections.map((section: { name: string; total: string }) => [section.name, section.total])).toEqual([
      ['Globex', '0.06'],
      ['Globex Branch', '0.14'],
    ]);
    const mx = json.body.sections[1].lines[0];
    expect(mx).toMatchObject({ kind: 'termination', description: 'MX termination', quantity: '9.0000', unit: 'min', unitPrice: '0.016000', amount: '0.14', calls: 2 });
    expect(mx.links.calls).toBe(`/api/v1/invoices/${april.id}/calls?line=${mx.id}`);

    const [row] = await test.db.select().from(invoices).where(eq(invoices.id, april.id));
    const stored = await getDocumentStorage().get(row!.pdfStorageKey!);
    for (const request of [{ accept: 'application/pdf', url: `/api/v1/invoices/${april.id}` }, { accept: undefined, url: `/api/v1/invoices/${april.id}?format=pdf` }]) {
      const pdf = await fetchRoute(invoiceRoute as Handler, request.url, { params: { invoiceId: april.id }, key: keys.finance, accept: request.accept });
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(pdf.headers.get('content-disposition')).toBe(`attachment; filename="${april.number}.pdf"`);
      expect(Buffer.from(pdf.bytes).equals(stored!.bytes)).toBe(true);
    }

    const csv = await callApi(invoiceRoute, { url: `/api/v1/invoices/${april.id}`, params: { invoiceId: april.id }, key: keys.admin, headers: { accept: 'text/csv' }, endpoint: getInvoice });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="${april.number}.csv"`);
    expect(csv.text.split('\r\n')[0]).toBe('invoice_number,section_account,section_account_id,kind,description,detail,destination,direction,quantity,unit,unit_price,calls,billed_seconds,base,percent,amount,currency');
    expect(csv.text).toContain(`${april.number},Globex Branch,${tenants.globexBranch.id},termination,MX termination,,MX,outbound,9.0000,min,0.016000,2,540,,,0.14,USD`);

    // A draft is rendered on the fly.
    const draft = await fetchRoute(invoiceRoute as Handler, `/api/v1/invoices/${may.id}`, { params: { invoiceId: may.id }, key: keys.finance, accept: 'application/pdf' });
    expect(text(draft.bytes.subarray(0, 5))).toBe('%PDF-');
  });

  it('streams the rated calls as CSV, all of them or one usage line’s', async () => {
    const all = await callApi(callsRoute, { url: `/api/v1/invoices/${april.id}/calls`, params: { invoiceId: april.id }, key: keys.finance, endpoint: getInvoiceCalls });
    expect(all.status).toBe(200);
    expect(all.headers.get('content-disposition')).toBe(`attachment; filename="${april.number}-calls.csv"`);
    const rows = all.text.trimEnd().split('\r\n');
    expect(rows).toHaveLength(6);
    expect(rows[0]).not.toMatch(/cost/i);
    const json = await callApi(invoiceRoute, { url: `/api/v1/invoices/${april.id}`, params: { invoiceId: april.id }, key: keys.finance });
    const mx = json.body.sections[1].lines[0];
    const one = await callApi(callsRoute, { url: `/api/v1/invoices/${april.id}/calls?line=${mx.id}`, params: { invoiceId: april.id }, key: keys.finance, endpoint: getInvoiceCalls });
    const mxRows = one.text.trimEnd().split('\r\n').slice(1);
    expect(mxRows).toHaveLength(2);
    expect(mxRows.every((line) => line.includes(',Globex Branch,') && line.includes(',MX,'))).toBe(true);
    const otherLine = await callApi(callsRoute, { url: `/api/v1/invoices/${april.id}/calls?line=${randomUUID()}`, params: { invoiceId: april.id }, key: keys.finance, endpoint: getInvoiceCalls });
    expect([otherLine.status, otherLine.body.error.code]).toEqual([404, 'not_found:invoice_line']);
  });

  it('links the late-calls line to the calls it bills, lists them in the whole calls CSV of the invoice that bills them, and not in their own month’s', async () => {
    // An April call stored now, after April's invoice was issued: billed on this month's invoice.
    const late = { ...call(tenants.globexBranch.id, '+525555123458', 30, 60), sourceId: 'api-late-april-call' };
    expect((await ingestCdrBatch(test.db, [{ line: 1, input: late }])).rejected).toEqual([]);
    const current = (await generateDraftInvoice(test.db, { billingAccountId: tenants.globex.id, month: monthOf(new Date()) })).invoice;
    const json = await callApi(invoiceRoute, { url: `/api/v1/invoices/${current.id}`, params: { invoiceId: current.id }, key: keys.finance, endpoint: getInvoice });
    const branch = json.body.sections.find((section: { name: string }) => section.name === 'Globex Branch');
    const lateLine = branch.lines.find((line: { description: string }) => line.description === 'Calls from earlier periods received late · termination');
    expect(lateLine).toMatchObject({ calls: 1, amount: '0.02', links: { calls: `/api/v1/invoices/${current.id}/calls?line=${lateLine.id}` } });
    // The called number's column, its formula guard taken off.
    const calledNumbers = (csv: string) => csv.trimEnd().split('\r\n').slice(1).map((row) => row.split(',')[6]!.replace(/^'/, ''));
    const lineCalls = await callApi(callsRoute, { url: lateLine.links.calls, params: { invoiceId: current.id }, key: keys.finance, endpoint: getInvoiceCalls });
    expect(lineCalls.status).toBe(200);
    expect(calledNumbers(lineCalls.text)).toEqual(['+525555123458']);
    const all = await callApi(callsRoute, { url: `/api/v1/invoices/${current.id}/calls`, params: { invoiceId: current.id }, key: keys.finance, endpoint: getInvoiceCalls });
    expect(calledNumbers(all.text)).toEqual(['+525555123458']);
    const aprilCalls = await callApi(callsRoute, { url: `/api/v1/invoices/${april.id}/calls`, params: { invoiceId: april.id }, key: keys.finance, endpoint: getInvoiceCalls });
    expect(calledNumbers(aprilCalls.text)).toHaveLength(5);
    expect(calledNumbers(aprilCalls.text)).not.toContain('+525555123458');
  });

  it('answers technical and viewer keys, a sub-account’s finance key and another tenant’s key exactly as for an invoice that does not exist', async () => {
    const nowhere = randomUUID();
    const probes = (invoiceId: string) => [
      { handler: invoiceRoute, url: `/api/v1/invoices/${invoiceId}`, params: { invoiceId }, endpoint: getInvoice, accept: undefined },
      { handler: invoiceRoute, url: `/api/v1/invoices/${invoiceId}`, params: { invoiceId }, endpoint: getInvoice, accept: 'application/pdf' },
      { handler: invoiceRoute, url: `/api/v1/invoices/${invoiceId}?format=csv`, params: { invoiceId }, endpoint: getInvoice, accept: undefined },
      { handler: callsRoute, url: `/api/v1/invoices/${invoiceId}/calls`, params: { invoiceId }, endpoint: getInvoiceCalls, accept: undefined },
    ];
    for (const name of ['technical', 'viewer', 'branchFinance', 'acmeAdmin'] as const) {
      const key = keys[name];
      const real = probes(april.id);
      const missing = probes(nowhere);
      for (let i = 0; i < real.length; i++) {
        const { handler, url, params, endpoint, accept } = real[i]!;
        const answer = await callApi(handler, { url, params, key, endpoint, headers: accept ? { accept } : {} });
        const nothing = await callApi(missing[i]!.handler, { url: missing[i]!.url, params: missing[i]!.params, key, endpoint, headers: accept ? { accept } : {} });
        expect([answer.status, answer.body?.error?.code], `${name} ${url} ${accept ?? ''}`).toEqual([404, 'not_found:invoice']);
        expect([nothing.status, nothing.body?.error?.code]).toEqual([404, 'not_found:invoice']);
        expect(answer.text).not.toContain(april.number);
      }
    }
    for (const name of ['technical', 'viewer', 'branchFinance'] as const) {
      const list = await callApi(listRoute, { url: '/api/v1/invoices', key: keys[name], endpoint: listInvoices });
      expect([list.status, list.body.error.code], name).toEqual([404, 'not_found:invoice']);
    }
    const acmeList = await callApi(listRoute, { url: '/api/v1/invoices', key: keys.acmeAdmin, endpoint: listInvoices });
    expect(acmeList.status).toBe(200);
    expect(acmeList.text).not.toContain(april.id);
    const named = await callApi(listRoute, { url: `/api/v1/invoices?accountId=${tenants.globex.id}`, key: keys.acmeAdmin, endpoint: listInvoices });
    expect([named.status, named.body.error.code]).toEqual([404, 'not_found:account']);
  });

  describe('the Billing pages’ downloads', () => {
    const signIn = async (email: string, accountCookie?: string) => {
      const [user] = await test.db.select().from(users).where(eq(users.email, email));
      session.userId = user!.id;
      session.accountCookie = accountCookie;
    };
    const pages = (invoiceId: string) => [
      { handler: pagePdf, url: `/billing/invoices/${invoiceId}/pdf`, type: 'application/pdf', file: `${april.number}.pdf` },
      { handler: pageCsv, url: `/billing/invoices/${invoiceId}/csv`, type: 'text/csv; charset=utf-8', file: `${april.number}.csv` },
      { handler: pageCalls, url: `/billing/invoices/${invoiceId}/calls`, type: 'text/csv; charset=utf-8', file: `${april.number}-calls.csv` },
    ];

    it('serve the billing account’s owner, finance user and operator staff', async () => {
      for (const [email, cookie] of [
        ['finance@globex.example', tenants.globex.id],
        ['owner@globex.example', tenants.globexBranch.id],
        ['staff@carrier.example', undefined],
      ] as const) {
        await signIn(email, cookie);
        for (const page of pages(april.id)) {
          const answer = await fetchRoute(page.handler as Handler, page.url, { params: { invoiceId: april.id } });
          expect(answer.status, `${email} ${page.url}: ${text(answer.bytes).slice(0, 200)}`).toBe(200);
          expect(answer.headers.get('content-type')).toBe(page.type);
          expect(answer.headers.get('content-disposition')).toBe(`attachment; filename="${page.file}"`);
        }
      }
      await signIn('finance@globex.example', tenants.globex.id);
      const line = (await callApi(invoiceRoute, { url: `/api/v1/invoices/${april.id}`, params: { invoiceId: april.id }, key: keys.finance })).body.sections[0].lines[0];
      const one = await fetchRoute(pageCalls as Handler, `/billing/invoices/${april.id}/calls?line=${line.id}`, { params: { invoiceId: april.id } });
      expect(text(one.bytes).trimEnd().split('\r\n')).toHaveLength(4);
      session.userId = undefined;
    });

    it('answer technical, viewer, another tenant and the signed-out as for an invoice that does not exist', async () => {
      session.userId = undefined;
      for (const page of pages(april.id)) expect((await fetchRoute(page.handler as Handler, page.url, { params: { invoiceId: april.id } })).status).toBe(401);
      for (const [email, cookie] of [
        ['technical@globex.example', tenants.globex.id],
        ['viewer@globex.example', tenants.globex.id],
        ['owner@acme.example', tenants.acme.id],
        ['finance@acme.example', tenants.acme.id],
      ] as const) {
        await signIn(email, cookie);
        for (const page of [...pages(april.id), ...pages(randomUUID()), ...pages('not-an-id')]) {
          const answer = await fetchRoute(page.handler as Handler, page.url, { params: { invoiceId: page.url.split('/')[3]! } });
          expect([answer.status, JSON.parse(text(answer.bytes)).error.code], `${email} ${page.url}`).toEqual([404, 'not_found:invoice']);
        }
      }
      session.userId = undefined;
    });
  });
});
