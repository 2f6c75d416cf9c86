/**
 * VITCOM over HTTP, through the shared client only. Every call is a form POST carrying `token` and
 * `accountno`; answers are JSON with a string `status` and an endpoint-specific payload key.
 */
import type { z } from 'zod';
import { ProviderError } from '../errors';
import type { HttpResponse, ProviderHttp } from '../http';
import { REQUEST_METHOD, SUCCESS_STATUSES } from './assumptions';
import { vitcomError, type ErrorHints } from './errors';
import { parseLenientJson } from './lenient-json';
import * as wire from './schema';

type Params = Record<string, string | number | undefined>;

export interface VitcomCredentials {
  accountno: string;
  token: string;
}

interface CallOptions {
  idempotent: boolean;
  hints?: ErrorHints;
}

export type VitcomClient = ReturnType<typeof createVitcomClient>;

export function createVitcomClient(options: { http: ProviderHttp; baseUrl: string; credentials: VitcomCredentials }) {
  const { http, credentials } = options;
  const secrets = [credentials.token, credentials.accountno];

  function readEnvelope<S extends z.ZodType>(response: HttpResponse, schema: S, hints?: ErrorHints): z.output<S> {
    let body: unknown;
    try {
      body = parseLenientJson(response.text);
    } catch {
      if (response.status >= 300) throw vitcomError(undefined, response.status, { hints, secrets });
      throw new Error(`expected JSON, got ${response.headers.get('content-type') ?? 'no content type'}`);
    }
    const envelope = wire.envelopeSchema.safeParse(body);
    if (!envelope.success) throw new Error('expected a JSON object with a status');
    const { status, error } = envelope.data;
    // Failures come as HTTP 404 + {"status":"404","error":…}; an `error` key alone also means failure.
    if (response.status >= 300 || error !== undefined) throw vitcomError(envelope.data, response.status, { hints, secrets });
    if (status === undefined || SUCCESS_STATUSES.includes(status)) return schema.parse(body);
    // Order answers repeat `status` ("200", then the order's "1") and JSON keeps the last one, so a
    // non-200 status without an error still succeeds when the endpoint's payload is all there.
    const payload = schema.safeParse(body);
    if (payload.success) return payload.data;
    throw vitcomError(envelope.data, response.status, { hints, secrets });
  }

  function form(params: Params): URLSearchParams {
    const body = new URLSearchParams({ token: credentials.token, accountno: credentials.accountno });
    for (const [key, value] of Object.entries(params)) if (value !== undefined) body.set(key, String(value));
    return body;
  }

  function call<S extends z.ZodType>(path: string, params: Params, schema: S, call: CallOptions): Promise<z.output<S>> {
    return http.request({
      operation: `${REQUEST_METHOD} ${path}`,
      method: REQUEST_METHOD,
      path,
      body: form(params),
      idempotent: call.idempotent,
      parse: (response) => readEnvelope(response, schema, call.hints),
    });
  }

  /**
   * CDR CSVs and invoice PDFs live on the provider's site root, outside the API prefix. The shared
   * client only takes paths under the base URL, so climb out of the prefix with `..` segments
   * (URL parsing resolves them) when the link shares the base URL's origin.
   */
  function filePath(fileUrl: string): string {
    const base = new URL(options.baseUrl.replace(/\/+$/, '') + '/');
    const target = new URL(fileUrl, base);
    if (target.origin !== base.origin) {
      throw new ProviderError('vitcom', 'unsupported', { upstreamMessage: `file link on another host (${target.host})` });
    }
    const depth = base.pathname.split('/').filter(Boolean).length;
    return `/${'../'.repeat(depth)}${target.pathname.replace(/^\//, '')}${target.search}`;
  }

  return {
    availabilityState: () => call('/availabilitystate', {}, wire.availabilityStateResponse, { idempotent: true }),
    availabilityNpanxx: (state: string) =>
      call('/availabilitynpanxx', { state }, wire.availabilityNpanxxResponse, { idempotent: true, hints: { notFound: ['state'] } }),
    searchDid: (params: { state: string; npanxx?: string; tn?: string }) =>
      call('/searchdid', { state: params.state, NPANXX: params.npanxx, NPANXXYYYY: params.tn }, wire.searchDidResponse, {
        idempotent: true,
        hints: { notFound: ['state', 'NPANXX', 'NPANXXYYYY'] },
      }),
    searchTfn: (prefix: string) => call('/searchtfn', { tfn_prefix: prefix }, wire.searchTfnResponse, { idempotent: true, hints: { notFound: ['tfn_prefix'] } }),

    reserve: (params: { category: 'landline' | 'tollfree'; numbers: readonly string[]; state?: string; tfnPrefix?: string; reserveId?: string }) =>
      call(
        '/reserve',
        { category: params.category, state: params.state, tfn_prefix: params.tfnPrefix, number: params.numbers.join(','), reserveId: params.reserveId },
        wire.reserveResponse,
        { idempotent: false, hints: { conflict: ['number'], notFound: ['reserveId'] } },
      ),
    bulkReserve: (params: { category: 'landline' | 'tollfree'; quantity: number; state?: string; npanxx?: string; city?: string; tfnPrefix?: string }) =>
      call(
        '/bulkreserve',
        { category: params.category, state: params.state, npanxx: params.npanxx, city: params.city, tfn_prefix: params.tfnPrefix, quantity: params.quantity },
        wire.reserveResponse,
        { idempotent: false, hints: { conflict: ['quantity'] } },
      ),
    removeReserved: (reserveId: string, numbers?: readonly string[]) =>
      call('/remove_reserved', { reserveId, number: numbers?.length ? numbers.join(',') : undefined }, wire.removeReservedResponse, {
        idempotent: true,
        hints: { notFound: ['reserveId'] },
      }),
    genOrder: (trunkId: string, reserveId: string) =>
      call('/gen_order', { trunk_id: trunkId, reserveId }, wire.genOrderResponse, {
        idempotent: false,
        hints: { conflict: ['reserveId'], notFound: ['trunk_id'] },
      }),
    processOrder: (orderId: string) =>
      call('/process_order', { orderId }, wire.processOrderResponse, { idempotent: false, hints: { notFound: ['orderId'] } }),
    getNewOrders: (orderId?: string) => call('/get_new_orders', { orderId }, wire.getNewOrdersResponse, { idempotent: true, hints: { notFound: ['orderId'] } }),
    getNumbers: (filters: { category?: 'landline' | 'tollfree'; status?: string; trunkId?: string; orderno?: string } = {}) =>
      call('/getnumbers', filters, wire.getNumbersResponse, { idempotent: true, hints: { notFound: ['orderno', 'trunkId'] } }),
    updateNumber: (numbers: readonly string[], change: { trunkId?: string; status?: string }) =>
      call('/updatenumber', { number: numbers.join(','), trunkId: change.trunkId, status: change.status }, wire.successResponse, {
        idempotent: true,
        hints: { notFound: ['number'] },
      }),

    defineTrunk: (params: Params) => call('/defineTrunk', params, wire.successResponse, { idempotent: false }),
    getTrunk: (tgId?: string) => call('/get_trunk', { tg_id: tgId }, wire.getTrunkResponse, { idempotent: true, hints: { notFound: ['tg_id'] } }),
    updateTrunk: (params: Params & { trunkid: string }) =>
      call('/update_trunk', params, wire.updateTrunkResponse, { idempotent: true, hints: { notFound: ['trunkid'] } }),
    defineTrunkTermination: (params: { title: string; ipaddress: string; ports: number; cps?: number }) =>
      call('/defineTrunk_termination', params, wire.successResponse, { idempotent: false }),
    getTrunkTermination: (tgId?: string) =>
      call('/get_trunk_termination', { tg_id: tgId }, wire.getTrunkTerminationResponse, { idempotent: true, hints: { notFound: ['tg_id'] } }),
    disableTrunkTermination: (tgId: string) =>
      call('/disable_trunk_termination', { tg_id: tgId }, wire.disableTrunkTerminationResponse, { idempotent: true, hints: { notFound: ['tg_id'] } }),

    checkLnp: (numbers: readonly string[]) => call('/check_lnp', { numbers: numbers.join(',') }, wire.checkLnpResponse, { idempotent: true }),
    /** The LOA upload makes this the one multipart call. */
    generateLnpOrder: (fields: Params, files: { loa_doc: Blob & { name?: string }; carrier_doc: Blob & { name?: string } }, names: { loa: string; carrier: string }) => {
      const body = new FormData();
      body.set('token', credentials.token);
      body.set('accountno', credentials.accountno);
      for (const [key, value] of Object.entries(fields)) if (value !== undefined) body.set(key, String(value));
      body.set('loa_doc', files.loa_doc, names.loa);
      body.set('carrier_doc', files.carrier_doc, names.carrier);
      return http.request({
        operation: `${REQUEST_METHOD} /generate_lnp_order`,
        method: REQUEST_METHOD,
        path: '/generate_lnp_order',
        body,
        idempotent: false,
        parse: (response) => readEnvelope(response, wire.generateLnpOrderResponse),
      });
    },
    getLnpOrders: (orderId?: string) => call('/get_lnp_orders', { orderId }, wire.getLnpOrdersResponse, { idempotent: true, hints: { notFound: ['orderId'] } }),

    didStats: (numbers: readonly string[]) => call('/did_stats', { number: numbers.join(',') }, wire.statsResponse, { idempotent: true }),
    tgStats: (tgIds: readonly string[], termination = false) =>
      call(termination ? '/tg_stats_termination' : '/tg_stats', { tg_id: tgIds.join(',') }, wire.statsResponse, { idempotent: true }),
    monthlySummary: (year: number, month?: number, termination = false) =>
      call(termination ? '/monthly_summary_termination' : '/monthly_summary', { year, month }, wire.monthlySummaryResponse, { idempotent: true }),
    dailyCdrs: (from: string | undefined, to: string | undefined, termination = false) =>
      call(termination ? '/daily_cdrs_termination' : '/daily_cdrs', { from, to }, wire.dailyCdrsResponse, { idempotent: true }),

    getInvoices: (from?: string, to?: string) => call('/get_invoices', { from, to }, wire.getInvoicesResponse, { idempotent: true }),
    financialSummary: (activitytype?: string) => call('/financial_summary', { activitytype }, wire.financialSummaryResponse, { idempotent: true }),
    getPayments: (filters: { referenceno?: string; from?: string; to?: string; method?: string } = {}) =>
      call('/get_payments', filters, wire.getPaymentsResponse, { idempotent: true }),

    /**
     * A CDR CSV or invoice PDF link from a response, read by `read` as part of the call, so a file
     * of unknown shape counts as the upstream's failure (the Providers page shows it).
     */
    download: <T = string>(fileUrl: string, read: (text: string) => T = (text) => text as T) =>
      http.request({
        operation: 'GET file',
        method: 'GET',
        path: filePath(fileUrl),
        idempotent: true,
        parse: (response) => {
          if (response.status === 404) throw new ProviderError('vitcom', 'not_found', { httpStatus: 404, upstreamMessage: 'file link not found' });
          if (response.status >= 300) throw vitcomError(undefined, response.status, { secrets });
          return read(response.text);
        },
      }),
  };
}
