import { SectionTabs, type SectionTab } from '@/components/ui/section-tabs';
import { getCurrentAccess } from '@/lib/auth/guard';
import type { Permission } from '@/lib/auth/permissions';

const TABS: (SectionTab & { permission: Permission })[] = [
  { label: 'API reference', href: '/developers', permission: 'account.read' },
  { label: 'API keys', href: '/developers/api-keys', permission: 'users.manage' },
  { label: 'Webhooks', href: '/developers/webhooks', permission: 'technical.write' },
];

/** Tabs for what the role may open here (each page checks its own permission again). */
export default async function DevelopersLayout({ children }: { children: React.ReactNode }) {
  const access = await getCurrentAccess();
  const tabs = TABS.filter((tab) => access?.permissions.has(tab.permission)).map(({ label, href }) => ({ label, href }));
  return (
    <>
      {tabs.length > 1 ? <SectionTabs label="Developers" tabs={tabs} /> : null}
      {children}
    </>
  );
}
