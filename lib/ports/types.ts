/**
 * Port-in domain words, shared by the wizard, the state machine, the readiness check, the adapters'
 * status mapping, the API and the staff view. Pure: no database, no provider.
 */

/** The order's state. `partially_completed`: some numbers are live with us, others are still moving or in exception. */
export const PORT_STATUSES = ['draft', 'submitted', 'pending', 'foc_scheduled', 'exception', 'partially_completed', 'completed', 'cancelled'] as const;
export type PortStatus = (typeof PORT_STATUSES)[number];

/**
 * Where a submitted order stands with the winning upstream: `sent` (the upstream took it), `deferred`
 * (it could not be reached; the `port-ins` job sends it again) or `refused` (it said no: exception).
 */
export const PORT_DELIVERIES = ['sent', 'deferred', 'refused'] as const;
export type PortDelivery = (typeof PORT_DELIVERIES)[number];

/** The delivery a port row shows: the submission's answer as the page can tell it again on every reload. */
export function portDeliveryOf(port: { status: PortStatus; upstreamRef: string | null }): PortDelivery {
  if (port.status === 'exception') return 'refused';
  return port.upstreamRef ? 'sent' : 'deferred';
}

/** Each number's own state; the order's is rolled up from these once it is past submitted. */
export const PORT_NUMBER_STATUSES = ['draft', 'submitted', 'pending', 'foc_scheduled', 'exception', 'completed', 'cancelled'] as const;
export type PortNumberStatus = (typeof PORT_NUMBER_STATUSES)[number];

/** Why a losing carrier (or our upstream) refused a port: typed so the customer is told exactly what to fix. */
export const PORT_EXCEPTION_CODES = [
  'account_number_mismatch',
  'authorized_person_mismatch',
  'btn_mismatch',
  'pin_invalid',
  'postal_code_mismatch',
  'address_mismatch',
  'subscriber_name_mismatch',
  'rate_center_not_portable',
  'foc_rejected',
  'loa_invalid',
  'number_not_portable',
  'other',
] as const;
export type PortExceptionCode = (typeof PORT_EXCEPTION_CODES)[number];

export const PORT_EXCEPTION_TEXT: Record<PortExceptionCode, { label: string; fix: string }> = {
  account_number_mismatch: { label: 'Account number mismatch', fix: 'Enter the account number exactly as it is printed on the losing carrier’s bill (not the invoice number).' },
  authorized_person_mismatch: { label: 'Authorised person mismatch', fix: 'The LOA must be signed by a person the losing carrier has on the account; ask them who is authorised and re-sign.' },
  btn_mismatch: { label: 'Billing telephone number mismatch', fix: 'Enter the billing telephone number (BTN) shown on the losing carrier’s bill.' },
  pin_invalid: { label: 'PIN or passcode invalid', fix: 'Ask the losing carrier for the port-out PIN (wireless carriers issue one on request) and enter it.' },
  postal_code_mismatch: { label: 'Postal code mismatch', fix: 'Use the service address and ZIP code exactly as the losing carrier has them on the bill.' },
  address_mismatch: { label: 'Service address mismatch', fix: 'Use the service address exactly as it appears on the losing carrier’s bill.' },
  subscriber_name_mismatch: { label: 'Subscriber name mismatch', fix: 'Enter the subscriber (business or person) name exactly as it appears on the bill.' },
  rate_center_not_portable: { label: 'Rate centre not portable', fix: 'The winning upstream has no coverage in this rate centre; remove the number or port it through another upstream.' },
  foc_rejected: { label: 'FOC date rejected', fix: 'Pick a later FOC date: at least the losing carrier’s minimum number of business days ahead, not a weekend or holiday.' },
  loa_invalid: { label: 'LOA invalid', fix: 'Upload a legible, signed LOA dated within the last 30 days, or sign the generated one again.' },
  number_not_portable: { label: 'Number not portable', fix: 'The losing carrier will not release this number; remove it from the order.' },
  other: { label: 'Other', fix: 'Read the comment from our porting team, correct the order and resubmit.' },
};

/** The wizard's steps in order; a draft remembers the furthest one reached. */
export const PORT_WIZARD_STEPS = ['numbers', 'portability', 'subscriber', 'documents', 'foc', 'review'] as const;
export type PortWizardStep = (typeof PORT_WIZARD_STEPS)[number];

export const PORT_DOCUMENT_KINDS = ['loa', 'bill', 'signed_loa'] as const;
export type PortDocumentKind = (typeof PORT_DOCUMENT_KINDS)[number];

/** What an uploaded port-in document may be, judged by its content (lib/ports/upload-checks.ts). */
export const PORT_DOCUMENT_CONTENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type PortDocumentContentType = (typeof PORT_DOCUMENT_CONTENT_TYPES)[number];
/** The file input's `accept`: a hint to the browser's picker only; the server judges the bytes. */
export const DOCUMENT_ACCEPT = PORT_DOCUMENT_CONTENT_TYPES.join(',');

export type PortNumberKind = 'local' | 'toll_free';

/** Who moved a port: the customer (or their API key), our staff, the upstream (polling), or a job. */
export type PortActorKind = 'customer' | 'staff' | 'upstream' | 'system';

/** At most this many numbers in one order (the wizard's paste or CSV). */
export const MAX_PORT_NUMBERS = 1000;
/** Uploads larger than this are refused before they are read whole. */
export const MAX_PORT_DOCUMENT_BYTES = 10 * 1024 * 1024;
