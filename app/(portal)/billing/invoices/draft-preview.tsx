'use client';

import { Calculator } from 'lucide-react';
import Link from 'next/link';
import { useActionState } from 'react';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';
import type { DraftPreview } from './actions';

type Action = (state: ActionState<DraftPreview>, formData: FormData) => Promise<ActionState<DraftPreview>>;

const plural = (count: number, one: string, many: string) => `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;

/** What a draft leaves out, in the customer's words: neither is billed, and the carrier can fix both. */
function DraftGaps({ preview }: { preview: DraftPreview }) {
  const gaps = [
    preview.unratedCalls > 0 ? `${plural(preview.unratedCalls, 'call has', 'calls have')} no price on your deck; they are not billed.` : null,
    preview.unpricedNumbers > 0 ? `${plural(preview.unpricedNumbers, 'number is', 'numbers are')} in no DID tier of your deck; they are not billed.` : null,
  ].filter((gap): gap is string => gap !== null);
  return (
    <div className="mt-3 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm text-slate-800" data-testid="draft-preview">
      <p>
        <Link href={`/billing/invoices/${preview.invoiceId}`} className="font-mono font-medium text-indigo-800 underline">
          {preview.number}
        </Link>{' '}
        so far: {preview.totalDue}. A draft changes until it is issued after the month ends.
      </p>
      {gaps.length > 0 ? (
        <ul className="mt-2 list-disc space-y-1 pl-5 text-amber-950">
          {gaps.map((gap) => (
            <li key={gap}>{gap}</li>
          ))}
        </ul>
      ) : (
        <p className="mt-2 text-slate-700">Every call and number of the month has a price.</p>
      )}
    </div>
  );
}

/** "Preview this month" or "Draft of November 2026": computes the draft now and says what it leaves out. */
export function DraftPreviewForm({ accountId, month, label, action }: { accountId: string; month: string; label: string; action: Action }) {
  const [state, formAction] = useActionState<ActionState<DraftPreview>, FormData>(action, { status: 'idle' });
  return (
    <form action={formAction} className="min-w-0" aria-label={label}>
      <input type="hidden" name="accountId" value={accountId} />
      <input type="hidden" name="month" value={month} />
      <SubmitButton variant="secondary" pendingLabel="Computing…">
        <Calculator aria-hidden="true" className="size-4" />
        {label}
      </SubmitButton>
      <FormMessage state={state} />
      {state.status === 'success' && state.data ? <DraftGaps preview={state.data} /> : null}
    </form>
  );
}
