/**
 * What every VoiceTel capability shares: the client (API key, budgets), the account-wide SIP auth
 * read, the coverage counts, and which gateways are the user's own trunk groups.
 */
import { ProviderError } from '../errors';
import type { ProviderContext } from '../types';
import { SYSTEM_ROUTE_IDS } from './assumptions';
import { createVoiceTelClient } from './client';
import { authGetResponse, coverageResponse, gatewayResponse, type WireGateway } from './schema';

export type CoverageDimension = 'state' | 'city' | 'rateCenter' | 'npanxx' | 'block';
export interface CoverageBucket {
  state?: string;
  city?: string;
  rateCenterAbbreviation?: string;
  npa?: string;
  nxx?: string;
  block?: string;
  lata?: string;
  count: number;
}
export interface CoverageRequest {
  countBy: CoverageDimension;
  state?: string;
  city?: string;
  rateCenterAbbreviation?: string;
  npa?: string;
  lata?: number;
}

export const invalid = (upstreamMessage: string) => new ProviderError('voicetel', 'invalid', { upstreamMessage });

export const isUserGateway = (gateway: WireGateway) => !gateway.system && !SYSTEM_ROUTE_IDS.includes(gateway.id);

export type VoiceTelCore = ReturnType<typeof createVoiceTelCore>;

export function createVoiceTelCore(context: ProviderContext) {
  const client = createVoiceTelClient(context);
  const state = context.state;

  const readAuth = () =>
    client.call({ operation: 'GET /auth', method: 'GET', path: '/auth', idempotent: true, parse: (body) => authGetResponse.parse(body).data });

  const coverage = (request: CoverageRequest): Promise<CoverageBucket[]> =>
    client.call({
      operation: 'GET /inventory/coverage',
      method: 'GET',
      path: '/inventory/coverage',
      query: {
        countBy: request.countBy,
        locState: request.state,
        city: request.city,
        rcAbbre: request.rateCenterAbbreviation,
        npa: request.npa,
        lata: request.lata,
      },
      idempotent: true,
      parse: (body) =>
        coverageResponse.parse(body).data.coverage.map((item) => ({
          state: item.locState,
          city: item.city,
          rateCenterAbbreviation: item.rcAbbre,
          npa: item.npa,
          nxx: item.nxx,
          block: item.block,
          lata: item.lata,
          count: item.count,
        })),
    });

  /** The user gateway behind a trunkRef, or null (not a gateway id, a system route, or gone). */
  async function readUserGateway(trunkRef: string): Promise<WireGateway | null> {
    const id = Number(trunkRef);
    if (!/^\d+$/.test(trunkRef) || SYSTEM_ROUTE_IDS.includes(id)) return null;
    const gateway = await client.call({
      operation: 'GET /gateways/{id}',
      method: 'GET',
      path: `/gateways/${id}`,
      idempotent: true,
      emptyOn404: () => null,
      parse: (body) => gatewayResponse.parse(body).data,
    });
    return gateway && isUserGateway(gateway) ? gateway : null;
  }

  return { client, state, readAuth, coverage, readUserGateway };
}
