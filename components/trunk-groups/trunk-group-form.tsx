'use client';

import Link from 'next/link';
import { startTransition, useActionState, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Button, buttonClass } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { useActionToast } from '@/components/ui/use-action-toast';
import type { ActionState } from '@/lib/auth/action';
import { formatCount } from '@/lib/format';
import {
  CALLER_ID_POLICIES,
  CALLER_ID_POLICY_LABELS,
  CODECS,
  CODEC_LABELS,
  MAX_TRUNK_DESTINATIONS,
  SIP_TRANSPORTS,
  SIP_TRANSPORT_LABELS,
  TRUNK_AUTH_LABELS,
  TRUNK_AUTH_METHODS,
  TRUNK_DIRECTIONS,
  TRUNK_DIRECTION_LABELS,
  checkLimitsWithinAccount,
  defaultSipPort,
  trunkGroupFieldErrors,
  type Codec,
} from '@/lib/validations/trunk-groups';
import { blankDestination, trunkFormData, type DestinationValues, type TrunkFormValues } from './form-values';
import { OneTimePassword } from './one-time-password';

export interface TrunkSavedData {
  trunkGroupId: string;
  name: string;
  digestUsername?: string;
  digestPassword?: string;
  /** Settings some of our carriers will not carry, and which: saved, but said. */
  warnings?: string[];
}

/** Saved, with settings some carriers will not carry: amber, never the success green. */
function CarrierWarnings({ warnings }: { warnings?: string[] }) {
  if (!warnings?.length) return null;
  return (
    <div role="status" aria-live="polite" className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
      <p className="font-medium">Not every carrier can carry these settings</p>
      <ul className="mt-2 list-disc space-y-1 pl-5">
        {warnings.map((warning) => (
          <li key={warning}>{warning}</li>
        ))}
      </ul>
    </div>
  );
}

type Action = (state: ActionState<TrunkSavedData>, formData: FormData) => Promise<ActionState<TrunkSavedData>>;

const controlClass =
  'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm focus:border-indigo-700 focus:outline-2 focus:outline-indigo-700 aria-[invalid=true]:border-red-700';

interface Row extends DestinationValues {
  key: number;
}

const describedBy = (...ids: (string | false | undefined)[]) => ids.filter(Boolean).join(' ') || undefined;

function ErrorText({ id, message }: { id: string; message?: string }) {
  return (
    <p id={id} aria-live="polite" className="mt-1 text-xs text-red-700">
      {message}
    </p>
  );
}

function Field({ id, label, hint, error, className, children }: { id: string; label: string; hint?: string; error?: string; className?: string; children: ReactNode }) {
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      <ErrorText id={`${id}-error`} message={error} />
    </div>
  );
}

function Section({ id, title, description, children }: { id: string; title: string; description?: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="space-y-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <div>
        <h2 id={id} className="text-base font-semibold text-slate-900">
          {title}
        </h2>
        {description ? <p className="mt-1 text-sm text-slate-600">{description}</p> : null}
      </div>
      {children}
    </section>
  );
}

/**
 * Create or edit a trunk group. Every field is checked as it is typed with the schema the server
 * uses; the server's own answer (a taken name, limits above the account's, an address a carrier
 * cannot take) appears beside the same fields. A failed save keeps everything typed.
 */
export function TrunkGroupForm({
  mode,
  action,
  initial,
  accountId,
  trunkGroupId,
  account,
  cancelHref,
}: {
  mode: 'create' | 'edit';
  action: Action;
  initial: TrunkFormValues;
  /** The account the form was opened in (create). */
  accountId?: string;
  trunkGroupId?: string;
  account: { name: string; maxConcurrentCalls: number | null; maxCallsPerSecond: number | null };
  cancelHref: string;
}) {
  const [state, formAction, pending] = useActionState<ActionState<TrunkSavedData>, FormData>(action, { status: 'idle' });
  const nextKey = useRef(initial.destinations.length);
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState<Omit<TrunkFormValues, 'destinations'>>(() => ({ ...initial }));
  const [rows, setRows] = useState<Row[]>(() => initial.destinations.map((row, key) => ({ ...row, key })));
  /** Fields the user has changed: their messages show as they type. */
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  /** Fields changed since the last submit: the server's message about them no longer applies. */
  const [changedSinceSubmit, setChangedSinceSubmit] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [blocked, setBlocked] = useState(false);

  const current: TrunkFormValues = useMemo(
    () => ({ ...values, destinations: rows.map((row) => ({ host: row.host, port: row.port, transport: row.transport, priority: row.priority, weight: row.weight })) }),
    [values, rows],
  );
  const clientErrors = useMemo(() => {
    const errors = trunkGroupFieldErrors(trunkFormData(current));
    const whole = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined);
    const limits = checkLimitsWithinAccount(
      { maxChannels: errors.maxChannels ? undefined : whole(current.maxChannels), maxCps: errors.maxCps ? undefined : whole(current.maxCps) },
      account,
      account.name,
    );
    return { ...limits, ...errors };
  }, [current, account]);
  const serverErrors = state.status === 'error' ? (state.fieldErrors ?? {}) : {};

  /** Error keys use the row's position; what was touched is tracked by the row's stable key. */
  const touchKey = (errorKey: string) => {
    const match = /^destinations\.(\d+)\.(\w+)$/.exec(errorKey);
    if (!match) return errorKey;
    const row = rows[Number(match[1])];
    return row ? `row.${row.key}.${match[2]}` : errorKey;
  };
  const messageFor = (errorKey: string): string | undefined => {
    const key = touchKey(errorKey);
    const clientMessage = submitted || touched.has(key) ? clientErrors[errorKey] : undefined;
    const destinationsChanged = errorKey.startsWith('destinations') && changedSinceSubmit.has('destinations');
    const serverMessage = changedSinceSubmit.has(key) || destinationsChanged ? undefined : serverErrors[errorKey]?.[0];
    return clientMessage ?? serverMessage;
  };

  const mark = (...keys: string[]) => {
    setTouched((previous) => new Set([...previous, ...keys]));
    setChangedSinceSubmit((previous) => new Set([...previous, ...keys]));
    setBlocked(false);
  };
  const set = <Key extends keyof typeof values>(key: Key, value: (typeof values)[Key]) => {
    setValues((previous) => ({ ...previous, [key]: value }));
    mark(key);
  };
  const setRow = (rowKey: number, field: keyof DestinationValues, value: string) => {
    setRows((previous) =>
      previous.map((row) => {
        if (row.key !== rowKey) return row;
        // A port still at the old transport's usual one follows the transport (5060 ↔ 5061 for TLS).
        const followsTransport = field === 'transport' && row.port === String(defaultSipPort(row.transport));
        return { ...row, [field]: value, ...(followsTransport ? { port: String(defaultSipPort(value as DestinationValues['transport'])) } : {}) };
      }),
    );
    mark(`row.${rowKey}.${field}`, 'destinations');
  };
  const addRow = () => {
    const key = nextKey.current++;
    setRows((previous) => [...previous, { ...blankDestination(previous.length + 1), key }]);
    setChangedSinceSubmit((previous) => new Set([...previous, 'destinations']));
    requestAnimationFrame(() => document.getElementById(`tg-row-${key}-host`)?.focus());
  };
  const removeRow = (rowKey: number, index: number) => {
    setRows((previous) => previous.filter((row) => row.key !== rowKey));
    mark('destinations');
    requestAnimationFrame(() => document.getElementById(index > 0 ? `tg-remove-${rows[index - 1]?.key}` : 'tg-add-host')?.focus());
  };

  const toggleCodec = (codec: Codec, on: boolean) => set('codecs', on ? [...values.codecs.filter((item) => item !== codec), codec] : values.codecs.filter((item) => item !== codec));
  const moveCodec = (codec: Codec, by: -1 | 1) => {
    const order = [...values.codecs];
    const from = order.indexOf(codec);
    const to = from + by;
    if (from < 0 || to < 0 || to >= order.length) return;
    order.splice(from, 1);
    order.splice(to, 0, codec);
    set('codecs', order);
    requestAnimationFrame(() => {
      const target = document.getElementById(`tg-codec-${codec}-${by < 0 ? 'up' : 'down'}`) as HTMLButtonElement | null;
      (target && !target.disabled ? target : document.getElementById(`tg-codec-${codec}-${by < 0 ? 'down' : 'up'}`))?.focus();
    });
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(clientErrors).length > 0) {
      setBlocked(true);
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    setBlocked(false);
    setChangedSinceSubmit(new Set());
    const formData = new FormData();
    if (accountId) formData.set('accountId', accountId);
    if (trunkGroupId) formData.set('trunkGroupId', trunkGroupId);
    for (const [key, value] of Object.entries(trunkFormData(current))) formData.set(key, value);
    startTransition(() => formAction(formData));
  };

  const saved = state.status === 'success' ? state.data : undefined;
  // Creating replaces the form with its own outcome panel; an edit's success is a toast.
  useActionToast(mode === 'create' ? { status: 'idle' } : state);
  if (mode === 'create' && state.status === 'success' && saved) {
    return (
      <div className="space-y-4">
        <div role="status" aria-live="polite" className="rounded-md border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-900">
          {state.message}
        </div>
        <CarrierWarnings warnings={saved.warnings} />
        {saved.digestPassword ? <OneTimePassword username={saved.digestUsername} password={saved.digestPassword} /> : null}
        <div className="flex flex-wrap gap-2">
          <Link href={`/trunk-groups/${saved.trunkGroupId}`} className={buttonClass('primary')}>
            Open {saved.name}
          </Link>
          <Link href="/trunk-groups" className={buttonClass('secondary')}>
            All trunk groups
          </Link>
        </div>
      </div>
    );
  }

  const idOf = (name: string) => `tg-${name}`;
  const input = (name: 'name' | 'maxChannels' | 'maxCps' | 'techPrefix' | 'callerIdNumber', extra: { hasHint?: boolean; inputMode?: 'numeric' | 'tel'; placeholder?: string; autoComplete?: string } = {}) => {
    const error = messageFor(name);
    const id = idOf(name);
    return (
      <input
        id={id}
        name={name}
        value={values[name]}
        onChange={(event) => set(name, event.target.value)}
        inputMode={extra.inputMode}
        placeholder={extra.placeholder}
        autoComplete={extra.autoComplete ?? 'off'}
        className={controlClass}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(extra.hasHint && `${id}-hint`, `${id}-error`)}
      />
    );
  };

  const showIps = values.auth !== 'digest';
  const showDestinations = values.direction !== 'outbound';
  const formMessage = blocked ? 'Please correct the highlighted fields before saving.' : state.status === 'error' ? state.message : '';
  const channelHint = account.maxConcurrentCalls ? `Optional. ${account.name} allows up to ${formatCount(account.maxConcurrentCalls)} concurrent calls.` : 'Optional: the most calls at once.';
  const cpsHint = account.maxCallsPerSecond ? `Optional. ${account.name} allows up to ${formatCount(account.maxCallsPerSecond)} calls per second.` : 'Optional: the most new calls per second.';
  const ipsError = messageFor('allowedIps');
  const destinationsError = messageFor('destinations');
  const codecsError = messageFor('codecs');

  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-6" noValidate aria-busy={pending}>
      {state.status === 'success' && saved?.digestPassword ? <OneTimePassword username={saved.digestUsername} password={saved.digestPassword} /> : null}
      {state.status === 'success' ? <CarrierWarnings warnings={saved?.warnings} /> : null}

      <Section id="tg-section-basics" title="Basics">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id={idOf('name')} label="Name" hint="How you will recognise it, e.g. Main PBX." error={messageFor('name')}>
            {input('name', { hasHint: true })}
          </Field>
          <Field id={idOf('direction')} label="Direction" error={messageFor('direction')}>
            <select
              id={idOf('direction')}
              name="direction"
              value={values.direction}
              onChange={(event) => set('direction', event.target.value as TrunkFormValues['direction'])}
              className={controlClass}
              aria-invalid={messageFor('direction') ? true : undefined}
              aria-describedby={`${idOf('direction')}-error`}
            >
              {TRUNK_DIRECTIONS.map((direction) => (
                <option key={direction} value={direction}>
                  {TRUNK_DIRECTION_LABELS[direction]}
                </option>
              ))}
            </select>
          </Field>
        </div>
      </Section>

      <Section id="tg-section-auth" title="Who may send calls" description="How our network recognises calls from your PBX.">
        <Field id={idOf('auth')} label="Authentication" error={messageFor('auth')} className="sm:max-w-md">
          <select
            id={idOf('auth')}
            name="auth"
            value={values.auth}
            onChange={(event) => set('auth', event.target.value as TrunkFormValues['auth'])}
            className={controlClass}
            aria-invalid={messageFor('auth') ? true : undefined}
            aria-describedby={describedBy(`${idOf('auth')}-hint`, `${idOf('auth')}-error`)}
          >
            {TRUNK_AUTH_METHODS.map((method) => (
              <option key={method} value={method}>
                {TRUNK_AUTH_LABELS[method]}
              </option>
            ))}
          </select>
          <p id={`${idOf('auth')}-hint`} className="mt-1 text-xs text-slate-600">
            {values.auth === 'ip' ? 'Calls are accepted from the addresses below.' : 'A username and password are generated when you save and shown to you once.'}
          </p>
        </Field>
        {showIps ? (
          <Field id={idOf('allowedIps')} label="Allowed IP addresses" error={ipsError} hint="One per line: the public addresses your PBX sends calls from, like 52.10.4.20, or 52.10.4.0/24 for a block.">
            <textarea
              id={idOf('allowedIps')}
              name="allowedIps"
              rows={4}
              value={values.allowedIps}
              onChange={(event) => set('allowedIps', event.target.value)}
              spellCheck={false}
              className={cn(controlClass, 'font-mono')}
              aria-invalid={ipsError ? true : undefined}
              aria-describedby={describedBy(`${idOf('allowedIps')}-hint`, `${idOf('allowedIps')}-error`)}
            />
          </Field>
        ) : null}
      </Section>

      {showDestinations ? (
        <Section id="tg-section-destinations" title="Where calls go" description="Where we deliver calls to your numbers. Lower priority is tried first; weight shares calls between hosts of the same priority.">
          <div className="space-y-3" aria-describedby={`${idOf('destinations')}-error`}>
            {rows.map((row, index) => {
              const prefix = `tg-row-${row.key}`;
              const error = (field: keyof DestinationValues) => messageFor(`destinations.${index}.${field}`);
              const control = (field: 'host' | 'port' | 'priority' | 'weight', extra: { inputMode?: 'numeric'; placeholder?: string } = {}) => (
                <input
                  id={`${prefix}-${field}`}
                  name={`destinations.${index}.${field}`}
                  value={row[field]}
                  onChange={(event) => setRow(row.key, field, event.target.value)}
                  inputMode={extra.inputMode}
                  placeholder={extra.placeholder}
                  autoComplete="off"
                  spellCheck={false}
                  className={controlClass}
                  aria-invalid={error(field) ? true : undefined}
                  aria-describedby={`${prefix}-${field}-error`}
                />
              );
              return (
                <fieldset key={row.key} className="rounded-md border border-slate-200 p-3">
                  <legend className="px-1 text-sm font-medium text-slate-800">Destination {index + 1}</legend>
                  <div className="grid gap-3 sm:grid-cols-12 sm:items-start">
                    <Field id={`${prefix}-host`} label="Host" error={error('host')} className="sm:col-span-4">
                      {control('host', { placeholder: 'sbc1.example.com' })}
                    </Field>
                    <Field id={`${prefix}-port`} label="Port" error={error('port')} className="sm:col-span-2">
                      {control('port', { inputMode: 'numeric' })}
                    </Field>
                    <Field id={`${prefix}-transport`} label="Transport" error={error('transport')} className="sm:col-span-2">
                      <select
                        id={`${prefix}-transport`}
                        name={`destinations.${index}.transport`}
                        value={row.transport}
                        onChange={(event) => setRow(row.key, 'transport', event.target.value)}
                        className={controlClass}
                        aria-invalid={error('transport') ? true : undefined}
                        aria-describedby={`${prefix}-transport-error`}
                      >
                        {SIP_TRANSPORTS.map((transport) => (
                          <option key={transport} value={transport}>
                            {SIP_TRANSPORT_LABELS[transport]}
                          </option>
                        ))}
                      </select>
                    </Field>
                    <Field id={`${prefix}-priority`} label="Priority" error={error('priority')} className="sm:col-span-1">
                      {control('priority', { inputMode: 'numeric' })}
                    </Field>
                    <Field id={`${prefix}-weight`} label="Weight" error={error('weight')} className="sm:col-span-1">
                      {control('weight', { inputMode: 'numeric' })}
                    </Field>
                    <div className="sm:col-span-2 sm:pt-6">
                      <Button id={`tg-remove-${row.key}`} type="button" variant="ghost" onClick={() => removeRow(row.key, index)}>
                        Remove<span className="sr-only"> destination {index + 1}</span>
                      </Button>
                    </div>
                  </div>
                </fieldset>
              );
            })}
          </div>
          <ErrorText id={`${idOf('destinations')}-error`} message={destinationsError} />
          <div className="flex items-center gap-3">
            <Button id="tg-add-host" type="button" variant="secondary" onClick={addRow} disabled={rows.length >= MAX_TRUNK_DESTINATIONS}>
              Add host
            </Button>
            <p className="text-xs text-slate-600">
              {rows.length} of at most {MAX_TRUNK_DESTINATIONS} hosts.
            </p>
          </div>
        </Section>
      ) : null}

      <Section id="tg-section-limits" title="Limits and media">
        <div className="grid gap-4 sm:grid-cols-3">
          <Field id={idOf('maxChannels')} label="Channel limit" hint={channelHint} error={messageFor('maxChannels')}>
            {input('maxChannels', { hasHint: true, inputMode: 'numeric' })}
          </Field>
          <Field id={idOf('maxCps')} label="Calls per second limit" hint={cpsHint} error={messageFor('maxCps')}>
            {input('maxCps', { hasHint: true, inputMode: 'numeric' })}
          </Field>
          <Field id={idOf('techPrefix')} label="Tech prefix" hint="Optional: digits, # or * your PBX puts before the number." error={messageFor('techPrefix')}>
            {input('techPrefix', { hasHint: true })}
          </Field>
        </div>
        <fieldset aria-describedby={describedBy(`${idOf('codecs')}-hint`, `${idOf('codecs')}-error`)}>
          <legend className="mb-1 text-sm font-medium text-slate-800">Codecs</legend>
          <p id={`${idOf('codecs')}-hint`} className="mb-2 text-xs text-slate-600">
            Tick the codecs to offer, then put them in order of preference.
          </p>
          <div className="grid gap-4 sm:grid-cols-2">
            <div className="space-y-1">
              {CODECS.map((codec) => (
                <div key={codec} className="flex items-center gap-2">
                  <input
                    id={`tg-codec-${codec}`}
                    type="checkbox"
                    checked={values.codecs.includes(codec)}
                    onChange={(event) => toggleCodec(codec, event.target.checked)}
                    className="h-4 w-4 rounded border-slate-400"
                    aria-invalid={codecsError ? true : undefined}
                  />
                  <label htmlFor={`tg-codec-${codec}`} className="text-sm text-slate-800">
                    {CODEC_LABELS[codec]}
                  </label>
                </div>
              ))}
            </div>
            <div>
              <p id="tg-codec-order" className="mb-1 text-sm font-medium text-slate-800">
                Order of preference
              </p>
              {values.codecs.length === 0 ? (
                <p className="text-sm text-slate-600">No codec chosen yet.</p>
              ) : (
                <ol aria-labelledby="tg-codec-order" className="space-y-1">
                  {values.codecs.map((codec, index) => (
                    <li key={codec} className="flex items-center justify-between gap-2 rounded border border-slate-200 px-2 py-1 text-sm">
                      <span>
                        <span className="mr-2 tabular-nums text-slate-600">{index + 1}.</span>
                        {codec}
                      </span>
                      <span className="flex gap-1">
                        <Button id={`tg-codec-${codec}-up`} type="button" variant="ghost" className="px-2 py-1" disabled={index === 0} onClick={() => moveCodec(codec, -1)} aria-label={`Move ${codec} up`}>
                          <span aria-hidden="true">↑</span>
                        </Button>
                        <Button
                          id={`tg-codec-${codec}-down`}
                          type="button"
                          variant="ghost"
                          className="px-2 py-1"
                          disabled={index === values.codecs.length - 1}
                          onClick={() => moveCodec(codec, 1)}
                          aria-label={`Move ${codec} down`}
                        >
                          <span aria-hidden="true">↓</span>
                        </Button>
                      </span>
                    </li>
                  ))}
                </ol>
              )}
            </div>
          </div>
          <ErrorText id={`${idOf('codecs')}-error`} message={codecsError} />
        </fieldset>
      </Section>

      <Section id="tg-section-caller-id" title="Outbound caller ID" description="The calling number we send on outbound calls. Applied by our network, whichever carrier places the call.">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id={idOf('callerIdPolicy')} label="Caller ID" error={messageFor('callerIdPolicy')}>
            <select
              id={idOf('callerIdPolicy')}
              name="callerIdPolicy"
              value={values.callerIdPolicy}
              onChange={(event) => set('callerIdPolicy', event.target.value as TrunkFormValues['callerIdPolicy'])}
              className={controlClass}
              aria-invalid={messageFor('callerIdPolicy') ? true : undefined}
              aria-describedby={`${idOf('callerIdPolicy')}-error`}
            >
              {CALLER_ID_POLICIES.map((policy) => (
                <option key={policy} value={policy}>
                  {CALLER_ID_POLICY_LABELS[policy]}
                </option>
              ))}
            </select>
          </Field>
          {values.callerIdPolicy === 'fixed' ? (
            <Field id={idOf('callerIdNumber')} label="Caller ID number" hint="A US or Canadian number, like +1 214 555 0100." error={messageFor('callerIdNumber')}>
              {input('callerIdNumber', { hasHint: true, inputMode: 'tel', autoComplete: 'tel' })}
            </Field>
          ) : null}
        </div>
      </Section>

      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending} aria-disabled={pending}>
          {pending ? 'Saving…' : mode === 'create' ? 'Create trunk group' : 'Save changes'}
        </Button>
        <Link href={cancelHref} className={buttonClass('secondary')}>
          {mode === 'create' ? 'Cancel' : 'Back to the trunk group'}
        </Link>
        <p role="status" aria-live="polite" className={cn('text-sm', blocked || state.status === 'error' ? 'text-red-700' : 'text-emerald-800', !formMessage && 'sr-only')}>
          {formMessage}
        </p>
      </div>
    </form>
  );
}
