/**
 * What a customer is told about a port's trip to the carrier, over the real sandboxes: "Submitted."
 * only once the carrier has the order (not while it waits to be sent again, never on a refusal),
 * "Cancellation requested" while staff withdraw an order the carrier already had, and exception
 * reasons stored and published (webhooks) without our upstreams' names.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { listPorts } from '@/lib/api/contracts/ports';
import { accountEvents, portIns, staffTasks, users } from '@/lib/db/schema';
import { ProviderError } from '@/lib/providers/errors';
import { resetBreakers } from '@/lib/providers/http';
import { cancelPortIn, getPortDetail, listPortIns } from '@/lib/services/port-ins';
import { pollPortIns } from '@/lib/services/port-lifecycle';
import { resolveStaffTask } from '@/lib/services/staff-tasks';
import { callApi, createTestApiKey } from '../support/api';
import { liftRateLimits } from '../support/api-operations';
import { useTestDatabase } from '../support/db';
import { accessAs, seedTwoTenants, sessionUser } from '../support/fixtures';
import { portableNumbers, readyPort, useTempDocumentStorage } from '../support/port-ins';
import { textOf } from '../support/render-text';
import { useSandboxes } from '../support/sandboxes';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, accountCookie: undefined as string | undefined }));
/** When set, the winning upstream's port submission throws this (a refusal the sandboxes cannot be made to give). */
const submission = vi.hoisted(() => ({ error: undefined as unknown }));

vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));
vi.mock('next/server', () => ({ after: () => undefined }));
vi.mock('@/lib/services/providers', async (importOriginal) => {
  const original = await importOriginal<typeof import('@/lib/services/providers')>();
  return {
    ...original,
    getConnectionAdapter: async (connectionId: string) => {
      const found = await original.getConnectionAdapter(connectionId);
      if (!submission.error || !found.adapter.ports) return found;
      const throwing = async () => {
        throw submission.error;
      };
      const ports = new Proxy(found.adapter.ports, { get: (target, name, receiver) => (name === 'submit' ? throwing : Reflect.get(target, name, receiver)) });
      return { ...found, adapter: new Proxy(found.adapter, { get: (target, name, receiver) => (name === 'ports' ? ports : Reflect.get(target, name, receiver)) }) };
    },
  };
});

const MINUTE = 60_000;
const CARRIER_NAMES = /voicetel|vitcom|carrierx|voicemeup|sandbox/i;
const SUBMITTED_BANNER = 'Submitted. We tell you here';
/** readyPort labels each port "voicetel test": the customer's own words, not ours. */
const withoutLabel = (text: string) => text.replaceAll('voicetel test', '');

describe('port-ins: honest word on where the order stands with the carrier', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  const numbers = portableNumbers();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  const tech = () => accessAs(test.db, 'tech@acme.example', tenants.east.id);
  /** The sandboxes' clock and ours move together. */
  let offset = 0;
  const sandboxNow = () => new Date(Date.now() + offset);
  const poll = async (ms = 0) => {
    offset += ms;
    sandboxes.get('voicetel').advanceClock(ms);
    sandboxes.get('vitcom').advanceClock(ms);
    return pollPortIns(sandboxNow());
  };
  const port = async (id: string) => (await test.db.select().from(portIns).where(eq(portIns.id, id)))[0]!;
  const eventsOf = async (id: string, type: string) =>
    (await test.db.select().from(accountEvents).where(eq(accountEvents.type, type))).filter((event) => (event.data as { portInId?: string }).portInId === id);

  /** The submit button as the review step posts it: where it sends the browser. */
  async function submitThroughAction(portInId: string): Promise<string> {
    const { submitPortInAction } = await import('@/app/(portal)/port-ins/actions');
    const form = new FormData();
    form.set('portInId', portInId);
    try {
      const state = await submitPortInAction({ status: 'idle' }, form);
      throw new Error(`no redirect: ${JSON.stringify(state)}`);
    } catch (error) {
      const digest = String((error as { digest?: unknown }).digest ?? '');
      const target = /^NEXT_REDIRECT;[^;]*;([^;]+);/.exec(digest)?.[1];
      if (!target) throw error;
      return target;
    }
  }

  async function renderPortPage(portInId: string, searchParams: Record<string, string> = {}) {
    const { default: Page } = await import('@/app/(portal)/port-ins/[portInId]/page');
    return Page({ params: Promise.resolve({ portInId }), searchParams: Promise.resolve(searchParams) });
  }
  const pageText = async (portInId: string, searchParams: Record<string, string> = {}) => textOf(await renderPortPage(portInId, searchParams));

  /** The props of the first element of `type` in a rendered tree (client components are not called). */
  function propsOf(node: unknown, type: unknown, seen = new Set<unknown>()): Record<string, unknown> | undefined {
    if (!node || typeof node !== 'object' || seen.has(node)) return undefined;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) {
        const found = propsOf(item, type, seen);
        if (found) return found;
      }
      return undefined;
    }
    const element = node as { type?: unknown; props?: Record<string, unknown> };
    if (element.type === type && element.props) return element.props;
    for (const value of Object.values(element.props ?? {})) {
      const found = propsOf(value, type, seen);
      if (found) return found;
    }
    return undefined;
  }

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    await sandboxes.connect(test.db);
    useTempDocumentStorage();
  });

  beforeEach(async () => {
    const [user] = await test.db.select().from(users).where(eq(users.email, 'tech@acme.example'));
    session.userId = user!.id;
    session.accountCookie = tenants.east.id;
    submission.error = undefined;
  });

  it('a submission the carrier could not take reads "awaiting the carrier", never "Submitted.", until the job has sent it', async () => {
    const access = await tech();
    const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: numbers(1) });
    sandboxes.get('voicetel').setKnobs({ errorRate: 1 });
    let target: string;
    try {
      target = await submitThroughAction(draft.id);
    } finally {
      sandboxes.get('voicetel').setKnobs({ errorRate: 0 });
      resetBreakers();
    }
    expect(target).toBe(`/port-ins/${draft.id}?submitted=deferred`);
    expect(await port(draft.id)).toMatchObject({ status: 'submitted', upstreamRef: null });
    expect(await getPortDetail(access, draft.id)).toMatchObject({ awaitingCarrier: true, carrierHasOrder: false });

    // What the redirect shows, a reload without the query, and a query that claims more than the port says.
    for (const query of [{ submitted: 'deferred' }, {}, { submitted: 'sent' }, { submitted: '1' }] as Record<string, string>[]) {
      const text = await pageText(draft.id, query);
      expect(text, JSON.stringify(query)).toContain('Awaiting the carrier: the order is not with the carrier yet');
      expect(text, JSON.stringify(query)).toContain('We will send it again in a few minutes');
      expect(text, JSON.stringify(query)).not.toContain(SUBMITTED_BANNER);
    }

    // The job sends it: the waiting note goes, and "Submitted." is now true.
    const result = await poll(3 * MINUTE);
    expect(result.sent).toBeGreaterThanOrEqual(1);
    expect((await port(draft.id)).upstreamRef).toMatch(/^\w{5}$/);
    expect(await pageText(draft.id)).not.toContain('Awaiting the carrier');
    expect(await pageText(draft.id, { submitted: 'sent' })).toContain(SUBMITTED_BANNER);
    await cancelPortIn(access, draft.id);
  });

  it('a submission the carrier took says "Submitted." once, from the redirect only', async () => {
    const access = await tech();
    const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: numbers(1) });
    const target = await submitThroughAction(draft.id);
    expect(target).toBe(`/port-ins/${draft.id}?submitted=sent`);
    expect(await pageText(draft.id, { submitted: 'sent' })).toContain(SUBMITTED_BANNER);
    expect(await pageText(draft.id)).not.toContain(SUBMITTED_BANNER);
    expect(await pageText(draft.id)).not.toContain('Awaiting the carrier');
    await cancelPortIn(access, draft.id);
  });

  it('a submission the carrier refused shows the exception and no "Submitted.", its reason stored and published without the carrier’s name', async () => {
    const access = await tech();
    const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: numbers(1) });
    // No words of its own: the adapter's sentence, "VoiceTel rejected the request.", is all there is.
    submission.error = new ProviderError('voicetel', 'invalid', { httpStatus: 400 });
    const target = await submitThroughAction(draft.id);
    expect(target).toBe(`/port-ins/${draft.id}?submitted=refused`);
    const refused = await port(draft.id);
    expect(refused).toMatchObject({ status: 'exception', exceptionCode: 'other', upstreamRef: null });
    expect(refused.exceptionMessage).toBe('The carrier rejected the request.');
    const [published] = await eventsOf(draft.id, 'port.exception');
    expect(published!.data).toMatchObject({ code: 'other', reason: 'The carrier rejected the request.' });
    expect(JSON.stringify(published!.data)).not.toMatch(CARRIER_NAMES);

    for (const query of [{ submitted: 'refused' }, { submitted: 'sent' }, {}] as Record<string, string>[]) {
      const text = await pageText(draft.id, query);
      expect(text, JSON.stringify(query)).not.toContain(SUBMITTED_BANNER);
      expect(text, JSON.stringify(query)).not.toContain('Awaiting the carrier');
      expect(text, JSON.stringify(query)).toMatch(/Exception:\s+Other/);
      expect(withoutLabel(text), JSON.stringify(query)).not.toMatch(CARRIER_NAMES);
    }
    await cancelPortIn(access, draft.id);
  });

  it('a losing carrier’s rejection that names our upstream is stored and published as "the carrier", and told once', async () => {
    const access = await tech();
    // The VoiceTel sandbox ends a port whose account number ends 9908 with "Rejected: Rate center is not portable to the VoiceTel network."
    const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: numbers(1), accountNumber: '7709908' });
    await submitThroughAction(draft.id);
    await poll(11 * MINUTE);
    await poll(11 * MINUTE);
    const refused = await port(draft.id);
    expect(refused).toMatchObject({ status: 'exception', exceptionCode: 'rate_center_not_portable' });
    expect(refused.exceptionMessage).toBe('Rejected: Rate center is not portable to the carrier network.');
    const events = await eventsOf(draft.id, 'port.exception');
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ code: 'rate_center_not_portable', reason: 'Rejected: Rate center is not portable to the carrier network.' });
    await poll(11 * MINUTE);
    expect(await eventsOf(draft.id, 'port.exception')).toHaveLength(1);
    await cancelPortIn(access, draft.id);
  });

  it('cancelling a port the carrier has reads "Cancellation requested" until staff withdraw it; the cancel dialog warns first', async () => {
    const access = await tech();
    const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: numbers(1) });
    await submitThroughAction(draft.id);
    expect((await port(draft.id)).upstreamRef).toMatch(/^\w{5}$/);
    const { CancelPortButton } = await import('@/app/(portal)/port-ins/detail-forms');
    expect(propsOf(await renderPortPage(draft.id), CancelPortButton)).toMatchObject({ draft: false, withCarrier: true });

    await cancelPortIn(access, draft.id);
    const detail = await getPortDetail(access, draft.id);
    expect(detail).toMatchObject({ status: 'cancelled', statusLabel: 'Cancellation requested', withdrawalPending: true, carrierHasOrder: false });
    const text = await pageText(draft.id);
    expect(text).toContain('Cancellation requested — the carrier’s order is being withdrawn; the numbers may still move until it is.');
    expect(withoutLabel(text)).not.toMatch(CARRIER_NAMES);

    const [task] = await test.db.select().from(staffTasks).where(and(eq(staffTasks.kind, 'withdraw_port'), eq(staffTasks.subjectId, draft.id), eq(staffTasks.status, 'open')));
    await resolveStaffTask(await sessionUser(test.db, 'staff@carrier.example'), task!.id);
    expect(await getPortDetail(access, draft.id)).toMatchObject({ status: 'cancelled', statusLabel: 'Cancelled', withdrawalPending: false });
    expect(await pageText(draft.id)).not.toContain('Cancellation requested');
  });

  it('the port-ins list, on the page and in the API, reads "Cancellation requested" for a withdrawal staff have not made yet, then "Cancelled"', async () => {
    liftRateLimits();
    const access = await tech();
    const key = await createTestApiKey(test.db, { accountId: tenants.east.id, role: 'technical', createdBy: 'owner@acme.example' });
    const withCarrier = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: numbers(1) });
    await submitThroughAction(withCarrier.id);
    expect((await port(withCarrier.id)).upstreamRef).toMatch(/^\w{5}$/);
    const neverSent = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: numbers(1) });
    await cancelPortIn(access, withCarrier.id);
    await cancelPortIn(access, neverSent.id);

    const { PortListTable } = await import('@/app/(portal)/port-ins/port-tables');
    const listRows = async (state?: string) => {
      const { default: Page } = await import('@/app/(portal)/port-ins/(list)/page');
      const tree = await Page({ searchParams: Promise.resolve(state ? { state } : {}) });
      return propsOf(tree, PortListTable)!.rows as { id: string; status: { label: string; tone: string } }[];
    };
    const { GET: listPortsRoute } = await import('@/app/api/v1/ports/route');
    const apiLabels = async () => {
      const answer = await callApi(listPortsRoute, { url: '/api/v1/ports?limit=200', key, endpoint: listPorts });
      expect(answer.status).toBe(200);
      return new Map((answer.body.data as { id: string; statusLabel: string }[]).map((row) => [row.id, row.statusLabel]));
    };

    for (const state of [undefined, 'cancelled']) {
      const rows = await listRows(state);
      expect(rows.find((row) => row.id === withCarrier.id)?.status, String(state)).toEqual({ label: 'Cancellation requested', tone: 'amber' });
      expect(rows.find((row) => row.id === neverSent.id)?.status, String(state)).toEqual({ label: 'Cancelled', tone: 'slate' });
    }
    expect((await listPortIns(access)).find((row) => row.id === withCarrier.id)).toMatchObject({ statusLabel: 'Cancellation requested', withdrawalPending: true });
    let labels = await apiLabels();
    expect(labels.get(withCarrier.id)).toBe('Cancellation requested');
    expect(labels.get(neverSent.id)).toBe('Cancelled');

    const [task] = await test.db.select().from(staffTasks).where(and(eq(staffTasks.kind, 'withdraw_port'), eq(staffTasks.subjectId, withCarrier.id), eq(staffTasks.status, 'open')));
    await resolveStaffTask(await sessionUser(test.db, 'staff@carrier.example'), task!.id);
    expect((await listRows()).find((row) => row.id === withCarrier.id)?.status).toEqual({ label: 'Cancelled', tone: 'slate' });
    labels = await apiLabels();
    expect(labels.get(withCarrier.id)).toBe('Cancelled');
  });

  it('cancelling a port the carrier never had is simply cancelled, and its dialog says so', async () => {
    const access = await tech();
    const draft = await readyPort(test.db, access, { now: sandboxNow(), provider: 'voicetel', numbers: numbers(1) });
    sandboxes.get('voicetel').setKnobs({ errorRate: 1 });
    try {
      await submitThroughAction(draft.id);
    } finally {
      sandboxes.get('voicetel').setKnobs({ errorRate: 0 });
      resetBreakers();
    }
    const { CancelPortButton } = await import('@/app/(portal)/port-ins/detail-forms');
    expect(propsOf(await renderPortPage(draft.id), CancelPortButton)).toMatchObject({ withCarrier: false });
    await cancelPortIn(access, draft.id);
    expect(await getPortDetail(access, draft.id)).toMatchObject({ statusLabel: 'Cancelled', withdrawalPending: false });
    expect(await pageText(draft.id)).not.toContain('Cancellation requested');
    // Nothing reaches the carrier after a cancel, so nothing is left for staff to withdraw.
    await poll(3 * MINUTE);
    expect(await port(draft.id)).toMatchObject({ status: 'cancelled', upstreamRef: null });
  });
});
