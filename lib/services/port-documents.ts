import 'server-only';

/**
 * A port's documents (issue 16.2): an uploaded LOA and a recent bill from the losing carrier, or an
 * LOA generated from the draft and signed in the browser. Uploads are judged by their content
 * (lib/ports/upload-checks.ts: PDF, PNG or JPEG; no scripts, no encryption, no polyglots, images
 * re-encoded) and kept in document storage, never under a public path: downloads go through a route
 * that checks the caller's account. A newer document of a kind supersedes the older, which stays.
 */
import { randomUUID } from 'node:crypto';
import { actorOwner, assertCan, type AccountAccess, type SessionUser } from '@/lib/auth/access';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import { getPortDocument, getPortInByAccount, getPortInById, insertPortDocument, insertPortEvent, listPortNumbers, lockPortIn } from '@/lib/db/queries/port-ins';
import type { PortIn, PortInDocument } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { renderLoaPdf, renderSignedLoaPdf, type LoaInput } from '@/lib/ports/loa-pdf';
import { parseSignatureDataUrl, signatureMatchesPerson } from '@/lib/ports/signature';
import type { PortDocumentKind } from '@/lib/ports/types';
import { inspectPortDocument } from '@/lib/ports/upload-checks';
import { getDocumentStorage } from '@/lib/storage/documents';
import { INVOICE_CARRIER_NAME } from './invoice-documents';
import { assertStaff } from './providers';

type Executor = Db | Tx;

const EXTENSION: Record<string, string> = { 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpg' };
const KIND_LABEL: Record<PortDocumentKind, string> = { loa: 'LOA', bill: 'Bill', signed_loa: 'Signed LOA' };

/** What a download answers with. */
export interface PortDocumentFile {
  bytes: Buffer;
  contentType: string;
  filename: string;
}

async function editablePort(tx: Tx, access: AccountAccess, portInId: string): Promise<PortIn> {
  const port = await lockPortIn(tx, { portInId });
  if (!port || port.accountId !== access.account.id) throw new AppError('not_found:port_in', 'No such port-in on this account.');
  if (port.status !== 'draft' && port.status !== 'exception') throw new AppError('conflict:port_in', 'Documents can be changed while the port is a draft, or after an exception.');
  return port;
}

/** A safe file name to show and to offer on download (the stored key never uses it). */
function cleanFilename(name: string, contentType: string): string {
  const base = name.replace(/^.*[\\/]/, '').replace(/[^A-Za-z0-9._ -]/g, '_').replace(/\.[A-Za-z0-9]{1,5}$/, '').trim().slice(0, 80) || 'document';
  return `${base}.${EXTENSION[contentType] ?? 'bin'}`;
}

async function storeDocument(
  tx: Tx,
  port: PortIn,
  values: Omit<typeof import('@/lib/db/schema').portInDocuments.$inferInsert, 'portInId' | 'accountId' | 'storageKey'> & { bytes: Buffer },
): Promise<PortInDocument> {
  const { bytes, ...row } = values;
  const storageKey = `port-ins/${port.accountId}/${port.id}/${randomUUID()}.${EXTENSION[row.contentType] ?? 'bin'}`;
  await getDocumentStorage().put(storageKey, bytes, { contentType: row.contentType });
  return insertPortDocument(tx, { ...row, portInId: port.id, accountId: port.accountId, storageKey });
}

/** Upload an LOA or a bill. Refused documents leave nothing stored and say why. */
export async function uploadPortDocument(access: AccountAccess, portInId: string, { kind, filename, bytes }: { kind: string; filename: string; bytes: Uint8Array }): Promise<{ id: string; kind: PortDocumentKind }> {
  assertCan(access, 'technical.write');
  if (kind !== 'loa' && kind !== 'bill') throw new AppError('invalid:port_document', 'Say whether this is the LOA or the bill.', { fieldErrors: { kind: ['Choose LOA or bill.'] } });
  const inspected = await inspectPortDocument(bytes);
  if (!inspected.ok) throw new AppError(inspected.code === 'too_large' ? 'too_large:port_document' : 'invalid:port_document', inspected.message, { fieldErrors: { file: [inspected.message] } });
  const db = await getDb();
  const owner = actorOwner(access);
  return db.transaction(async (tx) => {
    const port = await editablePort(tx, access, portInId);
    const document = await storeDocument(tx, port, {
      kind,
      contentType: inspected.contentType,
      sizeBytes: inspected.bytes.byteLength,
      sha256: inspected.sha256,
      filename: cleanFilename(filename, inspected.contentType),
      extractedText: inspected.text ?? null,
      uploadedByUserId: owner.userId,
      bytes: inspected.bytes,
    });
    await insertPortEvent(tx, { portInId: port.id, accountId: port.accountId, kind: 'document', actorKind: 'customer', actorUserId: owner.userId, actorApiKeyId: owner.apiKeyId, body: `${KIND_LABEL[kind]} uploaded (${document.filename}).` });
    return { id: document.id, kind };
  });
}

async function loaInputOf(db: Executor, port: PortIn): Promise<LoaInput> {
  const numbers = (await listPortNumbers(db, { portInId: port.id })).filter((number) => number.status !== 'cancelled');
  if (!port.subscriberType || !port.subscriberName || !port.authorizedPerson || !port.accountNumber || !port.serviceAddress) {
    throw new AppError('unprocessable:port_loa', 'Fill in the subscriber, account and service address first: the LOA is made from them.');
  }
  if (!numbers.length) throw new AppError('unprocessable:port_loa', 'List the numbers first: the LOA names them.');
  return {
    carrierName: INVOICE_CARRIER_NAME,
    subscriberName: port.subscriberName,
    subscriberType: port.subscriberType,
    authorizedPerson: port.authorizedPerson,
    losingCarrier: port.losingCarrier,
    accountNumber: port.accountNumber,
    billingTelephoneNumber: port.billingTelephoneNumber,
    serviceAddress: port.serviceAddress,
    numbers: numbers.map((number) => number.e164),
    partialPort: port.partialPort,
    remainingNumbers: port.remainingNumbers,
    requestedFocDate: port.requestedFocDate,
    reference: port.reference,
  };
}

/** The LOA made from the draft, unsigned: to read before signing. */
export async function previewPortLoa(access: AccountAccess, portInId: string): Promise<PortDocumentFile> {
  assertCan(access, 'technical.read');
  const db = await getDb();
  const port = await getPortInByAccount(db, { accountId: access.account.id, portInId });
  if (!port) throw new AppError('not_found:port_in', 'No such port-in on this account.');
  return { bytes: await renderLoaPdf(await loaInputOf(db, port)), contentType: 'application/pdf', filename: `${port.reference}-LOA.pdf` };
}

/**
 * Signs the generated LOA: the typed name must be the authorised person's, the drawing a real PNG
 * with ink on it. The signed PDF records the name, the time, the signer's address and browser, and
 * the unsigned document's hash; it becomes the port's LOA.
 */
export async function signPortLoa(
  access: AccountAccess,
  portInId: string,
  { typedName, signature, ipAddress, userAgent, now = new Date() }: { typedName: string; signature: string; ipAddress: string | null; userAgent: string | null; now?: Date },
): Promise<{ id: string; signedSha256: string }> {
  assertCan(access, 'technical.write');
  const name = typedName.trim();
  if (!name) throw new AppError('invalid:port_loa', 'Type your full name to sign.', { fieldErrors: { typedName: ['Type your full name to sign.'] } });
  const png = await parseSignatureDataUrl(signature);
  if (!png.ok) throw new AppError('invalid:port_loa', png.message, { fieldErrors: { signature: [png.message] } });
  const db = await getDb();
  const owner = actorOwner(access);
  return db.transaction(async (tx) => {
    const port = await editablePort(tx, access, portInId);
    if (!signatureMatchesPerson(name, port.authorizedPerson ?? '')) {
      const message = `The LOA must be signed by the authorised person on the account, ${port.authorizedPerson ?? '(not entered yet)'}; change the authorised person in the subscriber step if someone else signs.`;
      throw new AppError('invalid:port_loa', message, { fieldErrors: { typedName: [message] } });
    }
    const signed = await renderSignedLoaPdf(await loaInputOf(tx, port), { typedName: name, signaturePng: png.png, signedAt: now, ipAddress: ipAddress ?? null, userAgent: userAgent?.slice(0, 300) ?? null });
    const document = await storeDocument(tx, port, {
      kind: 'signed_loa',
      contentType: 'application/pdf',
      sizeBytes: signed.pdf.byteLength,
      sha256: signed.signedSha256,
      filename: `${port.reference}-LOA-signed.pdf`,
      signedName: name,
      signedAt: now,
      signerIp: ipAddress,
      signerUserAgent: userAgent?.slice(0, 300) ?? null,
      unsignedSha256: signed.unsignedSha256,
      uploadedByUserId: owner.userId,
      bytes: signed.pdf,
    });
    await insertPortEvent(tx, { portInId: port.id, accountId: port.accountId, kind: 'document', actorKind: 'customer', actorUserId: owner.userId, actorApiKeyId: owner.apiKeyId, body: `LOA signed by ${name}.` });
    return { id: document.id, signedSha256: signed.signedSha256 };
  });
}

async function fileOf(document: PortInDocument | undefined): Promise<PortDocumentFile> {
  if (!document) throw new AppError('not_found:port_document', 'No such document on this port.');
  const stored = await getDocumentStorage().get(document.storageKey);
  if (!stored) throw new AppError('not_found:port_document', 'The document’s file is missing from storage.');
  return { bytes: stored.bytes, contentType: document.contentType, filename: document.filename };
}

export async function getPortDocumentFile(access: AccountAccess, portInId: string, documentId: string): Promise<PortDocumentFile> {
  assertCan(access, 'technical.read');
  const db = await getDb();
  const port = await getPortInByAccount(db, { accountId: access.account.id, portInId });
  if (!port) throw new AppError('not_found:port_in', 'No such port-in on this account.');
  return fileOf(await getPortDocument(db, { portInId: port.id, documentId }));
}

export async function getPortDocumentFileAsStaff(user: SessionUser, portInId: string, documentId: string): Promise<PortDocumentFile> {
  assertStaff(user);
  const db = await getDb();
  const port = await getPortInById(db, { portInId });
  if (!port) throw new AppError('not_found:port_in', 'No such port-in.');
  return fileOf(await getPortDocument(db, { portInId: port.id, documentId }));
}

/** The bytes of a stored document, for the upstream submission. */
export async function readPortDocumentBytes(document: PortInDocument): Promise<Buffer> {
  return (await fileOf(document)).bytes;
}
