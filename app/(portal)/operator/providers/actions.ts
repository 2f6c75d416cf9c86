'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/lib/auth/action';
import { AppError } from '@/lib/errors';
import { createConnection, setConnectionEnabled, testConnection, updateConnection } from '@/lib/services/providers';
import { connectionIdSchema, createConnectionSchema, credentialsFromForm, setConnectionEnabledSchema, updateConnectionSchema } from '@/lib/validations/providers';

const refresh = () => revalidatePath('/operator/providers');

export const createConnectionAction = staffAction({
  schema: createConnectionSchema,
  async run(input, { user, ip }, raw) {
    const created = await createConnection(user, { ...input, credentials: credentialsFromForm(raw) }, ip);
    refresh();
    return { message: `Connection ${created.name} added. Use “Test connection” to check it.` };
  },
});

export const updateConnectionAction = staffAction({
  schema: updateConnectionSchema,
  async run(input, { user, ip }, raw) {
    await updateConnection(user, { ...input, credentials: credentialsFromForm(raw) }, ip);
    refresh();
    return { message: 'Connection saved.' };
  },
});

export const testConnectionAction = staffAction({
  schema: connectionIdSchema,
  async run({ connectionId }, { user, ip }) {
    const result = await testConnection(user, connectionId, ip);
    refresh();
    if (!result.ok) throw new AppError('unavailable:provider', result.detail);
    return { message: result.detail };
  },
});

export const setConnectionEnabledAction = staffAction({
  schema: setConnectionEnabledSchema,
  async run({ connectionId, enabled }, { user, ip }) {
    await setConnectionEnabled(user, connectionId, enabled, ip);
    refresh();
    return { message: enabled ? 'Connection enabled.' : 'Connection disabled: no feature will call it.' };
  },
});
