'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/lib/auth/action';
import { AppError } from '@/lib/errors';
import { DISABLED_CONNECTION_EFFECT, createConnection, setConnectionEnabled, testConnection, updateConnection } from '@/lib/services/providers';
import { connectionIdSchema, createConnectionSchema, credentialsFromForm, setConnectionEnabledSchema, updateConnectionSchema } from '@/lib/validations/providers';

const refresh = () => revalidatePath('/operator/providers');

export const createConnectionAction = staffAction({
  schema: createConnectionSchema,
  async run(input, { user, ip }, raw) {
    const saved = await createConnection(user, { ...input, credentials: credentialsFromForm(raw) }, ip);
    refresh();
    // Saved but not live is not a success: the form says so in red, and the new card shows why.
    if (!saved.enabled) {
      throw new AppError('invalid:connection_test', `Saved “${saved.name}” but left it disabled: ${saved.test?.detail ?? 'its test did not pass.'} Correct it with “Edit settings…” on its card; it is enabled once its test passes.`);
    }
    return { message: `${saved.name} added and enabled. Test passed: ${saved.test?.detail ?? ''}` };
  },
});

export const updateConnectionAction = staffAction({
  schema: updateConnectionSchema,
  async run(input, { user, ip }, raw) {
    const saved = await updateConnection(user, { ...input, credentials: credentialsFromForm(raw) }, ip);
    refresh();
    if (!saved.test) return { message: 'Connection saved.' };
    if (!saved.test.ok) throw new AppError('invalid:connection_test', `Saved, but the connection test failed, so ${saved.name} is disabled: ${saved.test.detail}`);
    return { message: `Saved. Test passed: ${saved.test.detail}${saved.enabled ? '' : ' It stays disabled until you enable it.'}` };
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
    try {
      const { test } = await setConnectionEnabled(user, connectionId, enabled, ip);
      return { message: enabled ? `Enabled. Test passed: ${test?.detail ?? ''}` : `Connection disabled. ${DISABLED_CONNECTION_EFFECT}` };
    } finally {
      // A refused enable still recorded its test result.
      refresh();
    }
  },
});
