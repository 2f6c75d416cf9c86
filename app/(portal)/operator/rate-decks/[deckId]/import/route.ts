import { authorizeStaff } from '@/lib/auth/guard';
import { jsonRoute } from '@/lib/auth/route';
import { decodeDeckFile } from '@/lib/billing/deck-csv';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { previewRateDeckImport, publishRateDeckVersion, reratingNote } from '@/lib/services/rate-decks';
import { DECK_CHANGE_FILTERS, MAX_DECK_FILE_BYTES, publishFieldsSchema, readEffectiveFrom, type DeckChangeFilter } from '@/lib/validations/rate-decks';

export const dynamic = 'force-dynamic';

/** Multipart framing around the file: a little over the file's own limit. */
const MAX_BODY_BYTES = MAX_DECK_FILE_BYTES + 64 * 1024;

/** A session's POST must come from the portal's own pages: a form on another site could send one. */
function assertSameOrigin(request: Request) {
  const origin = request.headers.get('origin');
  if (origin && origin !== new URL(request.url).origin && origin !== getEnv().appUrl) throw new AppError('forbidden:origin', 'Cross-site requests are refused.');
}

const tooLarge = () => new AppError('too_large:file', `The file is larger than ${MAX_DECK_FILE_BYTES / 1024 / 1024} MB: split the deck.`, { fieldErrors: { file: [`Larger than ${MAX_DECK_FILE_BYTES / 1024 / 1024} MB`] } });

async function readForm(request: Request): Promise<FormData> {
  if (Number(request.headers.get('content-length') ?? '0') > MAX_BODY_BYTES) throw tooLarge();
  const type = request.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data') || !request.body) throw new AppError('unsupported_media_type:body', 'Send the deck as a multipart form with the file in `file`.');
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  try {
    return await new Response(Buffer.concat(chunks), { headers: { 'content-type': type } }).formData();
  } catch (cause) {
    throw new AppError('invalid:body', 'The upload could not be read; choose the file again.', { cause });
  }
}

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value : undefined;
};

/**
 * A deck file for staff: `intent=preview` answers what it would change against the version in force
 * (a page of the changed rows); `intent=publish` writes it as the deck's next version. Nothing is
 * kept between the two: the page sends the same file again to publish it, with the version the
 * preview was compared with, so a version published in between is never overwritten unseen.
 */
export const POST = jsonRoute(async (request: Request, { params }: { params: Promise<{ deckId: string }> }) => {
  const { deckId } = await params;
  const { user, ip } = await authorizeStaff();
  assertSameOrigin(request);
  const form = await readForm(request);
  const file = form.get('file');
  if (!(file instanceof File) || file.size === 0) throw new AppError('invalid:file', 'Choose a CSV file to import.', { fieldErrors: { file: ['Choose a CSV file'] } });
  if (file.size > MAX_DECK_FILE_BYTES) throw tooLarge();
  const decoded = decodeDeckFile(new Uint8Array(await file.arrayBuffer()));
  if (!decoded.ok) throw new AppError('invalid:file', decoded.message, { fieldErrors: { file: [decoded.message] } });

  if (text(form, 'intent') === 'publish') {
    // `none`: the preview found no version in force; absent: publish whatever is in force.
    const basedOn = text(form, 'basedOn');
    const fields = publishFieldsSchema.parse({ effectiveFrom: text(form, 'effectiveFrom'), basedOnVersionId: basedOn === 'none' ? undefined : basedOn, note: text(form, 'note') });
    const effectiveFrom = readEffectiveFrom(fields.effectiveFrom);
    if (!effectiveFrom.ok) throw new AppError('invalid:effective_from', effectiveFrom.message, { fieldErrors: { effectiveFrom: [effectiveFrom.message] } });
    const published = await publishRateDeckVersion(user, { deckId, csv: decoded.text, effectiveFrom: effectiveFrom.value, basedOnVersionId: basedOn === 'none' ? null : fields.basedOnVersionId, note: fields.note }, ip);
    return Response.json({ status: 'published', version: published.version, versionId: published.versionId, effectiveFrom: published.effectiveFrom.toISOString(), entryCount: published.entryCount, rerating: reratingNote(published.rerating) });
  }
  const change = text(form, 'change') ?? 'changed';
  const page = Number(text(form, 'page') ?? '1');
  const preview = await previewRateDeckImport(user, {
    deckId,
    csv: decoded.text,
    change: (DECK_CHANGE_FILTERS as readonly string[]).includes(change) ? (change as DeckChangeFilter) : 'changed',
    page: Number.isSafeInteger(page) && page > 0 ? page : 1,
  });
  return Response.json(preview, { headers: { 'cache-control': 'no-store' } });
});
