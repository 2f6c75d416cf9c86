/**
 * An invoice bills what the ledger charged: one-time charges priced below the cent (four places) are
 * not each rounded up on their own line. 100 numbers at $0.4950 are $49.50 on the ledger and on the
 * invoice, and what is due is the ledger's balance.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getLedgerBalance } from '@/lib/db/queries/ledger';
import { accountLedger, accounts, invoiceLines } from '@/lib/db/schema';
import { generateDraftInvoice, issueInvoice } from '@/lib/services/invoices';
import { useTestDatabase } from '../support/db';
import { seedTwoTenants } from '../support/fixtures';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

describe('Invoice one-time lines and the ledger', () => {
  const test = useTestDatabase();

  beforeAll(async () => {
    await seedTwoTenants(test.db);
  }, 120_000);

  it('bills 100 numbers at $0.4950 as the $49.50 the ledger charged, not $50.00', async () => {
    const id = crypto.randomUUID();
    await test.db.insert(accounts).values({ id, name: 'Hundred Numbers Telecom', billingAccountId: id, path: `/${id}/`, depth: 0 });
    const ordered = new Date('2026-10-12T09:00:00Z');
    await test.db.insert(accountLedger).values(
      Array.from({ length: 100 }, (_, i) => ({ billingAccountId: id, accountId: id, kind: 'charge' as const, amount: '-0.4950', description: `Number +1212555${String(1000 + i)}: setup and first month`, createdAt: ordered })),
    );
    await test.db.insert(accountLedger).values({ billingAccountId: id, accountId: id, kind: 'charge', amount: '-40.0000', description: 'Number +12125559999: setup and first month', createdAt: new Date('2026-10-20T09:00:00Z') });
    expect(await getLedgerBalance(test.db, { billingAccountId: id })).toBe('-89.5000');

    const { invoice: draft } = await generateDraftInvoice(test.db, { billingAccountId: id, month: '2026-10' });
    const oneTime = (await test.db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, draft.id))).filter((line) => line.kind === 'one_time');
    expect(oneTime).toHaveLength(101);
    expect(oneTime.reduce((sum, line) => sum + line.amountCents, 0)).toBe(8950);
    // The fraction each $0.4950 leaves is carried to the next: half the lines say 50¢, half 49¢; the $40.00 stays $40.00.
    expect(oneTime.filter((line) => line.amountCents === 50)).toHaveLength(50);
    expect(oneTime.filter((line) => line.amountCents === 49)).toHaveLength(50);
    expect(oneTime.find((line) => line.description === 'Number +12125559999: setup and first month')!.amountCents).toBe(4000);
    expect(draft).toMatchObject({ subtotalCents: 8950, chargesCents: 8950, totalDueCents: 8950 });

    const issued = await issueInvoice(test.db, { invoiceId: draft.id, now: new Date('2026-11-01T00:15:00Z') });
    expect(issued.totalDueCents).toBe(8950);
    expect(await getLedgerBalance(test.db, { billingAccountId: id })).toBe('-89.5000');

    // The next month carries exactly that, with a wire of $89.50 settling it.
    await test.db.insert(accountLedger).values({ billingAccountId: id, accountId: id, kind: 'payment', amount: '89.5000', description: 'Wire', reference: 'W-HUNDRED', createdAt: new Date('2026-11-05T00:00:00Z') });
    const { invoice: november } = await generateDraftInvoice(test.db, { billingAccountId: id, month: '2026-11' });
    expect(november).toMatchObject({ previousBalanceCents: 8950, paymentsCents: 8950, totalDueCents: 0 });
  });
});
