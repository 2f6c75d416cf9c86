import type { PortIn, PortsCapability } from '../types';
import { isProviderError } from '../errors';
import { PORTABILITY_FRESH_MS, PORTABILITY_STATE_PREFIX, PORT_REFERENCE_STATE_PREFIX, PORT_STATUS_POLL_INTERVAL_MS } from './assumptions';
import { invalid, type VoiceTelCore } from './core';
import { buildPortSubmit, mapPort, mapPortSubmit, mapPortability, toNanp10 } from './map';
import { portAvailabilityResponse, portDetailResponse, portListResponse, portSubmitResponse } from './schema';

/** Beyond the common group: VoiceTel lists every port-in on the account. */
export interface VoiceTelPorts extends PortsCapability {
  list(): Promise<PortIn[]>;
}

export function createVoiceTelPorts({ client, state }: VoiceTelCore): VoiceTelPorts {
  async function findPort(pid: string): Promise<PortIn | null> {
    if (!/^[A-Za-z0-9]{5}$/.test(pid)) return null;
    const port = await client.call({
      operation: 'GET /ports/{pid}',
      method: 'GET',
      path: `/ports/${pid}`,
      idempotent: true,
      emptyOn404: () => null,
      parse: (body) => portDetailResponse.parse(body).data.port,
    });
    if (!port) return null;
    const saved = await state.get<{ loaUrl?: string }>(`${PORT_REFERENCE_STATE_PREFIX}pid:${pid}`);
    return { ...mapPort(port, pid), loaUrl: saved?.loaUrl };
  }

  async function checkOne(nanp: string) {
    const result = await client.call({
      operation: 'GET /ports/availability/{number}',
      method: 'GET',
      path: `/ports/availability/${nanp}`,
      idempotent: true,
      parse: (body) => portAvailabilityResponse.parse(body).data,
    });
    if (result.portable) await state.set(`${PORTABILITY_STATE_PREFIX}${nanp}`, client.now().getTime());
    return mapPortability(result);
  }

  return {
    async checkPortability(numbers) {
      const results = [];
      // One number per call upstream.
      for (const number of numbers) results.push(await checkOne(toNanp10(number)));
      return results;
    },

    async submit(request) {
      const known = await state.get<string>(`${PORT_REFERENCE_STATE_PREFIX}${request.reference}`);
      if (known) {
        const existing = await findPort(known);
        if (existing) return existing;
      }
      const body = buildPortSubmit(request);
      const now = client.now().getTime();
      for (const number of body.did) {
        const checkedAt = await state.get<number>(`${PORTABILITY_STATE_PREFIX}${number}`);
        if (checkedAt !== undefined && now - checkedAt < PORTABILITY_FRESH_MS) continue;
        const result = await checkOne(number);
        if (!result.portable) throw invalid(`${result.e164} is not portable${result.reason ? `: ${result.reason}` : ''}`);
      }
      const submitted = await client.call({
        operation: 'POST /ports',
        method: 'POST',
        path: '/ports',
        body,
        // Charges $6 per number and has no idempotency key: never sent twice by the HTTP layer.
        idempotent: false,
        parse: (response) => portSubmitResponse.parse(response).data,
      });
      await state.set(`${PORT_REFERENCE_STATE_PREFIX}${request.reference}`, submitted.pid);
      await state.set(`${PORT_REFERENCE_STATE_PREFIX}pid:${submitted.pid}`, { loaUrl: submitted.loaUrl });
      // The port is placed and charged: a failed read-back must not turn that into an error.
      const placed = await findPort(submitted.pid).catch((error: unknown) => {
        if (isProviderError(error)) return null;
        throw error;
      });
      return placed ?? mapPortSubmit(submitted, body.did);
    },

    get: findPort,

    statusPollIntervalMs: PORT_STATUS_POLL_INTERVAL_MS,

    async list() {
      const ports = await client.call({
        operation: 'GET /ports',
        method: 'GET',
        path: '/ports',
        idempotent: true,
        emptyOn404: () => [],
        parse: (body) => portListResponse.parse(body).data.ports,
      });
      return ports.map((port) => mapPort(port, port.pid ?? port.id ?? ''));
    },
  };
}
