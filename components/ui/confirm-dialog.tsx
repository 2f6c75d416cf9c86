'use client';

import { AlertDialog } from 'radix-ui';
import { useRef, useState, type ReactNode } from 'react';
import { buttonClass, type ButtonVariant } from './button';
import { cn } from './cn';

export interface ConfirmDialogProps {
  /** What the dialog asks ("Release +1 312-555-0100?"). */
  title: string;
  /** What will happen when the user confirms. */
  description: ReactNode;
  /** What the user lives with afterwards (billing, lost routing, no undo). */
  consequence?: ReactNode;
  /** Names the action: "Release +1 312-555-0100", never "OK". */
  confirmLabel: string;
  pendingLabel: string;
  /** The action is running: the confirm button says so and the dialog stays open until it answers. */
  pending: boolean;
  /** The id of the form the confirm button submits (the button sits in a portal, outside it). */
  form?: string;
  /** Instead of submitting a form: called on confirm (a form that gathers its own data). */
  onConfirm?: () => void;
  /** Any value that changes when the action has answered (its state): an uncontrolled dialog then closes. */
  closeOn: unknown;
  /** The button that opens the dialog; absent for a dialog opened through `open`. */
  trigger?: { label: ReactNode; variant?: ButtonVariant; disabled?: boolean; className?: string; ariaLabel?: string };
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  /** `danger` for what cannot be undone; `caution` for what can be reversed but hurts meanwhile. */
  tone?: 'danger' | 'caution';
}

/**
 * The one confirmation for destructive or hard-to-undo actions. Focus starts on Cancel (the safe
 * choice), Escape cancels, and focus returns to the trigger; while the action runs the dialog cannot
 * be dismissed, so the outcome is never lost behind a closed dialog.
 */
export function ConfirmDialog({ title, description, consequence, confirmLabel, pendingLabel, pending, form, onConfirm, closeOn, trigger, open: controlledOpen, onOpenChange, tone = 'danger' }: ConfirmDialogProps) {
  const [uncontrolledOpen, setUncontrolledOpen] = useState(false);
  const open = controlledOpen ?? uncontrolledOpen;
  const setOpen = (next: boolean) => {
    if (controlledOpen === undefined) setUncontrolledOpen(next);
    onOpenChange?.(next);
  };
  // A controlled dialog is closed by its owner (which sees the same answer).
  const [answered, setAnswered] = useState(closeOn);
  if (answered !== closeOn) {
    setAnswered(closeOn);
    setUncontrolledOpen(false);
  }

  // Without a trigger radix has nowhere to return focus to: back to whatever opened the dialog.
  const opener = useRef<HTMLElement | null>(null);

  return (
    <AlertDialog.Root open={open} onOpenChange={(next) => (pending ? undefined : setOpen(next))}>
      {trigger ? (
        <AlertDialog.Trigger className={buttonClass(trigger.variant ?? 'danger', trigger.className)} disabled={trigger.disabled} aria-label={trigger.ariaLabel}>
          {trigger.label}
        </AlertDialog.Trigger>
      ) : null}
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-40 bg-slate-900/50" />
        <AlertDialog.Content
          onEscapeKeyDown={(event) => pending && event.preventDefault()}
          onOpenAutoFocus={() => {
            if (!trigger && document.activeElement instanceof HTMLElement) opener.current = document.activeElement;
          }}
          onCloseAutoFocus={(event) => {
            if (trigger || !opener.current?.isConnected) return;
            event.preventDefault();
            opener.current.focus();
          }}
          className="fixed top-1/2 left-1/2 z-50 w-[calc(100vw-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white p-5 shadow-xl focus:outline-none"
        >
          <AlertDialog.Title className="text-base font-semibold text-slate-900">{title}</AlertDialog.Title>
          <AlertDialog.Description asChild>
            <div className="mt-2 space-y-2 text-sm text-slate-700">
              <p>{description}</p>
              {consequence ? <p className={cn('rounded-md border p-2', tone === 'danger' ? 'border-red-200 bg-red-50 text-red-900' : 'border-amber-200 bg-amber-50 text-amber-950')}>{consequence}</p> : null}
            </div>
          </AlertDialog.Description>
          <div className="mt-5 flex flex-wrap justify-end gap-2">
            <AlertDialog.Cancel className={buttonClass('secondary')} disabled={pending}>
              Cancel
            </AlertDialog.Cancel>
            {/* Not AlertDialog.Action: that closes the dialog before the action has answered. */}
            <button
              type={form ? 'submit' : 'button'}
              form={form}
              onClick={onConfirm}
              disabled={pending}
              aria-disabled={pending}
              className={buttonClass(tone === 'danger' ? 'danger' : 'primary')}
            >
              {pending ? pendingLabel : confirmLabel}
            </button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
