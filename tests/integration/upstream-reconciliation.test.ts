/**
 * Issue 15.9, upstream reconciliation, over HTTP against the real sandboxes: VITCOM's ledger books
 * calls once a day and is compared day by day; CarrierX itemizes calls on its monthly invoice and is
 * compared at the month level; VoiceTel gives only invoice totals and says so. The portal's side is
 * calls ingested with each connection's cost deck. An answer of unknown shape is an error on the
 * page, never a zero; only operator staff reach any of it.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { parseMicros } from '@/lib/billing/money';
import { rateDeckEntries, rateDeckVersions, rateDecks, upstreamStatementFetches, upstreamStatementLines, users } from '@/lib/db/schema';
import { JOBS } from '@/lib/jobs';
import { resetBreakers } from '@/lib/providers/http';
import type { ProviderId } from '@/lib/providers/types';
import { ingestCdrBatch } from '@/lib/services/cdr-ingest';
import { getEnabledAdapters } from '@/lib/services/providers';
import {
  buildReconciliationRows,
  compareAmounts,
  defaultPeriod,
  fetchAllUpstreamStatements,
  fetchUpstreamStatementsNow,
  getUpstreamReconciliation,
  invoicePeriodOf,
  parsePeriod,
  periodOfMonth,
  type UpstreamReconciliation,
} from '@/lib/services/upstream-reconciliation';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants, sessionUser } from '../support/fixtures';
import { SANDBOX_CREDENTIALS, useSandboxes } from '../support/sandboxes';

const session = vi.hoisted(() => ({ userId: undefined as string | undefined, ip: '203.0.113.9' }));

vi.mock('@/lib/auth/config', async () => (await import('../support/next-mocks')).authConfigMock(session));
vi.mock('next/headers', async () => (await import('../support/next-mocks')).nextHeadersMock(session));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = 'true';

/** $0.60 a minute billed by the second: a call costs exactly one cent a second, so any amount in cents is a call's length. */
const CENT_A_SECOND = '0.600000';

describe('upstream reconciliation', () => {
  const test = useTestDatabase();
  const sandboxes = useSandboxes();
  const connections = new Map<ProviderId, string>();
  const userIds = new Map<string, string>();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;
  let staff: Awaited<ReturnType<typeof sessionUser>>;
  const period = defaultPeriod();
  let callSeq = 0;

  const signInAs = (email?: string) => {
    session.userId = email ? userIds.get(email) : undefined;
  };

  async function addCostDeck(connectionId: string, name: string) {
    const [deck] = await test.db.insert(rateDecks).values({ name, purpose: 'cost', connectionId }).returning();
    const [version] = await test.db.insert(rateDeckVersions).values({ deckId: deck!.id, version: 1, effectiveFrom: new Date('2020-01-01T00:00:00Z'), entryCount: 2 }).returning();
    await test.db.insert(rateDeckEntries).values(
      (['termination', 'origination'] as const).map((kind) => ({ versionId: version!.id, kind, prefix: '1', destination: 'NANP', rate: CENT_A_SECOND, firstIncrement: 1, nextIncrement: 1 })),
    );
  }

  /** Answered calls on `day` carried by the connection, lasting `cents` seconds in all (a call at most an hour). */
  async function ingestCalls(connectionId: string, day: string, cents: number) {
    const batch = [];
    for (let left = cents, hour = 1; left > 0; hour++) {
      const seconds = Math.min(left, 3600);
      left -= seconds;
      const invite = new Date(`${day}T${String(hour).padStart(2, '0')}:00:00Z`);
      const answer = new Date(invite.getTime() + 4000);
      batch.push({
        line: batch.length + 1,
        input: {
          source: 'test-switch',
          sourceId: `call-${++callSeq}`,
          accountId: tenants.acme.id,
          direction: 'outbound' as const,
          from: '+13125550100',
          to: '+14155550123',
          inviteAt: invite,
          answerAt: answer,
          endAt: new Date(answer.getTime() + seconds * 1000),
          sipCode: 200,
          billsec: seconds,
          connectionId,
        },
      });
    }
    const result = await ingestCdrBatch(test.db, batch);
    expect(result).toMatchObject({ accepted: batch.length, rejected: [] });
  }

  const upstreamOf = (view: { upstreams: UpstreamReconciliation[] }, provider: ProviderId) => view.upstreams.find((upstream) => upstream.connectionId === connections.get(provider))!;
  const cents = (amount: string) => Number(parseMicros(amount) / 10_000n);

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
    staff = await sessionUser(test.db, 'staff@carrier.example');
    for (const row of await test.db.select().from(users)) userIds.set(row.email, row.id);
    await sandboxes.connect(test.db);
    resetBreakers();
    for (const { connection } of await getEnabledAdapters('billing')) connections.set(connection.provider as ProviderId, connection.id);
  });

  it('fetches each upstream\'s statement of last month over HTTP and stores it: VITCOM\'s call charges by day, CarrierX\'s invoiced calls', async () => {
    const outcomes = await fetchUpstreamStatementsNow(staff, { period: period.month });
    expect(outcomes.map((o) => [o.provider, o.ok, o.error]).sort()).toEqual([
      ['carrierx', true, undefined],
      ['vitcom', true, undefined],
      ['voicemeup', true, undefined],
      ['voicetel', true, undefined],
    ]);
    expect(Object.fromEntries(outcomes.map((o) => [o.provider, o.basis]))).toEqual({ vitcom: 'daily_usage', carrierx: 'invoices', voicetel: 'invoices', voicemeup: 'invoices' });

    // VITCOM's own ledger, read straight from the sandbox: one "Call Charges" row per day of the month.
    const vitcom = sandboxes.get('vitcom');
    const ledger = (await (await fetch(`${vitcom.url}/financial_summary`, { method: 'POST', body: new URLSearchParams({ ...SANDBOX_CREDENTIALS.vitcom, activitytype: 'Call Charges' }) })).json()) as { data: { date: string; debit: string }[] };
    const expected = ledger.data.filter((row) => row.date.slice(0, 7) === period.month).map((row) => [row.date.slice(0, 10), parseMicros(row.debit)]);
    const stored = await test.db.select().from(upstreamStatementLines).where(eq(upstreamStatementLines.connectionId, connections.get('vitcom')!));
    expect(expected.length).toBeGreaterThanOrEqual(28);
    expect(stored.map((line) => [line.day, parseMicros(line.amount)]).sort()).toEqual(expected.sort());
    expect(stored.every((line) => line.kind === 'usage' && line.currency === 'USD' && line.periodEnd === null)).toBe(true);

    // CarrierX's invoice for the month: the toll and toll-free items, not the DIDs or the taxes.
    const carrierx = sandboxes.get('carrierx');
    const invoices = (await (await fetch(`${carrierx.url}/core/v2/invoices?limit=100`, { headers: { authorization: `Bearer ${SANDBOX_CREDENTIALS.carrierx.token}` } })).json()) as {
      items: { invoice_sid: string; amount: string; date_billing_period_start: string; invoice_items: { type: string; amount: string }[] }[];
    };
    const invoice = invoices.items.find((item) => item.date_billing_period_start.slice(0, 7) === period.month)!;
    const calls = invoice.invoice_items.filter((item) => item.type === 'toll' || item.type === 'toll_free').reduce((sum, item) => sum + parseMicros(item.amount), 0n);
    const [line, ...others] = await test.db.select().from(upstreamStatementLines).where(eq(upstreamStatementLines.connectionId, connections.get('carrierx')!));
    expect(others).toEqual([]);
    expect(line).toMatchObject({ kind: 'invoice_usage', reference: `invoice:${invoice.invoice_sid}`, day: period.range.from, periodEnd: `${period.month}-${String(new Date(period.end.getTime() - 1).getUTCDate())}` });
    expect(parseMicros(line!.amount)).toBe(calls);
    expect(calls).toBeLessThan(parseMicros(invoice.amount));
  });

  it('shows a matched day, a day within a cent, and a flagged day for VITCOM, exactly', async () => {
    const vitcomId = connections.get('vitcom')!;
    await addCostDeck(vitcomId, 'VITCOM cost');
    const lines = (await test.db.select().from(upstreamStatementLines).where(eq(upstreamStatementLines.connectionId, vitcomId))).sort((a, b) => a.day.localeCompare(b.day));
    const [matched, withinCent, flagged] = [lines[2]!, lines[5]!, lines[9]!];
    await ingestCalls(vitcomId, matched.day, cents(matched.amount));
    await ingestCalls(vitcomId, withinCent.day, cents(withinCent.amount) - 1);
    await ingestCalls(vitcomId, flagged.day, cents(flagged.amount) + 100);

    const view = await getUpstreamReconciliation(staff, { period: period.month });
    const upstream = upstreamOf(view, 'vitcom');
    expect(upstream.basis).toBe('daily_usage');
    expect(upstream.basisNote).toMatch(/day by day/);
    expect(upstream.error).toBeNull();
    expect(upstream.warnings).toEqual([]);
    const row = (day: string) => upstream.rows.find((r) => r.key === day)!;
    expect(row(matched.day)).toMatchObject({ level: 'day', portalCost: matched.amount, upstreamAmount: matched.amount, difference: '0.000000', percent: '0.00', status: 'matched' });
    expect(row(withinCent.day)).toMatchObject({ difference: '0.010000', status: 'matched' });
    const expectedPercent = compareAmounts(parseMicros(flagged.amount) + 1_000_000n, parseMicros(flagged.amount)).percent;
    expect(row(flagged.day)).toMatchObject({ difference: '-1.000000', percent: expectedPercent, status: 'flagged' });
    expect(Number(expectedPercent)).toBeLessThan(-0.5);
    // Days with upstream charges and no costed calls are differences too; every day of the month is listed.
    expect(upstream.rows).toHaveLength(lines.length);
    expect(upstream.rows.filter((r) => r.status === 'matched').map((r) => r.key).sort()).toEqual([matched.day, withinCent.day].sort());
    expect(upstream.totals).toMatchObject({ compared: lines.length, flagged: lines.length - 2 });
    const upstreamTotal = lines.reduce((sum, l) => sum + parseMicros(l.amount), 0n);
    expect(parseMicros(upstream.totals.upstreamAmount!)).toBe(upstreamTotal);
    expect(parseMicros(upstream.totals.portalCost)).toBe(parseMicros(matched.amount) + parseMicros(withinCent.amount) - 10_000n + parseMicros(flagged.amount) + 1_000_000n);
  });

  it('compares CarrierX\'s invoiced calls at the month level, and says VoiceTel gives only totals', async () => {
    const carrierxId = connections.get('carrierx')!;
    await addCostDeck(carrierxId, 'CarrierX cost');
    const [line] = await test.db.select().from(upstreamStatementLines).where(eq(upstreamStatementLines.connectionId, carrierxId));
    const total = cents(line!.amount);
    // Spread over three days of the month: the invoice is compared as a whole.
    const third = Math.floor(total / 3);
    await ingestCalls(carrierxId, `${period.month}-03`, third);
    await ingestCalls(carrierxId, `${period.month}-14`, third);
    await ingestCalls(carrierxId, `${period.month}-27`, total - 2 * third);

    const view = await getUpstreamReconciliation(staff, { period: period.month });
    const carrierx = upstreamOf(view, 'carrierx');
    expect(carrierx.basisNote).toMatch(/itemizes calls.*month level/);
    expect(carrierx.rows).toEqual([
      expect.objectContaining({ level: 'month', from: period.range.from, portalCost: line!.amount, upstreamAmount: line!.amount, difference: '0.000000', status: 'matched' }),
    ]);

    const voicetel = upstreamOf(view, 'voicetel');
    expect(voicetel.basisNote).toMatch(/only monthly invoice totals: compared at the month level/);
    expect(voicetel.warnings.join(' ')).toMatch(/No cost deck/);
    // Its credit for the month is dated the 1st of the next one and states no period.
    expect(voicetel.rows).toEqual([expect.objectContaining({ level: 'month', portalCost: '0.000000', status: 'flagged', note: expect.stringMatching(/taken as the month before it was issued/) })]);
    expect(Number(voicetel.rows[0]!.upstreamAmount)).toBeGreaterThan(0);

    // VoiceMeUp bills this account in CAD: against a USD cost deck nothing is compared.
    await addCostDeck(connections.get('voicemeup')!, 'VoiceMeUp cost');
    const voicemeup = upstreamOf(await getUpstreamReconciliation(staff, { period: period.month }), 'voicemeup');
    expect(voicemeup).toMatchObject({ currency: 'CAD', portalCurrency: 'USD' });
    expect(voicemeup.rows).toEqual([expect.objectContaining({ status: 'not_compared', difference: null, note: 'The invoice is in CAD, the cost deck in USD: not compared.' })]);
    expect(voicemeup.totals).toMatchObject({ compared: 0, difference: null });
  });

  it('compares an invoice whose period straddles two months with the portal\'s cost over exactly those days', () => {
    const october = periodOfMonth('2026-10');
    const portalByDay = new Map([
      ['2026-10-19', 5_000_000n],
      ['2026-10-20', 1_250_000n],
      ['2026-11-19', 2_000_000n],
      ['2026-11-20', 7_000_000n],
    ]);
    const line = { connectionId: 'c', day: '2026-10-20', periodEnd: '2026-11-19', kind: 'invoice_usage' as const, reference: 'invoice:004', description: 'Invoice 004: calls', amount: '3.300000', currency: 'USD', fetchedAt: new Date() };
    const fetch = { connectionId: 'c', period: october.range.from, basis: 'invoices' as const, lastAttemptAt: new Date(), lastSuccessAt: new Date(), lines: 1, lastErrorKind: null, lastError: null, lastErrorAt: null };
    expect(buildReconciliationRows({ period: october, fetch, lines: [line], portalByDay, deckCurrency: 'USD' })).toEqual([
      { key: 'invoice:004', from: '2026-10-20', through: '2026-11-19', level: 'month', portalCost: '3.250000', upstreamAmount: '3.300000', difference: '0.050000', percent: '1.52', status: 'flagged', note: 'Invoice 004: calls', references: ['invoice:004'] },
    ]);
    expect(invoicePeriodOf({ invoiceRef: 'x', periodStart: '2018-12-20', periodEnd: '2019-01-19', issuedAt: new Date('2018-12-19T23:30:01Z'), total: { amount: '0.38', currency: 'USD' }, status: 'open' })).toEqual({ from: '2018-12-20', through: '2019-01-19', assumed: false });
    expect(invoicePeriodOf({ invoiceRef: 'y', issuedAt: new Date('2026-01-01T12:52:59Z'), total: { amount: '50', currency: 'USD' }, status: 'paid' })).toEqual({ from: '2025-12-01', through: '2025-12-31', assumed: true });
  });

  it('shows an answer of unknown shape as a malformed error: the last good statement stays, and a month never read shows no amount at all', async () => {
    const carrierx = sandboxes.get('carrierx');
    const voicemeup = sandboxes.get('voicemeup');
    const later = new Date(Date.now() + 5 * 60_000);
    const thisMonth = periodOfMonth(later.toISOString().slice(0, 7));
    carrierx.setKnobs({ malformedRate: 1 });
    voicemeup.setKnobs({ malformedRate: 1 });
    try {
      const again = await fetchUpstreamStatementsNow(staff, { period: period.month, connectionId: connections.get('carrierx') }, { now: later });
      expect(again).toEqual([expect.objectContaining({ ok: false, errorKind: 'malformed' })]);
      const fresh = await fetchUpstreamStatementsNow(staff, { period: thisMonth.month, connectionId: connections.get('voicemeup') }, { now: later });
      expect(fresh).toEqual([expect.objectContaining({ ok: false, errorKind: 'malformed' })]);
    } finally {
      carrierx.setKnobs({ malformedRate: 0 });
      voicemeup.setKnobs({ malformedRate: 0 });
      resetBreakers();
    }

    const view = await getUpstreamReconciliation(staff, { period: period.month });
    const stale = upstreamOf(view, 'carrierx');
    expect(stale.error).toMatchObject({ kind: 'malformed', message: expect.stringMatching(/CarrierX answered with something we could not read/) });
    expect(stale.lastFetchedAt!.getTime()).toBeLessThan(stale.error!.at.getTime());
    expect(stale.rows[0]).toMatchObject({ status: 'matched' });

    const never = upstreamOf(await getUpstreamReconciliation(staff, { period: thisMonth.month }, { now: later }), 'voicemeup');
    expect(never.error).toMatchObject({ kind: 'malformed' });
    expect(never.lastFetchedAt).toBeNull();
    expect(never.rows.every((r) => r.upstreamAmount === null && r.difference === null && r.status === 'not_fetched')).toBe(true);
    expect(never.totals.upstreamAmount).toBeNull();
    const [fetchRow] = await test.db
      .select()
      .from(upstreamStatementFetches)
      .where(and(eq(upstreamStatementFetches.connectionId, connections.get('voicemeup')!), eq(upstreamStatementFetches.period, thisMonth.range.from)));
    expect(fetchRow).toMatchObject({ lastSuccessAt: null, lastErrorKind: 'malformed', lines: 0 });

    // The page says so, for staff.
    signInAs('staff@carrier.example');
    const { default: Page } = await import('@/app/(portal)/operator/reconciliation/page');
    const html = renderToStaticMarkup(await Page({ searchParams: Promise.resolve({ period: period.month }) }));
    expect(html).toContain('The last fetch failed (an answer of unknown shape)');
    expect(html).toContain('CarrierX answered with something we could not read');
    expect(html).toContain('Upstream reconciliation');
    expect(html).toContain('month level');
  });

  it('leaves a connection alone that was fetched less than a minute ago, and the daily job fetches last month and this one', async () => {
    const vitcomId = connections.get('vitcom')!;
    const first = await fetchUpstreamStatementsNow(staff, { period: period.month, connectionId: vitcomId }, { now: new Date(Date.now() + 10 * 60_000) });
    expect(first).toEqual([expect.objectContaining({ ok: true })]);
    const second = await fetchUpstreamStatementsNow(staff, { period: period.month, connectionId: vitcomId }, { now: new Date(Date.now() + 10 * 60_000 + 5000) });
    expect(second).toEqual([expect.objectContaining({ ok: true, skipped: true })]);

    expect(JOBS.some((job) => job.name === 'fetch-upstream-statements')).toBe(true);
    const outcomes = await fetchAllUpstreamStatements();
    const thisMonth = new Date().toISOString().slice(0, 7);
    expect(outcomes.filter((o) => o.ok).map((o) => `${o.provider} ${o.period}`).sort()).toEqual(
      ['carrierx', 'vitcom', 'voicemeup', 'voicetel'].flatMap((p) => [`${p} ${period.month}`, `${p} ${thisMonth}`]).sort(),
    );
  });

  it('refuses a month that has not begun or is not a month, with a message for the field', () => {
    const now = new Date('2026-12-15T12:00:00Z');
    expect(parsePeriod(undefined, now).month).toBe('2026-11');
    expect(parsePeriod('2026-12', now).range).toEqual({ from: '2026-12-01', to: '2027-01-01' });
    expect(() => parsePeriod('2027-01', now)).toThrow(expect.objectContaining({ code: 'invalid:period', fieldErrors: { period: [expect.stringMatching(/not begun/)] } }));
    expect(() => parsePeriod('2026-13', now)).toThrow(expect.objectContaining({ code: 'invalid:period' }));
    expect(() => parsePeriod('last month', now)).toThrow(expect.objectContaining({ code: 'invalid:period' }));
  });

  describe.each(['owner@acme.example', 'finance@acme.example', 'owner@globex.example'])('as customer %s', (email) => {
    it('finds nothing: the page is refused as every operator page is, the service answers not_found and Fetch now is refused', async () => {
      const customer = await sessionUser(test.db, email);
      await expect(getUpstreamReconciliation(customer, {})).rejects.toMatchObject({ code: 'not_found:reconciliation' });
      await expect(fetchUpstreamStatementsNow(customer, {})).rejects.toMatchObject({ code: 'not_found:reconciliation' });

      signInAs(email);
      const { default: Page } = await import('@/app/(portal)/operator/reconciliation/page');
      await expect(Page({ searchParams: Promise.resolve({}) })).rejects.toMatchObject({ digest: expect.stringMatching(/;403$/) });
      const { fetchStatementsAction } = await import('@/app/(portal)/operator/reconciliation/actions');
      const form = new FormData();
      form.set('period', period.month);
      const before = await test.db.select().from(upstreamStatementFetches);
      expect(await fetchStatementsAction({ status: 'idle' }, form)).toMatchObject({ status: 'error', code: 'forbidden:staff' });
      expect(await test.db.select().from(upstreamStatementFetches)).toEqual(before);
    });
  });
});
