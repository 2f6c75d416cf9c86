import { ProviderError } from '../errors';
import type { AvailableNumber, NumberHold, NumberHoldsCapability } from '../types';
import { HOLD_TTL_MS, RESERVE_ACCEPTS_RESERVE_ID } from './assumptions';
import { invalid, isKind, type VitcomCore } from './core';
import { isTollFree, toTenDigits } from './map';

/** Beyond the common group: the cart's bulk reserve of any N numbers in a state, NPANXX or toll-free prefix. */
export interface VitcomHolds extends NumberHoldsCapability {
  holdQuantity(request: { kind: 'local' | 'tollfree'; quantity: number; state?: string; npanxx?: string; tollFreePrefix?: string }): Promise<NumberHold>;
}

export function createVitcomHolds({ client, now, statesOf }: VitcomCore) {
  async function reserveGroups(groups: Map<string, { category: 'landline' | 'tollfree'; state?: string; tfnPrefix?: string; tens: string[] }>) {
    let reserveId: string | undefined;
    const reserved: string[] = [];
    try {
      for (const group of groups.values()) {
        const answer = await client.reserve({ ...group, numbers: group.tens, reserveId: RESERVE_ACCEPTS_RESERVE_ID ? reserveId : undefined });
        reserveId ??= answer.reserveId;
        reserved.push(...answer.TNs);
      }
    } catch (error) {
      if (reserveId) await client.removeReserved(reserveId).catch(() => undefined);
      throw error;
    }
    const numbers = reserved.map((tn) => toTenDigits(tn)).filter((tn): tn is string => !!tn).map((ten) => `+1${ten}`);
    if (!reserveId || !numbers.length) throw new ProviderError('vitcom', 'conflict', { upstreamMessage: 'no number could be reserved' });
    return { holdRef: reserveId, numbers, expiresAt: new Date(now().getTime() + HOLD_TTL_MS) } satisfies NumberHold;
  }

  async function holdTens(tens: readonly string[], knownStates: ReadonlyMap<string, string | undefined> = new Map()) {
    const needStates = tens.filter((ten) => !isTollFree(ten) && !knownStates.get(ten));
    const looked = needStates.length ? await statesOf(needStates) : new Map<string, string>();
    const groups = new Map<string, { category: 'landline' | 'tollfree'; state?: string; tfnPrefix?: string; tens: string[] }>();
    for (const ten of tens) {
      const tollFree = isTollFree(ten);
      const stateCode = tollFree ? undefined : (knownStates.get(ten) ?? looked.get(ten));
      if (!tollFree && !stateCode) throw invalid(`no state known for ${ten}; search it first`);
      const key = tollFree ? `tf:${ten.slice(0, 3)}` : `local:${stateCode}`;
      const group = groups.get(key) ?? { category: tollFree ? 'tollfree' : 'landline', state: stateCode, tfnPrefix: tollFree ? ten.slice(0, 3) : undefined, tens: [] };
      group.tens.push(ten);
      groups.set(key, group);
    }
    return reserveGroups(groups);
  }

  const holds: VitcomHolds = {
    async hold(numbers: AvailableNumber[]): Promise<NumberHold> {
      const tens: string[] = [];
      const known = new Map<string, string | undefined>();
      for (const number of numbers) {
        const ten = toTenDigits(number.e164);
        if (!ten) throw invalid(`not a NANP number: ${number.e164}`);
        tens.push(ten);
        known.set(ten, number.state ?? (number.providerRef && /^[A-Z]{2}$/.test(number.providerRef) ? number.providerRef : undefined));
      }
      if (!tens.length) throw invalid('nothing to hold');
      return holdTens(tens, known);
    },

    async release(hold: NumberHold): Promise<void> {
      const tens = hold.numbers.map((n) => toTenDigits(n)).filter((n): n is string => !!n);
      try {
        await client.removeReserved(hold.holdRef, tens);
      } catch (error) {
        if (!isKind(error, 'not_found')) throw error; // already expired or ordered
      }
    },

    async holdQuantity(request: { kind: 'local' | 'tollfree'; quantity: number; state?: string; npanxx?: string; tollFreePrefix?: string }) {
      if (request.quantity < 1 || request.quantity > 1000) throw invalid('quantity must be 1 to 1000');
      const answer = await client.bulkReserve({
        category: request.kind === 'tollfree' ? 'tollfree' : 'landline',
        quantity: request.quantity,
        state: request.state,
        npanxx: request.npanxx,
        tfnPrefix: request.tollFreePrefix,
      });
      const numbers = answer.TNs.map((tn) => toTenDigits(tn)).filter((t): t is string => !!t).map((t) => `+1${t}`);
      return { holdRef: answer.reserveId, numbers, expiresAt: new Date(now().getTime() + HOLD_TTL_MS) };
    },
  };
  return { holds, holdTens };
}
