import { SectionTabs } from '@/components/ui/section-tabs';

const TABS = [
  { label: 'Overview', href: '/billing' },
  { label: 'Invoices', href: '/billing/invoices' },
  { label: 'Rates', href: '/billing/rates' },
  { label: 'Quote', href: '/billing/quote' },
  { label: 'Disputes', href: '/billing/disputes' },
];

/** Billing is for the roles that read money; each page checks `billing.read` again and answers not found to the others. */
export default function BillingLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      <SectionTabs label="Billing" tabs={TABS} />
      {children}
    </>
  );
}
