/**
 * VoiceMeUp XML Engine wire format. Every request is `GET /xml_engine/xml_engine.php` with
 * `client_account_id`, `auth_token` and `request_type` in the query; every answer is XML. The seed
 * prints no XML, so element names are MODELED (see assumptions.ts) except `call_details`.
 * Values stay strings: numbers, ids, postal codes and "12.34 CR" balances must not be coerced.
 */
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import { LIST_PATHS } from './assumptions';

const listPaths = new Set<string>(LIST_PATHS);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  jPath: true,
  isArray: (_name, jPath, _isLeaf, isAttribute) => !isAttribute && listPaths.has(String(jPath)),
});

/** Parses and validates well-formedness (a cut-short body throws here, and becomes `malformed`). */
export function parseXml(text: string): unknown {
  return parser.parse(text, true);
}

const text = z.string();
const optText = z.string().optional();
const digits = z.string().regex(/^\d+$/);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const flag = z.enum(['0', '1']);

/** An element that is absent, empty (`<x></x>` parses to "") or holds `{ item: [...] }`. */
function list<T extends z.ZodType>(item: string, schema: T) {
  return z
    .preprocess((value) => (value === undefined || value === '' ? {} : value), z.object({ [item]: z.array(schema).default([]) }))
    .transform((value) => (value as Record<string, z.infer<T>[]>)[item] ?? []);
}

// --- Envelope, all request types --------------------------------------------------------------
export const wireMessage = z.object({ type: z.string().min(1), description: z.string().default('') });
export type WireMessage = z.infer<typeof wireMessage>;

export const envelopeSchema = z.object({
  response: z.looseObject({
    request_type: optText,
    status: z.string(),
    errors: list('error', wireMessage).optional(),
    notices: list('notice', wireMessage).optional(),
  }),
});

// --- GET ?request_type=get_calls ---------------------------------------------------------------
// Shape modeled on third-party evidence (§1.4): <call_details unique_id="…"> with child elements.
export const callDetailsSchema = z.object({
  '@_unique_id': z.string().regex(/^[A-Za-z0-9]{32}$/),
  date,
  time: z.string().regex(/^\d{2}:\d{2}:\d{2}$/),
  direction: z.enum(['inbound', 'outbound']),
  source: text,
  destination: text,
  client_peer_id: optText,
  country_id: optText,
  country: optText,
  state_id: optText,
  state: optText,
  district: optText,
  duration: digits,
  callerid_name: optText,
  callerid_number: optText,
  bindings: optText,
  status: text,
  normalized: optText,
  billed_amount: z.string().regex(/^-?\d+(\.\d+)?$/).optional(),
  current_rate: optText,
  monthly_usage: optText,
  meta_data: optText,
});
export type WireCall = z.infer<typeof callDetailsSchema>;
export const getCallsSchema = z.object({ calls: list('call_details', callDetailsSchema) });

// --- GET ?request_type=get_dids / add_did / set_did --------------------------------------------
export const didSchema = z.object({
  client_did_id: digits,
  phone_number: digits,
  friendly_name: optText,
  type: z.enum(['local', 'tollfree', 'inum', 'international']).optional(),
  country_code: optText,
  state_code: optText,
  ratecenter: optText,
  ratecenter_id: optText,
  client_peer_ids: optText,
  options: optText,
  status: z.enum(['enabled', 'disabled']).optional(),
  date_added: optText,
});
export type WireDid = z.infer<typeof didSchema>;
export const getDidsSchema = z.object({ dids: list('did', didSchema) });
export const addDidSchema = z.object({ did: didSchema });
export const setDidSchema = z.object({ did: didSchema });

// --- GET ?request_type=get_did_inventory -------------------------------------------------------
export const inventoryDidSchema = z.object({
  did_id: digits,
  phone_number: digits,
  type: z.enum(['local', 'tollfree', 'inum', 'international']),
  npa: optText,
  nxx: optText,
  ratecenter_id: optText,
  ratecenter: optText,
  state_code: optText,
  country_code: optText,
});
export type WireInventoryDid = z.infer<typeof inventoryDidSchema>;
export const getDidInventorySchema = z.object({ inventory: list('did', inventoryDidSchema) });

// --- GET ?request_type=get_area_codes ----------------------------------------------------------
export const areaCodeSchema = z.object({
  npa: z.string().regex(/^\d{3}$/),
  country_id: optText,
  country_code: optText,
  state_id: optText,
  state_code: optText,
  state: optText,
});
export type WireAreaCode = z.infer<typeof areaCodeSchema>;
export const getAreaCodesSchema = z.object({ area_codes: list('area_code', areaCodeSchema) });

// --- GET ?request_type=get_ratecenters ---------------------------------------------------------
export const ratecenterSchema = z.object({
  ratecenter_id: z.string().regex(/^\d{6}$/),
  name: text,
  npa: optText,
  state_code: optText,
  country_code: optText,
});
export type WireRatecenter = z.infer<typeof ratecenterSchema>;
export const getRatecentersSchema = z.object({ ratecenters: list('ratecenter', ratecenterSchema) });

// --- GET ?request_type=get_peers / set_peer ----------------------------------------------------
export const peerSchema = z.object({
  client_peer_id: digits,
  username: optText,
  friendly_name: optText,
  type: optText,
  host_type: z.enum(['dynamic', 'static']),
  host: optText,
  default_ip: optText,
  callerid_name: optText,
  callerid_number: optText,
  callerid_mode: optText,
  codecs: optText,
  dtmf_mode: optText,
  enable_nat: flag.optional(),
  enable_auth: flag.optional(),
  auth_username: optText,
  enable_qualify: flag.optional(),
  qualify: optText,
  status: z.enum(['enabled', 'disabled']),
});
export type WirePeer = z.infer<typeof peerSchema>;
export const getPeersSchema = z.object({ peers: list('peer', peerSchema) });
export const setPeerSchema = z.object({});

// --- GET ?request_type=get_funding_details -----------------------------------------------------
// "account_balance and funds_left are negative amount if not followed by 'CR'" (L211).
const crAmount = z.string().regex(/^\d+(\.\d+)?(\s*CR)?$/i);
export const fundingDetailsSchema = z.object({
  funding_details: z.object({
    account_balance: crAmount,
    funds_left: crAmount.optional(),
    currency: optText,
  }),
});
export type WireFundingDetails = z.infer<typeof fundingDetailsSchema>['funding_details'];

// --- GET ?request_type=get_transactions --------------------------------------------------------
export const transactionSchema = z.object({
  transaction_id: digits,
  date,
  type: z.string(),
  description: z.string().default(''),
  amount: crAmount,
  invoice_number: optText,
});
export type WireTransaction = z.infer<typeof transactionSchema>;
export const getTransactionsSchema = z.object({ transactions: list('transaction', transactionSchema) });

// --- GET ?request_type=e911_get_endpoints / e911_validate_address / e911_update_address ---------
export const wireAddressSchema = z.object({
  civic_number: digits,
  street: text,
  city: text,
  state_code: optText,
  country_code: optText,
  postal_code: text,
  address_type: optText,
  address_type_number: optText,
});
export type WireAddress = z.infer<typeof wireAddressSchema>;

export const endpointSchema = wireAddressSchema.extend({
  client_endpoint_id: digits,
  phone_number: digits,
  first_name: optText,
  last_name: optText,
  is_default: flag.optional(),
});
export type WireEndpoint = z.infer<typeof endpointSchema>;
export const e911GetEndpointsSchema = z.object({ endpoints: list('endpoint', endpointSchema) });

export const e911ValidateSchema = z.object({
  e911_address: wireAddressSchema.optional(),
  alternate_addresses: list('address', wireAddressSchema).optional(),
});
export const e911UpdateSchema = z.object({
  endpoint: endpointSchema.optional(),
  alternate_addresses: list('address', wireAddressSchema).optional(),
});

// --- GET ?request_type=e911_delete_address -----------------------------------------------------
export const e911DeleteSchema = z.object({});
