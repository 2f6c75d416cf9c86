'use client';

import { ArrowLeftRight, Award, Building2, Cable, ClipboardCheck, ClipboardList, CircleDollarSign, Code2, FileSpreadsheet, FileText, Gauge, Hash, Inbox, LayoutDashboard, ListChecks, MapPin, MessageSquareWarning, Receipt, Scale, ScrollText, Server, TrendingUp, Users, type LucideIcon } from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/components/ui/cn';

export interface NavItem {
  label: string;
  href: string;
  comingSoon?: boolean;
}

// By path: the items come from a Server Component, which cannot hand icon components to the client.
const ICONS: Record<string, LucideIcon> = {
  '/dashboard': LayoutDashboard,
  '/numbers': Hash,
  '/numbers/orders': ClipboardList,
  '/trunk-groups': Cable,
  '/port-ins': ArrowLeftRight,
  '/e911': MapPin,
  '/usage': Gauge,
  '/billing': Receipt,
  '/account': Building2,
  '/developers': Code2,
  '/operator/accounts': Users,
  '/operator/providers': Server,
  '/operator/prices': CircleDollarSign,
  '/operator/rate-decks': FileSpreadsheet,
  '/operator/outbox': Inbox,
  '/operator/jobs': ListChecks,
  '/operator/scorecard': Award,
  '/operator/margins': TrendingUp,
  '/operator/reconciliation': Scale,
  '/operator/invoices': FileText,
  '/operator/disputes': MessageSquareWarning,
  '/operator/tasks': ClipboardCheck,
  '/operator/audit': ScrollText,
};

function NavIcon({ href }: { href: string }) {
  const Icon = ICONS[href];
  return Icon ? <Icon aria-hidden="true" className="size-4 shrink-0" /> : null;
}

function NavList({ items, pathname }: { items: NavItem[]; pathname: string }) {
  // The most specific item wins: on /numbers/orders, Orders is current, not Numbers.
  const current = items
    .filter((item) => pathname === item.href || pathname.startsWith(`${item.href}/`))
    .sort((a, b) => b.href.length - a.href.length)[0]?.href;
  return (
    <ul className="space-y-1">
      {items.map((item) => {
        const active = item.href === current;
        if (item.comingSoon) {
          return (
            <li key={item.href}>
              <span className="flex items-center justify-between rounded-md px-3 py-2 text-sm text-slate-400" aria-disabled="true">
                <span className="flex items-center gap-3">
                  <NavIcon href={item.href} />
                  {item.label}
                </span>
                <span className="rounded bg-slate-800 px-1.5 py-0.5 text-[10px] font-semibold uppercase tracking-wide text-slate-300" aria-label="coming soon">Soon</span>
              </span>
            </li>
          );
        }
        return (
          <li key={item.href}>
            <Link
              href={item.href}
              aria-current={active ? 'page' : undefined}
              className={cn('flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium', active ? 'bg-slate-800 text-white' : 'text-slate-200 hover:bg-slate-800 hover:text-white')}
            >
              <NavIcon href={item.href} />
              {item.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

export function SidebarNav({ main, staff }: { main: NavItem[]; staff: NavItem[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="space-y-6">
      <NavList items={main} pathname={pathname} />
      {staff.length > 0 ? (
        <div>
          <p className="mb-2 px-3 text-xs font-semibold uppercase tracking-wide text-slate-400">Operator</p>
          <NavList items={staff} pathname={pathname} />
        </div>
      ) : null}
    </nav>
  );
}
