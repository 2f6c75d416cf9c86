/** CarrierX Core API v2 over the shared HTTP client. Speaks HTTP only; meaning lives in map.ts. */
import type { z } from 'zod';
import type { HttpRequest, HttpResponse } from '../http';
import type { ProviderContext } from '../types';
import { AVAILABLE_DIDS_PATH, CORE_API_PREFIX, MAX_PAGE_LIMIT } from './assumptions';
import { assertOk } from './errors';
import {
  callDrListSchema,
  didListSchema,
  didSchema,
  endpointListSchema,
  endpointSchema,
  invoiceListSchema,
  partnerSchema,
  trunkGroupListSchema,
  trunkGroupSchema,
  trunkSchema,
  type EndpointBody,
  type PatchDidBody,
  type RentDidBody,
  type TrunkBody,
} from './schema';

type Query = HttpRequest<unknown>['query'];

export interface ListParams {
  limit: number;
  offset?: number;
  filter?: string;
  order?: string;
  after?: string;
}

export interface InvoiceFile {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

function listQuery(params: ListParams): Query {
  return {
    limit: Math.min(Math.max(1, params.limit), MAX_PAGE_LIMIT),
    offset: params.offset,
    filter: params.filter || undefined,
    order: params.order,
    after: params.after,
  };
}

function jsonOf<S extends z.ZodType>(schema: S) {
  return (response: HttpResponse): z.infer<S> => {
    assertOk(response);
    return schema.parse(JSON.parse(response.text));
  };
}

/** DELETE answers 204; a 404 means it is already gone, which is what the caller wanted. */
function deleted(response: HttpResponse): void {
  if (response.status === 404) return;
  assertOk(response);
}

export function createCarrierxClient(context: ProviderContext) {
  const token = context.credentials.token ?? '';
  const headers = (withBody: boolean): Record<string, string> => ({
    Authorization: `Bearer ${token}`,
    Accept: 'application/json',
    ...(withBody ? { 'Content-Type': 'application/json' } : {}),
  });

  function call<T>(request: Omit<HttpRequest<T>, 'headers' | 'path'> & { path: string; body?: string }): Promise<T> {
    return context.http.request({
      ...request,
      path: CORE_API_PREFIX + request.path,
      headers: headers(request.body !== undefined),
    });
  }

  const sid = (value: string) => encodeURIComponent(value);

  return {
    whoami: () =>
      call({ operation: 'GET /oauth/whoami', method: 'GET', path: '/oauth/whoami', idempotent: true, parse: jsonOf(partnerSchema) }),

    listDids: (params: ListParams) =>
      call({
        operation: 'GET /phonenumber/dids',
        method: 'GET',
        path: '/phonenumber/dids',
        query: listQuery(params),
        idempotent: true,
        parse: jsonOf(didListSchema),
      }),

    availableDids: (params: ListParams) =>
      call({
        operation: `GET ${AVAILABLE_DIDS_PATH}`,
        method: 'GET',
        path: AVAILABLE_DIDS_PATH,
        query: listQuery(params),
        idempotent: true,
        parse: jsonOf(didListSchema),
      }),

    /** Rent one DID. Not idempotent: a repeat could rent a second number if none is named. */
    rentDid: (body: RentDidBody) =>
      call({
        operation: 'POST /phonenumber/dids',
        method: 'POST',
        path: '/phonenumber/dids',
        body: JSON.stringify(body),
        idempotent: false,
        parse: jsonOf(didSchema),
      }),

    /** PATCH: only the attributes sent change (§1.3), so a repeat lands in the same state. */
    patchDid: (didSid: string, body: PatchDidBody) =>
      call({
        operation: 'PATCH /phonenumber/dids/{did_sid}',
        method: 'PATCH',
        path: `/phonenumber/dids/${sid(didSid)}`,
        body: JSON.stringify(body),
        idempotent: true,
        parse: jsonOf(didSchema),
      }),

    releaseDid: (didSid: string) =>
      call({
        operation: 'DELETE /phonenumber/dids/{did_sid}',
        method: 'DELETE',
        path: `/phonenumber/dids/${sid(didSid)}`,
        idempotent: true,
        parse: deleted,
      }),

    listCallDrs: (params: ListParams) =>
      call({
        operation: 'GET /calls/call_drs',
        method: 'GET',
        path: '/calls/call_drs',
        query: listQuery(params),
        idempotent: true,
        parse: jsonOf(callDrListSchema),
      }),

    listInvoices: (params: ListParams) =>
      call({
        operation: 'GET /invoices',
        method: 'GET',
        path: '/invoices',
        query: listQuery(params),
        idempotent: true,
        parse: jsonOf(invoiceListSchema),
      }),

    invoicePdfPath: (invoiceSid: string) => `${CORE_API_PREFIX}/invoices/${sid(invoiceSid)}.pdf`,

    getInvoicePdf: (invoiceSid: string) =>
      call<InvoiceFile>({
        operation: 'GET /invoices/{invoice_sid}.pdf',
        method: 'GET',
        path: `/invoices/${sid(invoiceSid)}.pdf`,
        idempotent: true,
        parse: (response) => {
          assertOk(response);
          const contentType = response.headers.get('content-type') ?? 'application/octet-stream';
          if (contentType.includes('json')) throw new Error('expected a PDF, got JSON');
          const disposition = response.headers.get('content-disposition') ?? '';
          const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `invoice-${invoiceSid}.pdf`;
          return { filename, contentType, content: response.bytes };
        },
      }),

    createEndpoint: (body: EndpointBody) =>
      call({
        operation: 'POST /endpoints',
        method: 'POST',
        path: '/endpoints',
        body: JSON.stringify(body),
        idempotent: false,
        parse: jsonOf(endpointSchema),
      }),

    /** PUT sends the whole object: addresses are replaced, not merged (§1.3). */
    replaceEndpoint: (endpointSid: string, body: EndpointBody) =>
      call({
        operation: 'PUT /endpoints/{endpoint_sid}',
        method: 'PUT',
        path: `/endpoints/${sid(endpointSid)}`,
        body: JSON.stringify(body),
        idempotent: true,
        parse: jsonOf(endpointSchema),
      }),

    listEndpoints: (params: ListParams) =>
      call({
        operation: 'GET /endpoints',
        method: 'GET',
        path: '/endpoints',
        query: listQuery(params),
        idempotent: true,
        parse: jsonOf(endpointListSchema),
      }),

    getEndpoint: (endpointSid: string) =>
      call({
        operation: 'GET /endpoints/{endpoint_sid}',
        method: 'GET',
        path: `/endpoints/${sid(endpointSid)}`,
        idempotent: true,
        parse: (response) => (response.status === 404 ? null : jsonOf(endpointSchema)(response)),
      }),

    deleteEndpoint: (endpointSid: string) =>
      call({
        operation: 'DELETE /endpoints/{endpoint_sid}',
        method: 'DELETE',
        path: `/endpoints/${sid(endpointSid)}`,
        idempotent: true,
        parse: deleted,
      }),

    createTrunkGroup: (body: { name: string }) =>
      call({
        operation: 'POST /trunk_groups',
        method: 'POST',
        path: '/trunk_groups',
        body: JSON.stringify(body),
        idempotent: false,
        parse: jsonOf(trunkGroupSchema),
      }),

    /** PATCH: only the attributes sent change (§1.3). */
    patchTrunkGroup: (trunkGroupSid: string, body: { name: string }) =>
      call({
        operation: 'PATCH /trunk_groups/{trunk_group_sid}',
        method: 'PATCH',
        path: `/trunk_groups/${sid(trunkGroupSid)}`,
        body: JSON.stringify(body),
        idempotent: true,
        parse: jsonOf(trunkGroupSchema),
      }),

    getTrunkGroup: (trunkGroupSid: string) =>
      call({
        operation: 'GET /trunk_groups/{trunk_group_sid}',
        method: 'GET',
        path: `/trunk_groups/${sid(trunkGroupSid)}`,
        idempotent: true,
        parse: (response) => (response.status === 404 ? null : jsonOf(trunkGroupSchema)(response)),
      }),

    listTrunkGroups: (params: ListParams) =>
      call({
        operation: 'GET /trunk_groups',
        method: 'GET',
        path: '/trunk_groups',
        query: listQuery(params),
        idempotent: true,
        parse: jsonOf(trunkGroupListSchema),
      }),

    deleteTrunkGroup: (trunkGroupSid: string) =>
      call({
        operation: 'DELETE /trunk_groups/{trunk_group_sid}',
        method: 'DELETE',
        path: `/trunk_groups/${sid(trunkGroupSid)}`,
        idempotent: true,
        parse: deleted,
      }),

    createTrunk: (trunkGroupSid: string, body: TrunkBody) =>
      call({
        operation: 'POST /trunk_groups/{trunk_group_sid}/trunks',
        method: 'POST',
        path: `/trunk_groups/${sid(trunkGroupSid)}/trunks`,
        body: JSON.stringify(body),
        idempotent: false,
        parse: jsonOf(trunkSchema),
      }),

    patchTrunk: (trunkGroupSid: string, trunkSid: string, body: Partial<TrunkBody>) =>
      call({
        operation: 'PATCH /trunk_groups/{trunk_group_sid}/trunks/{trunk_sid}',
        method: 'PATCH',
        path: `/trunk_groups/${sid(trunkGroupSid)}/trunks/${sid(trunkSid)}`,
        body: JSON.stringify(body),
        idempotent: true,
        parse: jsonOf(trunkSchema),
      }),

    deleteTrunk: (trunkGroupSid: string, trunkSid: string) =>
      call({
        operation: 'DELETE /trunk_groups/{trunk_group_sid}/trunks/{trunk_sid}',
        method: 'DELETE',
        path: `/trunk_groups/${sid(trunkGroupSid)}/trunks/${sid(trunkSid)}`,
        idempotent: true,
        parse: deleted,
      }),
  };
}

export type CarrierxClient = ReturnType<typeof createCarrierxClient>;
