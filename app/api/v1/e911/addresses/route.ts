import { z } from 'zod';
import { createE911Address, listE911Addresses } from '@/lib/api/contracts/e911';
import { decodeCursor, pageFrom } from '@/lib/api/cursor';
import { withAccount } from '@/lib/api/handler';
import { e911AddressJson, parseE911Address, saveE911AddressAnswer } from '@/lib/api/presenters/e911';
import { listE911AddressesPage } from '@/lib/services/e911';

export const dynamic = 'force-dynamic';

const position = z.object({ street: z.string(), id: z.string().uuid() });

/** The account's emergency addresses by street, each with how it stands with the carriers. */
export const GET = withAccount(listE911Addresses, async ({ access, query }) => {
  const rows = await listE911AddressesPage(access, { after: decodeCursor(query.cursor, position), limit: query.limit });
  return pageFrom(rows, query.limit, (row) => e911AddressJson(row.address, row.check, row.numbers), (row) => ({ street: row.address.street, id: row.address.id }));
});

/** Adds an address once the carriers accept it (422 with their proposals when they correct it). */
export const POST = withAccount(createE911Address, async ({ access, body }) => {
  const { keepAsTyped, ...fields } = body;
  return saveE911AddressAnswer(access, parseE911Address(fields), { keepAsTyped });
});
