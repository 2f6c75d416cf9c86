/**
 * What every VITCOM capability shares: the client, the NPANXX → state memory (reserving a number
 * needs its state), and the trunk groups this connection made (a group is an origination trunk plus
 * termination trunks, named by one trunkRef).
 */
import { isProviderError, ProviderError, type RefusedField } from '../errors';
import type { ProviderContext } from '../types';
import { TRUNK_ACTIVE_STATUS } from './assumptions';
import { createVitcomClient, type VitcomClient } from './client';
import { formatTrunkRef, mapNpanxxRows, mapStates, parseTrunkRef, type NpanxxInfo, type TrunkRefParts } from './map';

export const invalid = (message: string, field?: RefusedField) => new ProviderError('vitcom', 'invalid', { upstreamMessage: message, refusal: field ? { code: 'unsupported_setting', field } : undefined });
export const isKind = (error: unknown, kind: string) => isProviderError(error) && error.providerKind === kind;
export async function orNull<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (isKind(error, 'not_found')) return null;
    throw error;
  }
}

export type VitcomCore = ReturnType<typeof createVitcomCore>;

export function createVitcomCore(context: ProviderContext) {
  const accountno = context.credentials.accountno ?? '';
  const token = context.credentials.token ?? '';
  const client: VitcomClient = createVitcomClient({ http: context.http, baseUrl: context.baseUrl, credentials: { accountno, token } });
  const now = () => context.now?.() ?? new Date();
  const { state } = context;

  async function rememberNpanxx(rows: readonly NpanxxInfo[]) {
    if (!rows.length) return;
    const known = (await state.get<Record<string, string>>('npanxx-state')) ?? {};
    let changed = false;
    for (const row of rows) {
      if (known[row.npanxx] !== row.state) {
        known[row.npanxx] = row.state;
        changed = true;
      }
    }
    if (changed) await state.set('npanxx-state', known);
  }

  async function npanxxFor(stateCode: string): Promise<NpanxxInfo[]> {
    const rows = mapNpanxxRows((await client.availabilityNpanxx(stateCode)).data, stateCode);
    await rememberNpanxx(rows);
    return rows;
  }

  async function statesOf(tens: readonly string[]): Promise<Map<string, string>> {
    const known = (await state.get<Record<string, string>>('npanxx-state')) ?? {};
    const out = new Map<string, string>();
    const missing = new Set<string>();
    for (const ten of tens) {
      const found = known[ten.slice(0, 6)];
      if (found) out.set(ten, found);
      else missing.add(ten.slice(0, 6));
    }
    if (missing.size) {
      for (const stateCode of mapStates((await client.availabilityState()).data)) {
        for (const row of await npanxxFor(stateCode)) {
          if (missing.delete(row.npanxx)) for (const ten of tens) if (ten.startsWith(row.npanxx)) out.set(ten, row.state);
        }
        if (!missing.size) break;
      }
    }
    return out;
  }

  async function savedGroups(): Promise<string[]> {
    return (await state.get<string[]>('trunk-groups')) ?? [];
  }
  async function saveGroup(ref: string, name: string) {
    const groups = await savedGroups();
    if (!groups.includes(ref)) await state.set('trunk-groups', [...groups, ref]);
    await state.set(`trunk-name:${ref}`, name);
  }

  /**
   * A group keeps the trunkRef it was first given (see TRUNK_REF_IS_STABLE): once an update has had
   * to replace upstream trunks, the ids currently behind the ref are kept under `trunk-members:<ref>`.
   */
  async function membersOf(ref: string): Promise<TrunkRefParts | undefined> {
    if (!parseTrunkRef(ref)) return undefined;
    const current = await state.get<string>(`trunk-members:${ref}`);
    return parseTrunkRef(current ?? ref);
  }
  async function setMembers(ref: string, members: TrunkRefParts) {
    const current = formatTrunkRef(members);
    if (current === ref) await state.delete(`trunk-members:${ref}`);
    else await state.set(`trunk-members:${ref}`, current);
  }

  async function originationTrunkId(trunkRef: string | undefined): Promise<string> {
    if (trunkRef) {
      const parts = await membersOf(trunkRef);
      if (!parts?.origination) throw invalid(`trunk group ${trunkRef} has no origination (inbound) side`);
      return parts.origination;
    }
    const trunks = (await client.getTrunk()).data.filter((t) => (t.status ?? TRUNK_ACTIVE_STATUS) === TRUNK_ACTIVE_STATUS);
    const first = trunks.sort((a, b) => Number(a.id) - Number(b.id))[0];
    if (!first) throw invalid('VITCOM needs an origination trunk group before numbers can be ordered');
    return first.id;
  }

  return { client, state, now, npanxxFor, statesOf, savedGroups, saveGroup, membersOf, setMembers, originationTrunkId };
}
