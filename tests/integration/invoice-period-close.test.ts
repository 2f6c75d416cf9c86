/**
 * The period close catches up: a month with nothing to bill on the 1st (a new account whose month-end
 * calls arrive later), or one whose run was missed, is issued by a later run, oldest month first, so
 * its calls are billed on its own invoice rather than on none; a run again issues nothing. Issuing a
 * month while an earlier one with calls was never issued is refused, since that would close it.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getUnbilledUsageByBillingAccount } from '@/lib/db/queries/spend-limits';
import { accounts, invoiceLines, invoices } from '@/lib/db/schema';
import { closeInvoicePeriod, generateDraftInvoice, issueInvoice } from '@/lib/services/invoices';
import { useTestDatabase } from '../support/db';
import { ingestMonthCalls } from '../support/disputes';
import { seedTwoTenants } from '../support/fixtures';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

describe('Period close: months not issued on the 1st', () => {
  const test = useTestDatabase();
  let tenants: Awaited<ReturnType<typeof seedTwoTenants>>;

  beforeAll(async () => {
    tenants = await seedTwoTenants(test.db);
  }, 120_000);

  const invoicesOf = (billingAccountId: string) => test.db.select().from(invoices).where(eq(invoices.billingAccountId, billingAccountId)).orderBy(invoices.periodStart);
  const usageOf = async (invoiceId: string) =>
    (await test.db.select().from(invoiceLines).where(and(eq(invoiceLines.invoiceId, invoiceId), inArray(invoiceLines.kind, ['termination', 'origination'])))).map((line) => [line.description, line.calls]);

  it('issues a month that had nothing at its close once its calls are in, before the next month, and bills each call once', async () => {
    const billingAccountId = tenants.globex.id;
    // 1 November, 00:15: Globex has had nothing yet, so October is not issued.
    await closeInvoicePeriod(new Date('2026-11-01T00:15:00Z'));
    expect((await invoicesOf(billingAccountId)).filter((invoice) => invoice.status !== 'draft')).toEqual([]);

    // October's last call arrives after that close; November has a call of its own. The daily runs of November are missed.
    await ingestMonthCalls(test.db, '2026-10', [{ accountId: billingAccountId, to: '+14155550101', billsec: 600, day: 28 }]);
    await ingestMonthCalls(test.db, '2026-11', [{ accountId: tenants.globexBranch.id, to: '+14155550102', billsec: 60, day: 10 }]);
    expect((await getUnbilledUsageByBillingAccount(test.db, { billingAccountId })).usage).toBe('0.1100');

    const december = await closeInvoicePeriod(new Date('2026-12-01T00:15:00Z'));
    const issued = (await invoicesOf(billingAccountId)).filter((invoice) => invoice.status !== 'draft');
    expect(issued.map((invoice) => invoice.periodStart.toISOString().slice(0, 7))).toEqual(['2026-10', '2026-11']);
    expect(december.issued).toEqual(expect.arrayContaining(issued.map((invoice) => invoice.number)));
    expect(await usageOf(issued[0]!.id)).toEqual([['United States termination', 1]]);
    expect(await usageOf(issued[1]!.id)).toEqual([['United States termination', 1]]);
    // October's total is carried into November as its previous balance.
    expect(issued[1]!.previousBalanceCents).toBe(issued[0]!.totalDueCents);
    expect((await getUnbilledUsageByBillingAccount(test.db, { billingAccountId })).usage).toBe('0.0000');

    // The next day's run, and the same run again, issue nothing more.
    expect((await closeInvoicePeriod(new Date('2026-12-02T00:15:00Z'))).issued).toEqual([]);
    expect((await closeInvoicePeriod(new Date('2026-12-02T00:15:00Z'))).issued).toEqual([]);
    expect((await invoicesOf(billingAccountId)).filter((invoice) => invoice.status !== 'draft')).toHaveLength(2);
  });

  it('refuses to issue a month while an earlier one with calls was never issued, and issues it once that one is', async () => {
    const id = randomUUID();
    await test.db.insert(accounts).values({ id, name: 'Initech', billingAccountId: id, path: `/${id}/`, depth: 0 });
    await ingestMonthCalls(test.db, '2026-09', [{ accountId: id, to: '+14155550103', billsec: 120, day: 30 }]);
    await ingestMonthCalls(test.db, '2026-10', [{ accountId: id, to: '+14155550104', billsec: 60, day: 5 }]);

    const { invoice: october } = await generateDraftInvoice(test.db, { billingAccountId: id, month: '2026-10' });
    await expect(issueInvoice(test.db, { invoiceId: october.id, now: new Date('2026-11-01T09:00:00Z') })).rejects.toMatchObject({
      code: 'conflict:earlier_period_open',
      message: expect.stringContaining('September 2026 has calls to bill and no invoice issued: issue September 2026 first'),
    });
    expect((await invoicesOf(id)).map((invoice) => invoice.status)).toEqual(['draft']);

    const { invoice: september } = await generateDraftInvoice(test.db, { billingAccountId: id, month: '2026-09' });
    await issueInvoice(test.db, { invoiceId: september.id, now: new Date('2026-11-01T09:00:00Z') });
    const issued = await issueInvoice(test.db, { invoiceId: october.id, now: new Date('2026-11-01T09:00:00Z') });
    expect(issued.status).toBe('issued');
    expect(await usageOf(september.id)).toEqual([['United States termination', 1]]);
    expect(await usageOf(issued.id)).toEqual([['United States termination', 1]]);
  });
});
