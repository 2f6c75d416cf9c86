import 'server-only';

/**
 * E911: the account's address book, validated through the upstreams that can, and registration of
 * those addresses on the upstream that carries each number, with a per-number status.
 */
import { assertCan, type AccountAccess } from '@/lib/auth/access';
import { getDb, type Tx } from '@/lib/db/client';
import type { E911AddressRow, E911UpstreamCheck, E911ValidationRecord, PhoneNumber } from '@/lib/db/schema';
import {
  countE911CoverageByAccount,
  countLiveNumbersByConnection,
  deleteE911Address as deleteE911AddressRow,
  deleteE911AddressUpstreams,
  getE911AddressById,
  getE911AddressUpstreamRefs,
  getE911AddressUpstreams,
  getE911AddressesByAccount,
  getE911AddressesPageByAccount,
  getE911AddressesByIds,
  getLiveNumbersByE911Address,
  getLiveNumbersByIds,
  getNumbersToReconcileE911,
  getSameE911AddressInAccount,
  insertE911Address,
  insertE911AddressUpstreams,
  setNumberE911Address,
  setNumberE911Registration,
  updateE911Address,
  updateE911AddressValidation,
  upsertE911AddressUpstream,
} from '@/lib/db/queries/e911';
import { getProviderConnections } from '@/lib/db/queries/providers';
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { PROVIDER_NAMES, isProviderError } from '@/lib/providers/errors';
import { upstreamLimitsOf } from '@/lib/providers/registry';
import { requireCapability, type E911Capability, type E911Record, type ProviderId } from '@/lib/providers/types';
import { checkCallerNameForUpstream, normalizeE911Address, toProviderE911Address, type NormalizedE911Address } from '@/lib/validations/e911';
import { dispatchAccountEventsSoon, publishAccountEvent } from './account-events';
import { recordAudit } from './audit';
import { formatE164 } from '@/lib/format';
import { openStaffTask } from './staff-tasks';
import { translateRefusal } from './upstream-refusals';
import { providerNameOf, scrubProviderNames, upstreamLabels } from './carrier-labels';
import { providerSupportsE911 } from './e911-capability';
import { getConnectionAdapter, getEnabledAdapters } from './providers';

export type E911Status = 'none' | 'pending' | 'registered' | 'failed' | 'unsupported';

export type SaveAddressOutcome =
  /** `registrations`: how registering an edited address again went on each number that uses it (none for a new address). */
  | { status: 'saved'; address: E911AddressRow; registrations: NumberE911Result[] }
  | { status: 'alternates'; alternates: NormalizedE911Address[]; acceptedAsTyped: boolean; note: string };

const rowToAddress = (row: E911AddressRow): NormalizedE911Address => ({
  street: row.street,
  unit: row.unit ?? undefined,
  city: row.city,
  state: row.state,
  postalCode: row.postalCode,
  country: row.country as 'US' | 'CA',
  callerName: row.callerName ?? undefined,
});

const sameAddress = (a: NormalizedE911Address, b: NormalizedE911Address) =>
  a.street === b.street && (a.unit ?? '') === (b.unit ?? '') && a.city === b.city && a.state === b.state && a.postalCode.slice(0, 5) === b.postalCode.slice(0, 5);

interface Verdict {
  connectionId: string;
  provider: ProviderId;
  outcome: E911UpstreamCheck['outcome'];
  valid: boolean;
  /** The upstream's own id for the address, where it keeps one. */
  addressRef: string | undefined;
  alternates: NormalizedE911Address[];
  reason: string | undefined;
}

/**
 * Asks every enabled upstream that validates e911 addresses, at once. Each answer is kept: accepted
 * as typed, accepted in a corrected form (offered as an alternative too), rejected (with any
 * alternatives it proposed), or unchecked when the upstream could not be reached.
 */
async function validateEverywhere(address: NormalizedE911Address): Promise<Verdict[]> {
  const validators = await getEnabledAdapters('e911');
  return Promise.all(
    validators.map(async ({ connection, adapter }): Promise<Verdict> => {
      const provider = connection.provider as ProviderId;
      try {
        const result = await requireCapability(adapter, 'e911').validate(toProviderE911Address(address));
        const alternates = (result.alternates ?? []).map((alternate) => normalizeE911Address({ ...alternate, callerName: address.callerName }));
        const corrected = result.valid && result.normalized ? normalizeE911Address({ ...result.normalized, callerName: address.callerName }) : undefined;
        const correction = corrected && !sameAddress(corrected, address) ? corrected : undefined;
        return {
          connectionId: connection.id,
          provider,
          outcome: !result.valid ? 'rejected' : correction ? 'corrected' : 'accepted',
          valid: result.valid,
          addressRef: result.addressRef,
          alternates: correction ? [correction, ...alternates] : alternates,
          reason: result.reason,
        };
      } catch (error) {
        log.warn('e911.validate_failed', { connectionId: connection.id, error });
        const reason = isProviderError(error) ? (error.upstreamMessage ?? error.message) : 'the check failed unexpectedly';
        return { connectionId: connection.id, provider, outcome: 'unchecked', valid: false, addressRef: undefined, alternates: [], reason: reason.slice(0, 200) };
      }
    }),
  );
}

function validationRecordOf(verdicts: Verdict[], now: Date): E911ValidationRecord {
  return {
    checkedAt: now.toISOString(),
    upstreams: verdicts.map((verdict) => ({
      connectionId: verdict.connectionId,
      provider: verdict.provider,
      outcome: verdict.outcome,
      ...(verdict.reason && verdict.outcome !== 'accepted' ? { reason: verdict.reason.slice(0, 200) } : {}),
      ...(verdict.alternates.length ? { alternates: verdict.alternates.length } : {}),
    })),
  };
}

function checkCallerName(address: NormalizedE911Address, providers: ProviderId[], staff: boolean) {
  // Customers are not told which carriers the carrier uses.
  const problems = [...new Set(providers.map((provider) => checkCallerNameForUpstream(upstreamLimitsOf(provider), address.callerName, staff ? PROVIDER_NAMES[provider] : 'Our carrier')).filter((problem): problem is string => Boolean(problem)))];
  if (problems.length > 0) throw new AppError('invalid:e911_caller_name', problems[0]!, { fieldErrors: { callerName: problems } });
}

/**
 * Validates and saves an address. When an upstream proposes corrections, they come back for the
 * user to pick from (or, if another upstream accepted the address, to keep it as typed).
 */
export async function saveE911Address(access: AccountAccess, address: NormalizedE911Address, options: { addressId?: string; keepAsTyped?: boolean } = {}): Promise<SaveAddressOutcome> {
  assertCan(access, 'technical.write');
  const provisioners = (await getEnabledAdapters('e911')).map((entry) => entry.connection.provider as ProviderId);
  checkCallerName(address, provisioners, access.user.isOperatorStaff);
  const verdicts = await validateEverywhere(address);
  if (verdicts.every((verdict) => verdict.outcome === 'unchecked')) throw new AppError('unavailable:e911_validation', 'No upstream could check this address right now; please try again shortly.');
  const accepted = verdicts.filter((verdict) => verdict.valid);
  // Every upstream's proposals, each once, in the order the upstreams answered.
  const alternates = verdicts.flatMap((verdict) => verdict.alternates).filter((alternate, index, all) => all.findIndex((other) => sameAddress(other, alternate)) === index && !sameAddress(alternate, address));
  if (alternates.length > 0 && !(options.keepAsTyped && accepted.length > 0)) {
    const proposers = verdicts.filter((verdict) => verdict.alternates.length > 0).length;
    return {
      status: 'alternates',
      alternates,
      acceptedAsTyped: accepted.length > 0,
      note:
        accepted.length > 0
          ? `Not every carrier accepted the address as typed, and ${proposers === 1 ? 'one proposed a correction' : `${proposers} proposed corrections`}. Pick the right one below; keeping it as typed means numbers on the carriers that did not accept it cannot use it.`
          : 'The address as typed did not match the emergency database. Pick the right one below to replace it, or change what you typed.',
    };
  }
  if (accepted.length === 0) {
    const reasons = [...new Set(verdicts.map((verdict) => verdict.reason).filter(Boolean))];
    throw new AppError('invalid:e911_address', `This address was rejected: ${reasons.join('; ') || 'no upstream could match it to a place'}. Check the street, city and ZIP.`, {
      fieldErrors: { street: ['Not found in the emergency address database'] },
    });
  }

  const db = await getDb();
  const saved = await db.transaction(async (tx) => {
    const now = new Date();
    const values = { ...address, unit: address.unit ?? null, callerName: address.callerName ?? null, validatedAt: now, validation: validationRecordOf(verdicts, now), updatedAt: now };
    let row: E911AddressRow | undefined;
    let before: E911AddressRow | undefined;
    if (options.addressId) {
      before = await getE911AddressById(tx, { addressId: options.addressId, accountId: access.account.id });
      if (!before) throw new AppError('not_found:e911_address');
      row = await updateE911Address(tx, { addressId: before.id, values });
    } else {
      row = await insertE911Address(tx, { accountId: access.account.id, ...values });
    }
    if (!row) throw new AppError('internal:e911_save');
    // An upstream that no longer accepts the changed address must not keep its id for the old one.
    if (before) await deleteE911AddressUpstreams(tx, { addressId: row.id });
    for (const verdict of accepted) {
      await upsertE911AddressUpstream(tx, { addressId: row.id, connectionId: verdict.connectionId, upstreamAddressId: verdict.addressRef ?? null, normalized: address });
    }
    await recordAudit(tx, access, { accountId: access.account.id, action: before ? 'e911.address_update' : 'e911.address_create', targetType: 'e911_address', targetId: row.id, before: before ? rowToAddress(before) : undefined, after: address });
    return row;
  });
  // A changed address is registered again on every number that uses it.
  const registrations = options.addressId ? await provisionNumbers(saved, await getLiveNumbersByE911Address(await getDb(), { addressId: saved.id })) : [];
  return { status: 'saved', address: saved, registrations };
}

/** How an address stands with the upstreams, as the address pages show it. */
export interface E911AddressCheck {
  /** checked: every upstream that matters accepted it; partial: some did; refused: none did; unknown: no per-upstream answers kept. */
  state: 'checked' | 'partial' | 'refused' | 'unknown';
  checkedAt: Date | null;
  headline: string;
  /** What it can and cannot cover, in the viewer's words (no carrier names for customers). */
  detail: string;
  upstreams: { label: string; outcome: E911UpstreamCheck['outcome']; reason?: string; numbers: number }[];
}

const OUTCOME_WORDS: Record<E911UpstreamCheck['outcome'], string> = {
  accepted: 'accepted it',
  corrected: 'accepted it with a correction',
  rejected: 'rejected it',
  unchecked: 'could not be reached to check it',
};

const numbersWord = (count: number) => `${count} number${count === 1 ? '' : 's'}`;
const joinWords = (words: string[]) => (words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`);

/**
 * Judges an address's stored check against the upstreams that carry the account's numbers (those
 * that can register emergency addresses; all that were asked when the account has none yet). It
 * reads "checked" only when every one of them accepted it.
 */
export function judgeE911Check(
  address: Pick<E911AddressRow, 'validation' | 'validatedAt'>,
  context: { numbersByConnection: Map<string, number>; connections: { id: string; provider: string; name: string }[]; staff: boolean },
): E911AddressCheck {
  const validation = address.validation;
  if (!validation) {
    return {
      state: 'unknown',
      checkedAt: address.validatedAt,
      headline: 'Not checked with every carrier',
      detail: 'This address was saved before each carrier’s answer was kept. Check it again to see which of your numbers it can cover.',
      upstreams: [],
    };
  }
  const providerOf = new Map(context.connections.map((connection) => [connection.id, connection]));
  const carrying = [...context.numbersByConnection].filter(([connectionId]) => providerSupportsE911(providerOf.get(connectionId)?.provider ?? ''));
  const asked = new Map(validation.upstreams.map((upstream) => [upstream.connectionId, upstream]));
  const relevantIds = carrying.length > 0 ? carrying.map(([connectionId]) => connectionId) : [...asked.keys()];
  const refs = [...new Set([...relevantIds, ...asked.keys()])].map((connectionId) => ({ connectionId, provider: asked.get(connectionId)?.provider ?? providerOf.get(connectionId)?.provider ?? '', connectionName: providerOf.get(connectionId)?.name }));
  const labels = upstreamLabels(refs, context.staff);
  const rows = refs
    .map((ref) => {
      const upstream = asked.get(ref.connectionId);
      const outcome = upstream?.outcome ?? 'unchecked';
      const reason = upstream?.reason ? scrubProviderNames(upstream.reason, context.staff, 'the carrier') : upstream ? undefined : 'added after this address was checked';
      return { label: labels.get(ref.connectionId) ?? (context.staff ? providerNameOf(ref.provider) : 'A carrier'), outcome, reason, numbers: context.numbersByConnection.get(ref.connectionId) ?? 0, relevant: relevantIds.includes(ref.connectionId) };
    })
    .sort((a, b) => a.label.localeCompare(b.label));
  const relevant = rows.filter((row) => row.relevant);
  const ok = (row: (typeof rows)[number]) => row.outcome === 'accepted' || row.outcome === 'corrected';
  const good = relevant.filter(ok);
  const bad = relevant.filter((row) => !ok(row));
  const upstreams = rows.map(({ label, outcome, reason, numbers }) => ({ label, outcome, reason, numbers }));
  const checkedAt = new Date(validation.checkedAt);
  const describe = (row: (typeof rows)[number]) => `${row.label}${row.numbers ? ` (${numbersWord(row.numbers)})` : ''} ${OUTCOME_WORDS[row.outcome]}${row.reason && !ok(row) ? `: ${row.reason}` : ''}`;
  if (bad.length === 0) {
    const others = rows.filter((row) => !row.relevant && !ok(row));
    return {
      state: 'checked',
      checkedAt,
      headline: 'Checked against the emergency database',
      detail:
        carrying.length > 0
          ? `Every carrier of your numbers accepted it.${others.length ? ` Numbers you buy later from ${joinWords(others.map((row) => row.label))} could not use it (${others.map(describe).join('; ')}).` : ''}`
          : 'Every carrier accepted it.',
      upstreams,
    };
  }
  if (good.length === 0) {
    return { state: 'refused', checkedAt, headline: 'Not accepted by the carriers of your numbers', detail: `None of your numbers can be registered at it: ${bad.map(describe).join('; ')}. Edit it, or pick a correction when one is offered.`, upstreams };
  }
  const covered = good.reduce((sum, row) => sum + row.numbers, 0);
  return {
    state: 'partial',
    checkedAt,
    headline: 'Accepted by some carriers only',
    detail: `It can cover your numbers on ${joinWords(good.map((row) => row.label))}${covered ? ` (${numbersWord(covered)})` : ''}. Numbers on the others cannot be registered at it: ${bad.map(describe).join('; ')}.`,
    upstreams,
  };
}

async function checkContext(access: AccountAccess) {
  const db = await getDb();
  const [numbersByConnection, connections] = await Promise.all([countLiveNumbersByConnection(db, { accountId: access.account.id }), getProviderConnections(db)]);
  return { numbersByConnection, connections: connections.map(({ id, provider, name }) => ({ id, provider, name })), staff: access.user.isOperatorStaff };
}

/** The account's address with how it stands with the upstreams. */
export async function getE911AddressWithCheck(access: AccountAccess, addressId: string) {
  const address = await getE911Address(access, addressId);
  return { address, check: judgeE911Check(address, await checkContext(access)) };
}

/** Every address of the account with how it stands, for the address book. */
export async function listE911AddressesWithChecks(access: AccountAccess) {
  const [rows, context] = await Promise.all([listE911Addresses(access), checkContext(access)]);
  return rows.map((row) => ({ ...row, check: judgeE911Check(row.address, context) }));
}

/** One page of the account's addresses by street (the API's list), each judged: `limit + 1` rows, for `pageFrom`. */
export async function listE911AddressesPage(access: AccountAccess, { after, limit }: { after?: { street: string; id: string }; limit: number }) {
  assertCan(access, 'technical.read');
  const db = await getDb();
  const [rows, context] = await Promise.all([getE911AddressesPageByAccount(db, { accountId: access.account.id, after, limit: limit + 1 }), checkContext(access)]);
  return rows.map((row) => ({ ...row, check: judgeE911Check(row.address, context) }));
}

export interface E911CarrierCheck {
  /** accepted: a carrier took it as typed and none proposed a correction; corrections: pick one of `alternates`; rejected: none took it; unchecked: none could be asked. */
  verdict: 'accepted' | 'corrections' | 'rejected' | 'unchecked';
  address: NormalizedE911Address;
  acceptedAsTyped: boolean;
  alternates: NormalizedE911Address[];
  upstreams: { label: string; outcome: E911UpstreamCheck['outcome']; reason?: string }[];
}

/**
 * The carriers' check of an address without saving it (what the address form asks before it
 * saves), with the same caller-name rule and the same corrections `saveE911Address` would offer.
 */
export async function checkE911AddressWithCarriers(access: AccountAccess, address: NormalizedE911Address): Promise<E911CarrierCheck> {
  assertCan(access, 'technical.write');
  const staff = access.user.isOperatorStaff;
  const provisioners = (await getEnabledAdapters('e911')).map((entry) => entry.connection.provider as ProviderId);
  checkCallerName(address, provisioners, staff);
  const verdicts = await validateEverywhere(address);
  const labels = upstreamLabels(verdicts.map((verdict) => ({ connectionId: verdict.connectionId, provider: verdict.provider })), staff);
  const acceptedAsTyped = verdicts.some((verdict) => verdict.valid);
  const alternates = verdicts.flatMap((verdict) => verdict.alternates).filter((alternate, index, all) => all.findIndex((other) => sameAddress(other, alternate)) === index && !sameAddress(alternate, address));
  const verdict = verdicts.every((entry) => entry.outcome === 'unchecked') ? 'unchecked' : alternates.length > 0 ? 'corrections' : acceptedAsTyped ? 'accepted' : 'rejected';
  const upstreams = verdicts
    .map((entry) => {
      const label = labels.get(entry.connectionId) ?? 'A carrier';
      return { label, outcome: entry.outcome, ...(entry.reason && entry.outcome !== 'accepted' ? { reason: scrubProviderNames(entry.reason, staff, 'the carrier') } : {}) };
    })
    .sort((left, right) => left.label.localeCompare(right.label, 'en', { numeric: true }));
  return { verdict, address, acceptedAsTyped, alternates, upstreams };
}

/**
 * Asks every upstream again about a saved address, without changing it: after an upstream was down,
 * or a carrier was added. Upstreams that accept it now get their address id recorded.
 */
export async function recheckE911Address(access: AccountAccess, addressId: string): Promise<E911AddressCheck> {
  assertCan(access, 'technical.write');
  const address = await getE911Address(access, addressId);
  const verdicts = await validateEverywhere(rowToAddress(address));
  const now = new Date();
  const validation = validationRecordOf(verdicts, now);
  const db = await getDb();
  await db.transaction(async (tx) => {
    await updateE911AddressValidation(tx, { addressId: address.id, accountId: access.account.id, validation, validatedAt: now });
    for (const verdict of verdicts.filter((candidate) => candidate.valid)) {
      await upsertE911AddressUpstream(tx, { addressId: address.id, connectionId: verdict.connectionId, upstreamAddressId: verdict.addressRef ?? null, normalized: rowToAddress(address) });
    }
    // The customer's audit log is theirs to read and export: carriers by their numbered label, as the address form shows them.
    const labels = upstreamLabels(verdicts.map((verdict) => ({ connectionId: verdict.connectionId, provider: verdict.provider })), false);
    const answers = verdicts.map((verdict) => `${labels.get(verdict.connectionId) ?? 'A carrier'}: ${verdict.outcome}`).sort((left, right) => left.localeCompare(right, 'en', { numeric: true }));
    await recordAudit(tx, access, { accountId: access.account.id, action: 'e911.address_recheck', targetType: 'e911_address', targetId: address.id, after: { upstreams: answers } });
  });
  return judgeE911Check({ validation, validatedAt: now }, await checkContext(access));
}

export interface NumberE911Result {
  numberId: string;
  e164: string;
  status: E911Status;
  detail?: string;
}

/** `detail` is what the customer reads; `upstreamDetail` the carrier's own words, for staff. */
async function setNumberStatus(numberId: string, status: E911Status, detail: string | null, addressId: string | null, upstreamDetail?: string) {
  await setNumberE911Registration(await getDb(), { numberId, status, detail, addressId, upstreamDetail: upstreamDetail?.slice(0, 1000) ?? null });
}

/** A registration that failed (refused, or found gone or changed at the carrier): recorded and announced together. */
async function failNumberRegistration(number: Pick<PhoneNumber, 'id' | 'e164' | 'accountId'>, detail: string, addressId: string, upstreamDetail?: string) {
  const db = await getDb();
  await db.transaction(async (tx) => {
    await setNumberE911Registration(tx, { numberId: number.id, status: 'failed', detail: detail.slice(0, 300), addressId, upstreamDetail: upstreamDetail?.slice(0, 1000) ?? null });
    await publishAccountEvent(tx, { accountId: number.accountId, type: 'e911.registration_failed', data: { e164: number.e164, addressId, reason: detail.slice(0, 300) } });
  });
  dispatchAccountEventsSoon();
}

/** A released number no longer has (or needs) an emergency address with us. */
export async function forgetNumberE911(numberId: string) {
  await setNumberStatus(numberId, 'none', null, null);
}

/**
 * Registers the address on each number's own upstream (using the upstream's address id where it
 * gave one), one number at a time so one failure does not stop the others. The stored detail may
 * name the carrier; the views leave names out for customers.
 */
async function provisionNumbers(address: E911AddressRow, numbers: PhoneNumber[]): Promise<NumberE911Result[]> {
  const results: NumberE911Result[] = [];
  const record = rowToAddress(address);
  const upstreamRefs = numbers.length > 0 ? await getE911AddressUpstreamRefs(await getDb(), { addressId: address.id }) : new Map<string, string | null>();
  for (const number of numbers) {
    await setNumberStatus(number.id, 'pending', null, address.id);
    let carrierRegistered = false;
    try {
      const { adapter, connection } = await getConnectionAdapter(number.connectionId);
      if (!adapter.e911) {
        // Registration belongs to the carrier of the number; no other upstream can register it.
        const detail = `${PROVIDER_NAMES[connection.provider as ProviderId]}: the carrier of this number cannot register emergency addresses through its API.`;
        await setNumberStatus(number.id, 'unsupported', detail, address.id);
        results.push({ numberId: number.id, e164: number.e164, status: 'unsupported', detail });
        continue;
      }
      await adapter.e911.provision({ e164: number.e164, address: toProviderE911Address(record), callerName: record.callerName, addressRef: upstreamRefs.get(number.connectionId) ?? undefined });
      carrierRegistered = true;
      await setNumberStatus(number.id, 'registered', null, address.id);
      results.push({ numberId: number.id, e164: number.e164, status: 'registered' });
    } catch (error) {
      if (carrierRegistered) {
        // The carrier holds the registration; only our record of it failed. The number stays pending,
        // which the reconcile job registers again (the carrier takes the same registration twice).
        log.error('e911.record_registration_failed', { numberId: number.id, error });
        results.push({ numberId: number.id, e164: number.e164, status: 'pending', detail: 'The carrier registered the address, but we could not record it yet. It is confirmed automatically, or register it again.' });
        continue;
      }
      const refused = translateRefusal(error, 'e911_register', { carrier: 'the carrier', number: formatE164(number.e164) });
      const detail = refused.customer;
      log.warn('e911.provision_failed', { numberId: number.id, error });
      if (refused.staffTask) await openStaffTask(await getDb(), { accountId: number.accountId, kind: refused.staffTask, subject: refused.staffTask === 'credentials' ? { type: 'provider_connection', id: number.connectionId } : { type: 'phone_number', id: number.id }, connectionId: number.connectionId, title: refused.staffTask === 'credentials' ? 'A carrier rejects the connection’s credentials' : `E911 registration of ${formatE164(number.e164)} refused`, detail: refused.staffDetail });
      await failNumberRegistration(number, detail, address.id, refused.staffDetail);
      results.push({ numberId: number.id, e164: number.e164, status: 'failed', detail });
    }
  }
  return results;
}

export async function getE911Address(access: AccountAccess, addressId: string) {
  assertCan(access, 'technical.read');
  const row = await getE911AddressById(await getDb(), { addressId, accountId: access.account.id });
  if (!row) throw new AppError('not_found:e911_address');
  return row;
}

/** Registers the address on each number's upstream; one failure does not stop the others. */
export async function assignE911Address(access: AccountAccess, input: { addressId: string; numberIds: string[] }): Promise<NumberE911Result[]> {
  assertCan(access, 'technical.write');
  const address = await getE911Address(access, input.addressId);
  const db = await getDb();
  const numbers = await getLiveNumbersByIds(db, { accountId: access.account.id, numberIds: input.numberIds });
  if (numbers.length !== new Set(input.numberIds).size) throw new AppError('not_found:number', 'Some of those numbers are not in this account.');
  const results = await provisionNumbers(address, numbers);
  await recordAudit(db, access, { accountId: access.account.id, action: 'e911.assign', targetType: 'e911_address', targetId: address.id, after: { numbers: results.map((result) => `${result.e164}: ${result.status}`) } });
  return results;
}

/** The numbers each carrier holds an emergency record for, read once per carrier; undefined where the carrier cannot list them. */
function carrierRecordsOnce() {
  const lists = new Map<string, Promise<Set<string> | undefined>>();
  return (connectionId: string, e911: E911Capability) => {
    let held = lists.get(connectionId);
    if (!held) {
      held = e911.list().then(
        (records) => new Set(records.map((record) => record.e164)),
        (error: unknown) => {
          if (isProviderError(error) && error.providerKind === 'unsupported') return undefined;
          throw error;
        },
      );
      lists.set(connectionId, held);
    }
    return held;
  };
}

/**
 * Removes the number's emergency record at its carrier. A failed or pending number may still have one
 * there (the older address the carrier kept when it refused a new one, a different record
 * reconciliation found, an answer lost mid-registration); some carriers refuse to remove a record
 * they do not hold, so their list decides, and where they cannot list, such a refusal means none is held.
 */
async function removeCarrierRecord(e911: E911Capability, number: Pick<PhoneNumber, 'e164' | 'e911Status' | 'connectionId'>, heldOn: ReturnType<typeof carrierRecordsOnce>) {
  if (number.e911Status === 'registered') return e911.remove(number.e164);
  const held = await heldOn(number.connectionId, e911);
  if (held) return held.has(number.e164) ? e911.remove(number.e164) : undefined;
  try {
    await e911.remove(number.e164);
  } catch (error) {
    if (!(isProviderError(error) && (error.providerKind === 'not_found' || error.providerKind === 'conflict'))) throw error;
  }
}

/** Removes the registration from the numbers (upstream first), leaving them without an address. */
export async function unassignE911(access: AccountAccess, numberIds: string[]): Promise<NumberE911Result[]> {
  assertCan(access, 'technical.write');
  const db = await getDb();
  const numbers = await getLiveNumbersByIds(db, { accountId: access.account.id, numberIds });
  if (numbers.length !== new Set(numberIds).size) throw new AppError('not_found:number', 'Some of those numbers are not in this account.');
  const results: NumberE911Result[] = [];
  const heldOn = carrierRecordsOnce();
  for (const number of numbers) {
    try {
      if (number.e911Status === 'registered' || number.e911Status === 'failed' || number.e911Status === 'pending') {
        const { adapter } = await getConnectionAdapter(number.connectionId);
        if (adapter.e911) await removeCarrierRecord(adapter.e911, number, heldOn);
      }
      await setNumberStatus(number.id, 'none', null, null);
      results.push({ numberId: number.id, e164: number.e164, status: 'none' });
    } catch (error) {
      log.warn('e911.remove_failed', { numberId: number.id, error });
      const detail = translateRefusal(error, 'e911_remove', { carrier: 'the carrier', number: formatE164(number.e164) }).customer;
      results.push({ numberId: number.id, e164: number.e164, status: number.e911Status as E911Status, detail });
    }
  }
  await recordAudit(db, access, { accountId: access.account.id, action: 'e911.unassign', targetType: 'phone_number', after: { numbers: results.map((result) => `${result.e164}: ${result.status}`) } });
  return results;
}

/** Numbers named in a message before "and N more". */
const NUMBERS_NAMED = 10;
const namedNumbers = (results: NumberE911Result[]) =>
  joinWords([...results.slice(0, NUMBERS_NAMED).map((result) => formatE164(result.e164)), ...(results.length > NUMBERS_NAMED ? [`${results.length - NUMBERS_NAMED} more`] : [])]);

/**
 * Deletes an address after removing it from every number that uses it. Numbers are released one by
 * one at their carriers, so when one is refused the others may already be released: the refusal
 * names both, since those numbers have no emergency address now.
 */
export async function deleteE911Address(access: AccountAccess, addressId: string): Promise<NumberE911Result[]> {
  assertCan(access, 'technical.write');
  const address = await getE911Address(access, addressId);
  const users = await getLiveNumbersByE911Address(await getDb(), { addressId: address.id });
  const results = users.length ? await unassignE911(access, users.map((number) => number.id)) : [];
  const kept = results.filter((result) => result.status !== 'none');
  if (kept.length > 0) {
    const released = results.filter((result) => result.status === 'none');
    const wasRegistered = new Set(users.filter((number) => number.e911Status === 'registered' || number.e911Status === 'pending').map((number) => number.id));
    const lost = released.filter((result) => wasRegistered.has(result.numberId));
    const left = released.filter((result) => !wasRegistered.has(result.numberId));
    const parts = [`The address is kept: the carrier did not release ${namedNumbers(kept)} from it.`];
    if (lost.length > 0) {
      const one = lost.length === 1;
      parts.push(`${namedNumbers(lost)} ${one ? 'was' : 'were'} released from it and ${one ? 'has' : 'have'} no emergency address now; register ${one ? 'it' : 'them'} at an address again.`);
    }
    if (left.length > 0) parts.push(`${namedNumbers(left)} no longer use${left.length === 1 ? 's' : ''} it.`);
    // The carriers' reasons, each a sentence for the customer ("the carrier", never its name).
    parts.push(...new Set(kept.slice(0, 3).map((result) => result.detail).filter((detail): detail is string => Boolean(detail))));
    throw new AppError('conflict:e911_in_use', parts.join(' '));
  }
  const db = await getDb();
  await deleteE911AddressRow(db, { addressId: address.id });
  await recordAudit(db, access, { accountId: access.account.id, action: 'e911.address_delete', targetType: 'e911_address', targetId: address.id, before: rowToAddress(address) });
  return results;
}

/** How many of the account's live numbers have no registered emergency address. */
export async function countNumbersWithoutE911(access: AccountAccess): Promise<{ total: number; unregistered: number }> {
  return countE911CoverageByAccount(await getDb(), { accountId: access.account.id });
}

export async function listE911Addresses(access: AccountAccess) {
  assertCan(access, 'technical.read');
  return getE911AddressesByAccount(await getDb(), { accountId: access.account.id });
}

/**
 * A number moving to another account keeps its emergency registration (the phone has not moved):
 * its address is carried into the target's address book (an identical address there is reused),
 * with the upstreams' ids, so the new owner sees and manages it. Runs inside the move's transaction.
 */
export async function carryE911AddressToAccount(tx: Tx, input: { numberId: string; addressId: string | null; toAccountId: string }) {
  if (!input.addressId) return;
  const [source] = await getE911AddressesByIds(tx, { addressIds: [input.addressId] });
  if (!source || source.accountId === input.toAccountId) return;
  let target = await getSameE911AddressInAccount(tx, { accountId: input.toAccountId, address: source });
  if (!target) {
    const { street, unit, city, state, postalCode, country, callerName, validatedAt, validation } = source;
    target = await insertE911Address(tx, { accountId: input.toAccountId, street, unit, city, state, postalCode, country, callerName, validatedAt, validation });
    const upstreams = await getE911AddressUpstreams(tx, { addressId: source.id });
    if (target) await insertE911AddressUpstreams(tx, upstreams.map((upstream) => ({ ...upstream, addressId: target!.id })));
  }
  if (target) await setNumberE911Address(tx, { numberId: input.numberId, addressId: target.id });
}

/**
 * Registers an address chosen at checkout on the numbers the order bought (the order's account
 * owns both). An address deleted since checkout leaves the numbers without one.
 */
export async function registerE911ForNewNumbers(input: { accountId: string; addressId: string; numberIds: string[] }): Promise<NumberE911Result[]> {
  const db = await getDb();
  const address = await getE911AddressById(db, { addressId: input.addressId, accountId: input.accountId });
  const numbers = await getLiveNumbersByIds(db, { accountId: input.accountId, numberIds: input.numberIds });
  if (!address) {
    for (const number of numbers) await setNumberStatus(number.id, 'none', null, null);
    return numbers.map((number) => ({ numberId: number.id, e164: number.e164, status: 'none', detail: 'The emergency address chosen at checkout was deleted.' }));
  }
  return provisionNumbers(address, numbers);
}

export interface E911ReconcileSummary {
  /** Numbers compared with what their upstream holds. */
  checked: number;
  /** Numbers on upstreams that cannot list their emergency records, left as they are. */
  skipped: number;
  /** Registered numbers the upstream disagrees with, now marked failed. */
  flagged: { numberId: string; e164: string; detail: string }[];
  /** Numbers left pending (a crash before the upstream answered, or its yes we could not record) that were registered again. */
  retried: NumberE911Result[];
  /** Connections whose listing failed; their numbers are left as they are until the next run. */
  errors: { connectionId: string; error: string }[];
}

/** A number pending this long has lost its registration run (a crash, a restart); the job drives it again. */
export const E911_PENDING_STALE_MS = 10 * 60_000;

/** Both sides normalized the same way, so "Main Street" upstream matches our "MAIN ST". */
const comparable = (address: Pick<E911AddressRow, 'street' | 'city' | 'state' | 'postalCode'>) => normalizeE911Address({ street: address.street, city: address.city, state: address.state, postalCode: address.postalCode });

/** Where the upstream's record differs from ours (street, city, ZIP), in words; undefined when it matches. */
function addressDifference(ours: E911AddressRow, theirs: E911Record['address']): string | undefined {
  const [a, b] = [comparable(ours), comparable(theirs)];
  const differences: string[] = [];
  if (a.street !== b.street) differences.push(`street "${theirs.street}" (ours "${ours.street}")`);
  if (a.city !== b.city) differences.push(`city "${theirs.city}" (ours "${ours.city}")`);
  if (a.postalCode.slice(0, 5) !== b.postalCode.slice(0, 5)) differences.push(`ZIP "${theirs.postalCode}" (ours "${ours.postalCode}")`);
  return differences.length > 0 ? `The carrier holds a different emergency address: ${differences.join(', ')}; register it again` : undefined;
}

/**
 * Job: drives again any registration left pending by a crash, then compares each registered (or
 * failed) number's emergency record with what its upstream holds, where the upstream can list them
 * (`e911.list`), and marks a registered number failed when the record is gone or differs. Failed
 * numbers are counted as checked but left failed even if the upstream matches: a registration is
 * made by the user, not inferred.
 */
export async function reconcileE911(now = new Date()): Promise<E911ReconcileSummary> {
  const db = await getDb();
  const summary: E911ReconcileSummary = { checked: 0, skipped: 0, flagged: [], retried: [], errors: [] };
  const candidates = await getNumbersToReconcileE911(db, { pendingBefore: new Date(now.getTime() - E911_PENDING_STALE_MS) });
  if (candidates.length === 0) return summary;
  const addresses = new Map((await getE911AddressesByIds(db, { addressIds: [...new Set(candidates.map((number) => number.e911AddressId!))] })).map((row) => [row.id, row]));

  for (const [addressId, address] of addresses) {
    const stale = candidates.filter((number) => number.e911Status === 'pending' && number.e911AddressId === addressId);
    if (stale.length > 0) summary.retried.push(...(await provisionNumbers(address, stale)));
  }

  const byConnection = new Map<string, typeof candidates>();
  for (const number of candidates.filter((candidate) => candidate.e911Status !== 'pending')) {
    byConnection.set(number.connectionId, [...(byConnection.get(number.connectionId) ?? []), number]);
  }
  for (const [connectionId, carried] of byConnection) {
    let records: Map<string, E911Record>;
    try {
      const { adapter } = await getConnectionAdapter(connectionId);
      if (!adapter.e911) {
        summary.skipped += carried.length;
        continue;
      }
      records = new Map((await adapter.e911.list()).map((record) => [record.e164, record]));
    } catch (error) {
      log.warn('e911.reconcile_list_failed', { connectionId, error });
      summary.errors.push({ connectionId, error: isProviderError(error) ? (error.upstreamMessage ?? error.message) : String(error) });
      continue;
    }
    for (const number of carried) {
      summary.checked += 1;
      const address = addresses.get(number.e911AddressId!);
      if (!address || number.e911Status !== 'registered') continue;
      const record = records.get(number.e164);
      const detail = !record ? 'The carrier has no emergency record for this number; register it again' : addressDifference(address, record.address);
      if (!detail) continue;
      await failNumberRegistration(number, detail, address.id);
      summary.flagged.push({ numberId: number.id, e164: number.e164, detail });
      log.warn('e911.reconcile_flagged', { numberId: number.id, connectionId, detail });
    }
  }
  return summary;
}
