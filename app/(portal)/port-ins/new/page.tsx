import type { Metadata } from 'next';
import Link from 'next/link';
import { Card, PageHeader } from '@/components/ui/card';
import { requireAccountAccess } from '@/lib/auth/guard';
import { createPortDraftAction } from '../actions';
import { NewPortForm } from './new-port-form';

export const metadata: Metadata = { title: 'Start a port-in' };

export default async function NewPortInPage() {
  const access = await requireAccountAccess('technical.write');
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/port-ins" className="text-indigo-800 hover:underline">
          ← Port-ins
        </Link>
      </p>
      <PageHeader title="Start a port-in" description={`For ${access.account.name}. Six steps: numbers, portability, the account they are on, documents, the date, and a review before anything is sent.`} />
      <Card>
        <NewPortForm action={createPortDraftAction} />
      </Card>
    </>
  );
}
