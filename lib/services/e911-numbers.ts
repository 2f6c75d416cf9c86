import 'server-only';

/**
 * The account's numbers with their emergency-address status, one page at a time, as the E911
 * pages show them. Scoped to the session's account, like lib/services/e911.ts.
 */
import { assertCan, type AccountAccess } from '@/lib/auth/access';
import { getDb } from '@/lib/db/client';
import { countNumbersByE911Address, getE911NumbersPage, getLiveNumbersByIds, type E911NumberSelection } from '@/lib/db/queries/e911';
import type { E911Status } from '@/lib/services/e911';
import { formatE164 } from '@/lib/format';
import { scrubProviderNames } from './carrier-labels';
import { connectionsWithoutE911 } from './e911-capability';

export const E911_LIST_LIMIT = 100;

export interface E911NumberRow {
  id: string;
  e164: string;
  /** As shown: +1 312-555-0100. */
  number: string;
  state: string | null;
  status: E911Status;
  /** Why registration failed, in words the viewer may see (no upstream names for customers). */
  detail?: string;
  /** The carrier's own words on a failed registration: operator staff only. */
  staffDetail?: string;
  addressId: string | null;
}

const E911_STATUSES: readonly E911Status[] = ['none', 'pending', 'registered', 'failed', 'unsupported'];
export const e911StatusOf = (value: string): E911Status => (E911_STATUSES.includes(value as E911Status) ? (value as E911Status) : 'none');

/** What the viewer may read of a registration's stored detail (which may name the carrier). */
export function e911DetailFor(status: E911Status, detail: string | null, staff: boolean): string | undefined {
  if (!detail) return undefined;
  if (staff) return detail;
  // "Not supported" says it all; the stored text may name the carrier when staff assigned it.
  if (status !== 'failed') return undefined;
  return scrubProviderNames(detail, false, 'the carrier');
}

async function numbersWhere(access: AccountAccess, selection: E911NumberSelection, { limit, offset }: { limit: number; offset: number }) {
  assertCan(access, 'technical.read');
  const { rows, total } = await getE911NumbersPage(await getDb(), { accountId: access.account.id, selection, limit, offset });
  const staff = access.user.isOperatorStaff;
  return {
    total,
    rows: rows.map((row): E911NumberRow => {
      const status = e911StatusOf(row.status);
      const staffDetail = staff && status === 'failed' ? (row.upstreamDetail ?? undefined) : undefined;
      return { id: row.id, e164: row.e164, number: formatE164(row.e164), state: row.state, status, detail: e911DetailFor(status, row.detail, staff), ...(staffDetail ? { staffDetail } : {}), addressId: row.addressId };
    }),
  };
}

/**
 * Live numbers of the account without a registered emergency address that could have one (those
 * whose carrier cannot register any are `getUncoverableNumbers`).
 */
export async function getUnregisteredNumbers(access: AccountAccess, page = { limit: E911_LIST_LIMIT, offset: 0 }) {
  return numbersWhere(access, { kind: 'unregistered', without: await connectionsWithoutE911() }, page);
}

/** Live numbers whose carrier cannot register an emergency address: the portal cannot cover them. */
export async function getUncoverableNumbers(access: AccountAccess, page = { limit: E911_LIST_LIMIT, offset: 0 }) {
  return numbersWhere(access, { kind: 'uncoverable', connectionIds: await connectionsWithoutE911() }, page);
}

/** Numbers that use the address, whatever their registration status. */
export function getNumbersOfAddress(access: AccountAccess, addressId: string, page = { limit: E911_LIST_LIMIT, offset: 0 }) {
  return numbersWhere(access, { kind: 'using', addressId }, page);
}

/**
 * Numbers that could take the address: those without a registered address, including this
 * address's own failed or pending ones (to try again); not the ones whose carrier cannot register.
 */
export async function getAssignableNumbers(access: AccountAccess, addressId: string, page = { limit: E911_LIST_LIMIT, offset: 0 }) {
  return numbersWhere(access, { kind: 'assignable', addressId, without: await connectionsWithoutE911() }, page);
}

/** How many live numbers use each address of the account. */
export async function countNumbersByAddress(access: AccountAccess): Promise<Map<string, number>> {
  assertCan(access, 'technical.read');
  return countNumbersByE911Address(await getDb(), { accountId: access.account.id });
}

/** The named numbers of the account (live), for checks before a bulk change. */
export async function getNumbersByIds(access: AccountAccess, numberIds: string[]) {
  assertCan(access, 'technical.read');
  const rows = await getLiveNumbersByIds(await getDb(), { accountId: access.account.id, numberIds });
  return rows.map((row) => ({ id: row.id, e164: row.e164, addressId: row.e911AddressId }));
}
