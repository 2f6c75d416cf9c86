import Link from 'next/link';
import { redirect } from 'next/navigation';
import { AccountSwitcher } from '@/components/shell/account-switcher';
import { ActingBanner } from '@/components/shell/acting-banner';
import { MobileNav } from '@/components/shell/mobile-nav';
import { NotificationBell } from '@/components/shell/notification-bell';
import { PortalProviders } from '@/components/shell/portal-providers';
import { SidebarNav } from '@/components/shell/sidebar-nav';
import { UserMenu } from '@/components/shell/user-menu';
import { getCurrentAccess, getCurrentSwitchableAccounts, requireSignedInUser } from '@/lib/auth/guard';
import { visibleSections } from '@/lib/auth/navigation';
import { signOutAction, switchAccountAction } from './actions';
import { markAllNotificationsReadAction, openNotificationAction } from './notifications/actions';
import { stopActingAction } from './operator/accounts/actions';

export const dynamic = 'force-dynamic';

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  // Not requireUser: the shell also frames the 2FA set-up page that users who owe it are sent to.
  const user = await requireSignedInUser();
  const [access, options] = await Promise.all([getCurrentAccess(), getCurrentSwitchableAccounts()]);
  // Operator staff acting as no account still reach the operator pages.
  if (!access && !user.isOperatorStaff) redirect('/no-account');
  const sections = visibleSections(access?.permissions ?? new Set(), user.isOperatorStaff);
  const toItem = ({ label, href, comingSoon }: { label: string; href: string; comingSoon?: boolean }) => ({ label, href, comingSoon });
  const main = sections.main.map(toItem);
  const staff = sections.staff.map(toItem);

  return (
    <PortalProviders>
      <div className="flex min-h-screen">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
          Skip to content
        </a>
        <aside className="hidden w-60 shrink-0 bg-slate-900 px-3 py-5 md:block">
          <p className="mb-6 px-3 text-base font-semibold text-white">Carrier Portal</p>
          <SidebarNav main={main} staff={staff} />
        </aside>
        <div className="flex min-w-0 flex-1 flex-col">
          <header className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 bg-white px-4 py-3 md:px-6">
            <div className="flex min-w-0 items-center gap-3">
              <MobileNav main={main} staff={staff} />
              {access ? (
                <AccountSwitcher options={options} currentId={access.account.id} action={switchAccountAction} moreHref={user.isOperatorStaff ? '/operator/accounts' : undefined} />
              ) : (
                <Link href="/operator/accounts" className="text-sm font-medium text-indigo-800 underline">
                  Act as a customer account…
                </Link>
              )}
            </div>
            <div className="flex items-center gap-1">
              <NotificationBell openAction={openNotificationAction} markAllReadAction={markAllNotificationsReadAction} />
              <UserMenu name={user.name} email={user.email} isStaff={user.isOperatorStaff} signOut={signOutAction} />
            </div>
          </header>
          {access?.actingAsStaff ? <ActingBanner accountName={access.account.name} stopAction={stopActingAction} /> : null}
          {access?.readOnly ? (
            <div role="note" data-testid="read-only-banner" className="border-b border-amber-200 bg-amber-50 px-6 py-2 text-sm text-amber-900">
              <strong>{access.suspendedAccountName}</strong> is suspended. You can look around, but nothing can be changed until it is reactivated.
            </div>
          ) : null}
          <main id="main" className="min-w-0 flex-1 px-4 py-6 md:px-6 md:py-8">
            {children}
          </main>
        </div>
      </div>
    </PortalProviders>
  );
}
