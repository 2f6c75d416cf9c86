/**
 * /api/v1/ports over real API keys and the VoiceTel and VITCOM sandboxes: a draft made and filled
 * in step by step (bad input refused with nothing written), portability asked of the sandboxes,
 * documents uploaded as multipart and judged by content (real malicious files), the readiness check,
 * submission under an Idempotency-Key (a replay orders nothing upstream), comments, cancellation,
 * keyset paging past the old 200-port cap, and every endpoint as another tenant, a viewer and finance.
 */
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Endpoint } from '@/lib/api/contract';
import * as portsApi from '@/lib/api/contracts/ports';
import { portInDocuments, portInEvents, portInNumbers, portIns, providerConnections } from '@/lib/db/schema';
import { usFederalHolidays } from '@/lib/billing/business-days';
import { earliestFocDate, minFocBusinessDays } from '@/lib/ports/foc-date';
import { addStaffPortComment } from '@/lib/services/staff-port-ins';
import { voicetelDemoCredentials } from '@/sandbox/voicetel';
import { callApi, createTestApiKey, type ApiAnswer, type TestApiKey } from '../support/api';
import { liftRateLimits } from '../support/api-operations';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants, sessionUser } from '../support/fixtures';
import { pdfWithJavaScript, jpegPdfPolyglot, oneByteOverLimit, pngDecompressionBomb, validPdf, validPng, type UploadFile } from '../support/malicious-files';
import { headersFromClient } from '../support/next-mocks';
import { expectConformsToSpec } from '../support/openapi';
import { seedReadyPort } from '../support/port-fixtures';
import { portableNumbers, useTempDocumentStorage } from '../support/port-ins';
import { useSandboxes } from '../support/sandboxes';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));

const CARRIER_NAMES = /voicetel|vitcom|carrierx|voicemeup/i;
const SUBSCRIBER = { subscriberType: 'business', subscriberName: 'Acme East LLC', authorizedPerson: 'Jane Doe', accountNumber: '5550001234', serviceAddress: { street: '100 Congress Ave', city: 'Austin', state: 'TX', postalCode: '78701' } };
const PIN = '73915';

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

describe('API: port-ins', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  const numbers = portableNumbers();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const keys = {} as Record<'admin' | 'technical' | 'viewer' | 'finance' | 'globex' | 'east' | 'west', TestApiKey>;
  let routes: {
    ports: typeof import('@/app/api/v1/ports/route');
    port: typeof import('@/app/api/v1/ports/[portId]/route');
    portability: typeof import('@/app/api/v1/ports/[portId]/portability/route');
    readiness: typeof import('@/app/api/v1/ports/[portId]/readiness/route');
    submit: typeof import('@/app/api/v1/ports/[portId]/submit/route');
    cancel: typeof import('@/app/api/v1/ports/[portId]/cancel/route');
    comments: typeof import('@/app/api/v1/ports/[portId]/comments/route');
    documents: typeof import('@/app/api/v1/ports/[portId]/documents/route');
    document: typeof import('@/app/api/v1/ports/[portId]/documents/[documentId]/route');
  };

  const portsOf = async (accountId: string) => test.db.select().from(portIns).where(eq(portIns.accountId, accountId));
  const portRow = async (portInId: string) => (await test.db.select().from(portIns).where(eq(portIns.id, portInId)))[0]!;

  /** A multipart upload as a browser or curl sends it: `kind`, then the file under its declared name and type. */
  async function upload(portId: string, key: TestApiKey, kind: string, file: UploadFile): Promise<ApiAnswer> {
    const form = new FormData();
    form.append('kind', kind);
    form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.declaredType }), file.name);
    const headers = headersFromClient('198.51.100.7');
    headers.set('authorization', `Bearer ${key.secret}`);
    const response = await routes.documents.POST(new Request(`http://portal.test/api/v1/ports/${portId}/documents`, { method: 'POST', headers, body: form }), { params: Promise.resolve({ portId }) });
    const text = await response.text();
    const answer = { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined, text };
    expectConformsToSpec(portsApi.uploadPortDocumentEndpoint, answer);
    return answer;
  }

  /** The raw answer of a download (the document's bytes intact). */
  async function download(portId: string, documentId: string, key: TestApiKey) {
    const headers = headersFromClient('198.51.100.7');
    headers.set('authorization', `Bearer ${key.secret}`);
    const response = await routes.document.GET(new Request(`http://portal.test/api/v1/ports/${portId}/documents/${documentId}`, { headers }), { params: Promise.resolve({ portId, documentId }) });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  /** How many port orders the VoiceTel sandbox holds, asked over its own API. */
  let voicetelKey: string | undefined;
  async function voicetelPortOrders(): Promise<number> {
    const base = sandboxes.get('voicetel').url;
    if (!voicetelKey) {
      const login = await fetch(`${base}/v2.2/account/api-key`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(voicetelDemoCredentials) });
      voicetelKey = ((await login.json()) as { data: { apikey: string } }).data.apikey;
    }
    const list = await fetch(`${base}/v2.2/ports`, { headers: { authorization: `Bearer ${voicetelKey}` } });
    return ((await list.json()) as { data: { ports: unknown[] } }).data.ports.length;
  }

  const get = (portId: string, key: TestApiKey) => callApi(routes.port.GET, { url: `/api/v1/ports/${portId}`, params: { portId }, key, endpoint: portsApi.getPort });
  const patch = (portId: string, key: TestApiKey, json: unknown) => callApi(routes.port.PATCH, { method: 'PATCH', url: `/api/v1/ports/${portId}`, params: { portId }, key, json, endpoint: portsApi.updatePort });

  beforeAll(async () => {
    liftRateLimits();
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
    useTempDocumentStorage();
    for (const role of ['admin', 'technical', 'viewer', 'finance'] as const) keys[role] = await createTestApiKey(test.db, { accountId: tenants.acme.id, role, createdBy: 'owner@acme.example', name: `Acme ${role} key` });
    keys.globex = await createTestApiKey(test.db, { accountId: tenants.globex.id, role: 'admin', createdBy: 'owner@globex.example' });
    keys.east = await createTestApiKey(test.db, { accountId: tenants.east.id, role: 'admin', createdBy: 'owner@acme.example' });
    keys.west = await createTestApiKey(test.db, { accountId: tenants.west.id, role: 'technical', createdBy: 'owner@acme.example' });
    routes = {
      ports: await import('@/app/api/v1/ports/route'),
      port: await import('@/app/api/v1/ports/[portId]/route'),
      portability: await import('@/app/api/v1/ports/[portId]/portability/route'),
      readiness: await import('@/app/api/v1/ports/[portId]/readiness/route'),
      submit: await import('@/app/api/v1/ports/[portId]/submit/route'),
      cancel: await import('@/app/api/v1/ports/[portId]/cancel/route'),
      comments: await import('@/app/api/v1/ports/[portId]/comments/route'),
      documents: await import('@/app/api/v1/ports/[portId]/documents/route'),
      document: await import('@/app/api/v1/ports/[portId]/documents/[documentId]/route'),
    };
  });

  describe('a port from draft to submitted, step by step', () => {
    let portId: string;
    let e164s: string[];
    let loaBytes: Buffer;
    let loaId: string;

    it('refuses a list with lines that are not numbers, naming each line, and creates no draft', async () => {
      const before = await portsOf(tenants.acme.id);
      const bad = await callApi(routes.ports.POST, {
        method: 'POST',
        url: '/api/v1/ports',
        key: keys.technical,
        json: { label: 'Bad list', numbers: '+15128200000\nnot a number\n+44 20 7946 0958' },
        endpoint: portsApi.createPort,
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('invalid:port_in');
      expect(bad.body.error.message).toMatch(/no draft was created/);
      expect(bad.body.error.fields.numbers).toEqual([expect.stringMatching(/^line 2: “not a number” is not a valid phone number/), expect.stringMatching(/^line 3: .* is not a North American number/)]);
      const empty = await callApi(routes.ports.POST, { method: 'POST', url: '/api/v1/ports', key: keys.technical, json: { numbers: [] }, endpoint: portsApi.createPort });
      expect(empty.status).toBe(400);
      expect(empty.body.error.fields.numbers).toEqual(['List at least one number to port.']);
      const unknownField = await callApi(routes.ports.POST, { method: 'POST', url: '/api/v1/ports', key: keys.technical, json: { numbers: ['+15128200000'], pin: '1234' }, endpoint: portsApi.createPort });
      expect(unknownField.status).toBe(400);
      expect(await portsOf(tenants.acme.id)).toHaveLength(before.length);
    });

    it('creates a draft with its numbers normalised and de-duplicated, made by the key', async () => {
      e164s = numbers(3);
      const national = e164s.map((e164) => `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`);
      const created = await callApi(routes.ports.POST, { method: 'POST', url: '/api/v1/ports', key: keys.technical, json: { label: 'Head office', numbers: [...national, e164s[0]] }, endpoint: portsApi.createPort });
      expect(created.status).toBe(201);
      portId = created.body.id;
      expect(created.body).toMatchObject({ label: 'Head office', status: 'draft', step: 'portability', numberCount: 3, canEdit: true, pinProvided: false, account: { id: tenants.acme.id } });
      expect(created.body.reference).toMatch(/^PRT-\w{6}$/);
      expect(created.body.numbers.map((number: { e164: string }) => number.e164)).toEqual([...e164s].sort());
      expect(created.body.events.map((event: { kind: string; actor: string }) => [event.kind, event.actor])).toEqual([
        ['created', 'API key'],
        ['numbers', 'API key'],
      ]);
    });

    it('saves the subscriber with a PIN that no answer ever contains; a later PATCH merges with what is saved', async () => {
      const saved = await patch(portId, keys.technical, { ...SUBSCRIBER, pin: PIN });
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({ subscriberName: 'Acme East LLC', authorizedPerson: 'Jane Doe', accountNumber: '5550001234', pinProvided: true, step: 'documents' });
      expect(saved.body.serviceAddress).toMatchObject({ street: expect.stringMatching(/^100 Congress Ave/i), city: 'AUSTIN', state: 'TX', postalCode: '78701', country: 'US' });
      expect(saved.text).not.toContain(PIN);
      expect(JSON.stringify(saved.body)).not.toMatch(/"pin"/);

      const merged = await patch(portId, keys.technical, { authorizedPerson: 'Jane Q. Doe' });
      expect(merged.status).toBe(200);
      expect(merged.body).toMatchObject({ authorizedPerson: 'Jane Q. Doe', subscriberName: 'Acme East LLC', accountNumber: '5550001234', pinProvided: true });
      const restored = await patch(portId, keys.technical, { authorizedPerson: 'Jane Doe' });
      expect(restored.body.authorizedPerson).toBe('Jane Doe');

      const badBtn = await patch(portId, keys.technical, { billingTelephoneNumber: 'call me' });
      expect(badBtn.status).toBe(400);
      expect(Object.keys(badBtn.body.error.fields)).toEqual(['billingTelephoneNumber']);
      const read = await get(portId, keys.viewer);
      expect(read.status).toBe(200);
      expect(read.text).not.toContain(PIN);
      expect(read.body.billingTelephoneNumber).toBeNull();
    });

    it('refuses a FOC date on a federal holiday with a message naming it, and saves nothing', async () => {
      const thanksgiving = usFederalHolidays(new Date().getUTCFullYear() + 1).find((holiday) => holiday.name === 'Thanksgiving Day')!;
      const refused = await patch(portId, keys.technical, { requestedFocDate: thanksgiving.date });
      expect(refused.status).toBe(400);
      expect(refused.body.error.fields.requestedFocDate).toEqual([expect.stringContaining(`${thanksgiving.date} is Thanksgiving Day, a US federal holiday`)]);
      expect((await portRow(portId)).requestedFocDate).toBeNull();
      const saturday = (() => {
        const day = new Date(Date.now() + 30 * 86_400_000);
        day.setUTCDate(day.getUTCDate() + ((6 - day.getUTCDay() + 7) % 7));
        return day.toISOString().slice(0, 10);
      })();
      const weekend = await patch(portId, keys.technical, { requestedFocDate: saturday });
      expect(weekend.status).toBe(400);
      expect(weekend.body.error.fields.requestedFocDate[0]).toContain('is a Saturday');
      const notOurs = await patch(portId, keys.technical, { trunkGroupId: '00000000-0000-4000-8000-000000000000', requestedFocDate: earliestFocDate(new Date(), 10) });
      // Another account's group, like any id that is not this account's: not found.
      expect(notOurs.status).toBe(404);
      expect(notOurs.body.error.fields.trunkGroupId).toEqual(['Choose one of this account’s trunk groups.']);

      const focDate = earliestFocDate(new Date(), minFocBusinessDays('local', false));
      const saved = await patch(portId, keys.technical, { requestedFocDate: focDate });
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({ requestedFocDate: focDate, step: 'review', trunkGroupId: null });
    });

    it('checks portability with the sandboxes and names them to the customer only as carriers', async () => {
      const checked = await callApi(routes.portability.POST, { method: 'POST', url: `/api/v1/ports/${portId}/portability`, params: { portId }, key: keys.technical, endpoint: portsApi.checkPortPortabilityEndpoint });
      expect(checked.status).toBe(200);
      expect(checked.body).toMatchObject({ checked: 3, portable: 3, unavailable: [] });
      expect(checked.body.port.candidates.length).toBeGreaterThanOrEqual(2);
      expect(checked.body.port.candidates.every((candidate: { label: string }) => /^Carrier \d$/.test(candidate.label))).toBe(true);
      expect(checked.body.port.numbers.every((number: { portable: boolean | null }) => number.portable !== null)).toBe(true);
      expect(checked.text).not.toMatch(CARRIER_NAMES);

      const [voicetel] = await test.db.select().from(providerConnections).where(eq(providerConnections.provider, 'voicetel'));
      const chosen = await patch(portId, keys.technical, { connectionId: voicetel!.id });
      expect(chosen.status).toBe(200);
      expect(chosen.body.winningCarrier.connectionId).toBe(voicetel!.id);
      expect(chosen.body.numbers.every((number: { portable: boolean }) => number.portable)).toBe(true);
      expect(chosen.text).not.toMatch(CARRIER_NAMES);
      const stranger = await patch(portId, keys.technical, { connectionId: '00000000-0000-4000-8000-000000000000' });
      expect(stranger.status).toBe(400);
      expect(stranger.body.error.fields.connectionId[0]).toMatch(/has not checked these numbers/);
    });

    it('says what blocks submission, and refuses to submit with 422 listing the fixes', async () => {
      const readiness = await callApi(routes.readiness.GET, { url: `/api/v1/ports/${portId}/readiness`, params: { portId }, key: keys.viewer, endpoint: portsApi.getPortReadinessEndpoint });
      expect(readiness.status).toBe(200);
      expect(readiness.body.ready).toBe(false);
      const failing = readiness.body.findings.filter((finding: { ok: boolean }) => !finding.ok).map((finding: { rule: string }) => finding.rule);
      expect(failing).toEqual(expect.arrayContaining(['loa_signed', 'bill_present']));
      for (const finding of readiness.body.findings) {
        if (finding.ok) expect(finding.fix, finding.rule).toBeNull();
        else expect(finding.fix, finding.rule).toMatch(/\w+/);
      }

      const orders = await voicetelPortOrders();
      const early = await callApi(routes.submit.POST, { method: 'POST', url: `/api/v1/ports/${portId}/submit`, params: { portId }, key: keys.technical, endpoint: portsApi.submitPort });
      expect(early.status).toBe(422);
      expect(early.body.error.code).toBe('unprocessable:port_not_ready');
      expect(early.body.error.message).toMatch(/^Not ready to submit: .*LOA/);
      expect((await portRow(portId)).status).toBe('draft');
      expect(await voicetelPortOrders()).toBe(orders);
    });

    it('names the winning carrier in the readiness check and the submit refusal only as "Carrier N", never by provider or connection name', async () => {
      const connectionNames = (await test.db.select({ name: providerConnections.name }).from(providerConnections)).map((row) => row.name);
      expect(connectionNames.length).toBeGreaterThan(0);
      const hidesCarriers = (text: string) => {
        expect(text).not.toMatch(CARRIER_NAMES);
        for (const name of connectionNames) expect(text.toLowerCase()).not.toContain(name.toLowerCase());
      };
      const readiness = await callApi(routes.readiness.GET, { url: `/api/v1/ports/${portId}/readiness`, params: { portId }, key: keys.viewer, endpoint: portsApi.getPortReadinessEndpoint });
      expect(readiness.status).toBe(200);
      hidesCarriers(JSON.stringify(readiness.body));
      const chosen = readiness.body.findings.find((finding: { rule: string }) => finding.rule === 'upstream_selected');
      expect(chosen.title).toMatch(/^Carrier \d will port the numbers in$/);
      // The same number as the port's own page gives the winning carrier.
      const label = (await get(portId, keys.viewer)).body.winningCarrier.label;
      expect(chosen.title).toBe(`${label} will port the numbers in`);

      // A rate centre the winning carrier cannot serve: its fix names the carrier in the 422.
      const [first] = await test.db.select().from(portInNumbers).where(eq(portInNumbers.portInId, portId));
      await test.db.update(portInNumbers).set({ rateCenterPortable: false, rateCenter: 'AUSTIN' }).where(eq(portInNumbers.id, first!.id));
      try {
        const refused = await callApi(routes.submit.POST, { method: 'POST', url: `/api/v1/ports/${portId}/submit`, params: { portId }, key: keys.technical, endpoint: portsApi.submitPort });
        expect(refused.status).toBe(422);
        expect(refused.body.error.message).toContain(`${label} has no coverage in AUSTIN`);
        hidesCarriers(JSON.stringify(refused.body));
        const blocked = await callApi(routes.readiness.GET, { url: `/api/v1/ports/${portId}/readiness`, params: { portId }, key: keys.viewer, endpoint: portsApi.getPortReadinessEndpoint });
        hidesCarriers(JSON.stringify(blocked.body));
      } finally {
        await test.db.update(portInNumbers).set({ rateCenterPortable: first!.rateCenterPortable, rateCenter: first!.rateCenter }).where(eq(portInNumbers.id, first!.id));
      }
    });

    it('stores an LOA and a bill that pass the checks (201) and gives back the stored bytes as an attachment', async () => {
      const loa = { ...(await validPdf(['Letter of authorization', 'Acme East LLC', 'Authorised: Jane Doe'])), name: 'LOA signed.PDF' };
      loaBytes = loa.bytes;
      const stored = await upload(portId, keys.technical, 'loa', loa);
      expect(stored.status).toBe(201);
      const document = stored.body.documents.find((entry: { kind: string }) => entry.kind === 'loa');
      expect(document).toMatchObject({ filename: 'LOA signed.pdf', contentType: 'application/pdf', sizeBytes: loa.bytes.byteLength, sha256: createHash('sha256').update(loa.bytes).digest('hex') });
      loaId = document.id;
      const bill = await upload(portId, keys.technical, 'bill', await validPdf(['Lakeside Telephone Company', 'Acme East LLC', 'Account number 5550001234', 'Service address: 100 Congress Ave, Austin, TX 78701']));
      expect(bill.status).toBe(201);
      expect(bill.body.documents.map((entry: { kind: string }) => entry.kind).sort()).toEqual(['bill', 'loa']);

      const file = await download(portId, loaId, keys.viewer);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('application/pdf');
      expect(file.headers.get('content-disposition')).toBe('attachment; filename="LOA signed.pdf"');
      expect(file.headers.get('x-content-type-options')).toBe('nosniff');
      expect(file.bytes.equals(loaBytes)).toBe(true);
      const missing = await download(portId, '00000000-0000-4000-8000-000000000000', keys.viewer);
      expect(missing.status).toBe(404);
    });

    it('refuses a PDF with JavaScript, a polyglot, a decompression bomb and a file one byte over 10 MB, storing nothing', async () => {
      const documentsBefore = await test.db.select().from(portInDocuments).where(eq(portInDocuments.portInId, portId));
      const script = await upload(portId, keys.technical, 'bill', await pdfWithJavaScript());
      expect(script.status).toBe(400);
      expect(script.body.error.fields.file).toEqual(['This PDF contains JavaScript, which we do not accept. Print it to a new PDF and upload that.']);
      expect(script.body.error.message).toMatch(/JavaScript/);
      const polyglot = await upload(portId, keys.technical, 'bill', await jpegPdfPolyglot());
      expect(polyglot.status).toBe(400);
      expect(polyglot.body.error.message).toMatch(/also another kind of file/);
      const bomb = await upload(portId, keys.technical, 'bill', pngDecompressionBomb());
      expect(bomb.status).toBe(400);
      expect(bomb.body.error.message).toMatch(/larger than 12,000 pixels on a side or 40 megapixels/);
      const big = await upload(portId, keys.technical, 'bill', oneByteOverLimit());
      expect(big.status).toBe(413);
      expect(big.body.error.message).toMatch(/larger than 10 MB/);
      const noKind = await upload(portId, keys.technical, 'contract', await validPdf());
      expect(noKind.status).toBe(400);
      expect(noKind.body.error.fields.kind).toBeDefined();
      const after = await test.db.select().from(portInDocuments).where(eq(portInDocuments.portInId, portId));
      expect(after.map((row) => row.id).sort()).toEqual(documentsBefore.map((row) => row.id).sort());
      expect(after.every((row) => row.supersededAt === null)).toBe(true);
    });

    it('submits once under an Idempotency-Key: the replay answers the same and orders nothing more upstream', async () => {
      const readiness = await callApi(routes.readiness.GET, { url: `/api/v1/ports/${portId}/readiness`, params: { portId }, key: keys.technical, endpoint: portsApi.getPortReadinessEndpoint });
      expect(readiness.body.findings.filter((finding: { ok: boolean; severity: string }) => !finding.ok && finding.severity === 'blocker')).toEqual([]);
      expect(readiness.body.ready).toBe(true);

      const orders = await voicetelPortOrders();
      const call = { method: 'POST', url: `/api/v1/ports/${portId}/submit`, params: { portId }, key: keys.technical, headers: { 'idempotency-key': `submit-${portId}` }, endpoint: portsApi.submitPort };
      const first = await callApi(routes.submit.POST, call);
      expect(first.status).toBe(200);
      expect(first.body.port.status).toBe('submitted');
      expect(first.body.message).toMatch(/^Submitted: The carrier has it as order \w{5}\./);
      expect(first.text).not.toMatch(CARRIER_NAMES);
      expect(first.text).not.toContain(PIN);
      expect(await voicetelPortOrders()).toBe(orders + 1);
      const upstreamRef = (await portRow(portId)).upstreamRef;
      expect(upstreamRef).toMatch(/^\w{5}$/);

      const replay = await callApi(routes.submit.POST, call);
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body).toEqual(first.body);
      expect(await voicetelPortOrders()).toBe(orders + 1);
      expect((await portRow(portId)).upstreamRef).toBe(upstreamRef);

      const again = await callApi(routes.submit.POST, { ...call, headers: {} });
      expect(again.status).toBe(409);
      expect(await voicetelPortOrders()).toBe(orders + 1);
      const locked = await patch(portId, keys.technical, { subscriberName: 'Someone Else' });
      expect(locked.status).toBe(409);
      const lateDocument = await upload(portId, keys.technical, 'bill', await validPdf());
      expect(lateDocument.status).toBe(409);
    });

    it('adds public comments by the key; staff internal comments never reach the API', async () => {
      const added = await callApi(routes.comments.POST, { method: 'POST', url: `/api/v1/ports/${portId}/comments`, params: { portId }, key: keys.technical, json: { body: 'The bill is in our parent company’s name.' }, endpoint: portsApi.addPortComment });
      expect(added.status).toBe(201);
      expect(added.body.events.at(-1)).toMatchObject({ kind: 'comment', actor: 'API key', body: 'The bill is in our parent company’s name.' });
      const blank = await callApi(routes.comments.POST, { method: 'POST', url: `/api/v1/ports/${portId}/comments`, params: { portId }, key: keys.technical, json: { body: '   ' }, endpoint: portsApi.addPortComment });
      expect(blank.status).toBe(400);
      expect(blank.body.error.fields.body).toEqual(['Write the comment.']);

      const staff = await sessionUser(test.db, 'staff@carrier.example');
      await addStaffPortComment(staff, portId, { body: 'INTERNAL: customer owes us, go slow', internal: true });
      await addStaffPortComment(staff, portId, { body: 'We chased the losing carrier.', internal: false });
      const [internal] = await test.db.select().from(portInEvents).where(and(eq(portInEvents.portInId, portId), eq(portInEvents.visibility, 'internal')));
      expect(internal?.body).toBe('INTERNAL: customer owes us, go slow');
      const read = await get(portId, keys.viewer);
      expect(read.text).not.toContain('INTERNAL');
      expect(read.text).not.toContain(PIN);
      expect(read.body.events.at(-1)).toMatchObject({ kind: 'comment', actor: 'Our porting team', body: 'We chased the losing carrier.' });
      expect(read.text).not.toContain('staff@carrier.example');
      expect(read.body.events.map((event: { body: string | null }) => event.body)).toContain(`Sent to the carrier as order ${(await portRow(portId)).upstreamRef}.`);
      expect(read.text).not.toMatch(CARRIER_NAMES);
    });

    it('cancels with the reason on the timeline; a second cancel is a conflict', async () => {
      const unknown = await callApi(routes.cancel.POST, { method: 'POST', url: `/api/v1/ports/${portId}/cancel`, params: { portId }, key: keys.technical, json: { reason: 'x', force: true }, endpoint: portsApi.cancelPort });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.fields.force).toBeDefined();
      const cancelled = await callApi(routes.cancel.POST, { method: 'POST', url: `/api/v1/ports/${portId}/cancel`, params: { portId }, key: keys.technical, json: { reason: 'The customer is staying with their carrier.' }, endpoint: portsApi.cancelPort });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', canCancel: false, canSubmit: false, canEdit: false });
      expect(cancelled.body.cancelledAt).toBeTruthy();
      expect(cancelled.body.events.at(-1)).toMatchObject({ kind: 'status', fromStatus: 'submitted', toStatus: 'cancelled', actor: 'API key', body: 'The customer is staying with their carrier.' });
      expect(cancelled.body.numbers.every((number: { status: string }) => number.status === 'cancelled')).toBe(true);
      const twice = await callApi(routes.cancel.POST, { method: 'POST', url: `/api/v1/ports/${portId}/cancel`, params: { portId }, key: keys.technical, endpoint: portsApi.cancelPort });
      expect(twice.status).toBe(409);
    });

    it('discards a draft with no body at all, or an empty JSON object', async () => {
      const { portInId } = await seedReadyPort(test.db, { accountId: tenants.acme.id });
      const bare = await callApi(routes.cancel.POST, { method: 'POST', url: `/api/v1/ports/${portInId}/cancel`, params: { portId: portInId }, key: keys.technical, endpoint: portsApi.cancelPort });
      expect(bare.status).toBe(200);
      expect(bare.body.events.at(-1)).toMatchObject({ toStatus: 'cancelled', body: 'Draft discarded.' });
      const other = await seedReadyPort(test.db, { accountId: tenants.acme.id });
      const empty = await callApi(routes.cancel.POST, { method: 'POST', url: `/api/v1/ports/${other.portInId}/cancel`, params: { portId: other.portInId }, key: keys.technical, json: {}, endpoint: portsApi.cancelPort });
      expect(empty.status).toBe(200);
      expect(empty.body.status).toBe('cancelled');
      const notJson = await callApi(routes.cancel.POST, { method: 'POST', url: `/api/v1/ports/${other.portInId}/cancel`, params: { portId: other.portInId }, key: keys.technical, body: 'reason=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, endpoint: portsApi.cancelPort });
      expect(notJson.status).toBe(415);
    });
  });

  it('re-encodes an uploaded image and downloads exactly the bytes it stored', async () => {
    const { portInId } = await seedReadyPort(test.db, { accountId: tenants.acme.id });
    const png = await validPng();
    const stored = await upload(portInId, keys.admin, 'bill', png);
    expect(stored.status).toBe(201);
    const document = stored.body.documents.find((entry: { kind: string }) => entry.kind === 'bill');
    expect(document).toMatchObject({ contentType: 'image/png', filename: 'bill.png' });
    const file = await download(portInId, document.id, keys.technical);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="bill.png"');
    expect(createHash('sha256').update(file.bytes).digest('hex')).toBe(document.sha256);
    expect(file.bytes.byteLength).toBe(document.sizeBytes);
  });

  it('never answers a seeded port’s PIN or its internal notes', async () => {
    const { portInId } = await seedReadyPort(test.db, { accountId: tenants.acme.id });
    const read = await get(portInId, keys.admin);
    expect(read.status).toBe(200);
    expect(read.text).not.toContain('INTERNAL-FIXTURE-NOTE');
    expect(read.body.events.map((event: { kind: string }) => event.kind)).toEqual(['created']);
  });

  describe('who may reach a port', () => {
    let acmePort: Awaited<ReturnType<typeof seedReadyPort>>;

    /** Every port endpoint on `portId`, each with a body it would accept. */
    function everyEndpoint(portId: string, documentId: string): { name: string; write: boolean; call: (key: TestApiKey) => Promise<ApiAnswer> }[] {
      const at = (handler: Handler, endpoint: Endpoint, url: string, extra: { json?: unknown; params?: Record<string, string> } = {}) => (key: TestApiKey) =>
        callApi(handler, { method: endpoint.method, url, params: extra.params ?? { portId }, key, json: extra.json, endpoint });
      return [
        { name: 'GET /ports/{id}', write: false, call: at(routes.port.GET, portsApi.getPort, `/api/v1/ports/${portId}`) },
        { name: 'GET /ports/{id}/readiness', write: false, call: at(routes.readiness.GET, portsApi.getPortReadinessEndpoint, `/api/v1/ports/${portId}/readiness`) },
        {
          name: 'GET /ports/{id}/documents/{documentId}',
          write: false,
          call: at(routes.document.GET, portsApi.downloadPortDocument, `/api/v1/ports/${portId}/documents/${documentId}`, { params: { portId, documentId } }),
        },
        { name: 'PATCH /ports/{id}', write: true, call: at(routes.port.PATCH, portsApi.updatePort, `/api/v1/ports/${portId}`, { json: { subscriberName: 'Taken Over Inc' } }) },
        { name: 'POST /ports/{id}/portability', write: true, call: at(routes.portability.POST, portsApi.checkPortPortabilityEndpoint, `/api/v1/ports/${portId}/portability`) },
        { name: 'POST /ports/{id}/submit', write: true, call: at(routes.submit.POST, portsApi.submitPort, `/api/v1/ports/${portId}/submit`) },
        { name: 'POST /ports/{id}/comments', write: true, call: at(routes.comments.POST, portsApi.addPortComment, `/api/v1/ports/${portId}/comments`, { json: { body: 'hello' } }) },
        { name: 'POST /ports/{id}/cancel', write: true, call: at(routes.cancel.POST, portsApi.cancelPort, `/api/v1/ports/${portId}/cancel`, { json: { reason: 'not yours' } }) },
        { name: 'POST /ports/{id}/documents', write: true, call: async (key) => upload(portId, key, 'bill', await validPdf()) },
      ];
    }

    beforeAll(async () => {
      acmePort = await seedReadyPort(test.db, { accountId: tenants.acme.id, label: 'Isolation target' });
    });

    it.each(['globex', 'east'] as const)('a key of %s (another tenant, a sub-account) gets 404 on every endpoint and changes nothing', async (who) => {
      const before = await portRow(acmePort.portInId);
      const orders = await voicetelPortOrders();
      for (const endpoint of everyEndpoint(acmePort.portInId, acmePort.documentId)) {
        const answer = await endpoint.call(keys[who]);
        expect(answer.status, endpoint.name).toBe(404);
        expect(answer.body.error.code, endpoint.name).toBe('not_found:port_in');
        expect(answer.text, endpoint.name).not.toContain(acmePort.reference);
      }
      const list = await callApi(routes.ports.GET, { url: '/api/v1/ports?limit=200', key: keys[who], endpoint: portsApi.listPorts });
      expect(list.status).toBe(200);
      expect(list.text).not.toContain(acmePort.portInId);
      const after = await portRow(acmePort.portInId);
      expect(after).toEqual(before);
      expect(await test.db.select().from(portInDocuments).where(eq(portInDocuments.portInId, acmePort.portInId))).toHaveLength(2);
      expect(await voicetelPortOrders()).toBe(orders);
    });

    it('a viewer key reads (200) and is refused every write (403); nothing changes', async () => {
      const before = await portRow(acmePort.portInId);
      for (const endpoint of everyEndpoint(acmePort.portInId, acmePort.documentId)) {
        const answer = await endpoint.call(keys.viewer);
        expect(answer.status, endpoint.name).toBe(endpoint.write ? 403 : 200);
      }
      const list = await callApi(routes.ports.GET, { url: '/api/v1/ports', key: keys.viewer, endpoint: portsApi.listPorts });
      expect(list.status).toBe(200);
      expect(list.text).toContain(acmePort.portInId);
      const create = await callApi(routes.ports.POST, { method: 'POST', url: '/api/v1/ports', key: keys.viewer, json: { numbers: numbers(1) }, endpoint: portsApi.createPort });
      expect(create.status).toBe(403);
      expect(await portRow(acmePort.portInId)).toEqual(before);
      const detail = await get(acmePort.portInId, keys.viewer);
      expect(detail.body).toMatchObject({ canEdit: false, canSubmit: false, canCancel: false });
    });

    it('a finance key reaches no port at all (403), as finance has no technical access', async () => {
      for (const endpoint of everyEndpoint(acmePort.portInId, acmePort.documentId)) {
        const answer = await endpoint.call(keys.finance);
        expect(answer.status, endpoint.name).toBe(403);
      }
      const list = await callApi(routes.ports.GET, { url: '/api/v1/ports', key: keys.finance, endpoint: portsApi.listPorts });
      expect(list.status).toBe(403);
      const create = await callApi(routes.ports.POST, { method: 'POST', url: '/api/v1/ports', key: keys.finance, json: { label: 'Finance' }, endpoint: portsApi.createPort });
      expect(create.status).toBe(403);
    });

    it('an admin key of the parent account reaches a sub-account’s port with accountId, and only there', async () => {
      const eastPort = await seedReadyPort(test.db, { accountId: tenants.east.id, label: 'East port' });
      const direct = await get(eastPort.portInId, keys.admin);
      expect(direct.status).toBe(404);
      const scoped = await callApi(routes.port.GET, { url: `/api/v1/ports/${eastPort.portInId}?accountId=${tenants.east.id}`, params: { portId: eastPort.portInId }, key: keys.admin, endpoint: portsApi.getPort });
      expect(scoped.status).toBe(200);
      expect(scoped.body.account).toEqual({ id: tenants.east.id, name: 'Acme East' });
      const intoGlobex = await callApi(routes.port.GET, { url: `/api/v1/ports/${eastPort.portInId}?accountId=${tenants.globex.id}`, params: { portId: eastPort.portInId }, key: keys.admin, endpoint: portsApi.getPort });
      expect(intoGlobex.status).toBe(404);
    });
  });

  describe('GET /ports pages with a keyset cursor', () => {
    it('walks 205 ports (more than the old 200 cap) page by page, each once, latest change first', async () => {
      const accountId = tenants.west.id;
      // One statement: every row gets the same updated_at, so only the id orders them.
      await test.db.insert(portIns).values(Array.from({ length: 204 }, (_, index) => ({ accountId, reference: `PRT-W${String(index).padStart(5, '0')}`, label: `Bulk ${index}` })));
      const created = await callApi(routes.ports.POST, { method: 'POST', url: '/api/v1/ports', key: keys.west, json: { label: 'Newest' }, endpoint: portsApi.createPort });
      expect(created.status).toBe(201);

      const seen: { id: string; updatedAt: string; label: string }[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: ApiAnswer = await callApi(routes.ports.GET, { url: `/api/v1/ports?limit=50${cursor ? `&cursor=${cursor}` : ''}`, key: keys.west, endpoint: portsApi.listPorts });
        expect(page.status).toBe(200);
        expect(page.body.data.length).toBeLessThanOrEqual(50);
        seen.push(...page.body.data);
        cursor = page.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(5);
      expect(seen).toHaveLength(205);
      expect(new Set(seen.map((port) => port.id)).size).toBe(205);
      expect(seen[0]!.label).toBe('Newest');
      const bulk = seen.slice(1);
      expect(bulk.map((port) => port.id)).toEqual([...bulk.map((port) => port.id)].sort().reverse());

      const whole = await callApi(routes.ports.GET, { url: '/api/v1/ports?limit=200', key: keys.west, endpoint: portsApi.listPorts });
      expect(whole.body.data).toHaveLength(200);
      const rest = await callApi(routes.ports.GET, { url: `/api/v1/ports?limit=200&cursor=${whole.body.nextCursor}`, key: keys.west, endpoint: portsApi.listPorts });
      expect(rest.body.data).toHaveLength(5);
      expect(rest.body.nextCursor).toBeNull();
    });

    it('filters by state across pages, and refuses a cursor or state it did not give out with 400', async () => {
      const accountId = tenants.west.id;
      const cancelled = await test.db.select({ id: portIns.id }).from(portIns).where(eq(portIns.accountId, accountId)).limit(7);
      for (const { id } of cancelled) await test.db.update(portIns).set({ status: 'cancelled', updatedAt: new Date() }).where(eq(portIns.id, id));
      const first = await callApi(routes.ports.GET, { url: '/api/v1/ports?status=cancelled&limit=4', key: keys.west, endpoint: portsApi.listPorts });
      expect(first.body.data).toHaveLength(4);
      const second = await callApi(routes.ports.GET, { url: `/api/v1/ports?status=cancelled&limit=4&cursor=${first.body.nextCursor}`, key: keys.west, endpoint: portsApi.listPorts });
      expect(second.body.data).toHaveLength(3);
      expect(second.body.nextCursor).toBeNull();
      expect([...first.body.data, ...second.body.data].map((port: { id: string }) => port.id).sort()).toEqual(cancelled.map((row) => row.id).sort());
      expect([...first.body.data, ...second.body.data].every((port: { status: string }) => port.status === 'cancelled')).toBe(true);

      const cursorOf = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url');
      for (const cursor of ['nope', cursorOf({ at: '2026-02-31T10:00:00.000000Z', id: cancelled[0]!.id }), cursorOf({ at: '0000-01-01T00:00:00.000000Z', id: cancelled[0]!.id }), cursorOf({ at: "2026-01-01'", id: 'x' })]) {
        const refused = await callApi(routes.ports.GET, { url: `/api/v1/ports?cursor=${cursor}`, key: keys.west, endpoint: portsApi.listPorts });
        expect(refused.status, cursor).toBe(400);
        expect(refused.body.error.code).toBe('invalid:cursor');
      }
      const badState = await callApi(routes.ports.GET, { url: '/api/v1/ports?status=cancelled,lost', key: keys.west, endpoint: portsApi.listPorts });
      expect(badState.status).toBe(400);
      expect(badState.body.error.fields.status[0]).toContain('“lost”');
    });
  });
});
