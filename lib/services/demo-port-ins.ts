import 'server-only';

/**
 * The demo's port-ins (npm start, first start): a draft that stopped after its numbers, and a port
 * the losing carrier rejected for a wrong account number, with its timeline — so Port-ins shows the
 * wizard's resume and the exception path before anyone ports anything. New ports the demo user
 * submits go to the sandboxes for real.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { insertPortEvent, insertPortIn, listPortInsByAccount, replacePortNumbers, updatePortNumbersOfPort } from '@/lib/db/queries/port-ins';
import { accounts, providerConnections, users } from '@/lib/db/schema';
import { newPortReference } from '@/lib/validations/port-ins';

const HOUR = 3_600_000;

export async function seedDemoPortIns(db: Db, now: Date = new Date()): Promise<{ created: number }> {
  const [acme] = await db.select().from(accounts).where(eq(accounts.name, 'Acme Telecom')).limit(1);
  if (!acme || (await listPortInsByAccount(db, { accountId: acme.id, limit: 1 })).length) return { created: 0 };
  const [owner] = await db.select({ id: users.id }).from(users).where(eq(users.email, 'owner@acme.example')).limit(1);
  const [voicetel] = await db.select({ id: providerConnections.id }).from(providerConnections).where(eq(providerConnections.provider, 'voicetel')).limit(1);
  const by = { actorUserId: owner?.id ?? null };
  return db.transaction(async (tx) => {
    const draft = await insertPortIn(tx, { accountId: acme.id, reference: newPortReference(), label: 'Chicago branch lines', step: 'portability', createdByUserId: by.actorUserId, createdAt: new Date(now.getTime() - 26 * HOUR), updatedAt: new Date(now.getTime() - 26 * HOUR) });
    await replacePortNumbers(tx, {
      portInId: draft.id,
      accountId: acme.id,
      numbers: ['+13125550117', '+13125550126', '+13125550180'].map((e164) => ({ e164, kind: 'local' as const })),
    });
    await insertPortEvent(tx, { portInId: draft.id, accountId: acme.id, kind: 'created', toStatus: 'draft', actorKind: 'customer', ...by, body: 'Draft started.', createdAt: draft.createdAt });

    const submittedAt = new Date(now.getTime() - 50 * HOUR);
    const rejected = await insertPortIn(tx, {
      accountId: acme.id,
      reference: newPortReference(),
      label: 'Dallas office',
      connectionId: voicetel?.id ?? null,
      createdByUserId: by.actorUserId,
      updatedAt: new Date(submittedAt.getTime() + 20 * HOUR),
      status: 'exception',
      step: 'review',
      losingCarrier: 'Bandwidth CLEC',
      subscriberType: 'business',
      subscriberName: 'Acme Telecom Dallas',
      authorizedPerson: 'Olivia Owner',
      accountNumber: '4410-2231-9901',
      billingTelephoneNumber: '+12145550140',
      serviceAddress: { street: '2200 ROSS AVE', unit: 'STE 400', city: 'DALLAS', state: 'TX', postalCode: '75201', country: 'US' },
      requestedFocDate: new Date(now.getTime() + 7 * 24 * HOUR).toISOString().slice(0, 10),
      exceptionCode: 'account_number_mismatch',
      exceptionMessage: 'Rejected by losing carrier: Account number does not match CSR',
      readinessScore: 100,
      submittedAt,
      createdAt: new Date(submittedAt.getTime() - 2 * HOUR),
    });
    await replacePortNumbers(tx, {
      portInId: rejected.id,
      accountId: acme.id,
      numbers: ['+12145550140', '+12145550141'].map((e164) => ({ e164, kind: 'local' as const })),
    });
    await updatePortNumbersOfPort(tx, {
      portInId: rejected.id,
      values: { status: 'exception', inFlight: true, portable: true, losingCarrier: 'Bandwidth CLEC', exceptionCode: 'account_number_mismatch', exceptionMessage: 'Rejected by losing carrier: Account number does not match CSR' },
    });
    const at = (hours: number) => new Date(submittedAt.getTime() + hours * HOUR);
    await insertPortEvent(tx, { portInId: rejected.id, accountId: acme.id, kind: 'created', toStatus: 'draft', actorKind: 'customer', ...by, body: 'Draft started.', createdAt: rejected.createdAt });
    await insertPortEvent(tx, { portInId: rejected.id, accountId: acme.id, kind: 'status', fromStatus: 'draft', toStatus: 'submitted', actorKind: 'customer', ...by, body: 'Submitted (readiness 100/100).', createdAt: submittedAt });
    await insertPortEvent(tx, { portInId: rejected.id, accountId: acme.id, kind: 'status', fromStatus: 'submitted', toStatus: 'pending', actorKind: 'upstream', body: 'With the losing carrier.', createdAt: at(0.5) });
    await insertPortEvent(tx, {
      portInId: rejected.id,
      accountId: acme.id,
      kind: 'exception',
      fromStatus: 'pending',
      toStatus: 'exception',
      actorKind: 'upstream',
      body: 'Rejected by losing carrier: Account number does not match CSR',
      createdAt: at(20),
    });
    return { created: 2 };
  });
}
