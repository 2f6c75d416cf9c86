import { z } from 'zod';
import { E911_MESSAGES } from '@/lib/validations/e911';
import { defineEndpoint, isoTime, pageOf, pageQuery } from '../contract';

const TAG = 'E911';
const addressId = z.object({ addressId: z.string().uuid() });

const text = (message: string) => z.string({ message }).max(500);

/**
 * An emergency address as JSON. Types are checked here; the rules and their messages are the
 * portal form's (lib/validations/e911.ts): normalized to USPS Publication 28, no PO boxes, a US
 * state or Canadian province, a matching ZIP or postal code. The country follows from the state.
 */
const addressFields = {
  street: text(E911_MESSAGES.streetMissing).meta({ description: 'House number and street; a unit typed here is moved to `unit`.', example: '233 N Michigan Ave' }),
  unit: text(E911_MESSAGES.unitTooLong).optional().meta({ description: 'Apartment, suite, floor.' }),
  city: text(E911_MESSAGES.cityMissing),
  state: text(E911_MESSAGES.state).meta({ description: 'Two-letter US state or Canadian province.' }),
  postalCode: text(E911_MESSAGES.usZip),
  callerName: text(E911_MESSAGES.callerNameTooLong).optional().meta({ description: 'What the dispatcher sees; our carriers may take fewer characters.' }),
};

export const e911AddressInput = z.object(addressFields).strict().meta({ id: 'E911AddressInput' });

export const e911AddressCreateBody = z
  .object({
    ...addressFields,
    keepAsTyped: z
      .boolean({ message: 'keepAsTyped is true or false' })
      .optional()
      .meta({ description: 'Save the address as typed although a carrier proposed a correction (only where another carrier accepted it as typed). Default false: proposals answer 422.' }),
  })
  .strict()
  .meta({ id: 'E911AddressCreate' });

export const e911AddressPatchBody = z
  .object({
    street: addressFields.street.optional(),
    unit: addressFields.unit.unwrap().nullable().optional(),
    city: addressFields.city.optional(),
    state: addressFields.state.optional(),
    postalCode: addressFields.postalCode.optional(),
    callerName: addressFields.callerName.unwrap().nullable().optional(),
    keepAsTyped: e911AddressCreateBody.shape.keepAsTyped,
  })
  .strict()
  .meta({ id: 'E911AddressPatch' });

export const normalizedAddressSchema = z
  .object({
    street: z.string(),
    unit: z.string().nullable(),
    city: z.string(),
    state: z.string(),
    postalCode: z.string(),
    country: z.enum(['US', 'CA']),
    callerName: z.string().nullable(),
  })
  .meta({ id: 'E911NormalizedAddress' });

const upstreamOutcome = z.enum(['accepted', 'corrected', 'rejected', 'unchecked']);

export const e911AddressSchema = z
  .object({
    id: z.string().uuid(),
    ...normalizedAddressSchema.shape,
    numbers: z.number().int().optional().meta({ description: 'Live numbers using it (lists).' }),
    check: z
      .object({
        state: z.enum(['checked', 'partial', 'refused', 'unknown']).meta({ description: '`checked`: every carrier of your numbers accepted it; `partial`: some did; `refused`: none did.' }),
        checkedAt: isoTime.nullable(),
        headline: z.string(),
        detail: z.string(),
        upstreams: z.array(z.object({ carrier: z.string(), outcome: upstreamOutcome, reason: z.string().nullable(), numbers: z.number().int() })),
      })
      .meta({ description: 'How the address stands with the carriers of the account’s numbers.' }),
    validatedAt: isoTime.nullable(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({ id: 'E911Address' });

export const e911ValidationSchema = z
  .object({
    verdict: z.enum(['accepted', 'corrections', 'rejected', 'unchecked']).meta({
      description: '`accepted`: save it as sent; `corrections`: send one of `alternates` instead (or `keepAsTyped` when `acceptedAsTyped`); `rejected`: no carrier matched it to a place; `unchecked`: no carrier could be asked, try later.',
    }),
    address: normalizedAddressSchema.meta({ description: 'The address as normalized (USPS Publication 28).' }),
    acceptedAsTyped: z.boolean(),
    alternates: z.array(normalizedAddressSchema),
    upstreams: z.array(z.object({ carrier: z.string(), outcome: upstreamOutcome, reason: z.string().nullable() })),
  })
  .meta({ id: 'E911Validation' });

export const listE911Addresses = defineEndpoint({
  method: 'GET',
  path: '/e911/addresses',
  operationId: 'listE911Addresses',
  tag: TAG,
  summary: 'The account’s emergency addresses, by street',
  access: { permission: 'technical.read' },
  query: z.object(pageQuery),
  answer: pageOf(e911AddressSchema),
});

export const createE911Address = defineEndpoint({
  method: 'POST',
  path: '/e911/addresses',
  operationId: 'createE911Address',
  tag: TAG,
  summary: 'Add an emergency address (checked with the carriers)',
  description:
    'Normalized, then checked by every carrier that validates emergency addresses. 400 when the form’s rules or every carrier reject it; 422 `unprocessable:e911_alternates` when a carrier proposes a correction (see `POST /e911/addresses/validate` for the proposals); 503 when no carrier can be asked.',
  access: { permission: 'technical.write' },
  body: e911AddressCreateBody,
  answer: e911AddressSchema,
  status: 201,
  errors: [503],
});

export const validateE911Address = defineEndpoint({
  method: 'POST',
  path: '/e911/addresses/validate',
  operationId: 'validateE911Address',
  tag: TAG,
  summary: 'Check and normalize an address without saving it',
  description: 'The carriers’ check the address form makes before it saves: the normalized address, each carrier’s answer and any corrections they propose.',
  access: { permission: 'technical.write' },
  body: e911AddressInput,
  answer: e911ValidationSchema,
});

export const getE911Address = defineEndpoint({
  method: 'GET',
  path: '/e911/addresses/{addressId}',
  operationId: 'getE911Address',
  tag: TAG,
  summary: 'An emergency address and how it stands with the carriers',
  access: { permission: 'technical.read' },
  params: addressId,
  answer: e911AddressSchema,
});

export const updateE911Address = defineEndpoint({
  method: 'PATCH',
  path: '/e911/addresses/{addressId}',
  operationId: 'updateE911Address',
  tag: TAG,
  summary: 'Change an emergency address',
  description: 'Send only what changes (`null` clears `unit` or `callerName`); checked again like a new one, then registered again on every number that uses it.',
  access: { permission: 'technical.write' },
  params: addressId,
  body: e911AddressPatchBody,
  answer: e911AddressSchema,
  errors: [503],
});

export const deleteE911Address = defineEndpoint({
  method: 'DELETE',
  path: '/e911/addresses/{addressId}',
  operationId: 'deleteE911Address',
  tag: TAG,
  summary: 'Delete an emergency address',
  description:
    'Releases it from every number first (they are left without an emergency address), one number at a time. 409 `conflict:e911_in_use` if a carrier does not confirm a release: the address is kept for the numbers still registered at it, and the message names them and any numbers released before that (those have no emergency address now).',
  access: { permission: 'technical.write' },
  params: addressId,
  answer: z.object({ id: z.string().uuid(), deleted: z.literal(true), releasedNumbers: z.array(z.string()).meta({ description: 'E.164 numbers that used it.' }) }).meta({ id: 'E911AddressDeleted' }),
});
