import Link from 'next/link';
import type { ReactNode } from 'react';
import { PageHeader } from '@/components/ui/card';

/** The head of a port's order page and of its wizard: the way back to the list and the port's name. */
export function PortHeader({ port, description, actions }: { port: { reference: string; label: string | null }; description: string; actions?: ReactNode }) {
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/port-ins" className="text-indigo-800 hover:underline">
          ← Port-ins
        </Link>
      </p>
      <PageHeader title={`Port-in ${port.reference}${port.label ? `: ${port.label}` : ''}`} description={description} actions={actions} />
    </>
  );
}
