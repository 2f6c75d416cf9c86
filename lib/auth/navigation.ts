import type { Permission } from './permissions';

export interface NavSection {
  label: string;
  href: string;
  permission: Permission;
  /** Later features appear in the navigation, marked, never as placeholder pages. */
  comingSoon?: boolean;
  staffOnly?: boolean;
}

export const NAV_SECTIONS: readonly NavSection[] = [
  { label: 'Dashboard', href: '/dashboard', permission: 'account.read' },
  { label: 'Numbers', href: '/numbers', permission: 'technical.read' },
  // Technical roles see what was bought, billing roles what it cost (the page shows each its part).
  { label: 'Orders', href: '/numbers/orders', permission: 'account.read' },
  { label: 'Trunk groups', href: '/trunk-groups', permission: 'technical.read' },
  { label: 'Port-ins', href: '/port-ins', permission: 'technical.read' },
  { label: 'E911', href: '/e911', permission: 'technical.read' },
  { label: 'Usage & quality', href: '/usage', permission: 'usage.read' },
  { label: 'Billing', href: '/billing', permission: 'billing.read' },
  { label: 'Account', href: '/account', permission: 'subaccounts.manage' },
  // The API reference for everyone; API keys and webhooks inside for the roles that manage them.
  { label: 'Developers', href: '/developers', permission: 'account.read' },
];

export const STAFF_SECTIONS: readonly NavSection[] = [
  { label: 'Customer accounts', href: '/operator/accounts', permission: 'account.read', staffOnly: true },
  { label: 'Providers', href: '/operator/providers', permission: 'account.read', staffOnly: true },
  { label: 'Prices', href: '/operator/prices', permission: 'account.read', staffOnly: true },
  { label: 'Rate decks', href: '/operator/rate-decks', permission: 'account.read', staffOnly: true },
  { label: 'Outbox', href: '/operator/outbox', permission: 'account.read', staffOnly: true },
  { label: 'Jobs', href: '/operator/jobs', permission: 'account.read', staffOnly: true },
  { label: 'Carrier scorecard', href: '/operator/scorecard', permission: 'account.read', staffOnly: true },
  { label: 'Margins', href: '/operator/margins', permission: 'account.read', staffOnly: true },
  { label: 'Reconciliation', href: '/operator/reconciliation', permission: 'account.read', staffOnly: true },
  { label: 'Invoices', href: '/operator/invoices', permission: 'account.read', staffOnly: true },
  { label: 'Disputes', href: '/operator/disputes', permission: 'account.read', staffOnly: true },
  { label: 'Port-ins', href: '/operator/port-ins', permission: 'account.read', staffOnly: true },
  { label: 'Staff tasks', href: '/operator/tasks', permission: 'account.read', staffOnly: true },
  { label: 'Staff audit log', href: '/operator/audit', permission: 'account.read', staffOnly: true },
];

export function visibleSections(permissions: ReadonlySet<Permission>, isStaff: boolean) {
  return {
    main: NAV_SECTIONS.filter((section) => permissions.has(section.permission)),
    staff: isStaff ? STAFF_SECTIONS : [],
  };
}
