'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/lib/auth/action';
import { clearConnectionCost, deleteOverride, saveOverride, setConnectionCost, setDefaultPrice } from '@/lib/services/price-list';
import { clearConnectionCostSchema, deleteOverrideSchema, KIND_LABELS, saveOverrideSchema, setConnectionCostSchema, setDefaultPriceSchema } from '@/lib/validations/prices';

const refresh = () => revalidatePath('/operator/prices');

export const saveOverrideAction = staffAction({
  schema: saveOverrideSchema,
  async run(input, { user, ip }) {
    const { row, created } = await saveOverride(user, input, ip);
    refresh();
    const where = row.npa ? `NPA ${row.npa}` : `${row.state}`;
    return { message: `${created ? 'Added' : 'Updated'} the ${KIND_LABELS[row.kind].toLowerCase()} price for ${where}.` };
  },
});

export const setDefaultPriceAction = staffAction({
  schema: setDefaultPriceSchema,
  async run(input, { user, ip }) {
    const row = await setDefaultPrice(user, input, ip);
    refresh();
    return { message: `Default ${KIND_LABELS[row.kind].toLowerCase()} price saved.` };
  },
});

export const deleteOverrideAction = staffAction({
  schema: deleteOverrideSchema,
  async run({ priceId }, { user, ip }) {
    const row = await deleteOverride(user, priceId, ip);
    refresh();
    return { message: `Override for ${row.npa ? `NPA ${row.npa}` : row.state} deleted; those numbers now use the next matching price.` };
  },
});

export const setConnectionCostAction = staffAction({
  schema: setConnectionCostSchema,
  async run(input, { user, ip }) {
    await setConnectionCost(user, input, ip);
    refresh();
    return { message: `${KIND_LABELS[input.kind]} cost saved.` };
  },
});

export const clearConnectionCostAction = staffAction({
  schema: clearConnectionCostSchema,
  async run(input, { user, ip }) {
    await clearConnectionCost(user, input, ip);
    refresh();
    return { message: `${KIND_LABELS[input.kind]} cost removed: no cost on file.` };
  },
});
