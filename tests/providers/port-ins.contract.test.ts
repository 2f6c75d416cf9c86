/**
 * Port-ins through the VoiceTel and VITCOM adapters, over HTTP against their sandboxes: each typed
 * rejection (chosen by the losing carrier's account number, like a test card number), the normal path
 * with its FOC date, an FOC the losing carrier moves, VITCOM's partial acceptance, status words the
 * adapter does not know, and the rate-centre fields of a portability check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortExceptionCode } from '@/lib/ports/types';
import { createProviderHttp } from '@/lib/providers/http';
import { CARRIER_REJECTION_PATTERNS, portExceptionFrom } from '@/lib/providers/port-rejections';
import { createMemoryStateStore } from '@/lib/providers/state-store';
import { requireCapability, type E164, type PortInRequest, type PortsCapability } from '@/lib/providers/types';
import { vitcomProvider } from '@/lib/providers/vitcom';
import { voicetelProvider } from '@/lib/providers/voicetel';
import { startSandbox, type RunningSandbox } from '@/sandbox/common/server';
import { createVitcomSandbox, vitcomDemoCredentials } from '@/sandbox/vitcom';
import { voicetelDemoCredentials, voicetelSandbox } from '@/sandbox/voicetel';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

/** The account-number endings both sandboxes reject with (sandbox/voicetel/README.md, sandbox/vitcom/README.md). */
const REJECTION_TRIGGERS: [suffix: string, code: PortExceptionCode][] = [
  ['9901', 'account_number_mismatch'],
  ['9902', 'authorized_person_mismatch'],
  ['9903', 'btn_mismatch'],
  ['9904', 'pin_invalid'],
  ['9905', 'postal_code_mismatch'],
  ['9906', 'subscriber_name_mismatch'],
  ['9907', 'address_mismatch'],
  ['9908', 'rate_center_not_portable'],
  ['9909', 'foc_rejected'],
  ['9910', 'loa_invalid'],
];
const FOC_MOVES = '9920';

/** YYYY-MM-DD one weekday after the given day. */
function nextWeekday(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  do date.setUTCDate(date.getUTCDate() + 1);
  while ([0, 6].includes(date.getUTCDay()));
  return date.toISOString().slice(0, 10);
}

/** One sandbox and one adapter whose clock moves with the sandbox's. */
function harness(start: () => Promise<RunningSandbox>, create: (sandbox: RunningSandbox, now: () => Date) => PortsCapability) {
  const context = { sandbox: undefined as unknown as RunningSandbox, ports: undefined as unknown as PortsCapability, offsetMs: 0 };
  beforeAll(async () => {
    context.sandbox = await start();
    context.ports = create(context.sandbox, () => new Date(Date.now() + context.offsetMs));
  });
  afterAll(async () => {
    await context.sandbox.close();
  });
  const advance = (ms: number) => {
    context.offsetMs += ms;
    context.sandbox.advanceClock(ms);
  };
  return { context, advance };
}

describe('rejection texts', () => {
  it('map to typed exception codes by the carriers’ usual words, and anything else to other with the text kept', () => {
    const cases: [string, PortExceptionCode][] = [
      ['Subscriber account number invalid', 'account_number_mismatch'],
      ['Authorised person mismatch', 'authorized_person_mismatch'],
      ['LOA signed by an unauthorized party', 'authorized_person_mismatch'],
      ['BTN mismatch', 'btn_mismatch'],
      ['Customer passcode does not match', 'pin_invalid'],
      ['Postal code mismatch', 'postal_code_mismatch'],
      ['Street name does not match CSR', 'address_mismatch'],
      ['Business name on CSR differs', 'subscriber_name_mismatch'],
      ['Rate centre not portable', 'rate_center_not_portable'],
      ['Requested port date falls on a holiday', 'foc_rejected'],
      ['Letter of authorization expired', 'loa_invalid'],
      ['Number is not portable (reseller line)', 'number_not_portable'],
    ];
    for (const [text, code] of cases) expect(portExceptionFrom(text, CARRIER_REJECTION_PATTERNS), text).toEqual({ code, message: text });
    expect(portExceptionFrom('  Duplicate order: already in progress with another provider ', CARRIER_REJECTION_PATTERNS)).toEqual({
      code: 'other',
      message: 'Duplicate order: already in progress with another provider',
    });
  });
});

describe('VoiceTel port-ins', () => {
  const { context, advance } = harness(
    () => startSandbox(voicetelSandbox, { port: 0 }),
    (sandbox, now) => {
      const connectionId = 'test-port-ins-voicetel';
      const http = createProviderHttp({ provider: 'voicetel', connectionId, baseUrl: sandbox.url, timeoutMs: 3_000, retryInitialDelayMs: 10 });
      const adapter = voicetelProvider.create({ connectionId, baseUrl: sandbox.url, credentials: voicetelDemoCredentials, http, state: createMemoryStateStore(), now });
      return requireCapability(adapter, 'ports');
    },
  );
  let candidate = 100;
  let reference = 0;

  /** The next number of a block no sandbox account holds that VoiceTel says is portable. */
  async function portableNumber(): Promise<E164> {
    for (;;) {
      const e164 = `+1630555${String(candidate++).padStart(4, '0')}`;
      const [result] = await context.ports.checkPortability([e164]);
      if (result?.portable) return e164;
    }
  }

  const request = (numbers: E164[], accountNumber: string): PortInRequest => ({
    numbers,
    reference: `voicetel-port-${++reference}`,
    subscriberType: 'business',
    accountNumber,
    pin: '1234',
    authorizedName: 'Jane Smith',
    businessName: 'Acme Corp',
    serviceAddress: { street: '550 N Main Street', city: 'Chicago', state: 'IL', postalCode: '60601', country: 'US' },
    billingTelephoneNumber: numbers[0],
  });

  it('reports the rate-centre fields of a portability check: served, refused for no coverage, or unsaid', async () => {
    const results = await context.ports.checkPortability(['+16305550100', '+19075550123', '+16465550102']);
    expect(results[0]).toMatchObject({ e164: '+16305550100', portable: true, rateCenterPortable: true });
    expect(results[0]?.localRoutingNumber).toMatch(/^\+1630555\d{4}$/);
    expect(results[1]).toMatchObject({ e164: '+19075550123', portable: false, rateCenterPortable: false });
    expect(results[1]?.reason).toContain('rate center');
    expect(results[2]).toMatchObject({ e164: '+16465550102', portable: false, rateCenterPortable: undefined });
    expect(results[2]?.reason).toContain('does not support port-out');
  });

  it('marks numbers whose losing carrier is a wireless one, and leaves the others unsaid', async () => {
    const numbers = Array.from({ length: 40 }, (_, index) => `+1773555${String(2000 + index).padStart(4, '0')}`);
    const results = (await context.ports.checkPortability(numbers)).filter((result) => result.portable);
    const wireless = results.filter((result) => result.wireless);
    expect(wireless.length).toBeGreaterThan(0);
    for (const result of wireless) expect(result.losingCarrier).toMatch(/wireless/i);
    for (const result of results.filter((item) => !item.wireless)) expect(result.wireless).toBeUndefined();
  });

  it.each(REJECTION_TRIGGERS)('an account number ending in %s is rejected as %s when the port leaves Submitted (10 minutes)', async (suffix, code) => {
    const number = await portableNumber();
    const submitted = await context.ports.submit(request([number], `55512${suffix}`));
    expect(submitted).toMatchObject({ status: 'submitted', upstreamStatus: 'Submitted', numbers: [number] });
    expect(submitted.exception).toBeUndefined();

    advance(9 * MINUTE);
    expect((await context.ports.get(submitted.portRef))?.status).toBe('submitted');
    advance(2 * MINUTE);
    const rejected = await context.ports.get(submitted.portRef);
    expect(rejected).toMatchObject({ status: 'exception', upstreamStatus: 'Rejected', exception: { code } });
    expect(rejected?.exception?.message).toMatch(/^Rejected/);
    expect(rejected?.message).toBe(rejected?.exception?.message);
    // The LOA link from the submit answer stays with the port (VoiceTel has no upload endpoint).
    expect(rejected?.loaUrl).toBe(`https://api.voicetel.com/a/loa/${submitted.portRef}/`);
  });

  it('moves a port submitted → pending → FOC scheduled (with its date) → completed', async () => {
    const number = await portableNumber();
    const submitted = await context.ports.submit(request([number], '123456789'));
    expect(submitted.status).toBe('submitted');
    advance(15 * MINUTE);
    expect(await context.ports.get(submitted.portRef)).toMatchObject({ status: 'pending', upstreamStatus: 'Pending' });
    advance(HOUR);
    const foc = await context.ports.get(submitted.portRef);
    expect(foc).toMatchObject({ status: 'foc_scheduled', upstreamStatus: 'FOC Received' });
    expect(foc?.focDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(foc?.message).toContain('will be porting on');
    advance(3 * HOUR);
    expect(await context.ports.get(submitted.portRef)).toMatchObject({ status: 'completed', upstreamStatus: 'Complete', focDate: foc?.focDate, numbers: [number] });
  });

  it(`an account number ending in ${FOC_MOVES} gets an FOC date that moves one business day, an hour after it was set, before completion`, async () => {
    const number = await portableNumber();
    const submitted = await context.ports.submit(request([number], `4400${FOC_MOVES}`));
    advance(HOUR + MINUTE);
    const first = await context.ports.get(submitted.portRef);
    expect(first?.status).toBe('foc_scheduled');
    const firstDate = first!.focDate!;
    advance(30 * MINUTE);
    expect((await context.ports.get(submitted.portRef))?.focDate).toBe(firstDate);
    advance(30 * MINUTE);
    const moved = await context.ports.get(submitted.portRef);
    expect(moved).toMatchObject({ status: 'foc_scheduled', focDate: nextWeekday(firstDate) });
    expect(moved?.message).toContain('moved the FOC date');
    advance(2 * HOUR);
    expect(await context.ports.get(submitted.portRef)).toMatchObject({ status: 'completed', focDate: nextWeekday(firstDate) });
  });

  it('shows a status word it does not know as unknown, verbatim, never as pending', async () => {
    const number = await portableNumber();
    const submitted = await context.ports.submit(request([number], '123456789'));
    advance(20 * MINUTE);
    context.sandbox.setKnobs({ scenarios: ['port-unknown-status'] });
    try {
      expect(await context.ports.get(submitted.portRef)).toMatchObject({ status: 'unknown', upstreamStatus: 'On Hold' });
    } finally {
      context.sandbox.setKnobs({ scenarios: [] });
    }
    expect((await context.ports.get(submitted.portRef))?.status).toBe('pending');
  });

  it('asks for one order at most every 10 minutes', () => {
    expect(context.ports.statusPollIntervalMs).toBe(10 * MINUTE);
  });
});

describe('VITCOM port-ins', () => {
  const { context, advance } = harness(
    () => startSandbox(createVitcomSandbox(), { port: 0 }),
    (sandbox, now) => {
      const connectionId = 'test-port-ins-vitcom';
      const http = createProviderHttp({ provider: 'vitcom', connectionId, baseUrl: sandbox.url, timeoutMs: 3_000, retryInitialDelayMs: 10 });
      const adapter = vitcomProvider.create({ connectionId, baseUrl: sandbox.url, credentials: vitcomDemoCredentials, http, state: createMemoryStateStore(), now });
      return requireCapability(adapter, 'ports');
    },
  );
  let line = 0;
  let reference = 0;

  /** 555-01XX lines are real test numbers; VITCOM holds none in 469, so each is portable. */
  async function portableNumber(): Promise<E164> {
    const e164 = `+146955501${String(line++).padStart(2, '0')}`;
    const [result] = await context.ports.checkPortability([e164]);
    expect(result).toMatchObject({ portable: true, rateCenterPortable: true });
    return e164;
  }

  const request = (numbers: E164[], accountNumber: string, extra: Partial<PortInRequest> = {}): PortInRequest => ({
    numbers,
    reference: `vitcom-port-${++reference}`,
    subscriberType: 'business',
    losingCarrier: 'Bandwidth',
    accountNumber,
    pin: '4321',
    authorizedName: 'Dana Whitfield',
    businessName: 'Acme Corp',
    serviceAddress: { street: '400 W Madison St', city: 'Chicago', state: 'IL', postalCode: '60606', country: 'US' },
    billingTelephoneNumber: numbers[0],
    loa: { filename: 'loa.pdf', contentType: 'application/pdf', content: PDF },
    ...extra,
  });

  it('reports a number it accepts as in a served rate centre, and leaves a refused one unsaid', async () => {
    const results = await context.ports.checkPortability(['+14695550150', '+19075550123']);
    expect(results).toEqual([
      { e164: '+14695550150', portable: true, rateCenterPortable: true },
      { e164: '+19075550123', portable: false, reason: 'Rejected by VITCOM (no reason given)' },
    ]);
  });

  it.each(REJECTION_TRIGGERS)('an account number ending in %s is rejected as %s when the order leaves submitted (5 minutes)', async (suffix, code) => {
    const number = await portableNumber();
    const submitted = await context.ports.submit(request([number], `ACC-${suffix}`));
    expect(submitted).toMatchObject({ status: 'submitted', upstreamStatus: '0', numbers: [number] });

    advance(4 * MINUTE);
    expect((await context.ports.get(submitted.portRef))?.status).toBe('submitted');
    advance(2 * MINUTE);
    const rejected = await context.ports.get(submitted.portRef);
    expect(rejected).toMatchObject({ status: 'exception', upstreamStatus: '4', exception: { code }, numberStatuses: [{ e164: number, status: 'exception', exception: { code } }] });
    expect(rejected?.message).toBe(rejected?.exception?.message);
  });

  it('moves an order submitted → pending → FOC scheduled (from actualFocDate) → completed', async () => {
    const number = await portableNumber();
    const submitted = await context.ports.submit(request([number], 'ACC-99812'));
    expect(submitted.status).toBe('submitted');
    advance(6 * MINUTE);
    expect(await context.ports.get(submitted.portRef)).toMatchObject({ status: 'pending', upstreamStatus: '1', focDate: undefined });
    advance(25 * MINUTE);
    const foc = await context.ports.get(submitted.portRef);
    expect(foc).toMatchObject({ status: 'foc_scheduled', upstreamStatus: '2' });
    expect(foc?.focDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    advance(2 * HOUR);
    expect(await context.ports.get(submitted.portRef)).toMatchObject({
      status: 'completed',
      upstreamStatus: '3',
      focDate: foc?.focDate,
      numberStatuses: [{ e164: number, status: 'completed' }],
    });
  });

  it(`an account number ending in ${FOC_MOVES} gets an FOC date that moves one business day, an hour after it was set, before completion`, async () => {
    const number = await portableNumber();
    const submitted = await context.ports.submit(request([number], `ACC-${FOC_MOVES}`));
    advance(31 * MINUTE);
    const first = await context.ports.get(submitted.portRef);
    expect(first?.status).toBe('foc_scheduled');
    const firstDate = first!.focDate!;
    advance(HOUR);
    const moved = await context.ports.get(submitted.portRef);
    expect(moved).toMatchObject({ status: 'foc_scheduled', focDate: nextWeekday(firstDate) });
    expect(moved!.updatedAt!.getTime()).toBeGreaterThan(first!.updatedAt!.getTime());
    advance(4 * 24 * HOUR);
    expect(await context.ports.get(submitted.portRef)).toMatchObject({ status: 'completed', focDate: nextWeekday(firstDate) });
  });

  it('accepts only the portable numbers of an order: the others are number_not_portable exceptions, and the order completes partially', async () => {
    const number = await portableNumber();
    const refused = '+19075550123';
    const submitted = await context.ports.submit(request([number, refused], 'ACC-77001'));
    expect(submitted).toMatchObject({
      status: 'submitted',
      numbers: [number, refused],
      numberStatuses: [
        { e164: number, status: 'submitted' },
        { e164: refused, status: 'exception', exception: { code: 'number_not_portable' } },
      ],
    });
    advance(3 * HOUR);
    expect(await context.ports.get(submitted.portRef)).toMatchObject({
      status: 'partially_completed',
      upstreamStatus: '3',
      numbers: [number, refused],
      numberStatuses: [
        { e164: number, status: 'completed' },
        { e164: refused, status: 'exception', exception: { code: 'number_not_portable' } },
      ],
    });
  });

  it('sends the bill as carrier_doc when given, and the LOA in its place otherwise', async () => {
    const withBill = await context.ports.submit(request([await portableNumber()], 'ACC-77002', { bill: { filename: 'bill.png', contentType: 'image/png', content: PNG } }));
    const billFile = await fetch(`${context.sandbox.url}/uploads/portin/${withBill.portRef}_carrier.png`);
    expect(billFile.status).toBe(200);
    expect(new Uint8Array(await billFile.arrayBuffer())).toEqual(PNG);

    const withoutBill = await context.ports.submit(request([await portableNumber()], 'ACC-77003'));
    const loaInstead = await fetch(`${context.sandbox.url}/uploads/portin/${withoutBill.portRef}_carrier.pdf`);
    expect(new Uint8Array(await loaInstead.arrayBuffer())).toEqual(PDF);
  });

  it('shows status words it does not know ("7", "Hold") as unknown, verbatim, never as pending', async () => {
    const number = await portableNumber();
    const submitted = await context.ports.submit(request([number], 'ACC-77004'));
    context.sandbox.setKnobs({ scenarios: ['lnp-unknown-status'] });
    try {
      advance(6 * MINUTE);
      expect(await context.ports.get(submitted.portRef)).toMatchObject({ status: 'unknown', upstreamStatus: '7', numberStatuses: [{ e164: number, status: 'unknown' }] });
      advance(30 * MINUTE);
      const held = await context.ports.get(submitted.portRef);
      expect(held).toMatchObject({ status: 'unknown', upstreamStatus: 'Hold' });
      expect(held?.focDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    } finally {
      context.sandbox.setKnobs({ scenarios: [] });
    }
    expect((await context.ports.get(submitted.portRef))?.status).toBe('foc_scheduled');
  });

  it('asks for one order at most every 5 minutes', () => {
    expect(context.ports.statusPollIntervalMs).toBe(5 * MINUTE);
  });
});
