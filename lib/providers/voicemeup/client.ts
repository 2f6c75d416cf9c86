/**
 * Speaks HTTP to the XML Engine, and nothing else: every call is one GET on the single endpoint
 * with the credentials and `request_type` in the query (there is no other auth, §1.2). The shared
 * HTTP layer redacts `auth_token` and `client_account_id` from anything it logs; this file never
 * builds or logs a URL itself, and operation names carry only the request type.
 */
import type { z } from 'zod';
import type { ProviderContext } from '../types';
import {
  DEFAULT_CURRENCY,
  E911_ADDRESS_FAILURE_CODES,
  ENDPOINT_PATH,
  ENVELOPE,
  HTTP_METHOD,
  REQUEST_TYPES,
} from './assumptions';
import { errorFromHttpStatus, errorFromMessages, isNoticeCode, localError } from './errors';
import {
  addDidSchema,
  e911DeleteSchema,
  e911GetEndpointsSchema,
  e911UpdateSchema,
  e911ValidateSchema,
  envelopeSchema,
  fundingDetailsSchema,
  getAreaCodesSchema,
  getCallsSchema,
  getDidInventorySchema,
  getDidsSchema,
  getPeersSchema,
  getRatecentersSchema,
  getTransactionsSchema,
  parseXml,
  setDidSchema,
  setPeerSchema,
  type WireMessage,
} from './schema';

type Params = Record<string, string | undefined>;

export interface XmlResult<T> {
  ok: boolean;
  data: T;
  errors: WireMessage[];
  notices: WireMessage[];
}

interface CallOptions {
  idempotent: boolean;
  /** A failed answer that is still a result (e911 "failed + alternates"), not an exception. */
  acceptFailure?: (errors: WireMessage[]) => boolean;
}

const addressFailureCodes = new Set<string>(E911_ADDRESS_FAILURE_CODES);
const isAddressFailure = (errors: WireMessage[]) => errors.length > 0 && errors.every((error) => addressFailureCodes.has(error.type) || isNoticeCode(error.type));

export type VoicemeupClient = ReturnType<typeof createVoicemeupClient>;

export function createVoicemeupClient(context: ProviderContext) {
  const accountId = context.credentials.client_account_id ?? '';
  const token = context.credentials.auth_token ?? '';
  const requestedCurrency = (context.credentials.currency ?? '').toUpperCase();
  const currency: 'CAD' | 'USD' = requestedCurrency === 'USD' || requestedCurrency === 'CAD' ? requestedCurrency : DEFAULT_CURRENCY;

  async function call<S extends z.ZodType>(requestType: string, params: Params, schema: S, options: CallOptions): Promise<XmlResult<z.infer<S>>> {
    // The seed fixes the formats (digits[8], hex[32]); asking upstream with anything else is pointless.
    if (!/^\d{8}$/.test(accountId) || !/^[0-9a-f]{32}$/i.test(token)) {
      throw localError('auth', 'credentials are missing or not in the documented format (8-digit account id, 32-hex token)');
    }
    return context.http.request({
      operation: `${HTTP_METHOD} ${requestType}`,
      method: HTTP_METHOD,
      path: ENDPOINT_PATH,
      query: { client_account_id: accountId, auth_token: token, request_type: requestType, currency, ...params },
      idempotent: options.idempotent,
      parse: (response) => {
        let document: unknown;
        try {
          document = parseXml(response.text);
        } catch (error) {
          if (response.status >= 400) throw errorFromHttpStatus(response.status, response.text);
          throw error;
        }
        const envelope = envelopeSchema.safeParse(document);
        if (!envelope.success) {
          if (response.status >= 400) throw errorFromHttpStatus(response.status, response.text);
          throw envelope.error;
        }
        const body = envelope.data.response;
        const all = body.errors ?? [];
        const errors = all.filter((error) => !isNoticeCode(error.type));
        const notices = [...(body.notices ?? []), ...all.filter((error) => isNoticeCode(error.type))];
        const failed = body.status === ENVELOPE.failedStatus || errors.length > 0;
        if (failed && !options.acceptFailure?.(all)) throw errorFromMessages(requestType, all, response.status);
        return { ok: !failed, data: schema.parse(body) as z.infer<S>, errors, notices };
      },
    });
  }

  const read = { idempotent: true } as const;

  return {
    currency,

    getCalls: (params: { date_from: string; date_to: string; result_offset?: string } | { unique_id: string }, resultLimit: number) =>
      call(REQUEST_TYPES.getCalls, { ...params, result_limit: String(resultLimit) }, getCallsSchema, read),

    getFundingDetails: () => call(REQUEST_TYPES.getFundingDetails, {}, fundingDetailsSchema, read),

    getDids: (filter: { phone_number?: string; client_did_id?: string } = {}) => call(REQUEST_TYPES.getDids, filter, getDidsSchema, read),

    /** Sets the full desired state, so repeating it is harmless. */
    setDid: (params: Params) => call(REQUEST_TYPES.setDid, params, setDidSchema, { idempotent: true }),

    getDidInventory: (filter: { type: string; npa?: string; nxx?: string; ratecenter_id?: string }) =>
      call(REQUEST_TYPES.getDidInventory, filter, getDidInventorySchema, read),

    /** Buys a number: never retried blindly (the caller reconciles with get_dids). */
    addDid: (phoneNumber: string) => call(REQUEST_TYPES.addDid, { phone_number: phoneNumber }, addDidSchema, { idempotent: false }),

    getAreaCodes: (filter: { npa?: string; country_id?: string; state_id?: string } = {}) =>
      call(REQUEST_TYPES.getAreaCodes, filter, getAreaCodesSchema, read),

    getRatecenters: (filter: { npa?: string; nxx?: string; ratecenter_id?: string; result_limit?: string }) =>
      call(REQUEST_TYPES.getRatecenters, filter, getRatecentersSchema, read),

    getPeers: (clientPeerId?: string) => call(REQUEST_TYPES.getPeers, { client_peer_id: clientPeerId }, getPeersSchema, read),

    setPeer: (params: Params & { client_peer_id: string }) => call(REQUEST_TYPES.setPeer, params, setPeerSchema, { idempotent: true }),

    getTransactions: (range: { date_from?: string; date_to?: string }) => call(REQUEST_TYPES.getTransactions, range, getTransactionsSchema, read),

    e911GetEndpoints: (phoneNumber?: string) => call(REQUEST_TYPES.e911GetEndpoints, { phone_number: phoneNumber }, e911GetEndpointsSchema, read),

    e911ValidateAddress: (params: Params) =>
      call(REQUEST_TYPES.e911ValidateAddress, params, e911ValidateSchema, { idempotent: true, acceptFailure: isAddressFailure }),

    e911UpdateAddress: (params: Params) =>
      call(REQUEST_TYPES.e911UpdateAddress, params, e911UpdateSchema, { idempotent: true, acceptFailure: isAddressFailure }),

    e911DeleteAddress: (phoneNumber: string) =>
      call(REQUEST_TYPES.e911DeleteAddress, { phone_number: phoneNumber }, e911DeleteSchema, { idempotent: true }),
  };
}
