/**
 * An issued invoice with usage lines to dispute: calls ingested (and rated on the deck in force),
 * the month's draft computed and issued once the month is over. Shared by the disputes suite, the
 * isolation suite and the API world.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { cdrs, disputeCalls, disputes, invoiceLines, type Invoice, type InvoiceLine } from '@/lib/db/schema';
import { ingestCdrBatch, type CdrInput } from '@/lib/services/cdr-ingest';
import { generateDraftInvoice, invoicePeriod, issueInvoice } from '@/lib/services/invoices';

export interface TestCall {
  accountId: string;
  to: string;
  /** Seconds talked; 0: not answered. */
  billsec: number;
  direction?: 'inbound' | 'outbound';
  /** Day of the month (1–28) the call starts. */
  day?: number;
}

/** Ingests the calls into `month` (YYYY-MM); returns each call's id in the order given. */
export async function ingestMonthCalls(db: Db, month: string, calls: TestCall[]): Promise<string[]> {
  const batch = randomUUID();
  const { periodStart } = invoicePeriod(month);
  const inputs: CdrInput[] = calls.map((call, i) => {
    const invite = periodStart.getTime() + ((call.day ?? 3) - 1) * 86_400_000 + 3_600_000 + i * 60_000;
    const answered = call.billsec > 0;
    return {
      source: 'dispute-test',
      sourceId: `${batch}-${i}`,
      accountId: call.accountId,
      direction: call.direction ?? 'outbound',
      from: '+12125550100',
      to: call.to,
      inviteAt: new Date(invite),
      answerAt: answered ? new Date(invite + 2000) : undefined,
      endAt: new Date(invite + 2000 + call.billsec * 1000),
      billsec: call.billsec,
      sipCode: answered ? 200 : 486,
    };
  });
  const result = await ingestCdrBatch(
    db,
    inputs.map((input, i) => ({ line: i + 1, input })),
  );
  if (result.rejected.length > 0) throw new Error(`calls refused: ${JSON.stringify(result.rejected)}`);
  const rows = await db
    .select({ id: cdrs.id, sourceId: cdrs.sourceId })
    .from(cdrs)
    .where(and(eq(cdrs.source, 'dispute-test'), inArray(cdrs.sourceId, inputs.map((input) => input.sourceId))));
  const byRef = new Map(rows.map((row) => [row.sourceId, String(row.id)]));
  return inputs.map((input) => byRef.get(input.sourceId)!);
}

/**
 * The calls ingested into `month`, then its invoice computed and issued on the 2nd of the next
 * month; returns the invoice, its lines and the ids of the calls.
 */
export async function seedIssuedUsageInvoice(db: Db, { billingAccountId, month, calls }: { billingAccountId: string; month: string; calls: TestCall[] }): Promise<{ invoice: Invoice; lines: InvoiceLine[]; callIds: string[] }> {
  const callIds = await ingestMonthCalls(db, month, calls);
  const { invoice: draft } = await generateDraftInvoice(db, { billingAccountId, month });
  const { periodEnd } = invoicePeriod(month);
  const invoice = await issueInvoice(db, { invoiceId: draft.id, now: new Date(periodEnd.getTime() + 86_400_000) });
  const lines = await db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, invoice.id));
  return { invoice, lines, callIds };
}

/** A usage line by its description ("United States termination"). */
export function lineNamed(lines: InvoiceLine[], description: string): InvoiceLine {
  const line = lines.find((candidate) => candidate.description === description);
  if (!line) throw new Error(`no line “${description}” among ${lines.map((candidate) => candidate.description).join(', ')}`);
  return line;
}

/** A call of the line that no open or accepted dispute holds (for suites that dispute again and again). */
export async function undisputedCallOf(db: Db, callIds: readonly string[]): Promise<string> {
  const taken = await db
    .select({ id: disputeCalls.cdrId })
    .from(disputeCalls)
    .innerJoin(disputes, eq(disputes.id, disputeCalls.disputeId))
    .where(sql`${disputes.status} <> 'rejected'`);
  const held = new Set(taken.map((row) => String(row.id)));
  const free = callIds.find((id) => !held.has(id));
  if (!free) throw new Error('every call of the line is disputed already: seed more calls');
  return free;
}
