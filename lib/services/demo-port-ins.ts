import 'server-only';

/**
 * The demo's port-ins (npm start, first start): a draft that stopped after its numbers, and a port
 * the losing carrier rejected for a wrong account number, with its timeline — so Port-ins shows the
 * wizard's resume and the exception path before anyone ports anything. New ports the demo user
 * submits go to the sandboxes for real.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import type { Db, Tx } from '@/lib/db/client';
import { insertPortDocument, insertPortEvent, insertPortIn, listPortInsByAccount, replacePortNumbers, updatePortNumbersOfPort } from '@/lib/db/queries/port-ins';
import { accounts, portIns, providerConnections, users, type PortIn } from '@/lib/db/schema';
import { renderSignedLoaPdf } from '@/lib/ports/loa-pdf';
import { PROVIDER_NAMES } from '@/lib/providers/errors';
import { checkReadiness } from '@/lib/ports/readiness';
import { getDocumentStorage } from '@/lib/storage/documents';
import { newPortReference } from '@/lib/validations/port-ins';
import { INVOICE_CARRIER_NAME } from './invoice-documents';
import { readinessInputOf } from './port-ins';

const HOUR = 3_600_000;
const DEMO_UPSTREAM_REF = 'D4LS7';

/** A pen stroke for the demo's signed LOA: the PDF shows a drawn signature as a browser-signed one does. */
const DEMO_SIGNATURE_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200"><path d="M30 140 C 60 40, 90 40, 100 130 S 150 60, 170 120 S 220 150, 240 90 C 255 60, 270 140, 300 110 S 360 70, 380 120 L 560 115" fill="none" stroke="#1e293b" stroke-width="5" stroke-linecap="round"/></svg>';

/**
 * The LOA the authorised person signed in the browser before submitting, stored as signPortLoa
 * stores one (document storage, a `signed_loa` row, a timeline entry): a submitted port has one.
 */
async function seedSignedLoa(tx: Tx, port: PortIn, numbers: string[], { signedAt, actorUserId }: { signedAt: Date; actorUserId: string | null }): Promise<void> {
  const name = port.authorizedPerson!;
  const signed = await renderSignedLoaPdf(
    {
      carrierName: INVOICE_CARRIER_NAME,
      subscriberName: port.subscriberName!,
      subscriberType: port.subscriberType!,
      authorizedPerson: name,
      losingCarrier: port.losingCarrier,
      accountNumber: port.accountNumber!,
      billingTelephoneNumber: port.billingTelephoneNumber,
      serviceAddress: port.serviceAddress!,
      numbers,
      partialPort: port.partialPort,
      remainingNumbers: port.remainingNumbers,
      requestedFocDate: port.requestedFocDate,
      reference: port.reference,
    },
    { typedName: name, signaturePng: await sharp(Buffer.from(DEMO_SIGNATURE_SVG)).png().toBuffer(), signedAt, ipAddress: null, userAgent: null },
  );
  const storageKey = `port-ins/${port.accountId}/${port.id}/${randomUUID()}.pdf`;
  await getDocumentStorage().put(storageKey, signed.pdf, { contentType: 'application/pdf' });
  await insertPortDocument(tx, {
    portInId: port.id,
    accountId: port.accountId,
    kind: 'signed_loa',
    storageKey,
    contentType: 'application/pdf',
    sizeBytes: signed.pdf.byteLength,
    sha256: signed.signedSha256,
    filename: `${port.reference}-LOA-signed.pdf`,
    signedName: name,
    signedAt,
    unsignedSha256: signed.unsignedSha256,
    uploadedByUserId: actorUserId,
    createdAt: signedAt,
  });
  await insertPortEvent(tx, { portInId: port.id, accountId: port.accountId, kind: 'document', actorKind: 'customer', actorUserId, body: `LOA signed by ${name}.`, createdAt: signedAt });
}

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
      // The carrier's order for it, as the VoiceTel sandbox names one (five characters): it was with the carrier.
      ...(voicetel ? { upstreamRef: DEMO_UPSTREAM_REF, upstreamStatus: 'Rejected' } : {}),
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
    await seedSignedLoa(tx, rejected, ['+12145550140', '+12145550141'], { signedAt: at(-1), actorUserId: by.actorUserId });
    // The score the readiness check gives the port as it was submitted (a signed LOA, no bill uploaded).
    const readiness = checkReadiness(await readinessInputOf(tx, rejected, submittedAt, { staffView: false })).score;
    await tx.update(portIns).set({ readinessScore: readiness }).where(eq(portIns.id, rejected.id));
    await insertPortEvent(tx, { portInId: rejected.id, accountId: acme.id, kind: 'status', fromStatus: 'draft', toStatus: 'submitted', actorKind: 'customer', ...by, body: `Submitted (readiness ${readiness}/100).`, createdAt: submittedAt });
    if (voicetel) {
      // Worded as submission words it (customers read "the carrier"; staff the upstream's name).
      await insertPortEvent(tx, { portInId: rejected.id, accountId: acme.id, kind: 'upstream', actorKind: 'system', body: `Sent to ${PROVIDER_NAMES.voicetel} as order ${DEMO_UPSTREAM_REF}.`, detail: { upstreamRef: DEMO_UPSTREAM_REF }, createdAt: at(0.05) });
    }
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
