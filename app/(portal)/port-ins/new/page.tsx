import type { Metadata } from 'next';
import { Card } from '@/components/ui/card';
import { requireAccountAccess } from '@/lib/auth/guard';
import { createPortDraftAction } from '../actions';
import { PortHeader } from '../port-header';
import { NewPortForm } from './new-port-form';

export const metadata: Metadata = { title: 'Start a port-in' };

export default async function NewPortInPage() {
  const access = await requireAccountAccess('technical.write');
  return (
    <>
      <PortHeader title="Start a port-in" description={`For ${access.account.name}. Six steps: numbers, portability, the account they are on, documents, the date, and a review before anything is sent.`} />
      <Card>
        <NewPortForm action={createPortDraftAction} />
      </Card>
    </>
  );
}
