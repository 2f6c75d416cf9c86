import type { Metadata } from 'next';
import Link from 'next/link';
import { E911AddressForm } from '@/components/e911/address-form';
import { Card, PageHeader } from '@/components/ui/card';
import { requireAccountAccess } from '@/lib/auth/guard';
import { saveE911AddressAction } from '../actions';

export const metadata: Metadata = { title: 'Add an emergency address' };

export default async function NewE911AddressPage() {
  const access = await requireAccountAccess('technical.write');
  return (
    <>
      <PageHeader title="Add an emergency address" description={`For ${access.account.name}. It is checked against the emergency address database before it is saved.`} />
      <p className="mb-6 text-sm">
        <Link href="/e911" className="text-indigo-800 underline">
          ← E911
        </Link>
      </p>
      <Card>
        <E911AddressForm action={saveE911AddressAction} initial={{}} submitLabel="Save address" cancelHref="/e911" />
      </Card>
    </>
  );
}
