import type { PortIn, PortsCapability } from '../types';
import { callOutcomeOf } from '../http';
import { isProviderError } from '../errors';
import { PORTABILITY_FRESH_MS, PORTABILITY_STATE_PREFIX, PORT_REFERENCE_STATE_PREFIX, PORT_STATUS_POLL_INTERVAL_MS } from './assumptions';
import { invalid, type VoiceTelCore } from './core';
import { buildPortSubmit, mapPort, mapPortSubmit, mapPortability, toNanp10 } from './map';
import { portAvailabilityResponse, portDetailResponse, portListResponse, portSubmitResponse } from './schema';

/** Beyond the common group: VoiceTel lists every port-in on the account. */
export interface VoiceTelPorts extends PortsCapability {
  list(): Promise<PortIn[]>;
}

/**
 * A POST /ports whose answer we never read (a timeout, a 5xx, a body we could not parse): VoiceTel may
 * have placed it and charged $6/TN, and it takes no reference of ours, so before sending the same
 * submission again we look for a port of these numbers made since, that is no other submission's.
 */
const PORT_ATTEMPT_STATE_PREFIX = 'voicetel:port-attempt:';
interface PortAttempt {
  at: number;
  /** NANP10, as sent. */
  numbers: string[];
}
/** How far VoiceTel's clock may be behind ours when we compare its `createdAt` with the attempt's time. */
const ATTEMPT_CLOCK_SKEW_MS = 15 * 60_000;
/** Ports read one by one (the list has no numbers) while looking for the attempt's. */
const ATTEMPT_LOOKUP_MAX_READS = 20;

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

  async function listPorts(): Promise<PortIn[]> {
    const ports = await client.call({
      operation: 'GET /ports',
      method: 'GET',
      path: '/ports',
      idempotent: true,
      emptyOn404: () => [],
      parse: (body) => portListResponse.parse(body).data.ports,
    });
    return ports.map((port) => mapPort(port, port.pid ?? port.id ?? ''));
  }

  /** The port an unanswered POST /ports placed: made since the attempt, of its numbers, and not one we already know. */
  async function findAttemptedPort(attempt: PortAttempt): Promise<PortIn | null> {
    const sent = new Set(attempt.numbers.map((number) => `+1${number}`));
    const since = attempt.at - ATTEMPT_CLOCK_SKEW_MS;
    let reads = 0;
    for (const summary of await listPorts()) {
      if (summary.updatedAt && summary.updatedAt.getTime() < since) continue;
      if (!/^[A-Za-z0-9]{5}$/.test(summary.portRef) || (await state.get(`${PORT_REFERENCE_STATE_PREFIX}pid:${summary.portRef}`)) !== undefined) continue;
      if (++reads > ATTEMPT_LOOKUP_MAX_READS) break;
      const port = await findPort(summary.portRef);
      if (port && port.numbers.length && port.numbers.every((number) => sent.has(number))) return port;
    }
    return null;
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
      const attemptKey = `${PORT_ATTEMPT_STATE_PREFIX}${request.reference}`;
      const attempt = await state.get<PortAttempt>(attemptKey);
      if (attempt) {
        // A lookup that fails throws: the submission waits for the next try rather than risk a second port.
        const placed = await findAttemptedPort(attempt);
        if (placed) {
          await state.set(`${PORT_REFERENCE_STATE_PREFIX}${request.reference}`, placed.portRef);
          await state.set(`${PORT_REFERENCE_STATE_PREFIX}pid:${placed.portRef}`, {});
          await state.delete(attemptKey);
          return placed;
        }
        await state.delete(attemptKey);
      }
      const now = client.now().getTime();
      for (const number of body.did) {
        const checkedAt = await state.get<number>(`${PORTABILITY_STATE_PREFIX}${number}`);
        if (checkedAt !== undefined && now - checkedAt < PORTABILITY_FRESH_MS) continue;
        const result = await checkOne(number);
        if (!result.portable) throw invalid(`${result.e164} is not portable${result.reason ? `: ${result.reason}` : ''}`);
      }
      await state.set<PortAttempt>(attemptKey, { at: client.now().getTime(), numbers: body.did });
      let submitted;
      try {
        submitted = await client.call({
          operation: 'POST /ports',
          method: 'POST',
          path: '/ports',
          body,
          // Charges $6 per number and has no idempotency key: never sent twice by the HTTP layer.
          idempotent: false,
          parse: (response) => portSubmitResponse.parse(response).data,
        });
      } catch (error) {
        if (!outcomeUnknown(error)) await state.delete(attemptKey);
        throw error;
      }
      await state.set(`${PORT_REFERENCE_STATE_PREFIX}${request.reference}`, submitted.pid);
      await state.set(`${PORT_REFERENCE_STATE_PREFIX}pid:${submitted.pid}`, { loaUrl: submitted.loaUrl });
      await state.delete(attemptKey);
      // The port is placed and charged: a failed read-back must not turn that into an error.
      const placed = await findPort(submitted.pid).catch((error: unknown) => {
        if (isProviderError(error)) return null;
        throw error;
      });
      return placed ?? mapPortSubmit(submitted, body.did);
    },

    get: findPort,

    statusPollIntervalMs: PORT_STATUS_POLL_INTERVAL_MS,

    list: listPorts,
  };
}

/** Whether VoiceTel may have acted on a request whose answer we did not get (no answer, a 5xx, a body we could not read). */
function outcomeUnknown(error: unknown): boolean {
  if (!isProviderError(error)) return true;
  const outcome = callOutcomeOf(error);
  return outcome === 'timeout' || outcome === 'server_error' || outcome === 'unreachable' || outcome === 'malformed';
}
