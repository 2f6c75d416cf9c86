'use client';

import { Menu, X } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { usePathname } from 'next/navigation';
import { SidebarNav, type NavItem } from './sidebar-nav';

/**
 * Below the md breakpoint the sidebar is hidden: the same navigation opens as a modal drawer. Its
 * links are rendered from the first opening on, not with every page: the drawer cannot open before
 * the page has hydrated, and rendering the navigation a second time cost every page 2–4% of its
 * server time (bench/README.md).
 */
export function MobileNav({ main, staff }: { main: NavItem[]; staff: NavItem[] }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [opened, setOpened] = useState(false);
  const pathname = usePathname();
  useEffect(() => dialog.current?.close(), [pathname]);

  return (
    <>
      <button
        type="button"
        aria-haspopup="dialog"
        onClick={() => {
          setOpened(true);
          dialog.current?.showModal();
        }}
        className="flex items-center gap-1.5 rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600 md:hidden"
      >
        <Menu aria-hidden="true" className="size-4" />
        Menu
      </button>
      <dialog
        ref={dialog}
        aria-label="Navigation"
        // A click on a link (the same page included) or on the backdrop closes the drawer.
        onClick={(event) => {
          if (event.target === dialog.current || (event.target as HTMLElement).closest('a')) dialog.current?.close();
        }}
        className="m-0 h-full max-h-none w-72 max-w-[85vw] bg-slate-900 px-3 py-5 backdrop:bg-slate-900/50"
      >
        <div className="mb-6 flex items-center justify-between px-3">
          <p className="text-base font-semibold text-white">Carrier Portal</p>
          <button type="button" onClick={() => dialog.current?.close()} className="flex items-center gap-1 rounded px-2 py-1 text-sm text-slate-200 hover:bg-slate-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-white">
            <X aria-hidden="true" className="size-4" />
            Close
          </button>
        </div>
        {opened ? <SidebarNav main={main} staff={staff} /> : null}
      </dialog>
    </>
  );
}
