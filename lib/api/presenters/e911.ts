import 'server-only';

/** Emergency addresses as the public API shows them, on the services the address pages use. */
import type { z } from 'zod';
import type { AccountAccess } from '@/lib/auth/access';
import type { E911AddressRow } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { getE911AddressWithCheck, saveE911Address, type E911AddressCheck, type E911CarrierCheck } from '@/lib/services/e911';
import { fieldErrorsOf } from '@/lib/validations/form-data';
import { e911AddressSchema as e911FormSchema, formatE911Address, type NormalizedE911Address } from '@/lib/validations/e911';
import type { e911AddressSchema, e911ValidationSchema, normalizedAddressSchema } from '../contracts/e911';
import { withCarrierNamesScrubbed } from './carrier-names';

type AddressFields = { street?: string | null; unit?: string | null; city?: string | null; state?: string | null; postalCode?: string | null; callerName?: string | null };

export function normalizedJson(address: NormalizedE911Address): z.input<typeof normalizedAddressSchema> {
  return { street: address.street, unit: address.unit ?? null, city: address.city, state: address.state, postalCode: address.postalCode, country: address.country, callerName: address.callerName ?? null };
}

export function e911AddressJson(row: E911AddressRow, check: E911AddressCheck, numbers?: number): z.input<typeof e911AddressSchema> {
  return {
    id: row.id,
    street: row.street,
    unit: row.unit,
    city: row.city,
    state: row.state,
    postalCode: row.postalCode,
    country: row.country === 'CA' ? 'CA' : 'US',
    callerName: row.callerName,
    ...(numbers === undefined ? {} : { numbers: Number(numbers) }),
    check: {
      state: check.state,
      checkedAt: check.checkedAt?.toISOString() ?? null,
      headline: check.headline,
      detail: check.detail,
      upstreams: check.upstreams.map((upstream) => ({ carrier: upstream.label, outcome: upstream.outcome, reason: upstream.reason ?? null, numbers: upstream.numbers })),
    },
    validatedAt: row.validatedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function validationJson(check: E911CarrierCheck): z.input<typeof e911ValidationSchema> {
  return {
    verdict: check.verdict,
    address: normalizedJson(check.address),
    acceptedAsTyped: check.acceptedAsTyped,
    alternates: check.alternates.map(normalizedJson),
    upstreams: check.upstreams.map((upstream) => ({ carrier: upstream.label, outcome: upstream.outcome, reason: upstream.reason ?? null })),
  };
}

/** The form's rules, normalization and messages on a JSON address (blank fields as the form sends them). */
export function parseE911Address(fields: AddressFields): NormalizedE911Address {
  const parsed = e911FormSchema.safeParse(Object.fromEntries(Object.entries(fields).map(([field, value]) => [field, value ?? undefined])));
  if (!parsed.success) throw new AppError('invalid:body', 'The address is not valid; see `fields`.', { fieldErrors: fieldErrorsOf(parsed.error) });
  return parsed.data;
}

/** The address as stored, in the fields a PATCH body changes. */
export function addressFieldsOf(row: E911AddressRow): AddressFields {
  return { street: row.street, unit: row.unit, city: row.city, state: row.state, postalCode: row.postalCode, callerName: row.callerName };
}

/**
 * Saves like the address form. Where a carrier proposes a correction the form offers a choice; a
 * program gets 422 naming the proposals (the validate endpoint answers them as data) and sends one.
 */
export async function saveE911AddressAnswer(access: AccountAccess, address: NormalizedE911Address, options: { addressId?: string; keepAsTyped?: boolean }) {
  const outcome = await withCarrierNamesScrubbed(access, () => saveE911Address(access, address, options));
  if (outcome.status === 'alternates') {
    const proposals = outcome.alternates.map((alternate) => formatE911Address(alternate)).join('; ');
    const keep = outcome.acceptedAsTyped ? ' Or send `keepAsTyped: true` to save it as typed (numbers on the carriers that did not accept it cannot use it).' : '';
    throw new AppError('unprocessable:e911_alternates', `A carrier proposed a correction: ${proposals}. Send the corrected address (POST /e911/addresses/validate answers the proposals field by field).${keep}`);
  }
  const { address: row, check } = await getE911AddressWithCheck(access, outcome.address.id);
  return e911AddressJson(row, check);
}
