import { SectionTabs } from '@/components/ui/section-tabs';

const TABS = [
  { label: 'Overview', href: '/usage' },
  { label: 'Calls', href: '/usage/calls' },
  { label: 'Live', href: '/usage/live' },
  { label: 'Alerts', href: '/usage/alerts' },
];

/** Every role that reads usage reads all four (each page checks `usage.read` again). */
export default function UsageLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      <SectionTabs label="Usage & quality" tabs={TABS} />
      {children}
    </>
  );
}
