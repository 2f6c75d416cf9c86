import { isProviderError } from '../errors';
import { callOutcomeOf } from '../http';
import type { E164, PortIn, PortInRequest, PortsCapability } from '../types';
import { CARRIER_DOC_FALLS_BACK_TO_LOA, FOC_DEFAULT_TIME, LNP_REQUESTED_STATE_PREFIX, LNP_SENDS_ACCOUNT_AS_WIRELESS, PORT_STATUS_POLL_INTERVAL_MS } from './assumptions';
import { invalid, orNull, type VitcomCore } from './core';
import { isTollFree, mapLnpOrder, mapPortability, parseWireDate, toE164, toElevenDigits, toIsoDay } from './map';

function focDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const date = parseWireDate(value);
  if (!date) throw invalid(`requestedFocDate is not a date: ${value}`);
  return /\d{2}:\d{2}/.test(value) ? date.toISOString().slice(0, 19).replace('T', ' ') : `${toIsoDay(date)} ${FOC_DEFAULT_TIME}`;
}

/**
 * A /generate_lnp_order whose answer we never read (a timeout, a 5xx, a body we could not parse):
 * VITCOM may have placed and charged it, and it takes no reference of ours, so before sending the
 * same submission again we look for an order of these numbers made since, that is no other submission's.
 */
const PORT_ATTEMPT_STATE_PREFIX = 'port-attempt:';
interface PortAttempt {
  at: number;
  requested: E164[];
}
/** How far VITCOM's clock may be behind ours when we compare an order's `date` with the attempt's time. */
const ATTEMPT_CLOCK_SKEW_MS = 15 * 60_000;

/** Whether VITCOM may have acted on a request whose answer we did not get (no answer, a 5xx, a body we could not read). */
function outcomeUnknown(error: unknown): boolean {
  if (!isProviderError(error)) return true;
  const outcome = callOutcomeOf(error);
  return outcome === 'timeout' || outcome === 'server_error' || outcome === 'unreachable' || outcome === 'malformed';
}

const blobOf = (file: NonNullable<PortInRequest['loa']>) => new Blob([file.content.slice()], { type: file.contentType });

export function createVitcomPorts({ client, state, now }: VitcomCore): PortsCapability {
  async function getPortIn(portRef: string): Promise<PortIn | null> {
    const orders = await orNull(client.getLnpOrders(portRef));
    const order = orders?.Orders.find((row) => row.orderno === portRef);
    if (!order) return null;
    const requested = (await state.get<E164[]>(`${LNP_REQUESTED_STATE_PREFIX}${portRef}`)) ?? [];
    return mapLnpOrder(order, requested);
  }

  /** The order an unanswered /generate_lnp_order placed: made since the attempt, of its numbers (VITCOM drops some), and not one we know. */
  async function findAttemptedOrder(attempt: PortAttempt): Promise<PortIn | null> {
    const requested = new Set(attempt.requested);
    const since = attempt.at - ATTEMPT_CLOCK_SKEW_MS;
    const { Orders } = await client.getLnpOrders();
    for (const order of Orders) {
      const placedAt = parseWireDate(order.date);
      if (placedAt && placedAt.getTime() < since) continue;
      if ((await state.get(`${LNP_REQUESTED_STATE_PREFIX}${order.orderno}`)) !== undefined) continue;
      const numbers = order.numbers.map((number) => toE164(number));
      if (numbers.length && numbers.every((number) => number && requested.has(number))) return mapLnpOrder(order, attempt.requested);
    }
    return null;
  }

  return {
    async checkPortability(numbers: E164[]) {
      const elevens = numbers.map((n) => toElevenDigits(n)).filter((n): n is string => !!n);
      if (!elevens.length) return mapPortability(numbers, [], []);
      const answer = await client.checkLnp(elevens);
      return mapPortability(numbers, answer.accepted, answer.rejected);
    },

    async submit(request: PortInRequest): Promise<PortIn> {
      const existing = await state.get<string>(`port:${request.reference}`);
      if (existing) {
        const current = await getPortIn(existing);
        if (current) return current;
      }
      const attemptKey = `${PORT_ATTEMPT_STATE_PREFIX}${request.reference}`;
      const attempt = await state.get<PortAttempt>(attemptKey);
      if (attempt) {
        // A lookup that fails throws: the submission waits for the next try rather than risk a second order.
        const placed = await findAttemptedOrder(attempt);
        if (placed) {
          await state.set(`port:${request.reference}`, placed.portRef);
          await state.set(`${LNP_REQUESTED_STATE_PREFIX}${placed.portRef}`, attempt.requested);
          await state.delete(attemptKey);
          return placed;
        }
        await state.delete(attemptKey);
      }
      const elevens = request.numbers.map((n) => toElevenDigits(n));
      if (!elevens.length || elevens.some((n) => !n)) throw invalid('port-in needs NANP numbers');
      const kinds = new Set(elevens.map((n) => (isTollFree(n!.slice(1)) ? 'tollfree' : 'landline')));
      if (kinds.size > 1) throw invalid('VITCOM ports local and toll-free numbers in separate orders');
      if (!request.loa) throw invalid('VITCOM requires the signed LOA file (loa_doc)');
      const carrierDoc = request.bill ?? (CARRIER_DOC_FALLS_BACK_TO_LOA ? request.loa : undefined);
      if (!carrierDoc) throw invalid('VITCOM requires a carrier bill or CSR (carrier_doc)');
      const [first = request.authorizedName, ...rest] = request.authorizedName.trim().split(/\s+/);
      const street = request.serviceAddress.street.trim();
      const house = /^(\d+[A-Za-z]?)\s+(.*)$/.exec(street);
      const requestedFocDate = focDate(request.requestedFocDate);
      const requested = request.numbers.map((number) => toE164(number) ?? number);
      await state.set<PortAttempt>(attemptKey, { at: now().getTime(), requested });
      const created = await client
        .generateLnpOrder(
          {
            numbers: elevens.join(','),
            category: [...kinds][0],
            subscriberType: request.subscriberType,
            loaAuthorizingPerson: request.authorizedName,
            requestedFocDate,
            wirelessAccountNumber: LNP_SENDS_ACCOUNT_AS_WIRELESS ? request.accountNumber : undefined,
            wirelessPin: LNP_SENDS_ACCOUNT_AS_WIRELESS ? request.pin : undefined,
            subscriberFirstName: request.businessName ?? first,
            subscriberLastName: request.businessName ? undefined : rest.join(' ') || undefined,
            addressHouseNumber: house?.[1],
            addressStreetName: house?.[2] ?? street,
            addressCity: request.serviceAddress.city,
            addressStateCode: request.serviceAddress.state,
            addressZip: request.serviceAddress.postalCode,
            billingNumber: request.billingTelephoneNumber,
            losingCarrierName: request.losingCarrier,
          },
          { loa_doc: blobOf(request.loa), carrier_doc: blobOf(carrierDoc) },
          { loa: request.loa.filename, carrier: carrierDoc.filename },
        )
        .catch(async (error: unknown) => {
          if (!outcomeUnknown(error)) await state.delete(attemptKey);
          throw error;
        });
      await state.set(`port:${request.reference}`, created.orderNo);
      await state.set(`${LNP_REQUESTED_STATE_PREFIX}${created.orderNo}`, requested);
      await state.delete(attemptKey);
      // The order is placed and charged: a failed read-back must not turn that into an error.
      const placed = await getPortIn(created.orderNo).catch((error: unknown) => {
        if (isProviderError(error)) return null;
        throw error;
      });
      return placed ?? mapLnpOrder({ orderno: created.orderNo, numbers: created.acceptedTns, status: created.status, date: created.date }, requested);
    },

    get: getPortIn,

    statusPollIntervalMs: PORT_STATUS_POLL_INTERVAL_MS,
  };
}
