'use client';

import { Plus } from 'lucide-react';
import { startTransition, useActionState, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { SelectField, TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

/**
 * Submits without React's automatic form reset, so a failed save keeps what was typed, credentials
 * included, without the server ever echoing a secret back.
 */
function submitKeepingValues(dispatch: (formData: FormData) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    startTransition(() => dispatch(formData));
  };
}

export interface ProviderOption {
  id: string;
  name: string;
  /** Pre-filled only with an address that makes sense where the portal runs (the sandbox in the demo). */
  baseUrl: string;
  baseUrlHint: string;
  credentialFields: readonly { name: string; label: string; secret: boolean }[];
}

function CredentialInputs({ fields, idPrefix, errors, keepHint }: { fields: readonly { name: string; label: string; secret: boolean; isSet?: boolean }[]; idPrefix: string; errors?: Record<string, string[]>; keepHint?: boolean }) {
  return (
    <>
      {fields.map((field) => (
        <TextField
          key={field.name}
          idPrefix={idPrefix}
          label={field.label}
          name={`credential.${field.name}`}
          type={field.secret ? 'password' : 'text'}
          autoComplete="off"
          errors={errors?.[`credential.${field.name}`]}
          hint={keepHint ? (field.isSet ? 'Stored. Leave blank to keep it.' : 'Not set yet.') : undefined}
        />
      ))}
    </>
  );
}

export function NewConnectionForm({ providers, action }: { providers: ProviderOption[]; action: Action }) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  const [providerId, setProviderId] = useState(providers[0]?.id ?? '');
  const provider = providers.find((option) => option.id === providerId);
  const form = useRef<HTMLFormElement>(null);
  // Added: start afresh (a failed add keeps everything typed, so it can be corrected).
  useEffect(() => {
    if (state.status === 'success') form.current?.reset();
  }, [state]);
  return (
    <form ref={form} action={formAction} onSubmit={submitKeepingValues(formAction)} className="space-y-4" noValidate>
      <div className="grid gap-4 sm:grid-cols-3">
        <SelectField idPrefix="new-connection" label="Provider" name="provider" value={providerId} onChange={(event) => setProviderId(event.target.value)} errors={errors?.provider}>
          {providers.map((option) => (
            <option key={option.id} value={option.id}>
              {option.name}
            </option>
          ))}
        </SelectField>
        <TextField idPrefix="new-connection" label="Connection name" name="name" errors={errors?.name} placeholder={`${provider?.name ?? ''} production`} />
        <TextField key={providerId} idPrefix="new-connection" label="Base URL" name="baseUrl" type="url" defaultValue={provider?.baseUrl} placeholder="https://" hint={provider?.baseUrlHint} errors={errors?.baseUrl} />
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <CredentialInputs key={providerId} fields={provider?.credentialFields ?? []} idPrefix="new-connection" errors={errors} />
      </div>
      <FormMessage state={state} />
      <SubmitButton pendingLabel="Adding and testing…">
        <Plus aria-hidden="true" className="size-4" />
        Add and test connection
      </SubmitButton>
    </form>
  );
}

export function EditConnectionForm({
  connection,
  action,
}: {
  connection: { id: string; name: string; baseUrl: string; credentialFields: readonly { name: string; label: string; secret: boolean; isSet: boolean }[] };
  action: Action;
}) {
  const [state, formAction] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const [open, setOpen] = useState(false);
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  if (!open) {
    return (
      <Button type="button" variant="secondary" onClick={() => setOpen(true)}>
        Edit settings…
      </Button>
    );
  }
  const prefix = `edit-${connection.id.slice(0, 8)}`;
  return (
    <form action={formAction} onSubmit={submitKeepingValues(formAction)} className="w-full space-y-4 rounded-md border border-slate-200 p-4" noValidate>
      <input type="hidden" name="connectionId" value={connection.id} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField idPrefix={prefix} label="Connection name" name="name" defaultValue={connection.name} errors={errors?.name} />
        <TextField idPrefix={prefix} label="Base URL" name="baseUrl" defaultValue={connection.baseUrl} errors={errors?.baseUrl} />
        <CredentialInputs fields={connection.credentialFields} idPrefix={prefix} errors={errors} keepHint />
      </div>
      <FormMessage state={state} />
      <div className="flex gap-2">
        <SubmitButton pendingLabel="Saving and testing…">Save connection</SubmitButton>
        <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
          Close
        </Button>
      </div>
    </form>
  );
}

/** Asked before a change that cuts customers off an upstream (plain strings: it comes from a Server Component). */
export interface ConnectionConfirmation {
  title: string;
  description: string;
  consequence: string;
  confirmLabel: string;
}

export function ConnectionButtonForm({
  connectionId,
  action,
  label,
  pendingLabel,
  hidden = {},
  variant,
  confirm,
  showResult,
}: {
  connectionId: string;
  action: Action;
  label: string;
  pendingLabel: string;
  hidden?: Record<string, string>;
  variant?: 'primary' | 'secondary' | 'danger';
  confirm?: ConnectionConfirmation;
  /** Keep the answer beside the button as well as in a toast (a test's result belongs to its connection). */
  showResult?: boolean;
}) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const formId = useId();
  return (
    <form id={formId} action={formAction} className="space-y-2">
      <input type="hidden" name="connectionId" value={connectionId} />
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {confirm ? (
        <ConfirmDialog
          trigger={{ label: `${label}…`, variant: variant ?? 'danger' }}
          title={confirm.title}
          description={confirm.description}
          consequence={confirm.consequence}
          confirmLabel={confirm.confirmLabel}
          pendingLabel={pendingLabel}
          pending={pending}
          form={formId}
          closeOn={state}
        />
      ) : (
        <SubmitButton variant={variant} pendingLabel={pendingLabel}>
          {label}
        </SubmitButton>
      )}
      <FormMessage state={state} success={showResult ? 'both' : 'toast'} />
    </form>
  );
}
