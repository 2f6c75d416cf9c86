import type { Metadata } from 'next';
import Link from 'next/link';
import { E911AddressForm } from '@/components/e911/address-form';
import { Card, PageHeader } from '@/components/ui/card';
import { requireAccountAccess } from '@/lib/auth/guard';
import { orNotFound } from '@/lib/not-found';
import { getE911Address } from '@/lib/services/e911';
import { formatE911Address } from '@/lib/validations/e911';
import { saveE911AddressAction } from '../../actions';
import { getNumbersOfAddress } from '@/lib/services/e911-numbers';

export const metadata: Metadata = { title: 'Edit emergency address' };

export default async function EditE911AddressPage({ params }: { params: Promise<{ addressId: string }> }) {
  const { addressId } = await params;
  const access = await requireAccountAccess('technical.write');
  const address = await orNotFound(getE911Address(access, addressId));
  const { total } = await getNumbersOfAddress(access, address.id, { limit: 1, offset: 0 });
  const back = `/e911/${address.id}`;
  return (
    <>
      <PageHeader title="Edit emergency address" description={formatE911Address(address)} />
      <p className="mb-6 text-sm">
        <Link href={back} className="text-indigo-800 underline">
          ← Back to the address
        </Link>
      </p>
      <Card>
        <E911AddressForm
          action={saveE911AddressAction}
          addressId={address.id}
          initial={{ street: address.street, unit: address.unit ?? '', city: address.city, state: address.state, postalCode: address.postalCode, callerName: address.callerName ?? '' }}
          submitLabel="Save and register again"
          cancelHref={back}
          numberCount={total}
        />
      </Card>
    </>
  );
}
