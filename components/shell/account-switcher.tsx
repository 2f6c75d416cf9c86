'use client';

import { Check, ChevronsUpDown, Search } from 'lucide-react';
import Link from 'next/link';
import { Popover } from 'radix-ui';
import { startTransition, useActionState, useId, useRef, useState, type KeyboardEvent } from 'react';
import { cn } from '@/components/ui/cn';
import type { ActionState } from '@/lib/auth/action';

export interface SwitcherOption {
  id: string;
  name: string;
  role: string;
  staff: boolean;
  depth: number;
}

/** From this many accounts on, the list gets a search box. */
const SEARCHABLE_FROM = 8;

export type SwitcherKeyResult = { type: 'move'; id: string } | { type: 'choose'; id: string } | null;

/** What a key does in the open list: arrows, Home and End only move; Enter alone chooses. */
export function switcherKey(key: string, shown: readonly { id: string }[], activeId: string | undefined): SwitcherKeyResult {
  if (shown.length === 0) return null;
  const index = shown.findIndex((option) => option.id === activeId);
  const at = (position: number) => shown[Math.max(0, Math.min(position, shown.length - 1))]!.id;
  switch (key) {
    case 'ArrowDown':
      return { type: 'move', id: at(index + 1) };
    case 'ArrowUp':
      return { type: 'move', id: at(index < 0 ? 0 : index - 1) };
    case 'Home':
      return { type: 'move', id: at(0) };
    case 'End':
      return { type: 'move', id: at(shown.length - 1) };
    case 'Enter':
      return index < 0 ? null : { type: 'choose', id: at(index) };
    default:
      return null;
  }
}

const detailOf = (option: SwitcherOption) => (option.staff ? 'as staff' : option.depth === 0 ? option.role : '');

/**
 * The current account as a combobox: arrows and typing only move through the list (and filter it);
 * the account changes on an explicit choice, Enter or a click, through the same server action.
 */
export function AccountSwitcher({
  options,
  currentId,
  action,
  moreHref,
}: {
  options: SwitcherOption[];
  currentId: string;
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
  /** Operator staff: where every other customer account is listed. */
  moreHref?: string;
}) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [activeId, setActiveId] = useState(currentId);
  const listRef = useRef<HTMLUListElement>(null);
  const id = useId();
  const current = options.find((option) => option.id === currentId);
  const searchable = options.length >= SEARCHABLE_FROM;
  const needle = query.trim().toLowerCase();
  const shown = needle ? options.filter((option) => option.name.toLowerCase().includes(needle)) : options;
  const active = shown.find((option) => option.id === activeId) ?? shown[0];
  const optionId = (option: SwitcherOption) => `${id}-option-${option.id}`;

  const openChange = (next: boolean) => {
    setOpen(next);
    if (next) {
      setQuery('');
      setActiveId(currentId);
    }
  };

  const choose = (option: SwitcherOption | undefined) => {
    if (!option) return;
    setOpen(false);
    if (option.id === currentId) return;
    const formData = new FormData();
    formData.set('accountId', option.id);
    startTransition(() => formAction(formData));
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const result = switcherKey(event.key, shown, active?.id);
    if (!result) return;
    event.preventDefault();
    const option = shown.find((candidate) => candidate.id === result.id);
    if (result.type === 'choose') return choose(option);
    setActiveId(result.id);
    if (option) document.getElementById(optionId(option))?.scrollIntoView({ block: 'nearest' });
  };

  const activeDescendant = active ? optionId(active) : undefined;
  const listbox = (
    <ul
      ref={listRef}
      id={`${id}-list`}
      role="listbox"
      aria-label="Accounts"
      tabIndex={searchable ? -1 : 0}
      aria-activedescendant={searchable ? undefined : activeDescendant}
      onKeyDown={searchable ? undefined : onKeyDown}
      className="max-h-80 overflow-y-auto py-1 focus:outline-none"
    >
      {shown.length === 0 ? (
        <li className="px-3 py-2 text-sm text-slate-600">No account matches “{query.trim()}”.</li>
      ) : (
        shown.map((option) => (
          <li
            key={option.id}
            id={optionId(option)}
            role="option"
            aria-selected={option.id === currentId}
            onClick={() => choose(option)}
            onMouseMove={() => setActiveId(option.id)}
            style={{ paddingLeft: `${0.75 + (needle ? 0 : option.depth) * 1}rem` }}
            className={cn('flex cursor-pointer items-center gap-2 py-1.5 pr-3 text-sm text-slate-900', option.id === active?.id && 'bg-indigo-50')}
          >
            <Check aria-hidden="true" className={cn('size-4 shrink-0 text-indigo-700', option.id !== currentId && 'invisible')} />
            <span className="truncate">{option.name}</span>
            {detailOf(option) ? <span className="ml-auto shrink-0 text-xs text-slate-600">{detailOf(option)}</span> : null}
          </li>
        ))
      )}
    </ul>
  );

  return (
    <div className="flex items-center gap-2">
      <Popover.Root open={open} onOpenChange={openChange}>
        <Popover.Trigger
          disabled={pending}
          aria-label={`Current account: ${current?.name ?? 'another account'}. Switch account`}
          className="flex max-w-64 items-center gap-2 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-left text-sm text-slate-900 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-700 disabled:text-slate-500"
        >
          <span className="truncate">{pending ? 'Switching…' : (current?.name ?? 'Another account')}</span>
          <ChevronsUpDown aria-hidden="true" className="size-4 shrink-0 text-slate-500" />
        </Popover.Trigger>
        <Popover.Portal>
          <Popover.Content
            align="start"
            sideOffset={4}
            onOpenAutoFocus={(event) => {
              if (searchable) return;
              event.preventDefault();
              listRef.current?.focus();
            }}
            className="z-50 w-72 rounded-md border border-slate-200 bg-white shadow-lg"
          >
            {searchable ? (
              <div className="flex items-center gap-2 border-b border-slate-100 px-3">
                <Search aria-hidden="true" className="size-4 text-slate-500" />
                <input
                  role="combobox"
                  aria-label="Find an account"
                  aria-expanded="true"
                  aria-controls={`${id}-list`}
                  aria-autocomplete="list"
                  aria-activedescendant={activeDescendant}
                  value={query}
                  onChange={(event) => setQuery(event.target.value)}
                  onKeyDown={onKeyDown}
                  placeholder="Find an account"
                  autoComplete="off"
                  className="w-full py-2 text-sm focus:outline-none"
                />
              </div>
            ) : null}
            {listbox}
            {moreHref ? (
              <Link href={moreHref} onClick={() => setOpen(false)} className="block border-t border-slate-100 px-3 py-2 text-sm font-medium text-indigo-800 hover:bg-slate-50">
                All customer accounts…
              </Link>
            ) : null}
          </Popover.Content>
        </Popover.Portal>
      </Popover.Root>
      {state.status === 'error' ? (
        <span role="status" className="text-xs text-red-700">
          {state.message}
        </span>
      ) : null}
    </div>
  );
}
