'use client';

import { startTransition, useActionState, useEffect, useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { SelectField, TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import type { ActionState } from '@/lib/auth/action';
import { CA_PROVINCES, KIND_LABELS, NUMBER_KINDS, TOLL_FREE_PREFIXES, US_STATES } from '@/lib/validations/prices';
import { plainAmount } from '@/lib/format';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;
type Kind = (typeof NUMBER_KINDS)[number];

/** Submits without React's automatic form reset, so a refused save keeps what was typed. */
function submitKeepingValues(dispatch: (formData: FormData) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    startTransition(() => dispatch(formData));
  };
}

function useStaffForm(action: Action) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, { status: 'idle' });
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  return { state, formAction, pending, errors, onSubmit: submitKeepingValues(formAction) };
}

function PendingButton({ pending, children, pendingLabel = 'Saving…', variant }: { pending: boolean; children: React.ReactNode; pendingLabel?: string; variant?: 'primary' | 'secondary' | 'danger' }) {
  return (
    <Button type="submit" variant={variant} disabled={pending} aria-disabled={pending}>
      {pending ? pendingLabel : children}
    </Button>
  );
}

function KindOptions() {
  return NUMBER_KINDS.map((kind) => (
    <option key={kind} value={kind}>
      {KIND_LABELS[kind]}
    </option>
  ));
}

function AmountInputs({ idPrefix, errors, monthly, setup, noun = 'price' }: { idPrefix: string; errors?: Record<string, string[]>; monthly?: string; setup?: string; noun?: 'price' | 'cost' }) {
  return (
    <>
      <TextField idPrefix={idPrefix} label={`Monthly ${noun} (MRC)`} name="monthly" inputMode="decimal" autoComplete="off" defaultValue={monthly} placeholder="1.25" errors={errors?.monthly} hint="Up to 4 decimal places" />
      <TextField idPrefix={idPrefix} label={`One-time ${noun} (NRC)`} name="setup" inputMode="decimal" autoComplete="off" defaultValue={setup} placeholder="0.50" errors={errors?.setup} hint="Up to 4 decimal places" />
    </>
  );
}

export function OverrideForm({ action }: { action: Action }) {
  const { state, formAction, pending, errors, onSubmit } = useStaffForm(action);
  const [kind, setKind] = useState<Kind>('local');
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.status === 'success') formRef.current?.reset();
  }, [state]);
  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} className="space-y-4" noValidate>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
        <SelectField idPrefix="override" label="Number type" name="kind" value={kind} onChange={(event) => setKind(event.target.value as Kind)} errors={errors?.kind}>
          <KindOptions />
        </SelectField>
        {kind === 'local' ? (
          <SelectField idPrefix="override" label="State or province" name="state" defaultValue="" errors={errors?.state} hint="Or give an area code instead">
            <option value="">None (use the NPA)</option>
            <optgroup label="United States">
              {US_STATES.map((code) => (
                <option key={code} value={code}>
                  {code}
                </option>
              ))}
            </optgroup>
            <optgroup label="Canada">
              {CA_PROVINCES.map((code) => (
                <option key={code} value={code}>
                  {code}
                </option>
              ))}
            </optgroup>
          </SelectField>
        ) : null}
        <TextField
          key={kind}
          idPrefix="override"
          label={kind === 'tollfree' ? 'Toll-free prefix (NPA)' : 'Area code (NPA)'}
          name="npa"
          inputMode="numeric"
          maxLength={3}
          autoComplete="off"
          placeholder={kind === 'tollfree' ? '833' : '212'}
          errors={errors?.npa}
          hint={kind === 'tollfree' ? `One of ${TOLL_FREE_PREFIXES.join(', ')}` : 'Or choose a state instead'}
        />
        <AmountInputs idPrefix="override" errors={errors} />
      </div>
      <p className="text-xs text-slate-600">An override for the same number type and state or NPA replaces the one on file.</p>
      <FormMessage state={state} />
      <PendingButton pending={pending}>Save override</PendingButton>
    </form>
  );
}

export function DefaultPriceForm({ kind, current, action }: { kind: Kind; current?: { monthly: string; setup: string }; action: Action }) {
  const { state, formAction, pending, errors, onSubmit } = useStaffForm(action);
  const idPrefix = `default-${kind}`;
  return (
    <form action={formAction} onSubmit={onSubmit} className="space-y-3" noValidate aria-label={`Default ${KIND_LABELS[kind].toLowerCase()} price`}>
      <input type="hidden" name="kind" value={kind} />
      <div className="grid gap-4 sm:grid-cols-2">
        <AmountInputs idPrefix={idPrefix} errors={errors} monthly={current ? plainAmount(current.monthly) : undefined} setup={current ? plainAmount(current.setup) : undefined} />
      </div>
      <FormMessage state={state} />
      <PendingButton pending={pending}>Save default {KIND_LABELS[kind].toLowerCase()} price</PendingButton>
    </form>
  );
}

export interface PriceRowFacts {
  id: string;
  kind: Kind;
  state: string | null;
  npa: string | null;
  monthly: string;
  setup: string;
}

/** Edit a row's MRC/NRC in place (the same upsert as the forms below), or delete an override after confirming. */
export function PriceRowActions({ row, label, saveOverride, setDefault, deleteOverride }: { row: PriceRowFacts; label: string; saveOverride: Action; setDefault: Action; deleteOverride: Action }) {
  const isDefault = !row.state && !row.npa;
  const [mode, setMode] = useState<'idle' | 'edit'>('idle');
  const edit = useStaffForm(isDefault ? setDefault : saveOverride);
  const remove = useStaffForm(deleteOverride);
  const idPrefix = `row-${row.id.slice(0, 8)}`;

  if (mode === 'edit') {
    return (
      <form action={edit.formAction} onSubmit={edit.onSubmit} className="min-w-64 space-y-3 text-left" noValidate aria-label={`Edit ${label}`}>
        <input type="hidden" name="kind" value={row.kind} />
        {row.state ? <input type="hidden" name="state" value={row.state} /> : null}
        {row.npa ? <input type="hidden" name="npa" value={row.npa} /> : null}
        <AmountInputs idPrefix={idPrefix} errors={edit.errors} monthly={plainAmount(row.monthly)} setup={plainAmount(row.setup)} />
        {edit.errors?.state?.[0] || edit.errors?.npa?.[0] ? <p className="text-xs text-red-700">{edit.errors?.state?.[0] ?? edit.errors?.npa?.[0]}</p> : null}
        <FormMessage state={edit.state} />
        <div className="flex gap-2">
          <PendingButton pending={edit.pending}>Save</PendingButton>
          <Button type="button" variant="secondary" onClick={() => setMode('idle')}>
            Close
          </Button>
        </div>
      </form>
    );
  }

  const removeFormId = `${idPrefix}-delete`;
  return (
    <div className="flex flex-wrap justify-end gap-2">
      <Button type="button" variant="secondary" onClick={() => setMode('edit')} aria-label={`Edit ${label}`}>
        Edit
      </Button>
      {isDefault ? null : (
        <form id={removeFormId} action={remove.formAction} onSubmit={remove.onSubmit} className="text-left">
          <input type="hidden" name="priceId" value={row.id} />
          <ConfirmDialog
            trigger={{ label: 'Delete…', ariaLabel: `Delete ${label}…`, variant: 'ghost', className: 'text-red-800' }}
            title={`Delete the ${label} override?`}
            description="Those numbers fall back to the next matching price."
            confirmLabel="Yes, delete the override"
            pendingLabel="Deleting…"
            pending={remove.pending}
            form={removeFormId}
            closeOn={remove.state}
          />
          <FormMessage state={remove.state} />
        </form>
      )}
    </div>
  );
}

export interface ConnectionOption {
  id: string;
  name: string;
  providerName: string;
  enabled: boolean;
}

export function ConnectionCostForm({ connections, costs, action }: { connections: ConnectionOption[]; costs: { connectionId: string; kind: Kind; monthly: string; setup: string }[]; action: Action }) {
  const { state, formAction, pending, errors, onSubmit } = useStaffForm(action);
  const [connectionId, setConnectionId] = useState(connections[0]?.id ?? '');
  const [kind, setKind] = useState<Kind>('local');
  const current = costs.find((cost) => cost.connectionId === connectionId && cost.kind === kind);
  return (
    <form action={formAction} onSubmit={onSubmit} className="space-y-4" noValidate>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <SelectField idPrefix="cost" label="Connection" name="connectionId" value={connectionId} onChange={(event) => setConnectionId(event.target.value)} errors={errors?.connectionId}>
          {connections.map((connection) => (
            <option key={connection.id} value={connection.id}>
              {connection.name} ({connection.providerName}){connection.enabled ? '' : ' · disabled'}
            </option>
          ))}
        </SelectField>
        <SelectField idPrefix="cost" label="Number type" name="kind" value={kind} onChange={(event) => setKind(event.target.value as Kind)} errors={errors?.kind}>
          <KindOptions />
        </SelectField>
        <AmountInputs key={`${connectionId}:${kind}`} idPrefix="cost" noun="cost" errors={errors} monthly={current ? plainAmount(current.monthly) : undefined} setup={current ? plainAmount(current.setup) : undefined} />
      </div>
      <p className="text-xs text-slate-600">{current ? 'A cost is on file for this connection and type; saving replaces it.' : 'No cost on file for this connection and type yet.'}</p>
      <FormMessage state={state} />
      <PendingButton pending={pending}>Save cost</PendingButton>
    </form>
  );
}

export function ClearCostButton({ connectionId, kind, label, action }: { connectionId: string; kind: Kind; label: string; action: Action }) {
  const { state, formAction, pending, onSubmit } = useStaffForm(action);
  const formId = `cost-${connectionId.slice(0, 8)}-${kind}`;
  return (
    <form id={formId} action={formAction} onSubmit={onSubmit} className="flex flex-col items-end gap-1">
      <input type="hidden" name="connectionId" value={connectionId} />
      <input type="hidden" name="kind" value={kind} />
      <ConfirmDialog
        trigger={{ label: 'Remove cost…', ariaLabel: `Remove the ${label} cost…`, variant: 'ghost', className: 'text-red-800' }}
        title={`Remove the ${label} cost?`}
        description="The portal no longer knows what this connection charges for this number type."
        consequence="Margins for its numbers cannot be shown until a cost is entered again."
        confirmLabel="Yes, remove the cost"
        pendingLabel="Removing…"
        pending={pending}
        form={formId}
        closeOn={state}
      />
      <FormMessage state={state} />
    </form>
  );
}
