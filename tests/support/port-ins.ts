/**
 * Port-in orders made through the customer's services, ready to submit: numbers checked against the
 * sandboxes, the winning upstream chosen, subscriber, LOA and bill in document storage, FOC date.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { AccountAccess } from '@/lib/auth/access';
import type { Db } from '@/lib/db/client';
import { insertPortDocument } from '@/lib/db/queries/port-ins';
import { portInNumbers, providerConnections } from '@/lib/db/schema';
import { earliestFocDate, minFocBusinessDays } from '@/lib/ports/foc-date';
import type { ProviderId } from '@/lib/providers/types';
import { checkPortPortability, choosePortConnection, createPortDraft, savePortNumbers, savePortSchedule, savePortSubscriber } from '@/lib/services/port-ins';
import { fileDocumentStorage, getDocumentStorage, setDocumentStorage } from '@/lib/storage/documents';

/** Document storage in a throwaway folder for the suite. */
export function useTempDocumentStorage() {
  setDocumentStorage(fileDocumentStorage(mkdtempSync(path.join(tmpdir(), 'port-docs-'))));
}

/** 512-820-xxxx numbers the VoiceTel sandbox calls portable from one losing carrier (its hash: digits weighted by position). */
export function portableNumbers(): (count?: number) => string[] {
  const pool: string[] = [];
  for (let last = 0; last < 10_000; last++) {
    const national = `512820${String(last).padStart(4, '0')}`;
    const hash = [...national].reduce((sum, digit, index) => sum + Number(digit) * (index + 1), 0);
    if (hash % 9 !== 0 && hash % 7 === 0) pool.push(`+1${national}`);
  }
  let next = 0;
  return (count = 2) => pool.slice(next, (next += count));
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

export async function addPortDocuments(db: Db, port: { id: string; accountId: string }) {
  for (const kind of ['loa', 'bill'] as const) {
    const storageKey = `port-ins/${port.accountId}/${port.id}/${kind}.pdf`;
    await getDocumentStorage().put(storageKey, PDF, { contentType: 'application/pdf' });
    await db.transaction((tx) =>
      insertPortDocument(tx, { portInId: port.id, accountId: port.accountId, kind, storageKey, contentType: 'application/pdf', sizeBytes: PDF.byteLength, sha256: createHash('sha256').update(PDF).digest('hex'), filename: `${kind}.pdf` }),
    );
  }
}

export interface ReadyPortOptions {
  provider: ProviderId;
  numbers: string[];
  /** The losing carrier's account number: the sandboxes end the port by its last four digits (9901–9910 refuse, 9920 moves the FOC). */
  accountNumber?: string;
  trunkGroupId?: string | null;
  /** Numbers the upstream's check refused, taken as portable (the check said yes earlier; at order time it takes only some). */
  forcePortable?: string[];
  /** The sandboxes' time, when a suite has moved their clock. */
  now?: Date;
}

export async function readyPort(db: Db, access: AccountAccess, options: ReadyPortOptions): Promise<{ id: string; reference: string }> {
  const draft = await createPortDraft(access, { label: `${options.provider} test` });
  await savePortNumbers(access, draft.id, { numbers: options.numbers.join('\n') });
  await checkPortPortability(access, draft.id);
  const [connection] = await db.select().from(providerConnections).where(eq(providerConnections.provider, options.provider));
  await choosePortConnection(access, draft.id, { connectionId: connection!.id });
  for (const e164 of options.forcePortable ?? []) {
    await db.update(portInNumbers).set({ portable: true, portabilityReason: null, rateCenterPortable: true }).where(eq(portInNumbers.e164, e164));
  }
  await savePortSubscriber(access, draft.id, {
    subscriberType: 'business',
    subscriberName: 'Acme East LLC',
    authorizedPerson: 'Jane Doe',
    accountNumber: options.accountNumber ?? '5550001234',
    billingTelephoneNumber: '',
    street: '100 Congress Ave',
    city: 'Austin',
    state: 'TX',
    postalCode: '78701',
  });
  await addPortDocuments(db, { id: draft.id, accountId: access.account.id });
  await savePortSchedule(access, draft.id, { requestedFocDate: earliestFocDate(options.now ?? new Date(), minFocBusinessDays('local', false)), trunkGroupId: options.trunkGroupId ?? '' }, options.now);
  return draft;
}
