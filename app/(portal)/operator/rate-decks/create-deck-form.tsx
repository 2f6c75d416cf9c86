'use client';

import { useRouter } from 'next/navigation';
import { startTransition, useActionState, useEffect, useState, type FormEvent } from 'react';
import { SelectField, TextField } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { Button } from '@/components/ui/button';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState<{ deckId: string }>, formData: FormData) => Promise<ActionState<{ deckId: string }>>;

export interface ConnectionOption {
  id: string;
  label: string;
  hasCostDeck: boolean;
}

/** A new, empty deck; its page then takes the first version's CSV. */
export function CreateDeckForm({ action, connections }: { action: Action; connections: ConnectionOption[] }) {
  const [state, formAction, pending] = useActionState<ActionState<{ deckId: string }>, FormData>(action, { status: 'idle' });
  const [purpose, setPurpose] = useState<'sell' | 'cost'>('sell');
  const router = useRouter();
  const errors = state.status === 'error' ? state.fieldErrors : undefined;
  const values = state.status === 'error' ? state.values : undefined;
  useEffect(() => {
    if (state.status === 'success' && state.data?.deckId) router.push(`/operator/rate-decks/${state.data.deckId}`);
  }, [state, router]);
  // Without React's reset after an action, a refused form keeps what was typed.
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    startTransition(() => formAction(formData));
  };
  const free = connections.filter((connection) => !connection.hasCostDeck);
  return (
    <form action={formAction} onSubmit={onSubmit} className="space-y-4" noValidate>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <TextField idPrefix="deck" label="Name" name="name" maxLength={80} autoComplete="off" defaultValue={values?.name} placeholder="Wholesale 2027" errors={errors?.name} />
        <SelectField idPrefix="deck" label="Purpose" name="purpose" value={purpose} onChange={(event) => setPurpose(event.target.value as 'sell' | 'cost')} errors={errors?.purpose}>
          <option value="sell">Sell: prices customers</option>
          <option value="cost">Cost: what an upstream charges</option>
        </SelectField>
        <TextField idPrefix="deck" label="Currency" name="currency" maxLength={3} autoComplete="off" defaultValue={values?.currency ?? 'USD'} errors={errors?.currency} hint="ISO code; must match the billing currency of the accounts it prices" />
        {purpose === 'cost' ? (
          <SelectField idPrefix="deck" label="Upstream connection" name="connectionId" defaultValue={values?.connectionId ?? ''} errors={errors?.connectionId} hint={free.length === 0 ? 'Every connection has a cost deck already' : 'One cost deck per connection'}>
            <option value="">Choose a connection</option>
            {connections.map((connection) => (
              <option key={connection.id} value={connection.id} disabled={connection.hasCostDeck}>
                {connection.label}
                {connection.hasCostDeck ? ' (has a cost deck)' : ''}
              </option>
            ))}
          </SelectField>
        ) : null}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending} aria-disabled={pending}>
          {pending ? 'Creating…' : 'Create deck'}
        </Button>
        <FormMessage state={state} />
      </div>
    </form>
  );
}
