import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { uploadPortDocumentEndpoint } from '@/lib/api/contracts/ports';
import { withAccount } from '@/lib/api/handler';
import { portDetailJson } from '@/lib/api/presenters/ports';
import { AppError } from '@/lib/errors';
import { MAX_PORT_DOCUMENT_BYTES } from '@/lib/ports/types';
import { uploadPortDocument } from '@/lib/services/port-documents';
import { getPortDetail } from '@/lib/services/port-ins';

export const dynamic = 'force-dynamic';

const MB = MAX_PORT_DOCUMENT_BYTES / 1024 / 1024;
/** The `kind` field and the part headers, beside the file. */
const FORM_OVERHEAD_BYTES = 16 * 1024;

const formError = (field: string, message: string) => new AppError('invalid:form', message, { fieldErrors: { [field]: [message] } });
const tooLarge = () => new AppError('too_large:file', `The file is larger than ${MB} MB; nothing past that was read. Scan it at a lower resolution or send a PDF.`, { fieldErrors: { file: [`Larger than ${MB} MB.`] } });

/**
 * Reads `kind` and then `file` as the upload streams, holding at most 10 MB + 1 byte of the file:
 * past that it stops reading (the rest of the upload is never read) and answers 413.
 */
async function readUpload(body: ReadableStream<Uint8Array> | null, contentType: string | null): Promise<{ kind: string; filename: string; bytes: Uint8Array }> {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'multipart/form-data' || !/;\s*boundary=/i.test(contentType ?? '') || !body) {
    await body?.cancel().catch(() => undefined);
    throw new AppError('unsupported_media_type:body', 'Send the document as multipart/form-data: kind (loa or bill), then file. curl -F kind=loa -F file=@loa.pdf');
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: { 'content-type': contentType! }, defParamCharset: 'utf8', limits: { fileSize: MAX_PORT_DOCUMENT_BYTES, files: 1, fields: 1, fieldSize: 100, parts: 3, headerPairs: 20 } });
  } catch (error) {
    await body.cancel().catch(() => undefined);
    throw new AppError('unsupported_media_type:body', 'The multipart Content-Type cannot be read (its boundary?).', { cause: error });
  }
  let failure: unknown;
  let kind: string | undefined;
  let file: { filename: string; chunks: Buffer[]; done: Promise<void> } | undefined;
  const fail = (error: unknown) => {
    failure ??= error;
  };
  parser.on('field', (name: string, value: string) => {
    if (name !== 'kind') return fail(formError(name, `Unknown form field “${name.slice(0, 40)}”: send kind, then file.`));
    if (file) return fail(formError('kind', 'Send kind before the file.'));
    kind = value;
  });
  parser.on('file', (name: string, stream: Readable & { truncated?: boolean }, info: busboy.FileInfo) => {
    if (name !== 'file') {
      stream.resume();
      return fail(formError(name, `Unknown file field “${name.slice(0, 40)}”: send the document in the field file.`));
    }
    const chunks: Buffer[] = [];
    // Destroying the parser early (a refusal, the size limit) destroys this stream with an error: unheard, it would crash the process.
    stream.on('error', fail);
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('limit', () => fail(tooLarge()));
    file = { filename: info.filename ?? 'document', chunks, done: new Promise((resolve) => stream.on('end', resolve).on('close', resolve)) };
  });
  parser.on('filesLimit', () => fail(formError('file', 'Send one file per upload.')));
  parser.on('fieldsLimit', () => fail(formError('form', 'Too many form fields.')));
  parser.on('partsLimit', () => fail(formError('form', 'Too many form parts.')));
  parser.on('error', fail);
  const finished = new Promise<void>((resolve) => parser.once('finish', resolve).once('close', resolve).once('error', () => resolve()));

  const reader = body.getReader();
  let received = 0;
  let complete = false;
  try {
    while (failure === undefined) {
      const { done, value } = await reader.read();
      if (done) {
        complete = true;
        parser.end();
        await finished;
        break;
      }
      received += value.byteLength;
      if (received > MAX_PORT_DOCUMENT_BYTES + 1 + FORM_OVERHEAD_BYTES) {
        fail(tooLarge());
        break;
      }
      if (!parser.write(value)) await new Promise<void>((resolve) => parser.once('drain', resolve));
    }
    if (failure !== undefined) throw failure;
    if (!file) throw formError('file', 'Attach the document in the field file.');
    await file.done;
    if (failure !== undefined) throw failure;
    if (!kind) throw formError('kind', 'Say whether this is the LOA or the bill: kind=loa or kind=bill, before the file.');
    return { kind, filename: file.filename, bytes: Buffer.concat(file.chunks) };
  } finally {
    // Stopped early (a refused form, the size limit): the rest of the upload is not read.
    if (!complete) await reader.cancel().catch(() => undefined);
    parser.removeAllListeners('file');
    parser.on('error', () => undefined);
    parser.destroy();
  }
}

/** An LOA or a bill for a draft (or a port in exception), judged by its content. */
export const POST = withAccount(uploadPortDocumentEndpoint, async ({ access, params, request }) => {
  // The port is checked first, so nothing of an upload to another account's port is read.
  await getPortDetail(access, params.portId).catch(async (error) => {
    await request.body?.cancel().catch(() => undefined);
    throw error;
  });
  const upload = await readUpload(request.body, request.headers.get('content-type'));
  await uploadPortDocument(access, params.portId, upload);
  return portDetailJson(await getPortDetail(access, params.portId));
});
