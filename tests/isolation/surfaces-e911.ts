/**
 * The E911 pages and actions, for the isolation suite (merged into SURFACES by its owner).
 *
 * Address-scoped surfaces need an address of the signed-in roles' current (top) account (for the
 * Acme side) and one of the other tenant (for the Globex side): `context.e911AddressId` when the
 * suite seeds one; otherwise each surface's `load` makes sure every top-level account has a probe
 * address and the id is derived from `context.accountId` (the probe of that account's top-level
 * account).
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Role } from '@/lib/auth/permissions';
import { getDb } from '@/lib/db/client';
import { pathIds } from '@/lib/db/queries/accounts';
import { accounts, e911Addresses } from '@/lib/db/schema';
import type { Surface, SurfaceContext } from './surfaces';

const TECHNICAL_READERS: Role[] = ['owner', 'admin', 'technical', 'viewer'];
const TECHNICAL_WRITERS: Role[] = ['owner', 'admin', 'technical'];

/** A uuid no address has: what an address id resolves to when nothing else is known (must 404). */
const NO_ADDRESS = '00000000-0000-4000-8000-00000000e911';
const PROBE_STREET = '1 ISOLATION PROBE RD';

const probeByAccount = new Map<string, string>();

/** Every top-level account gets one probe address (again, once a surface has deleted it). */
async function ensureProbeAddresses() {
  const db = await getDb();
  const all = await db.select({ id: accounts.id, path: accounts.path }).from(accounts);
  const roots = await db.select({ id: accounts.id }).from(accounts).where(isNull(accounts.parentId));
  const byRoot = new Map<string, string>();
  for (const root of roots) {
    const [existing] = await db.select({ id: e911Addresses.id }).from(e911Addresses).where(and(eq(e911Addresses.accountId, root.id), eq(e911Addresses.street, PROBE_STREET)));
    const id =
      existing?.id ??
      (await db.insert(e911Addresses).values({ accountId: root.id, street: PROBE_STREET, city: 'DALLAS', state: 'TX', postalCode: '75201', country: 'US' }).returning({ id: e911Addresses.id }))[0]!.id;
    byRoot.set(root.id, id);
  }
  for (const account of all) {
    const root = pathIds(account.path)[0];
    const id = root ? byRoot.get(root) : undefined;
    if (id) probeByAccount.set(account.id, id);
  }
}

const addressIdOf = (context: SurfaceContext) => context.e911AddressId ?? probeByAccount.get(context.accountId) ?? NO_ADDRESS;

const e911Page = (load: () => Promise<{ default: (props: never) => Promise<unknown> }>) => async () => {
  await ensureProbeAddresses();
  return load();
};
const e911Action = <Name extends keyof typeof import('@/app/(portal)/e911/actions')>(name: Name) => async () => {
  await ensureProbeAddresses();
  return (await import('@/app/(portal)/e911/actions'))[name];
};

/** A complete, valid address form (as the browser posts it). */
const addressForm = { street: '500 Main St', city: 'Dallas', state: 'TX', postalCode: '75201', callerName: 'Acme Dallas' };

export const E911_SURFACES: Surface[] = [
  { kind: 'page', name: 'e911', scope: 'current', allowed: TECHNICAL_READERS, load: () => import('@/app/(portal)/e911/(list)/page') },
  { kind: 'page', name: 'new e911 address', scope: 'current', allowed: TECHNICAL_WRITERS, load: () => import('@/app/(portal)/e911/new/page') },
  {
    kind: 'page',
    name: 'e911 address',
    scope: 'url',
    allowed: TECHNICAL_READERS,
    load: e911Page(() => import('@/app/(portal)/e911/[addressId]/page')),
    params: (context) => ({ addressId: addressIdOf(context) }),
  },
  {
    kind: 'page',
    name: 'edit e911 address',
    scope: 'url',
    allowed: TECHNICAL_WRITERS,
    load: e911Page(() => import('@/app/(portal)/e911/[addressId]/edit/page')),
    params: (context) => ({ addressId: addressIdOf(context) }),
  },
  // Names nothing of another tenant: it adds to the caller's own current account.
  { kind: 'action', name: 'add e911 address', scope: 'current', allowed: TECHNICAL_WRITERS, load: e911Action('saveE911AddressAction'), form: () => addressForm },
  { kind: 'action', name: 'edit e911 address', allowed: TECHNICAL_WRITERS, load: e911Action('saveE911AddressAction'), form: (context) => ({ addressId: addressIdOf(context), ...addressForm }) },
  { kind: 'action', name: 'keep e911 address as typed', allowed: TECHNICAL_WRITERS, load: e911Action('saveE911AddressAction'), form: (context) => ({ addressId: addressIdOf(context), choice: 'typed', ...addressForm }) },
  { kind: 'action', name: 'register numbers at e911 address', allowed: TECHNICAL_WRITERS, load: e911Action('assignE911NumbersAction'), form: (context) => ({ addressId: addressIdOf(context), numberIds: context.numberId }) },
  { kind: 'action', name: 'unassign numbers from e911 address', allowed: TECHNICAL_WRITERS, load: e911Action('unassignE911NumbersAction'), form: (context) => ({ addressId: addressIdOf(context), numberIds: context.numberId }) },
  { kind: 'action', name: 'check e911 address again with every carrier', allowed: TECHNICAL_WRITERS, load: e911Action('recheckE911AddressAction'), form: (context) => ({ addressId: addressIdOf(context) }) },
  // Last: it deletes the address the surfaces above name (the next load puts a probe back).
  { kind: 'action', name: 'delete e911 address', allowed: TECHNICAL_WRITERS, load: e911Action('deleteE911AddressAction'), form: (context) => ({ addressId: addressIdOf(context) }) },
];
