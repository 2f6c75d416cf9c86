import { ProviderError, isProviderError, routeEachNumber } from '../errors';
import type { AvailableNumber, E164, NumbersCapability, OrderLine, OrderResult, OwnedNumber, Page } from '../types';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, ORDER_KEY_FIELD, RENT_LINE_FAILURE_KINDS, UNROUTE_TRUNK_GROUP_SID } from './assumptions';
import type { CarrierxClient } from './client';
import { firstConsecutiveBlock } from '../consecutive-block';
import { didToAvailable, didToOwned, filterClause, searchFilter, toE164, toWireNumber } from './map';
import { allPages, decodeOffset, hasNextPage } from './paging';

export function createCarrierxNumbers(client: CarrierxClient): NumbersCapability {
  async function findDid(e164: E164) {
    const page = await client.listDids({ limit: 1, filter: filterClause('phonenumber', 'eq', toWireNumber(e164)) });
    return page.items[0];
  }

  /** The numbers on the account tagged with this order key: what earlier calls of the order rented. */
  async function rentedUnderOrder(idempotencyKey: string): Promise<Set<E164>> {
    const rented = await allPages((offset) =>
      client.listDids({ limit: MAX_PAGE_LIMIT, offset, filter: filterClause(ORDER_KEY_FIELD, 'eq', idempotencyKey) }),
    );
    return new Set(rented.map((did) => toE164(did.phonenumber)));
  }

  return {
    async search(query) {
      const quantity = Math.min(Math.max(1, query.quantity), MAX_PAGE_LIMIT);
      // There is no consecutive search: a block is looked for among a whole page of the inventory.
      const page = await client.availableDids({ limit: query.consecutive ? MAX_PAGE_LIMIT : quantity, filter: searchFilter(query) });
      const seen = new Set<string>();
      const numbers: AvailableNumber[] = [];
      for (const did of page.items) {
        const number = didToAvailable(did);
        if (seen.has(number.e164)) continue;
        seen.add(number.e164);
        numbers.push(number);
      }
      return query.consecutive ? firstConsecutiveBlock(numbers, quantity) : numbers.slice(0, quantity);
    },

    async order(request): Promise<OrderResult> {
      const lines: OrderLine[] = [];
      const unknown: ProviderError[] = [];
      // Renting takes no idempotency key, so a replay must not re-rent: numbers already on the
      // account under this order key (ORDER_KEY_FIELD) were bought by an earlier call of the order.
      const alreadyRented = await rentedUnderOrder(request.idempotencyKey);
      // One rent per number (there is no order object); each line stands or falls on its own.
      for (const e164 of request.numbers) {
        if (alreadyRented.has(e164)) {
          lines.push({ e164, status: 'active' });
          continue;
        }
        try {
          await client.rentDid({
            phonenumber: toWireNumber(e164),
            callback_url: null,
            [ORDER_KEY_FIELD]: request.idempotencyKey,
            ...(request.trunkRef ? { trunk_group_sid: request.trunkRef } : {}),
          });
          lines.push({ e164, status: 'active' });
        } catch (error) {
          if (!isProviderError(error) || error.providerKind === 'auth') throw error;
          if ((RENT_LINE_FAILURE_KINDS as readonly string[]).includes(error.providerKind)) {
            lines.push({ e164, status: 'failed', reason: error.upstreamMessage ?? error.message });
          } else {
            // Timeouts and 5xx on a POST: it may or may not have rented; getOrder reconciles.
            unknown.push(error);
            lines.push({ e164, status: 'pending', reason: `outcome unknown: ${error.upstreamMessage ?? error.providerKind}` });
          }
        }
      }
      if (unknown.length === request.numbers.length && unknown[0]) throw unknown[0];
      return { lines };
    },

    async getOrder(request) {
      const have = await rentedUnderOrder(request.idempotencyKey);
      if (have.size === 0) return null;
      return {
        lines: request.numbers.map((e164): OrderLine =>
          have.has(e164) ? { e164, status: 'active' } : { e164, status: 'failed', reason: 'not rented on the account' },
        ),
      };
    },

    async list(request): Promise<Page<OwnedNumber>> {
      const offset = decodeOffset(request.cursor);
      const limit = Math.min(request.limit ?? DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT);
      const page = await client.listDids({ limit, offset, order: 'phonenumber asc' });
      return {
        items: page.items.map(didToOwned),
        nextCursor: hasNextPage(page) ? `offset:${offset + page.count}` : undefined,
      };
    },

    async route({ numbers, trunkRef }) {
      if (trunkRef !== null && !(await client.getTrunkGroup(trunkRef))) {
        throw new ProviderError('carrierx', 'not_found', { upstreamMessage: `cannot find trunk group ${trunkRef}` });
      }
      // One PATCH per DID.
      return routeEachNumber(numbers, async (e164) => {
        const did = await findDid(e164);
        if (!did) return 'not on the account';
        await client.patchDid(did.did_sid, { trunk_group_sid: trunkRef ?? UNROUTE_TRUNK_GROUP_SID });
      });
    },

    release: {
      async release(e164) {
        const did = await findDid(e164);
        // Already off the account (released before, or never ours): nothing to do.
        if (!did) return;
        await client.releaseDid(did.did_sid);
      },
    },
  };
}
