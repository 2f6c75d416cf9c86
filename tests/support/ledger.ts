import { eq } from 'drizzle-orm';
import { formatMicros, parseMicros } from '@/lib/billing/money';
import type { Db } from '@/lib/db/client';
import { accountLedger } from '@/lib/db/schema';

/** Cancels a test's ledger entries the way the app does (entries never change): one reversal each. */
export async function reverseEntriesByDescription(db: Db, description: string) {
  const entries = await db.select().from(accountLedger).where(eq(accountLedger.description, description));
  if (entries.length === 0) throw new Error(`no ledger entry described ${description}`);
  for (const entry of entries) {
    await db.insert(accountLedger).values({
      billingAccountId: entry.billingAccountId,
      accountId: entry.accountId,
      kind: 'reversal',
      amount: formatMicros(-parseMicros(entry.amount), 4),
      description: `Reversal: ${description}`,
      reversesId: entry.id,
    });
  }
}
