/**
 * VITCOM wire format. Every scalar arrives as a string ("200", "3", "XX.XX"); the schemas accept
 * numbers and booleans too and coerce them to strings, so a live API that sends `200` still parses.
 * Each endpoint names its payload key differently; the names below follow the document exactly.
 */
import { z } from 'zod';

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform((value) => String(value));
const optionalScalar = z.preprocess((value) => (value === null ? undefined : value), scalar.optional());
const flag = z.union([z.boolean(), z.string(), z.number()]).transform((value) => value === true || value === 'true' || value === '1' || value === 1);

function flattenTns(value: unknown): string[] {
  if (typeof value === 'number') return [String(value)];
  if (typeof value === 'string') return value.split(/\s*,\s*/).map((part) => part.trim()).filter(Boolean);
  if (Array.isArray(value)) return value.flatMap(flattenTns);
  if (value && typeof value === 'object') return Object.values(value).flatMap(flattenTns);
  return [];
}
/** TN lists come as arrays, " , "-joined strings inside arrays, or (repaired) set literals: flatten all. */
export const tnList = z.union([z.string(), z.number(), z.array(z.unknown()), z.record(z.string(), z.unknown())]).transform(flattenTns);

/** Every response: a string `status` mirroring the HTTP code, and `error` when it failed. */
export const envelopeSchema = z.looseObject({ status: optionalScalar, error: optionalScalar });
export type VitcomEnvelope = z.infer<typeof envelopeSchema>;

// POST /availabilitystate
export const availabilityStateResponse = z.object({ data: z.array(scalar) });

// POST /availabilitynpanxx
export const npanxxRow = z.object({ NPANXX: scalar, NPA: optionalScalar, RateCenter: optionalScalar });
export type VitcomNpanxxRow = z.infer<typeof npanxxRow>;
/** The document's example ends the array with a `"............."` string; placeholders are kept and dropped in map.ts. */
export const availabilityNpanxxResponse = z.object({ data: z.array(z.union([npanxxRow, scalar])) });

// POST /searchdid
export const availableTnRow = z.object({
  TN: scalar,
  statusid: optionalScalar,
  // Seen only on the live API (reference §3.33), never in the document.
  RateCenter: optionalScalar,
  category: optionalScalar,
});
export type VitcomAvailableTn = z.infer<typeof availableTnRow>;
export const searchDidResponse = z.object({
  DIDs: z.array(availableTnRow).optional(),
  data: z.object({ Numbers: z.array(availableTnRow) }).optional(),
});

// POST /searchtfn
export const searchTfnResponse = z.object({ TFNs: z.array(availableTnRow) });

// POST /defineTrunk, /defineTrunk_termination, /updatenumber, /make_payment
export const successResponse = z.object({ success: optionalScalar });

// POST /get_trunk
export const originationTrunkRow = z.object({
  id: scalar,
  accountno: optionalScalar,
  title: optionalScalar,
  primaryIP: optionalScalar,
  primaryPort: optionalScalar,
  prefix_1: optionalScalar,
  secondaryIP: optionalScalar,
  secondaryPort: optionalScalar,
  prefix_2: optionalScalar,
  date: optionalScalar,
  req_sessions: optionalScalar,
  alloc_sessions: optionalScalar,
  status: optionalScalar,
});
export type VitcomOriginationTrunk = z.infer<typeof originationTrunkRow>;
export const getTrunkResponse = z.object({ data: z.array(originationTrunkRow) });

// POST /update_trunk
export const updateTrunkResponse = z.object({ trunkid: optionalScalar, success: optionalScalar });

// POST /reserve, /bulkreserve
export const reserveResponse = z.object({ reserveId: scalar, TNs: tnList });

// POST /remove_reserved
export const removeReservedResponse = z.object({
  'Removed TNs': tnList.optional(),
  'TNs not available': tnList.optional(),
});

// POST /getnumbers
export const ownedNumberRow = z.object({
  didnumber: scalar,
  trunkGroup: optionalScalar,
  prefix1: optionalScalar,
  trunkGroup2: optionalScalar,
  prefix2: optionalScalar,
  didRate: optionalScalar,
  didType: optionalScalar,
  orderType: optionalScalar,
  status: optionalScalar,
  cnam: optionalScalar,
});
export type VitcomOwnedNumber = z.infer<typeof ownedNumberRow>;
export const getNumbersResponse = z.object({ data: z.array(ownedNumberRow) });

const orderFields = {
  date: optionalScalar,
  amount: optionalScalar,
  per_order_cost: optionalScalar,
  taxes: optionalScalar,
  other_charges: optionalScalar,
  discount: optionalScalar,
  tg_id: optionalScalar,
  orderType: optionalScalar,
  didCategory: optionalScalar,
  didType: optionalScalar,
  sessions: optionalScalar,
  status: optionalScalar,
};

// POST /gen_order
export const genOrderResponse = z.object({ success: optionalScalar, orderId: scalar, ...orderFields, numbers: tnList.default([]) });
export type VitcomGenOrder = z.infer<typeof genOrderResponse>;

// POST /process_order
export const processOrderResponse = z.object({ success: optionalScalar, orderId: optionalScalar });

// POST /check_lnp
export const checkLnpResponse = z.object({ accepted: tnList.default([]), rejected: tnList.default([]) });

// POST /generate_lnp_order (multipart/form-data)
export const generateLnpOrderResponse = z.object({
  success: optionalScalar,
  orderNo: scalar,
  ...orderFields,
  acceptedTns: tnList.default([]),
});
export type VitcomLnpOrderCreated = z.infer<typeof generateLnpOrderResponse>;

// POST /get_new_orders
export const newOrderRow = z.object({ orderno: scalar, accountno: optionalScalar, ...orderFields, numbers: tnList.default([]) });
export type VitcomOrder = z.infer<typeof newOrderRow>;
export const getNewOrdersResponse = z.object({ Orders: z.array(newOrderRow) });

// POST /get_lnp_orders
export const lnpOrderRow = newOrderRow.extend({
  requestedFocDate: optionalScalar,
  actualFocDate: optionalScalar,
  billingNumber: optionalScalar,
  loaAuthorizingPerson: optionalScalar,
  subscriberType: optionalScalar,
  subscriberFirstName: optionalScalar,
  subscriberLastName: optionalScalar,
  addressHouseNumber: optionalScalar,
  addressStreetName: optionalScalar,
  addressStreetSuffix: optionalScalar,
  addressCity: optionalScalar,
  addressStateCode: optionalScalar,
  addressZip: optionalScalar,
  losingCarrierName: optionalScalar,
  lastModifiedDate: optionalScalar,
  lastModifiedBy: optionalScalar,
  immediately: flag.optional(),
  triggered: flag.optional(),
  loa: optionalScalar,
  carrier_doc: optionalScalar,
  // Not in the document; the sandbox adds it for rejected ports and a live API may too.
  rejectReason: optionalScalar,
});
export type VitcomLnpOrder = z.infer<typeof lnpOrderRow>;
export const getLnpOrdersResponse = z.object({ Orders: z.array(lnpOrderRow) });

// POST /did_stats, /tg_stats, /tg_stats_termination
export const statsRow = z.object({
  accountno: optionalScalar,
  number: scalar,
  processed: optionalScalar,
  completed: optionalScalar,
  acd: optionalScalar,
  asr: optionalScalar,
  mou: optionalScalar,
  peak: optionalScalar,
});
export type VitcomStatsRow = z.infer<typeof statsRow>;
export const statsResponse = z.object({ data: z.array(statsRow) });

// POST /monthly_summary, /monthly_summary_termination
export const monthlySummaryResponse = z.object({ data: z.array(statsRow.extend({ month: scalar })) });

// POST /daily_cdrs, /daily_cdrs_termination
export const dailyCdrRow = z.object({ date: scalar, success: optionalScalar, failed: optionalScalar });
export type VitcomDailyCdr = z.infer<typeof dailyCdrRow>;
export const dailyCdrsResponse = z.object({ data: z.array(dailyCdrRow) });

// POST /get_trunk_termination
export const terminationTrunkRow = z.object({
  id: scalar,
  accountno: optionalScalar,
  ipaddress: optionalScalar,
  ports: optionalScalar,
  cps: optionalScalar,
  ports_assigned: optionalScalar,
  cps_assigned: optionalScalar,
  config: optionalScalar,
  status: optionalScalar,
});
export type VitcomTerminationTrunk = z.infer<typeof terminationTrunkRow>;
export const getTrunkTerminationResponse = z.object({ data: z.array(terminationTrunkRow) });

// POST /disable_trunk_termination ("Removed TNs" is the document's copy-pasted key for the message)
export const disableTrunkTerminationResponse = z.object({ 'Removed TNs': optionalScalar });

// POST /get_invoices
export const invoiceRow = z.object({ date: scalar, file: optionalScalar });
export type VitcomInvoice = z.infer<typeof invoiceRow>;
export const getInvoicesResponse = z.object({ data: z.array(invoiceRow) });

// POST /financial_summary
export const ledgerRow = z.object({
  accountno: optionalScalar,
  date: scalar,
  activity: optionalScalar,
  debit: optionalScalar,
  credit: optionalScalar,
  balance: optionalScalar,
});
export type VitcomLedgerRow = z.infer<typeof ledgerRow>;
export const financialSummaryResponse = z.object({ data: z.array(ledgerRow) });

// POST /get_payments
export const paymentRow = z.object({
  accountno: optionalScalar,
  date: optionalScalar,
  referenceno: optionalScalar,
  funded_amount: optionalScalar,
  charges: optionalScalar,
  amount: optionalScalar,
  method: optionalScalar,
  status: optionalScalar,
});
export const getPaymentsResponse = z.object({ data: z.array(paymentRow) });
