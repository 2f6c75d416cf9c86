import Link from 'next/link';
import type { ReactNode } from 'react';
import { PageHeader } from '@/components/ui/card';

/** The head of every page under Port-ins but the list: the way back to the list, then the title. */
export function PortHeader({ title, description, actions }: { title: string; description: string; actions?: ReactNode }) {
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/port-ins" className="text-indigo-800 hover:underline">
          ← Port-ins
        </Link>
      </p>
      <PageHeader title={title} description={description} actions={actions} />
    </>
  );
}

export const portTitle = (port: { reference: string; label: string | null }) => `Port-in ${port.reference}${port.label ? `: ${port.label}` : ''}`;
