/**
 * Port-in orders for the API and isolation suites: a draft with numbers checked as portable by a
 * connected carrier, the subscriber, service address, an LOA and a bill, and a FOC date the
 * readiness check accepts, so it can be submitted as it stands. Written as rows (the wizard's own
 * steps are the port-ins suites' subject); the document bytes are kept in document storage.
 */
import { createHash, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import PDFDocument from 'pdfkit';
import type { Db } from '@/lib/db/client';
import { portInDocuments, portInEvents, portInNumbers, portIns, providerConnections } from '@/lib/db/schema';
import { earliestFocDate } from '@/lib/ports/foc-date';
import { getDocumentStorage } from '@/lib/storage/documents';

let sequence = 0;

/**
 * A small, valid PDF with text (what an honest LOA or bill upload looks like), uncompressed and
 * all ASCII (the binary marker comment's bytes become `?`, lengths unchanged), so a test can send it
 * inside a text body.
 */
export function textPdf(lines: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const document = new PDFDocument({ size: 'LETTER', compress: false, info: { Title: 'Port document', CreationDate: new Date('2026-01-01T00:00:00Z') } });
    const chunks: Buffer[] = [];
    document.on('data', (chunk: Buffer) => chunks.push(chunk));
    document.on('end', () => resolve(Buffer.from(Buffer.concat(chunks).map((byte) => (byte > 0x7e ? 0x3f : byte)))));
    document.on('error', reject);
    for (const line of lines) document.text(line);
    document.end();
  });
}

export const READY_SUBSCRIBER = { name: 'ACME TELECOM LLC', person: 'Jane Roe', account: 'AC-99812', street: '2200 ROSS AVE', city: 'DALLAS', state: 'TX', postalCode: '75201' };

/** Numbers no other fixture uses: 469-555-01xx… (valid NANP, fictional exchange), distinct per call. */
function freshNumbers(count: number): string[] {
  return Array.from({ length: count }, () => `+1469555${String(1000 + (sequence++ % 9000)).padStart(4, '0')}`);
}

export interface SeedPortOptions {
  accountId: string;
  /** `draft` (ready to submit) or a later state, as if submitted and moved by the carrier. */
  status?: 'draft' | 'submitted' | 'pending' | 'foc_scheduled' | 'exception';
  numbers?: number;
  label?: string;
}

export async function seedReadyPort(db: Db, { accountId, status = 'draft', numbers: count = 2, label = 'Fixture port' }: SeedPortOptions): Promise<{ portInId: string; reference: string; documentId: string; numbers: string[] }> {
  const [connection] = await db.select().from(providerConnections).where(eq(providerConnections.provider, 'voicetel'));
  if (!connection) throw new Error('seedReadyPort: connect the sandboxes first (a VoiceTel connection wins the numbers)');
  const numbers = freshNumbers(count);
  const reference = `PRT-${randomUUID().replace(/-/g, '').slice(0, 6).toUpperCase()}`;
  const live = status !== 'draft';
  const [port] = await db
    .insert(portIns)
    .values({
      accountId,
      reference,
      label,
      status,
      step: 'review',
      connectionId: connection.id,
      losingCarrier: 'AT&T',
      subscriberType: 'business',
      subscriberName: READY_SUBSCRIBER.name,
      authorizedPerson: READY_SUBSCRIBER.person,
      accountNumber: READY_SUBSCRIBER.account,
      serviceAddress: { street: READY_SUBSCRIBER.street, city: READY_SUBSCRIBER.city, state: READY_SUBSCRIBER.state, postalCode: READY_SUBSCRIBER.postalCode, country: 'US' },
      requestedFocDate: earliestFocDate(new Date(Date.now() + 14 * 86_400_000), 3),
      submittedAt: live ? new Date() : null,
      upstreamRef: live ? `fixture-${reference}` : null,
      exceptionCode: status === 'exception' ? 'account_number_mismatch' : null,
      exceptionMessage: status === 'exception' ? 'Account number does not match our records.' : null,
    })
    .returning();
  await db.insert(portInNumbers).values(
    numbers.map((e164) => ({
      portInId: port!.id,
      accountId,
      e164,
      kind: 'local' as const,
      status: status === 'exception' ? ('exception' as const) : status,
      inFlight: live,
      portable: true,
      losingCarrier: 'AT&T',
      rateCenter: 'DALLAS',
      rateCenterPortable: true,
      portability: [{ connectionId: connection.id, provider: connection.name, portable: true, reason: null, losingCarrier: 'AT&T', rateCenter: 'DALLAS' }],
      checkedAt: new Date(),
    })),
  );
  const storage = getDocumentStorage();
  const documentRow = async (kind: 'loa' | 'bill', lines: string[]) => {
    const bytes = await textPdf(lines);
    const storageKey = `port-ins/${accountId}/${port!.id}/${randomUUID()}.pdf`;
    await storage.put(storageKey, bytes, { contentType: 'application/pdf' });
    const [row] = await db
      .insert(portInDocuments)
      .values({ portInId: port!.id, accountId, kind, storageKey, contentType: 'application/pdf', sizeBytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex'), filename: `${kind}.pdf`, extractedText: lines.join('\n') })
      .returning();
    return row!.id;
  };
  const documentId = await documentRow('loa', [`Letter of authorization ${reference}`, READY_SUBSCRIBER.name, `Signed: ${READY_SUBSCRIBER.person}`]);
  await documentRow('bill', [READY_SUBSCRIBER.name, `${READY_SUBSCRIBER.street}, ${READY_SUBSCRIBER.city}, ${READY_SUBSCRIBER.state} ${READY_SUBSCRIBER.postalCode}`, `Account ${READY_SUBSCRIBER.account}`]);
  await db.insert(portInEvents).values([
    { portInId: port!.id, accountId, kind: 'created', toStatus: 'draft', actorKind: 'customer', body: 'Draft started.' },
    { portInId: port!.id, accountId, kind: 'comment', actorKind: 'staff', visibility: 'internal', body: 'INTERNAL-FIXTURE-NOTE: losing carrier slow this week.' },
  ]);
  return { portInId: port!.id, reference, documentId, numbers };
}
