'use client';

import { RefreshCw, Send, Trash2, Webhook } from 'lucide-react';
import { useActionState, useId } from 'react';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { OneTimeSecret } from '@/components/ui/one-time-secret';
import { TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';
import type { WebhookSecretData } from './actions';

type Action<Data = undefined> = (state: ActionState<Data>, formData: FormData) => Promise<ActionState<Data>>;

export interface EventTypeOption {
  value: string;
  label: string;
}

/** The event checkboxes: at least one must stay ticked. */
function EventTypeChoices({ options, checked, errors, idPrefix }: { options: EventTypeOption[]; checked: string[]; errors?: string[]; idPrefix: string }) {
  const errorId = `${idPrefix}-eventTypes-error`;
  return (
    <fieldset aria-describedby={errors?.length ? errorId : undefined} className="space-y-2">
      <legend className="text-sm font-medium text-slate-800">Events to send</legend>
      {options.map((option) => (
        <div key={option.value} className="flex items-start gap-2">
          <input
            id={`${idPrefix}-event-${option.value}`}
            type="checkbox"
            name="eventTypes"
            value={option.value}
            defaultChecked={checked.includes(option.value)}
            className="mt-0.5 h-4 w-4 rounded border-slate-400 text-indigo-700"
          />
          <label htmlFor={`${idPrefix}-event-${option.value}`} className="text-sm text-slate-800">
            <code className="font-mono text-xs">{option.value}</code> <span className="text-slate-600">— {option.label}</span>
          </label>
        </div>
      ))}
      <p id={errorId} aria-live="polite" className="text-sm text-red-700">
        {errors?.join(' ')}
      </p>
    </fieldset>
  );
}

/** The secret, once, right after creation or rotation: it exists only in this render of the action's answer. */
export function WebhookSecretPanel({ secret, rotated }: { secret: string; rotated?: boolean }) {
  return (
    <OneTimeSecret title={rotated ? 'The new signing secret: copy it now' : 'The signing secret: copy it now'} label="Signing secret" value={secret} noun="the secret" testId="webhook-secret">
      <p>
        You will not see it again. Verify each request with it as Standard Webhooks says (libraries exist for most languages).
        {rotated ? ' For 24 hours the old secret signs too, so switch your receiver within a day.' : ''}
      </p>
    </OneTimeSecret>
  );
}

export function WebhookForm({
  action,
  eventTypes,
  endpoint,
  accountId,
}: {
  action: Action<WebhookSecretData> | Action;
  eventTypes: EventTypeOption[];
  endpoint?: { id: string; url: string; description: string; eventTypes: string[] };
  /** A new endpoint is added to the account the page showed, even if another tab switched since. */
  accountId?: string;
}) {
  const [state, formAction] = useActionState<ActionState<WebhookSecretData | undefined>, FormData>(action as Action<WebhookSecretData | undefined>, { status: 'idle' });
  const echoed = state.status === 'error' ? state.values : undefined;
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  const idPrefix = endpoint ? 'webhook-edit' : 'webhook-new';
  const created = state.status === 'success' ? state.data : undefined;
  const checked = echoed ? (echoed.eventTypes ?? '').split(',').filter(Boolean) : (endpoint?.eventTypes ?? []);
  return (
    <div className="space-y-4">
      {created ? <WebhookSecretPanel secret={created.secret} /> : null}
      <form action={formAction} className="space-y-4" noValidate>
        {endpoint ? <input type="hidden" name="webhookId" value={endpoint.id} /> : null}
        {accountId ? <input type="hidden" name="accountId" value={accountId} /> : null}
        <div className="grid gap-4 md:grid-cols-2">
          <TextField
            idPrefix={idPrefix}
            label="URL"
            name="url"
            type="url"
            inputMode="url"
            required
            maxLength={2000}
            defaultValue={echoed?.url ?? endpoint?.url ?? ''}
            errors={errors?.url}
            hint="https:// on a public address; we POST each event here."
            autoComplete="off"
          />
          <TextField
            idPrefix={idPrefix}
            label="Description (optional)"
            name="description"
            maxLength={200}
            defaultValue={echoed?.description ?? endpoint?.description ?? ''}
            errors={errors?.description}
            hint="What receives it, e.g. “ticketing”."
          />
        </div>
        <EventTypeChoices options={eventTypes} checked={checked} errors={errors?.eventTypes} idPrefix={idPrefix} />
        <SubmitButton pendingLabel={endpoint ? 'Saving…' : 'Adding…'}>
          <Webhook aria-hidden="true" className="size-4" />
          {endpoint ? 'Save endpoint' : 'Add endpoint'}
        </SubmitButton>
        <FormMessage state={state} />
      </form>
    </div>
  );
}

/** A one-button form (enable, disable, test, redeliver): the hidden fields name what it acts on. */
export function WebhookButtonForm({ action, fields, label, pendingLabel, variant = 'secondary', icon }: { action: Action; fields: Record<string, string>; label: string; pendingLabel: string; variant?: 'primary' | 'secondary'; icon?: 'send' | 'retry' }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  return (
    <form action={formAction} className="space-y-1">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <SubmitButton pendingLabel={pendingLabel} variant={variant}>
        {icon === 'send' ? <Send aria-hidden="true" className="size-4" /> : icon === 'retry' ? <RefreshCw aria-hidden="true" className="size-4" /> : null}
        {label}
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function RotateWebhookSecretForm({ webhookId, action }: { webhookId: string; action: Action<WebhookSecretData> }) {
  const [state, formAction, pending] = useActionState<ActionState<WebhookSecretData>, FormData>(action, { status: 'idle' });
  const formId = useId();
  const rotated = state.status === 'success' ? state.data : undefined;
  return (
    <div className="space-y-3">
      {rotated ? <WebhookSecretPanel secret={rotated.secret} rotated /> : null}
      <form id={formId} action={formAction} className="space-y-2">
        <input type="hidden" name="webhookId" value={webhookId} />
        <ConfirmDialog
          tone="caution"
          trigger={{ label: <><RefreshCw aria-hidden="true" className="size-4" />Rotate secret…</>, variant: 'secondary' }}
          title="Make a new signing secret?"
          description="The new secret is shown once. For 24 hours each request carries two signatures, one with the new secret and one with the old, so your receiver keeps working while you switch it."
          consequence="After 24 hours only the new secret signs."
          confirmLabel="Yes, make a new secret"
          pendingLabel="Rotating…"
          pending={pending}
          form={formId}
          closeOn={state}
        />
        <FormMessage state={state} />
      </form>
    </div>
  );
}

export function DeleteWebhookForm({ webhookId, url, action }: { webhookId: string; url: string; action: Action }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const formId = useId();
  return (
    <form id={formId} action={formAction} className="space-y-2">
      <input type="hidden" name="webhookId" value={webhookId} />
      <ConfirmDialog
        trigger={{ label: <><Trash2 aria-hidden="true" className="size-4" />Delete endpoint…</>, variant: 'danger' }}
        title="Delete this webhook endpoint?"
        description={<>No more events are sent to <span className="break-all font-mono">{url}</span>; deliveries still waiting are dropped.</>}
        consequence="Its delivery log is deleted with it. This cannot be undone."
        confirmLabel="Yes, delete the endpoint"
        pendingLabel="Deleting…"
        pending={pending}
        form={formId}
        closeOn={state}
      />
      <FormMessage state={state} />
    </form>
  );
}
