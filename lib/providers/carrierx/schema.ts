/**
 * CarrierX Core API v2 wire format (seed 003). Numbers such as prices and durations arrive as
 * strings (digest §4.7); we accept a number too and keep them as strings. SIDs are opaque strings.
 */
import { z } from 'zod';

const decimal = z.union([z.string(), z.number()]).transform((value) => String(value));
const nullableString = z.string().nullable().optional();

/** §1.4: the list envelope every collection GET returns. */
export function listEnvelope<T extends z.ZodType>(item: T) {
  return z.object({
    count: z.number().int(),
    has_more: z.boolean(),
    items: z.array(item),
    limit: z.number().int(),
    offset: z.number().int(),
    // `{}` when there is nothing more, `null` in rate responses (§4.2).
    pagination: z.object({ next: z.string().optional(), previous: z.string().optional() }).nullable(),
    total: z.number().int().nullable(),
  });
}

// ---------------------------------------------------------------------------------------------
// Errors (§1.9): the canonical object, and the 400 "cannot parse json" wrapper.
export const errorItemSchema = z.object({
  field: z.string().nullable().optional(),
  message: z.string(),
  reference_sid: z.string().nullable().optional(),
});
export const errorBodySchema = z.object({
  message: z.string(),
  errors: z.array(errorItemSchema).nullable().optional(),
});
export const wrappedErrorSchema = z.object({ body: errorBodySchema, status: z.number().int() });
export type WireError = z.infer<typeof errorBodySchema>;

// ---------------------------------------------------------------------------------------------
// GET /phonenumber/dids, GET|PATCH|PUT /phonenumber/dids/{did_sid}, POST /phonenumber/dids
// and [EXT] GET /phonenumber/available_dids (same object assumed, see assumptions.ts)
export const didSchema = z.object({
  attributes: z.record(z.string(), z.unknown()).nullable().optional(),
  callback_url: nullableString,
  capabilities: z.number().int().nullable().optional(),
  country_code: nullableString,
  did_group_sid: nullableString,
  did_sid: z.string(),
  in_country_format: nullableString,
  international_format: nullableString,
  locality: nullableString,
  lrn_sid: nullableString,
  name: nullableString,
  partner_sid: nullableString,
  phonenumber: z.string(),
  price: decimal.nullable().optional(),
  state: nullableString,
  status: nullableString,
  string_key_1: nullableString,
  string_key_2: nullableString,
  transformations: z.array(z.unknown()).nullable().optional(),
  trunk_group_sid: nullableString,
});
export type WireDid = z.infer<typeof didSchema>;
export const didListSchema = listEnvelope(didSchema);

/** POST /phonenumber/dids request body (rent). */
export interface RentDidBody {
  phonenumber: string;
  trunk_group_sid?: string;
  string_key_1?: string;
  callback_url?: null;
}

/** PATCH /phonenumber/dids/{did_sid} request body: only the attributes that change (§1.3). */
export interface PatchDidBody {
  /** Routes the DID to a trunk group; null takes it off any (see UNROUTE_TRUNK_GROUP_SID). */
  trunk_group_sid: string | null;
}

// ---------------------------------------------------------------------------------------------
// GET /oauth/whoami (the Partner object)
export const partnerSchema = z.object({
  partner_sid: z.string(),
  display_id: nullableString,
  name: nullableString,
  company_name: nullableString,
  balance: decimal.nullable().optional(),
  payment_type: nullableString,
  spending_limit: decimal.nullable().optional(),
  prepay_amount: decimal.nullable().optional(),
  charge_at: decimal.nullable().optional(),
  status: nullableString,
  country_code: nullableString,
  available_scopes: z.array(z.string()).nullable().optional(),
});
export type WirePartner = z.infer<typeof partnerSchema>;

// ---------------------------------------------------------------------------------------------
// GET /calls/call_drs (after/before paging, total null), GET /calls/call_drs/{dr_sid}
export const callDrSchema = z.object({
  date_insert: nullableString,
  date_start: z.string(),
  date_stop: z.string(),
  date_talk: nullableString,
  direction: z.string(),
  disconnect_originator: nullableString,
  dr_sid: z.string(),
  duration: decimal.nullable().optional(),
  duration_billing: decimal.nullable().optional(),
  number_billing: nullableString,
  number_dst: nullableString,
  number_external: nullableString,
  number_src: nullableString,
  partner_sid: nullableString,
  price: decimal.nullable().optional(),
  rate: decimal.nullable().optional(),
  sipcause: z.union([z.string(), z.number()]).nullable().optional(),
  // Documented boolean, sent as the string "false" (§4.8).
  stir_identity: z.union([z.boolean(), z.string()]).nullable().optional(),
  trunk_group_sid_dst: nullableString,
  trunk_group_sid_src: nullableString,
  trunk_sid_dst: nullableString,
  trunk_sid_src: nullableString,
  type: z.string(),
  version: z.number().int().nullable().optional(),
});
export type WireCallDr = z.infer<typeof callDrSchema>;
export const callDrListSchema = listEnvelope(callDrSchema);

// ---------------------------------------------------------------------------------------------
// GET /invoices, GET /invoices/{invoice_sid}   (GET /invoices/{invoice_sid}.pdf is a file body)
export const invoiceItemSchema = z.object({
  amount: decimal,
  country_code: nullableString,
  date_billing_period_end: nullableString,
  date_billing_period_start: nullableString,
  direction: nullableString,
  type: z.string(),
  usage: z.number().nullable().optional(),
});
export const invoiceSchema = z.object({
  amount: decimal,
  amount_due: decimal.nullable().optional(),
  amount_tax: decimal.nullable().optional(),
  balance_forward: decimal.nullable().optional(),
  balance_previous: decimal.nullable().optional(),
  date_billing_period_end: nullableString,
  date_billing_period_start: nullableString,
  date_charge_expected: nullableString,
  date_charged: nullableString,
  date_created: z.string(),
  date_issued: nullableString,
  display_id: nullableString,
  invoice_items: z.array(invoiceItemSchema).nullable().optional(),
  invoice_sid: z.string(),
  paid: z.boolean().nullable().optional(),
  partner_sid: nullableString,
  pay_items: z.array(z.unknown()).nullable().optional(),
  status: z.string(),
  tax_items: z.array(z.object({ amount: decimal, jurisdiction: nullableString, type: z.string() })).nullable().optional(),
});
export type WireInvoice = z.infer<typeof invoiceSchema>;
export const invoiceListSchema = listEnvelope(invoiceSchema);

// ---------------------------------------------------------------------------------------------
// POST /endpoints, GET /endpoints, GET|PUT|PATCH|DELETE /endpoints/{endpoint_sid}
export const endpointAddressSchema = z.object({
  direction: nullableString,
  dst_port: z.union([z.number(), z.string()]).nullable().optional(),
  ip: z.string(),
  location_sid: nullableString,
  port: z.union([z.number(), z.string()]).nullable().optional(),
  priority: z.union([z.number(), z.string()]).nullable().optional(),
  sip_password: nullableString,
  sip_username: nullableString,
  srtp: z.boolean().nullable().optional(),
  transport: nullableString,
});
export type WireEndpointAddress = z.infer<typeof endpointAddressSchema>;
export const endpointSchema = z.object({
  addresses: z.array(endpointAddressSchema).nullable().optional(),
  attributes: z.record(z.string(), z.unknown()).nullable().optional(),
  capacity: z.number().int().nullable().optional(),
  endpoint_sid: z.string(),
  name: nullableString,
  out_sip_password: nullableString,
  out_sip_username: nullableString,
  partner_sid: nullableString,
  properties: z.record(z.string(), z.unknown()).nullable().optional(),
  transformations: z.array(z.unknown()).nullable().optional(),
  type: z.string(),
  voip_token: nullableString,
});
export type WireEndpoint = z.infer<typeof endpointSchema>;
export const endpointListSchema = listEnvelope(endpointSchema);

export interface EndpointBody {
  name: string;
  type: 'third_party';
  capacity: number;
  addresses: Array<{
    ip: string;
    port: number;
    transport: 'udp' | 'tcp' | 'tls';
    direction: 'inbound' | 'outbound' | 'any';
    priority: number;
    srtp: boolean;
    sip_username?: string | null;
    sip_password?: string | null;
  }>;
}

// ---------------------------------------------------------------------------------------------
// [EXT] POST /trunk_groups, GET /trunk_groups, GET|PATCH|PUT|DELETE /trunk_groups/{trunk_group_sid}
// [seed+EXT] POST /trunk_groups/{trunk_group_sid}/trunks, PATCH|DELETE …/trunks/{trunk_sid}
export const trunkSchema = z.object({
  trunk_sid: z.string(),
  name: nullableString,
  endpoint_sid: nullableString,
  priority: z.number().nullable().optional(),
  weight: z.number().nullable().optional(),
  in_capacity: z.number().int().nullable().optional(),
  out_capacity: z.number().int().nullable().optional(),
  codec: nullableString,
});
export type WireTrunk = z.infer<typeof trunkSchema>;
export const trunkGroupSchema = z.object({
  trunk_group_sid: z.string(),
  name: nullableString,
  partner_sid: nullableString,
  routing_type: nullableString,
  trunks: z.array(trunkSchema).nullable().optional(),
});
export type WireTrunkGroup = z.infer<typeof trunkGroupSchema>;
export const trunkGroupListSchema = listEnvelope(trunkGroupSchema);

export interface TrunkBody {
  name: string;
  endpoint_sid: string;
  priority: number;
  weight: number;
  in_capacity: number;
  out_capacity: number;
  codec: string | null;
}
