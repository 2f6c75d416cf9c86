'use client';

import Link from 'next/link';
import { FileUp } from 'lucide-react';
import { useActionState, useId, useState, type ChangeEvent } from 'react';
import { buttonClass } from '@/components/ui/button';
import { CheckboxField, SelectField, TextAreaField, TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';
import { formatE164 } from '@/lib/format';
import { MAX_PORT_NUMBERS, type PortWizardStep } from '@/lib/ports/types';
import type { PortabilityOutcome, SavedNumbers } from '@/lib/services/port-ins';
import { plural } from './port-views';

type Action<Data = undefined> = (state: ActionState<Data>, formData: FormData) => Promise<ActionState<Data>>;

function useForm<Data = undefined>(action: Action<Data>) {
  const [state, formAction, pending] = useActionState<ActionState<Data>, FormData>(action, { status: 'idle' });
  const echoed = state.status === 'error' ? state.values : undefined;
  const value = (name: string, saved?: string | null) => (echoed && name in echoed ? (echoed[name] ?? '') : (saved ?? ''));
  const checked = (name: string, saved: boolean) => (echoed ? (echoed[name] ?? '').split(',').includes('on') : saved);
  return { state, formAction, pending, errors: state.status === 'error' ? state.fieldErrors : undefined, value, checked };
}

/** Back to the previous step: a plain link (nothing to save going back). */
export function BackLink({ href }: { href: string | null }) {
  return href ? (
    <Link href={href} className={buttonClass('secondary')}>
      Back
    </Link>
  ) : null;
}

function ErrorList({ id, errors }: { id: string; errors: string[] | undefined }) {
  return (
    <div id={id} aria-live="polite">
      {errors?.length ? (
        <ul className="mt-2 list-disc space-y-0.5 pl-5 text-sm text-red-700">
          {errors.map((error) => (
            <li key={error}>{error}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

// --- 1. Numbers --------------------------------------------------------------------------------------

export function NumbersStepForm({ portInId, saved, action, nextHref, backHref }: { portInId: string; saved: string; action: Action<SavedNumbers>; nextHref: string; backHref: string | null }) {
  const { state, formAction, errors } = useForm(action);
  const [text, setText] = useState(() => saved);
  const [answered, setAnswered] = useState<unknown>(state);
  const [fileNote, setFileNote] = useState<string | null>(null);
  const errorId = useId();
  if (answered !== state) {
    setAnswered(state);
    if (state.status === 'error' && state.values?.numbers !== undefined) setText(state.values.numbers);
  }
  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    if (file.size > 200_000) {
      setFileNote(`${file.name} is too large for ${MAX_PORT_NUMBERS.toLocaleString('en-US')} numbers; split it into several ports.`);
      return;
    }
    setText(await file.text());
    setFileNote(`Read ${file.name}: check the list below, then save.`);
  };
  const result = state.status === 'success' ? state.data : undefined;
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <input type="hidden" name="portInId" value={portInId} />
      <div>
        <label htmlFor="port-numbers" className="mb-1 block text-sm font-medium text-slate-800">
          Numbers to port
        </label>
        <p id="port-numbers-hint" className="mb-1 text-xs text-slate-600">
          One per line, or separated by commas; up to {MAX_PORT_NUMBERS.toLocaleString('en-US')} US or Canadian numbers. Duplicates are removed.
        </p>
        <textarea
          id="port-numbers"
          name="numbers"
          rows={8}
          value={text}
          onChange={(event) => setText(event.target.value)}
          className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm text-slate-900 shadow-sm focus:border-indigo-700 focus:outline-2 focus:outline-indigo-700 aria-[invalid=true]:border-red-700"
          aria-invalid={errors?.numbers?.length ? true : undefined}
          aria-describedby={`port-numbers-hint ${errorId}`}
        />
        <ErrorList id={errorId} errors={errors?.numbers} />
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <label htmlFor="port-numbers-file" className={buttonClass('secondary', 'cursor-pointer')}>
          <FileUp aria-hidden className="h-4 w-4" />
          Read a CSV file
        </label>
        <input id="port-numbers-file" type="file" accept=".csv,.txt,text/csv,text/plain" onChange={onFile} className="sr-only" />
        <span role="status" className="text-sm text-slate-700">
          {fileNote}
        </span>
      </div>
      <FormMessage state={state.status === 'success' ? { status: 'idle' } : state} />
      {result ? (
        <div role="status" className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-950" data-testid="numbers-result">
          <p className="font-medium">
            Saved {plural(result.count, 'number')}: {result.local} local, {result.tollFree} toll-free.
          </p>
          {result.duplicates.length ? <p>Duplicates removed: {result.duplicates.map(formatE164).join(', ')}.</p> : null}
          {result.alreadyOwned.length ? <p className="text-amber-950">Already live on our network (cannot be ported in): {result.alreadyOwned.map(formatE164).join(', ')}.</p> : null}
          {result.inOtherPort.length ? <p className="text-amber-950">Already in another port: {result.inOtherPort.map(formatE164).join(', ')}.</p> : null}
          <Link href={nextHref} className={buttonClass('primary')}>
            Continue to portability
          </Link>
        </div>
      ) : null}
      <div className="flex flex-wrap gap-2">
        <BackLink href={backHref} />
        <SubmitButton pendingLabel="Saving…">Save numbers</SubmitButton>
      </div>
    </form>
  );
}

// --- 2. Portability ----------------------------------------------------------------------------------

export function PortabilityCheckForm({ portInId, action, checkedBefore }: { portInId: string; action: Action<PortabilityOutcome>; checkedBefore: boolean }) {
  const { state, formAction } = useForm(action);
  const outcome = state.status === 'success' ? state.data : undefined;
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="portInId" value={portInId} />
      <SubmitButton pendingLabel="Asking every carrier…" variant={checkedBefore ? 'secondary' : 'primary'}>
        {checkedBefore ? 'Check portability again' : 'Check portability'}
      </SubmitButton>
      <FormMessage state={state} success="both" />
      {outcome?.unavailable.length ? (
        <ul className="list-disc pl-5 text-sm text-amber-950" data-testid="unavailable-upstreams">
          {outcome.unavailable.map((entry) => (
            <li key={entry.provider}>
              {entry.provider} could not answer: {entry.message}
            </li>
          ))}
        </ul>
      ) : null}
    </form>
  );
}

export interface CandidateOption {
  connectionId: string;
  label: string;
}

export function ChooseConnectionForm({ portInId, candidates, current, action }: { portInId: string; candidates: CandidateOption[]; current: string | null; action: Action }) {
  const { state, formAction, errors } = useForm(action);
  const errorId = useId();
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="portInId" value={portInId} />
      <fieldset aria-describedby={errorId}>
        <legend className="mb-2 text-sm font-medium text-slate-800">Carrier that will win the numbers</legend>
        <div className="space-y-2">
          {candidates.map((candidate) => (
            <label key={candidate.connectionId} className="flex items-start gap-2 text-sm text-slate-900">
              <input type="radio" name="connectionId" value={candidate.connectionId} defaultChecked={candidate.connectionId === current} className="mt-0.5" />
              <span>{candidate.label}</span>
            </label>
          ))}
        </div>
        <p id={errorId} aria-live="polite" className="mt-1 text-xs text-red-700">
          {errors?.connectionId?.[0]}
        </p>
      </fieldset>
      <FormMessage state={state} />
      <SubmitButton variant="secondary" pendingLabel="Choosing…">
        Use this carrier
      </SubmitButton>
    </form>
  );
}

// --- 3. Subscriber -----------------------------------------------------------------------------------

export interface SubscriberValues {
  subscriberType: 'business' | 'residential' | null;
  subscriberName: string | null;
  authorizedPerson: string | null;
  losingCarrier: string | null;
  accountNumber: string | null;
  pinHint: string | null;
  wireless: boolean;
  billingTelephoneNumber: string | null;
  street: string | null;
  unit: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  partialPort: boolean;
  remainingNumbers: string;
}

export function SubscriberStepForm({ portInId, saved, action, backHref }: { portInId: string; saved: SubscriberValues; action: Action; backHref: string | null }) {
  const { state, formAction, errors, value, checked } = useForm(action);
  const [partial, setPartial] = useState(saved.partialPort);
  const [answered, setAnswered] = useState<unknown>(state);
  if (answered !== state) {
    setAnswered(state);
    if (state.status === 'error' && state.values) setPartial((state.values.partialPort ?? '').split(',').includes('on'));
  }
  const field = (name: keyof SubscriberValues & string) => ({ name, idPrefix: 'port', errors: errors?.[name], defaultValue: value(name, saved[name] as string | null) });
  const type = value('subscriberType', saved.subscriberType);
  return (
    <form action={formAction} className="space-y-5" noValidate aria-label="Subscriber and losing carrier account">
      <input type="hidden" name="portInId" value={portInId} />
      <fieldset className="space-y-2" aria-describedby="port-subscriberType-error">
        <legend className="text-sm font-medium text-slate-800">The account is</legend>
        <div className="flex flex-wrap gap-4">
          {(['business', 'residential'] as const).map((option) => (
            <label key={option} className="flex items-center gap-2 text-sm text-slate-900">
              <input key={`${option}-${type}`} type="radio" name="subscriberType" value={option} defaultChecked={type === option} />
              {option === 'business' ? 'Business' : 'Residential'}
            </label>
          ))}
        </div>
        <p id="port-subscriberType-error" aria-live="polite" className="text-xs text-red-700">
          {errors?.subscriberType?.[0]}
        </p>
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField {...field('subscriberName')} label="Subscriber name" hint="The business or person, exactly as on the losing carrier’s bill" autoComplete="organization" />
        <TextField {...field('authorizedPerson')} label="Authorised person" hint="Who may sign for the account" autoComplete="name" />
        <TextField {...field('losingCarrier')} label="Losing carrier" hint="The carrier the numbers are with now" />
        <TextField {...field('accountNumber')} label="Account number" hint="As on the losing carrier’s bill" autoComplete="off" />
        <TextField
          name="pin"
          idPrefix="port"
          type="password"
          label="PIN or passcode"
          autoComplete="off"
          errors={errors?.pin}
          hint={saved.pinHint ? `PIN saved ${saved.pinHint}. Leave empty to keep it.` : 'Required for wireless numbers; ask the losing carrier for a port-out PIN.'}
        />
        <TextField {...field('billingTelephoneNumber')} label="Billing telephone number (BTN)" inputMode="tel" autoComplete="tel" hint="The main number on the bill" />
      </div>
      <div className="space-y-2">
        {saved.pinHint ? <CheckboxField idPrefix="port" name="clearPin" label="Remove the saved PIN" /> : null}
        <CheckboxField key={`wireless-${String(checked('wireless', saved.wireless))}`} idPrefix="port" name="wireless" label="These are wireless (mobile) numbers" defaultChecked={checked('wireless', saved.wireless)} />
      </div>
      <fieldset className="grid gap-4 sm:grid-cols-6">
        <legend className="mb-2 text-sm font-medium text-slate-800">Service address, as on the bill</legend>
        <TextField {...field('street')} label="Street address" autoComplete="address-line1" className="sm:col-span-4" />
        <TextField {...field('unit')} label="Suite or unit" hint="Optional" autoComplete="address-line2" className="sm:col-span-2" />
        <TextField {...field('city')} label="City" autoComplete="address-level2" className="sm:col-span-3" />
        <TextField {...field('state')} label="State" hint="Two letters, like IL" autoComplete="address-level1" className="sm:col-span-1" />
        <TextField {...field('postalCode')} label="ZIP code" autoComplete="postal-code" className="sm:col-span-2" />
      </fieldset>
      <div className="space-y-3 rounded-md border border-slate-200 p-4">
        <div className="flex items-center gap-2">
          <input id="port-partialPort" name="partialPort" type="checkbox" checked={partial} onChange={(event) => setPartial(event.target.checked)} className="h-4 w-4 rounded border-slate-400" aria-describedby="port-partial-note" />
          <label htmlFor="port-partialPort" className="text-sm text-slate-800">
            Partial port: some numbers on this account stay with the losing carrier
          </label>
        </div>
        <p id="port-partial-note" className="text-xs text-slate-600">
          In a partial port the billing telephone number stays with the losing carrier, with the account. List the numbers that stay; the BTN is added to them.
        </p>
        {partial ? <TextAreaField {...field('remainingNumbers')} label="Numbers that stay with the losing carrier" rows={4} hint="One per line" /> : null}
      </div>
      <FormMessage state={state} />
      <div className="flex flex-wrap gap-2">
        <BackLink href={backHref} />
        <SubmitButton pendingLabel="Saving…">Save and continue</SubmitButton>
      </div>
    </form>
  );
}

// --- 4/5. Moving on, the FOC date ----------------------------------------------------------------------

export function ContinueStepForm({ portInId, to, action, backHref, label = 'Save and continue' }: { portInId: string; to: PortWizardStep; action: Action; backHref: string | null; label?: string }) {
  const { state, formAction } = useForm(action);
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="portInId" value={portInId} />
      <input type="hidden" name="to" value={to} />
      <FormMessage state={state} />
      <div className="flex flex-wrap gap-2">
        <BackLink href={backHref} />
        <SubmitButton pendingLabel="Saving…">{label}</SubmitButton>
      </div>
    </form>
  );
}

export function ScheduleStepForm({
  portInId,
  saved,
  earliest,
  earliestNote,
  trunkGroups,
  action,
  backHref,
}: {
  portInId: string;
  saved: { requestedFocDate: string | null; trunkGroupId: string | null };
  earliest: string;
  earliestNote: string;
  trunkGroups: { id: string; name: string }[];
  action: Action;
  backHref: string | null;
}) {
  const { state, formAction, errors, value } = useForm(action);
  return (
    <form action={formAction} className="space-y-5" noValidate aria-label="FOC date and routing">
      <input type="hidden" name="portInId" value={portInId} />
      <TextField name="requestedFocDate" idPrefix="port" type="date" label="Requested FOC date" min={earliest} defaultValue={value('requestedFocDate', saved.requestedFocDate)} errors={errors?.requestedFocDate} hint={earliestNote} className="max-w-xs" />
      <SelectField name="trunkGroupId" idPrefix="port" label="Route the numbers to" defaultValue={value('trunkGroupId', saved.trunkGroupId)} errors={errors?.trunkGroupId} hint="Once ported, the numbers ring on this trunk group. You can change it later on My numbers." className="max-w-md">
        <option value="">Not routed yet</option>
        {trunkGroups.map((group) => (
          <option key={group.id} value={group.id}>
            {group.name}
          </option>
        ))}
      </SelectField>
      <FormMessage state={state} />
      <div className="flex flex-wrap gap-2">
        <BackLink href={backHref} />
        <SubmitButton pendingLabel="Saving…">Save and continue</SubmitButton>
      </div>
    </form>
  );
}

// --- 6. Submit -----------------------------------------------------------------------------------------

export function SubmitPortForm({ portInId, ready, blockedReason, label, action, backHref }: { portInId: string; ready: boolean; blockedReason: string; label: string; action: Action; backHref: string | null }) {
  const { state, formAction } = useForm(action);
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="portInId" value={portInId} />
      {ready ? null : (
        <p id="port-submit-blocked" className="text-sm text-red-800">
          {blockedReason}
        </p>
      )}
      <FormMessage state={state} />
      <div className="flex flex-wrap gap-2">
        <BackLink href={backHref} />
        <SubmitButton disabled={!ready} pendingLabel="Submitting…">
          {label}
        </SubmitButton>
      </div>
    </form>
  );
}
