'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import type { E911AddressChoice, E911SaveData } from '@/components/e911/address-form';
import type { AccountAccess } from '@/lib/auth/access';
import { echoValues, errorState, formToObject, type ActionState } from '@/lib/auth/action';
import { authorize } from '@/lib/auth/guard';
import { AppError } from '@/lib/errors';
import { formatE164 } from '@/lib/format';
import { assignE911Address, deleteE911Address, getE911Address, saveE911Address, unassignE911, type NumberE911Result } from '@/lib/services/e911';
import { e911AddressSchema, formatE911Address, type NormalizedE911Address } from '@/lib/validations/e911';
import { scrubProviderNames, scrubState } from '@/lib/services/carrier-labels';
import { getNumbersByIds } from '@/lib/services/e911-numbers';

const MAX_NUMBERS = 500;

function refresh(addressId?: string) {
  revalidatePath('/e911');
  revalidatePath('/dashboard');
  revalidatePath('/numbers');
  if (addressId) revalidatePath(`/e911/${addressId}`);
}

/** Runs `work` for a signed-in user who may change the account's E911 settings; every failure becomes a state. */
async function guarded<Data>(raw: Record<string, string>, work: (access: AccountAccess) => Promise<ActionState<Data>>): Promise<ActionState<Data>> {
  let staff = false;
  try {
    const access = await authorize('technical.write');
    staff = access.user.isOperatorStaff;
    return await work(access);
  } catch (error) {
    const state = scrubState(errorState(error), staff);
    return state.status === 'error' ? { ...state, values: echoValues(raw) } : state;
  }
}

const addressIdOf = (raw: Record<string, string>) => {
  const value = raw.addressId?.trim();
  if (!value) throw new AppError('invalid:e911_address_choice', 'Choose the address to register the numbers at.', { fieldErrors: { addressId: ['Choose the address to register the numbers at.'] } });
  return value;
};

function numberIdsOf(raw: Record<string, string>): string[] {
  const ids = [...new Set((raw.numberIds ?? '').split(',').map((id) => id.trim()).filter(Boolean))];
  const problem = ids.length === 0 ? 'Tick the numbers first.' : ids.length > MAX_NUMBERS ? `Choose at most ${MAX_NUMBERS} numbers at a time.` : null;
  if (problem) throw new AppError('invalid:numbers', problem, { fieldErrors: { numberIds: [problem] } });
  return ids;
}

const numbersText = (count: number) => `${count} number${count === 1 ? '' : 's'}`;
const listOf = (results: NumberE911Result[]) => results.map((result) => formatE164(result.e164)).join(', ');

/** "Registered on 1 of 2 numbers. Not supported by its carrier: +1 312-555-0101." */
function describeAssignment(results: NumberE911Result[], address: string, staff: boolean): string {
  const registered = results.filter((result) => result.status === 'registered');
  const unsupported = results.filter((result) => result.status === 'unsupported');
  const failed = results.filter((result) => result.status === 'failed');
  const pending = results.filter((result) => result.status === 'pending');
  const parts = [
    registered.length === results.length
      ? `Registered ${numbersText(results.length)} at ${address}.`
      : `Registered ${registered.length} of ${numbersText(results.length)} at ${address}.`,
  ];
  if (unsupported.length) parts.push(`Not supported by the number’s carrier: ${listOf(unsupported)}.`);
  for (const result of failed) parts.push(`${formatE164(result.e164)} failed: ${scrubProviderNames(result.detail ?? 'registration failed', staff, 'the carrier')}.`);
  if (pending.length) parts.push(`Still pending: ${listOf(pending)}.`);
  return parts.join(' ');
}

/**
 * Upstreams propose the street, city and ZIP they know and drop the suite or apartment; the one
 * typed is kept on a proposal that corrects something else, so picking it does not lose the unit.
 */
function withTypedUnit(alternate: NormalizedE911Address, typed: NormalizedE911Address): E911AddressChoice {
  const { street, city, state, postalCode, callerName } = alternate;
  const correctsMore = street !== typed.street || city !== typed.city || state !== typed.state || postalCode !== typed.postalCode;
  const unit = alternate.unit ?? (correctsMore ? typed.unit : undefined);
  return { street, ...(unit ? { unit } : {}), city, state, postalCode, ...(callerName ? { callerName } : {}) };
}

/**
 * Add or edit an address. The upstreams validate it; corrections they propose come back for the
 * user to choose from. A choice arrives as the picked address itself (checked again like any other)
 * or as `choice=typed` to keep the typed one where an upstream accepted it.
 */
export async function saveE911AddressAction(_previous: ActionState<E911SaveData>, formData: FormData): Promise<ActionState<E911SaveData>> {
  const raw = formToObject(formData);
  const addressId = raw.addressId?.trim() || undefined;
  let saved: string | undefined;
  const state = await guarded<E911SaveData>(raw, async (access) => {
    // A foreign id answers "not found" before anything about the form.
    if (addressId) await getE911Address(access, addressId);
    const address = e911AddressSchema.parse(raw);
    const outcome = await saveE911Address(access, address, { addressId, keepAsTyped: raw.choice === 'typed' });
    if (outcome.status === 'alternates') {
      return {
        status: 'success',
        message: outcome.note,
        data: {
          kind: 'alternates',
          acceptedAsTyped: outcome.acceptedAsTyped,
          alternates: outcome.alternates.map((alternate) => withTypedUnit(alternate, address)),
        },
      };
    }
    saved = outcome.address.id;
    refresh(saved);
    return { status: 'success' };
  });
  if (saved) redirect(`/e911/${saved}?saved=${addressId ? 'updated' : 'created'}`);
  return state;
}

/** Registers the address on the ticked numbers; each number gets its own status. */
export async function assignE911NumbersAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const raw = formToObject(formData);
  return guarded(raw, async (access) => {
    const address = await getE911Address(access, addressIdOf(raw));
    const results = await assignE911Address(access, { addressId: address.id, numberIds: numberIdsOf(raw) });
    refresh(address.id);
    return { status: 'success', message: describeAssignment(results, formatE911Address(address), access.user.isOperatorStaff) };
  });
}

/** Releases the ticked numbers from the address: they are left without one. */
export async function unassignE911NumbersAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const raw = formToObject(formData);
  return guarded(raw, async (access) => {
    const address = await getE911Address(access, addressIdOf(raw));
    const numberIds = numberIdsOf(raw);
    const numbers = await getNumbersByIds(access, numberIds);
    if (numbers.length !== numberIds.length) throw new AppError('not_found:number', 'Some of those numbers are not in this account.');
    if (numbers.some((number) => number.addressId !== address.id)) throw new AppError('conflict:e911_numbers', 'Some of those numbers no longer use this address. Reload the page and try again.');
    const results = await unassignE911(access, numberIds);
    refresh(address.id);
    const released = results.filter((result) => result.status === 'none');
    const kept = results.filter((result) => result.status !== 'none');
    const parts = released.length ? [`${numbersText(released.length)} no longer use${released.length === 1 ? 's' : ''} this address and ${released.length === 1 ? 'has' : 'have'} no emergency address now.`] : [];
    for (const result of kept) parts.push(`${formatE164(result.e164)} could not be released: ${scrubProviderNames(result.detail ?? 'the carrier did not confirm it', access.user.isOperatorStaff, 'the carrier')}.`);
    if (kept.length) return { status: 'error', message: parts.join(' '), code: 'unavailable:e911_release' };
    return { status: 'success', message: parts.join(' ') };
  });
}

/** Deletes the address after releasing every number from it. */
export async function deleteE911AddressAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const raw = formToObject(formData);
  let released: number | undefined;
  const state = await guarded<undefined>(raw, async (access) => {
    const results = await deleteE911Address(access, raw.addressId?.trim() ?? '');
    released = results.length;
    refresh();
    return { status: 'success' };
  });
  if (released !== undefined) redirect(`/e911?deleted=${released}`);
  return state;
}
