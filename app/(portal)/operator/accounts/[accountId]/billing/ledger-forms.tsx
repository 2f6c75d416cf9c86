'use client';

import type { ColumnDef } from '@tanstack/react-table';
import { startTransition, useActionState, useEffect, useRef, type FormEvent } from 'react';
import { ledgerColumns, type LedgerTableRow } from '@/components/billing/ledger-table';
import { Button } from '@/components/ui/button';
import { DataTable } from '@/components/ui/data-table';
import { CheckboxField, SelectField, TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

/**
 * The action state of a staff form submitted without React's automatic reset, so a refused form
 * keeps what was typed; a form that went through is cleared for the next entry.
 */
function useLedgerForm(action: Action) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
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
  return { state, formAction, pending, errors, formRef, onSubmit };
}

function Submit({ pending, children, pendingLabel }: { pending: boolean; children: React.ReactNode; pendingLabel: string }) {
  return (
    <Button type="submit" disabled={pending} aria-disabled={pending}>
      {pending ? pendingLabel : children}
    </Button>
  );
}

const NO_CARDS = 'Never a card number: card details are not kept.';

export function BillingProfileForm({ accountId, action, profile }: { accountId: string; action: Action; profile: { currency: string; taxName: string; taxRatePercent: string; paymentTermsDays: number } }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="space-y-4" noValidate aria-label="Invoice settings">
      <input type="hidden" name="accountId" value={accountId} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField idPrefix="profile" label="Currency" name="currency" defaultValue={profile.currency} autoComplete="off" maxLength={3} errors={errors?.currency} hint="ISO code; the rate decks pricing the account must be in it" />
        <TextField idPrefix="profile" label="Payment terms (days)" name="paymentTermsDays" inputMode="numeric" defaultValue={String(profile.paymentTermsDays)} errors={errors?.paymentTermsDays} hint="Due this many days after issue" />
        <TextField idPrefix="profile" label="Tax name" name="taxName" defaultValue={profile.taxName} maxLength={40} errors={errors?.taxName} hint="As the invoice shows it: Sales tax, VAT, GST" />
        <TextField idPrefix="profile" label="Tax rate (%)" name="taxRatePercent" inputMode="decimal" defaultValue={profile.taxRatePercent} errors={errors?.taxRatePercent} hint="0 for none; on the subtotal less discounts" />
      </div>
      <FormMessage state={state} />
      <Submit pending={pending} pendingLabel="Saving…">
        Save invoice settings
      </Submit>
    </form>
  );
}

/** `requestKey` is minted per render of the page: a second submit of the same form records nothing. */
export function PaymentForm({ accountId, requestKey, action, today }: { accountId: string; requestKey: string; action: Action; today: string }) {
  const { state, formAction, pending, errors, formRef, onSubmit } = useLedgerForm(action);
  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} className="space-y-4" noValidate aria-label="Record a payment">
      <input type="hidden" name="accountId" value={accountId} />
      <input type="hidden" name="requestKey" value={requestKey} />
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField idPrefix="payment" label="Type" name="type" defaultValue="payment" errors={errors?.type} hint="A prepayment of $10,000 or more moves the account to the prepay tier (8% off usage).">
          <option value="payment">Payment</option>
          <option value="prepayment">Prepayment</option>
        </SelectField>
        <TextField idPrefix="payment" label="Amount" name="amount" inputMode="decimal" autoComplete="off" placeholder="10000.00" errors={errors?.amount} hint="Received, in the account’s currency" />
        <TextField idPrefix="payment" label="Received on" name="receivedOn" type="date" defaultValue={today} max={today} errors={errors?.receivedOn} />
        <TextField idPrefix="payment" label="Reference (optional)" name="reference" autoComplete="off" maxLength={100} placeholder="Wire FT24-00831" errors={errors?.reference} hint={NO_CARDS} />
        <TextField idPrefix="payment" label="Note (optional)" name="note" autoComplete="off" maxLength={200} className="sm:col-span-2" errors={errors?.note} />
      </div>
      {/* Asked only when the same amount was just recorded without a reference (maybe from another tab). */}
      {errors?.recordAgain ? (
        <div className="rounded-md border border-amber-300 bg-amber-50 p-3">
          <CheckboxField idPrefix="payment" label="Record it again" name="recordAgain" />
          <p className="mt-1 text-xs text-amber-900">{errors.recordAgain[0]}</p>
        </div>
      ) : null}
      <FormMessage state={state} />
      <Submit pending={pending} pendingLabel="Recording…">
        Record payment
      </Submit>
    </form>
  );
}

/** `requestKey` as for payments: a second submit of the same form records nothing. */
export function AdjustmentForm({ accountId, requestKey, action }: { accountId: string; requestKey: string; action: Action }) {
  const { state, formAction, pending, errors, formRef, onSubmit } = useLedgerForm(action);
  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} className="space-y-4" noValidate aria-label="Record an adjustment">
      <input type="hidden" name="accountId" value={accountId} />
      <input type="hidden" name="requestKey" value={requestKey} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField idPrefix="adjustment" label="Amount" name="amount" inputMode="decimal" autoComplete="off" placeholder="-25.00" errors={errors?.amount} hint="Positive credits the customer; negative (with a minus) debits them" />
        <TextField idPrefix="adjustment" label="Reference (optional)" name="reference" autoComplete="off" maxLength={100} errors={errors?.reference} hint={NO_CARDS} />
        <TextField idPrefix="adjustment" label="Reason" name="reason" autoComplete="off" maxLength={200} className="sm:col-span-2" errors={errors?.reason} hint="Shown to the customer on their ledger" />
      </div>
      <FormMessage state={state} />
      <Submit pending={pending} pendingLabel="Recording…">
        Record adjustment
      </Submit>
    </form>
  );
}

function ReverseForm({ accountId, entry, action }: { accountId: string; entry: LedgerTableRow; action: Action }) {
  const { state, formAction, pending, errors, formRef, onSubmit } = useLedgerForm(action);
  if (!entry.reversible) return <span className="text-xs text-slate-500">{entry.reversed ? 'Reversed' : 'Not reversible'}</span>;
  const idPrefix = `reverse-${entry.id}`;
  return (
    <details className="text-left">
      <summary className="cursor-pointer text-sm font-medium text-indigo-800 underline">
        Reverse…<span className="sr-only"> {entry.description}</span>
      </summary>
      <form ref={formRef} action={formAction} onSubmit={onSubmit} className="mt-2 space-y-2" noValidate aria-label={`Reverse ${entry.description}`}>
        <input type="hidden" name="accountId" value={accountId} />
        <input type="hidden" name="entryId" value={entry.id} />
        <TextField idPrefix={idPrefix} label="Reason" name="reason" autoComplete="off" maxLength={200} errors={errors?.reason} hint={`Posts ${entry.amount.startsWith('-') ? entry.amount.replace('-', '+') : entry.amount.replace('+', '-')} against it; an entry is reversed once`} />
        <FormMessage state={state} />
        <Submit pending={pending} pendingLabel="Reversing…">
          Reverse entry
        </Submit>
      </form>
    </details>
  );
}

/** The ledger with a reversal form on each entry that can still be reversed. */
export function StaffLedgerTable({ rows, caption, empty, accountId, reverseAction }: { rows: LedgerTableRow[]; caption: string; empty: React.ReactNode; accountId: string; reverseAction: Action }) {
  const columns: ColumnDef<LedgerTableRow>[] = [
    ...ledgerColumns(),
    { id: 'actions', header: 'Reverse', meta: { actions: true }, cell: ({ row: { original: entry } }) => <ReverseForm accountId={accountId} entry={entry} action={reverseAction} /> },
  ];
  return <DataTable rows={rows} columns={columns} getRowId={(row) => row.id} caption={caption} rowHeader="description" empty={empty} regionLabel="Ledger entries, scrollable" />;
}
