'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import type { E911AddressChoice, E911SaveData } from '@/components/e911/address-form';
import type { AccountAccess } from '@/lib/auth/access';
import { z } from 'zod';
import { accountAction, type ErrorActionState } from '@/lib/auth/action';
import { AppError } from '@/lib/errors';
import { formatE164 } from '@/lib/format';
import { assignE911Address, deleteE911Address, getE911Address, recheckE911Address, saveE911Address, unassignE911, type NumberE911Result } from '@/lib/services/e911';
import { e911AddressSchema, formatE911Address, type NormalizedE911Address } from '@/lib/validations/e911';
import { scrubProviderNames, scrubState } from '@/lib/services/carrier-labels';
import { getNumbersByIds } from '@/lib/services/e911-numbers';
import { idListField } from '@/lib/validations/form-data';
import { reRegistrationQuery, registrationTone } from '@/lib/views/e911';

const MAX_NUMBERS = 500;

function refresh(addressId?: string) {
  revalidatePath('/e911');
  revalidatePath('/dashboard');
  revalidatePath('/numbers');
  if (addressId) revalidatePath(`/e911/${addressId}`);
}

/** Customers see "the carrier" where operator staff see which upstream said what. */
function presentError(state: ErrorActionState, access: AccountAccess | undefined): ErrorActionState {
  const scrubbed = scrubState(state, access?.user.isOperatorStaff ?? false);
  return scrubbed.status === 'error' ? scrubbed : state;
}

/** The address the form names, in the caller's account (a foreign id is "not found"). */
async function addressOf(raw: Record<string, string>, access: AccountAccess) {
  const addressId = raw.addressId?.trim();
  if (!addressId) throw new AppError('invalid:e911_address_choice', 'Choose the address to register the numbers at.', { fieldErrors: { addressId: ['Choose the address to register the numbers at.'] } });
  return getE911Address(access, addressId);
}

const numberSelectionSchema = z.object({
  numberIds: idListField({ none: 'Tick the numbers first.', tooMany: `Choose at most ${MAX_NUMBERS} numbers at a time.` }, MAX_NUMBERS),
});

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
  for (const result of failed) parts.push(`${formatE164(result.e164)} failed: ${scrubProviderNames(result.detail ?? 'registration failed', staff, 'the carrier').replace(/\.$/, '')}.`);
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
export const saveE911AddressAction = accountAction({
  schema: e911AddressSchema,
  permission: 'technical.write',
  // A foreign id answers "not found" before anything about the form.
  load: async (raw, access) => {
    const addressId = raw.addressId?.trim() || undefined;
    if (addressId) await getE911Address(access, addressId);
    return addressId;
  },
  presentError,
  async run(address, access, { raw, subject: addressId }) {
    const outcome = await saveE911Address(access, address, { addressId, keepAsTyped: raw.choice === 'typed' });
    if (outcome.status === 'alternates') {
      const data: E911SaveData = {
        kind: 'alternates',
        acceptedAsTyped: outcome.acceptedAsTyped,
        alternates: outcome.alternates.map((alternate) => withTypedUnit(alternate, address)),
      };
      return { message: outcome.note, data };
    }
    refresh(outcome.address.id);
    // An edit registers the address again on its numbers: the page says how many did not take.
    redirect(`/e911/${outcome.address.id}?saved=${addressId ? `updated${reRegistrationQuery(outcome.registrations)}` : 'created'}`);
  },
});

/** Registers the address on the ticked numbers; each number gets its own status. */
export const assignE911NumbersAction = accountAction({
  schema: numberSelectionSchema,
  permission: 'technical.write',
  load: addressOf,
  presentError,
  async run({ numberIds }, access, { subject: address }) {
    const results = await assignE911Address(access, { addressId: address.id, numberIds });
    refresh(address.id);
    return { message: describeAssignment(results, formatE911Address(address), access.user.isOperatorStaff), tone: registrationTone(results) };
  },
});

/** Releases the ticked numbers from the address: they are left without one. */
export const unassignE911NumbersAction = accountAction({
  schema: numberSelectionSchema,
  permission: 'technical.write',
  load: addressOf,
  presentError,
  async run({ numberIds }, access, { subject: address }) {
    const numbers = await getNumbersByIds(access, numberIds);
    if (numbers.length !== numberIds.length) throw new AppError('not_found:number', 'Some of those numbers are not in this account.');
    if (numbers.some((number) => number.addressId !== address.id)) throw new AppError('conflict:e911_numbers', 'Some of those numbers no longer use this address. Reload the page and try again.');
    const results = await unassignE911(access, numberIds);
    refresh(address.id);
    const released = results.filter((result) => result.status === 'none');
    const kept = results.filter((result) => result.status !== 'none');
    const parts = released.length ? [`${numbersText(released.length)} no longer use${released.length === 1 ? 's' : ''} this address and ${released.length === 1 ? 'has' : 'have'} no emergency address now.`] : [];
    for (const result of kept) parts.push(`${formatE164(result.e164)} could not be released: ${scrubProviderNames(result.detail ?? 'the carrier did not confirm it', access.user.isOperatorStaff, 'the carrier')}.`);
    if (kept.length) throw new AppError('unavailable:e911_release', parts.join(' '));
    return { message: parts.join(' ') };
  },
});

/** Deletes the address after releasing every number from it. */
export const deleteE911AddressAction = accountAction({
  schema: z.object({ addressId: z.string().trim().default('') }),
  permission: 'technical.write',
  presentError,
  async run({ addressId }, access) {
    const results = await deleteE911Address(access, addressId);
    refresh();
    redirect(`/e911?deleted=${results.length}`);
  },
});

/**
 * Asks every carrier about the address again. The page shows their answers (never as a success
 * toast: the answer may be a partial one).
 */
export const recheckE911AddressAction = accountAction({
  schema: z.object({ addressId: z.string().trim().default('') }),
  permission: 'technical.write',
  presentError,
  async run({ addressId }, access) {
    await recheckE911Address(access, addressId);
    refresh(addressId);
    redirect(`/e911/${addressId}?saved=rechecked`);
  },
});
