import type { Metadata } from 'next';
import Link from 'next/link';
import { DeleteE911AddressForm } from '@/components/e911/delete-address-form';
import { E911NumberBulkForm } from '@/components/e911/number-bulk-form';
import { E911NumberTable } from '@/components/e911/e911-number-table';
import { buttonClass } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { Pager } from '@/components/ui/pager';
import { can } from '@/lib/auth/access';
import { requireAccountAccess } from '@/lib/auth/guard';
import { orNotFound } from '@/lib/not-found';
import { formatCount, formatDateTime } from '@/lib/format';
import { getE911AddressWithCheck } from '@/lib/services/e911';
import { E911AddressCheckPanel } from '@/components/e911/address-check';
import { E911RecheckForm } from '@/components/e911/recheck-form';
import { formatE911Address } from '@/lib/validations/e911';
import { loadE911AddressParams, serializeE911Address } from '@/lib/url-state/e911';
import { assignE911NumbersAction, deleteE911AddressAction, recheckE911AddressAction, unassignE911NumbersAction } from '../actions';
import { E911_LIST_LIMIT, getAssignableNumbers, getNumbersOfAddress } from '@/lib/services/e911-numbers';
import { reRegistrationCountsOf, reRegistrationNote } from '@/lib/views/e911';

export const metadata: Metadata = { title: 'Emergency address' };

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-900">{children}</dd>
    </div>
  );
}


const SAVED_NOTES: Record<string, string> = {
  created: 'The address is saved. Register your numbers at it below.',
  rechecked: 'Every carrier was asked again; their answers are above.',
};

const NOTE_CLASSES = {
  success: 'mb-6 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900',
  warning: 'mb-6 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-950',
  neutral: 'mb-6 rounded-md border border-slate-200 bg-white p-3 text-sm text-slate-900',
};

/** What the page says after a save, and how: green only when the check passed and every number registered again. */
function savedNoteOf(query: Record<string, string | string[] | undefined>, checked: boolean): { text: string; tone: keyof typeof NOTE_CLASSES } | undefined {
  if (query.saved === 'updated') {
    const note = reRegistrationNote(reRegistrationCountsOf(query));
    return { text: note.text, tone: note.tone === 'warning' ? 'warning' : note.tone === 'registered' && checked ? 'success' : 'neutral' };
  }
  const text = typeof query.saved === 'string' && Object.hasOwn(SAVED_NOTES, query.saved) ? SAVED_NOTES[query.saved] : undefined;
  return text ? { text, tone: checked ? 'success' : 'neutral' } : undefined;
}

export default async function E911AddressPage({ params, searchParams }: { params: Promise<{ addressId: string }>; searchParams?: Promise<Record<string, string | string[] | undefined>> }) {
  const { addressId } = await params;
  const access = await requireAccountAccess('technical.read');
  const { address, check } = await orNotFound(getE911AddressWithCheck(access, addressId));
  const query = (await searchParams) ?? {};
  const { page, more: morePage } = loadE911AddressParams(query);
  const [numbers, assignable] = await Promise.all([
    getNumbersOfAddress(access, address.id, { limit: E911_LIST_LIMIT, offset: (page - 1) * E911_LIST_LIMIT }),
    getAssignableNumbers(access, address.id, { limit: E911_LIST_LIMIT, offset: (morePage - 1) * E911_LIST_LIMIT }),
  ]);
  const writer = can(access, 'technical.write');
  const formatted = formatE911Address(address);
  const saved = savedNoteOf(query, check.state === 'checked');
  const hrefFor = (key: 'page' | 'more') => (next: number) => serializeE911Address(`/e911/${address.id}`, { page, more: morePage, [key]: next });

  return (
    <>
      <PageHeader
        title={formatted}
        description={`Emergency address of ${access.account.name}`}
        actions={
          writer ? (
            <Link href={`/e911/${address.id}/edit`} className={buttonClass('primary')}>
              Edit address
            </Link>
          ) : null
        }
      />
      <p className="mb-6 text-sm">
        <Link href="/e911" className="text-indigo-800 underline">
          ← E911
        </Link>
      </p>
      {saved ? (
        // A partial acceptance, or numbers an edit could not register again, are never announced as success.
        <p role="status" className={NOTE_CLASSES[saved.tone]}>
          {saved.text}
        </p>
      ) : null}
      <E911AddressCheckPanel check={{ ...check, checkedAt: check.checkedAt?.toISOString() ?? null }} checkedAtText={check.checkedAt ? `Asked ${formatDateTime(check.checkedAt)}` : 'Never asked'}>
        {writer && check.state !== 'checked' ? <E911RecheckForm addressId={address.id} action={recheckE911AddressAction} disabled={access.readOnly} /> : null}
      </E911AddressCheckPanel>
      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="Address">
          <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-1">
            <Detail label="Street">{address.street}</Detail>
            <Detail label="Apartment, suite or unit">{address.unit ?? '—'}</Detail>
            <Detail label="City">{address.city}</Detail>
            <Detail label="State or province">{address.state}</Detail>
            <Detail label="ZIP or postal code">{address.postalCode}</Detail>
            <Detail label="Country">{address.country === 'CA' ? 'Canada' : 'United States'}</Detail>
            <Detail label="Caller name">{address.callerName ?? 'None'}</Detail>
            <Detail label="Last asked the carriers">{formatDateTime(address.validatedAt)}</Detail>
          </dl>
        </Card>

        <div className="space-y-6 lg:col-span-2">
          <div id="numbers" className="scroll-mt-6">
            <Card title={`Numbers using this address (${formatCount(numbers.total)})`} description="Each number is registered on its own carrier; a carrier that cannot register emergency addresses shows as not supported.">
              {writer ? (
                <E911NumberBulkForm
                  rows={numbers.rows}
                  action={unassignE911NumbersAction}
                  addressId={address.id}
                  caption="Numbers using this address"
                  verb="Unassign"
                  pendingLabel="Unassigning…"
                  variant="secondary"
                  confirm={{
                    title: `Unassign {numbers} from ${formatted}?`,
                    description: 'Their registrations at this address are removed on each carrier.',
                    consequence: '911 calls from them carry no address until you register them at another one.',
                  }}
                  emptyText={assignable.total > 0 ? 'No number uses this address yet: register some below.' : 'No number uses this address yet.'}
                  disabled={access.readOnly}
                />
              ) : numbers.rows.length === 0 ? (
                <EmptyState title="No number uses this address yet" />
              ) : (
                <E911NumberTable rows={numbers.rows} caption="Numbers using this address" />
              )}
              <Pager label="Pages of numbers using this address" page={page} pageSize={E911_LIST_LIMIT} total={numbers.total} hrefFor={hrefFor('page')} />
            </Card>
          </div>

          {writer ? (
            <Card title="Register numbers at this address" description={`Numbers of ${access.account.name} without a registered emergency address.`}>
              <E911NumberBulkForm
                rows={assignable.rows}
                action={assignE911NumbersAction}
                addressId={address.id}
                caption="Numbers you can register here"
                verb="Register"
                pendingLabel="Registering…"
                emptyText="No other number of the account is waiting for an emergency address."
                disabled={access.readOnly}
              />
              <Pager label="Pages of numbers you can register here" page={morePage} pageSize={E911_LIST_LIMIT} total={assignable.total} hrefFor={hrefFor('more')} />
            </Card>
          ) : null}

          {writer ? (
            <Card title="Delete" description="Remove this address from the address book.">
              <DeleteE911AddressForm addressId={address.id} address={formatted} numberCount={numbers.total} action={deleteE911AddressAction} disabled={access.readOnly} />
            </Card>
          ) : null}
        </div>
      </div>
    </>
  );
}
