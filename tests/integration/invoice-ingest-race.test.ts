import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import { accounts, invoiceLines } from '@/lib/db/schema';
import { ingestCdrBatch } from '@/lib/services/cdr-ingest';
import { generateDraftInvoice, invoicePeriod, issueInvoice, previousMonth } from '@/lib/services/invoices';
import { testDriver, useTestDatabase } from '../support/db';
import { ingestMonthCalls } from '../support/disputes';
import { seedTwoTenants } from '../support/fixtures';

/**
 * Calls keep arriving while a month is issued (a CDR pull's page of 30 November's last calls at
 * 00:15 on the 1st). Each call must be billed exactly once: on the month's invoice if it was
 * stored before the issue read the usage, or as a late call on the next invoice if after.
 */
describe('calls stored while their month is issued', () => {
  const test = useTestDatabase();
  const month = previousMonth(new Date());
  const { periodEnd } = invoicePeriod(month);
  let sequence = 0;

  beforeAll(async () => {
    // The demo's default sell deck prices the calls.
    await seedTwoTenants(test.db);
  });

  async function billingAccountWithAMonth(): Promise<{ billingAccountId: string; draftId: string }> {
    const id = randomUUID();
    await test.db.insert(accounts).values({ id, name: `Race ${id.slice(0, 6)}`, billingAccountId: id, path: `/${id}/`, depth: 0 });
    await ingestMonthCalls(test.db, month, [{ accountId: id, to: '+14155550101', billsec: 60, day: 10 }]);
    const { invoice } = await generateDraftInvoice(test.db, { billingAccountId: id, month });
    return { billingAccountId: id, draftId: invoice.id };
  }

  /** The month's last call, as a pull stores it. */
  function lastCallOfMonth(accountId: string) {
    const invite = new Date(periodEnd.getTime() - 2 * 60_000);
    return [{ line: 1, input: { source: 'race-pull', sourceId: `last-${sequence++}`, accountId, direction: 'outbound' as const, from: '+12125550100', to: '+14155550199', inviteAt: invite, answerAt: new Date(invite.getTime() + 1000), endAt: new Date(invite.getTime() + 91_000), billsec: 90, sipCode: 200 } }];
  }

  const callsOn = async (invoiceId: string) => (await test.db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, invoiceId))).reduce((n, line) => n + (line.calls ?? 0), 0);
  /** Calls of earlier months the current month's draft bills as late. */
  const lateCallsAfter = async (billingAccountId: string) => {
    const { invoice } = await generateDraftInvoice(test.db, { billingAccountId, month: new Date().toISOString().slice(0, 7) });
    return callsOn(invoice.id);
  };

  function gate() {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { open, opened };
  }

  it('bills a call written in a transaction that began before the issue as late, not as on time for an invoice that missed it', async () => {
    const { billingAccountId, draftId } = await billingAccountWithAMonth();
    // One transaction older than the issue that writes after it (on PGlite's one connection, the issue runs inside it).
    let issuedId = '';
    await test.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT 1`);
      issuedId = (await issueInvoice(tx as unknown as Db, { invoiceId: draftId })).id;
      expect((await ingestCdrBatch(tx, lastCallOfMonth(billingAccountId))).accepted).toBe(1);
    });
    expect(await callsOn(issuedId)).toBe(1);
    expect(await lateCallsAfter(billingAccountId)).toBe(1);
  });

  describe.runIf(testDriver() === 'postgres')('on two connections', () => {
    const waitingOnUsageLock = async () =>
      rowsOf<{ n: number }>(await test.db.execute(sql`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`))[0]!.n > 0;

    it('has the issue wait for a batch being stored, and bills the call on the invoice', async () => {
      const { billingAccountId, draftId } = await billingAccountWithAMonth();
      const stored = gate();
      const release = gate();
      const pull = test.db.transaction(async (tx) => {
        expect((await ingestCdrBatch(tx, lastCallOfMonth(billingAccountId))).accepted).toBe(1);
        stored.open();
        await release.opened;
      });
      await stored.opened;
      let settled = false;
      const issuing = issueInvoice(test.db, { invoiceId: draftId }).finally(() => (settled = true));
      for (let i = 0; i < 200 && !settled && !(await waitingOnUsageLock()); i++) await new Promise((resolve) => setTimeout(resolve, 25));
      const waited = !settled;
      release.open();
      await pull;
      const issued = await issuing;
      expect(await callsOn(issued.id)).toBe(2);
      expect(await lateCallsAfter(billingAccountId)).toBe(0);
      expect(waited).toBe(true);
    });

    it('bills a call whose transaction began before the issue and was written after it as late', async () => {
      const { billingAccountId, draftId } = await billingAccountWithAMonth();
      const begun = gate();
      const release = gate();
      const pull = test.db.transaction(async (tx) => {
        await tx.execute(sql`SELECT 1`);
        begun.open();
        await release.opened;
        expect((await ingestCdrBatch(tx, lastCallOfMonth(billingAccountId))).accepted).toBe(1);
      });
      await begun.opened;
      const issued = await issueInvoice(test.db, { invoiceId: draftId });
      release.open();
      await pull;
      expect(await callsOn(issued.id)).toBe(1);
      expect(await lateCallsAfter(billingAccountId)).toBe(1);
    });

    it('lets batches of different billing accounts and an issue run side by side', async () => {
      const busy = await billingAccountWithAMonth();
      const other = await billingAccountWithAMonth();
      const stored = gate();
      const release = gate();
      const pull = test.db.transaction(async (tx) => {
        expect((await ingestCdrBatch(tx, lastCallOfMonth(busy.billingAccountId))).accepted).toBe(1);
        stored.open();
        await release.opened;
      });
      await stored.opened;
      // Not held up by the other account's batch, still open.
      const issued = await issueInvoice(test.db, { invoiceId: other.draftId });
      release.open();
      await pull;
      expect(await callsOn(issued.id)).toBe(1);
    });
  });
});
