'use client';

import { Ban, Calculator, Send, Trash2 } from 'lucide-react';
import Link from 'next/link';
import { startTransition, useActionState, useEffect, useId, useRef, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { SelectField, TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import type { ActionState } from '@/lib/auth/action';
import type { InvoiceLineRow } from '@/lib/views/invoices';
import { InvoiceLinesTable } from '../../billing/invoices/invoice-tables';

type Action<Data = undefined> = (state: ActionState<Data>, formData: FormData) => Promise<ActionState<Data>>;

/**
 * An action's state for a form submitted without React's automatic reset: a refused form keeps what
 * was typed (and says why beside each field); one that went through is cleared.
 */
function useStaffForm<Data>(action: Action<Data>) {
  const [state, formAction, pending] = useActionState<ActionState<Data>, FormData>(action, { status: 'idle' });
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.status === 'success') formRef.current?.reset();
  }, [state]);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    startTransition(() => formAction(formData));
  };
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  const echo = state.status === 'error' ? state.values : undefined;
  return { state, pending, errors, echo, formRef, onSubmit };
}

function Submit({ pending, pendingLabel, children, variant }: { pending: boolean; pendingLabel: string; children: React.ReactNode; variant?: 'primary' | 'secondary' }) {
  return (
    <Button type="submit" variant={variant} disabled={pending} aria-disabled={pending}>
      {pending ? pendingLabel : children}
    </Button>
  );
}

/** Staff choose a billing account and a month; the draft is computed (or recomputed) and linked. */
export function GenerateDraftForm({ accounts, defaultMonth, maxMonth, action }: { accounts: { id: string; name: string }[]; defaultMonth: string; maxMonth: string; action: Action<{ invoiceId: string }> }) {
  const { state, pending, errors, echo, formRef, onSubmit } = useStaffForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-4" noValidate aria-label="Generate a draft invoice">
      <div className="grid gap-4 sm:grid-cols-[2fr_1fr]">
        <SelectField idPrefix="draft" label="Billing account" name="accountId" defaultValue={echo?.accountId ?? ''} errors={errors?.accountId} hint="Top-level accounts: each is invoiced for its sub-accounts too.">
          <option value="" disabled>
            Choose an account
          </option>
          {accounts.map((account) => (
            <option key={account.id} value={account.id}>
              {account.name}
            </option>
          ))}
        </SelectField>
        <TextField idPrefix="draft" label="Month" name="month" type="month" defaultValue={echo?.month ?? defaultMonth} max={maxMonth} errors={errors?.month} hint="YYYY-MM, UTC" />
      </div>
      <FormMessage state={state} />
      <div className="flex flex-wrap items-center gap-3">
        <Submit pending={pending} pendingLabel="Computing…">
          <Calculator aria-hidden="true" className="size-4" />
          Generate draft
        </Submit>
        {state.status === 'success' && state.data ? (
          <Link href={`/operator/invoices/${state.data.invoiceId}`} className="text-sm font-medium text-indigo-800 underline">
            Open the draft
          </Link>
        ) : null}
      </div>
    </form>
  );
}

/** Recompute a draft from the calls, numbers and ledger as they are now. */
export function RecomputeDraftForm({ accountId, month, action }: { accountId: string; month: string; action: Action<{ invoiceId: string }> }) {
  const { state, pending, formRef, onSubmit } = useStaffForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-2" aria-label="Recompute the draft">
      <input type="hidden" name="accountId" value={accountId} />
      <input type="hidden" name="month" value={month} />
      <Submit pending={pending} pendingLabel="Recomputing…" variant="secondary">
        <Calculator aria-hidden="true" className="size-4" />
        Recompute draft
      </Submit>
      <FormMessage state={state} />
    </form>
  );
}

export function AddDiscountForm({ invoiceId, subtotal, action }: { invoiceId: string; subtotal: string; action: Action }) {
  const { state, pending, errors, echo, formRef, onSubmit } = useStaffForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-4" noValidate aria-label="Add a discount">
      <input type="hidden" name="invoiceId" value={invoiceId} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField idPrefix="discount" label="Amount" name="amount" inputMode="decimal" autoComplete="off" placeholder="4650.97" defaultValue={echo?.amount} errors={errors?.amount} hint={`At most the subtotal, ${subtotal}; the invoice shows its real percentage.`} />
        <TextField idPrefix="discount" label="Description" name="description" autoComplete="off" maxLength={120} placeholder="Volume discount" defaultValue={echo?.description} errors={errors?.description} hint="Shown on the invoice" />
      </div>
      <FormMessage state={state} />
      <Submit pending={pending} pendingLabel="Adding…">
        Add discount
      </Submit>
    </form>
  );
}

function RemoveDiscountForm({ invoiceId, line, action }: { invoiceId: string; line: InvoiceLineRow; action: Action }) {
  const { state, pending, formRef, onSubmit } = useStaffForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} aria-label={`Remove ${line.description}`}>
      <input type="hidden" name="invoiceId" value={invoiceId} />
      <input type="hidden" name="lineId" value={line.id} />
      <Button type="submit" variant="ghost" disabled={pending} aria-disabled={pending} aria-label={`Remove the discount ${line.description}`}>
        <Trash2 aria-hidden="true" className="size-4" />
        {pending ? 'Removing…' : 'Remove'}
      </Button>
      <FormMessage state={state} />
    </form>
  );
}

/** The invoice's sections; on a draft, each discount staff added has its Remove button. */
export function StaffInvoiceSections({ invoiceId, number, sections, removeAction }: { invoiceId: string; number: string; sections: { accountId: string; name: string; rows: InvoiceLineRow[] }[]; removeAction?: Action }) {
  return (
    <>
      {sections.map((section) => (
        <Card key={section.accountId} title={section.name}>
          <InvoiceLinesTable
            rows={section.rows}
            caption={`Lines of ${section.name} on ${number}`}
            lineAction={removeAction ? (line) => (line.manualDiscount ? <RemoveDiscountForm invoiceId={invoiceId} line={line} action={removeAction} /> : null) : undefined}
          />
        </Card>
      ))}
    </>
  );
}

/** Issue: after the month is over, once; the dialog says that it never changes afterwards. */
export function IssueInvoiceForm({ invoiceId, number, totalDue, openUntil, action }: { invoiceId: string; number: string; totalDue: string; openUntil: string | null; action: Action }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const formId = useId();
  return (
    <form id={formId} action={formAction} className="space-y-2">
      <input type="hidden" name="invoiceId" value={invoiceId} />
      <ConfirmDialog
        trigger={{ label: <><Send aria-hidden="true" className="size-4" />Issue…</>, variant: 'primary', disabled: openUntil !== null, ariaLabel: `Issue ${number}` }}
        title={`Issue ${number}?`}
        description={`It is recomputed one last time, its charges (total due ${totalDue} as it stands) are posted to the customer’s ledger, and the customer’s owners are told.`}
        consequence="An issued invoice never changes. A mistake found later is corrected by voiding it, with a reason, and issuing a new one."
        confirmLabel={`Yes, issue ${number}`}
        pendingLabel="Issuing…"
        pending={pending}
        form={formId}
        closeOn={state}
        tone="caution"
      />
      {openUntil ? <p className="text-xs text-slate-600">Its month is not over: it can be issued from {openUntil}.</p> : null}
      <FormMessage state={state} />
    </form>
  );
}

/** Void and reissue: the reason is required and kept with the void invoice; a new draft replaces it. */
export function VoidInvoiceForm({ invoiceId, number, action }: { invoiceId: string; number: string; action: Action<{ replacementId: string | undefined }> }) {
  const { state, pending, errors, echo, formRef, onSubmit } = useStaffForm(action);
  const formId = useId();
  return (
    <form id={formId} ref={formRef} onSubmit={onSubmit} className="space-y-3" noValidate aria-label={`Void ${number}`}>
      <input type="hidden" name="invoiceId" value={invoiceId} />
      <TextField idPrefix="void" label="Reason" name="reason" autoComplete="off" maxLength={500} defaultValue={echo?.reason} errors={errors?.reason} hint="Required; the customer sees it on the void invoice" />
      <ConfirmDialog
        trigger={{ label: <><Ban aria-hidden="true" className="size-4" />Void and reissue…</>, variant: 'danger', ariaLabel: `Void ${number} and reissue` }}
        title={`Void ${number}?`}
        description="Its ledger posting is reversed and a new draft for the same month replaces it; the void invoice is kept, with your reason, as it was."
        consequence="This cannot be undone. The customer is told, and the new draft must be issued in its turn."
        confirmLabel={`Yes, void ${number}`}
        pendingLabel="Voiding…"
        pending={pending}
        form={formId}
        closeOn={state}
      />
      <FormMessage state={state} />
      {state.status === 'success' && state.data?.replacementId ? (
        <Link href={`/operator/invoices/${state.data.replacementId}`} className="text-sm font-medium text-indigo-800 underline">
          Open the new draft
        </Link>
      ) : null}
    </form>
  );
}
