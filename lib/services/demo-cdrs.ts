import 'server-only';

/**
 * Demo calls for the demo tree (Acme Telecom, Acme East, Acme West): `days` of traffic with a
 * business-hours day, quieter weekends and one upstream incident, stored through the real ingest
 * (so the rollups are built as for any call). Deterministic: every hour's calls come from a PRNG
 * seeded by that hour, with source ids derived from it, so a re-run only finds duplicates.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { getDb, type Db } from '@/lib/db/client';
import { rowsOf } from '@/lib/db/rows';
import { accounts, auditEvents, providerConnections, trunkGroups } from '@/lib/db/schema';
import { getEnv } from '@/lib/env';
import { WEEK_MS } from '@/lib/quality/baseline';
import { CDR_INGEST_BATCH, ingestCdrBatch, type CdrInput } from '@/lib/services/cdr-ingest';

export const DEMO_CDR_SOURCE = 'demo';

/**
 * The incident: on one upstream (the first connection by provider name), for an hour ending 45
 * minutes before the seed's `now` (on 5-minute boundaries, so whole rollup buckets), ASR falls to
 * about a quarter (503 with Q.850 38, network out of order) and PDD doubles. It hits Acme West,
 * whose US traffic goes through that upstream.
 */
export const DEMO_INCIDENT = {
  minutes: 60,
  // Just settled at the first start: the 5-minute alert job judges it then, and the alert stays open (no later demo calls clear it).
  endsMinutesBeforeNow: 5,
  account: 'Acme West',
  destination: 'US',
  asr: 0.25,
  pddFactor: 2,
} as const;

export function demoIncidentWindow(now: Date): { from: Date; to: Date } {
  const fiveMinutes = 5 * 60_000;
  const to = new Date(Math.floor((now.getTime() - DEMO_INCIDENT.endsMinutesBeforeNow * 60_000) / fiveMinutes) * fiveMinutes);
  return { from: new Date(to.getTime() - DEMO_INCIDENT.minutes * 60_000), to };
}

export interface DemoCdrResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  incident: { connectionId: string; accountId: string; trunkGroupId: string; from: Date; to: Date };
}

/** mulberry32: small, fast and the same on every platform. */
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;

function gaussian(random: Random) {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function logNormal(random: Random, median: number, sigma: number) {
  return median * Math.exp(sigma * gaussian(random));
}

function pick<T>(random: Random, weighted: readonly (readonly [T, number])[]): T {
  const total = weighted.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [value, weight] of weighted) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return weighted[weighted.length - 1]![0];
}

function digits(random: Random, count: number) {
  let out = '';
  for (let i = 0; i < count; i++) out += Math.floor(random() * 10);
  return out;
}

type Country = 'US' | 'CA' | 'MX' | 'GB' | 'BR';

/** A plausible number in each country (area codes that exist; exchanges 2xx–9xx as NANP requires). */
function remoteNumber(random: Random, country: Country): string {
  const exchange = () => `${2 + Math.floor(random() * 8)}${digits(random, 2)}`;
  switch (country) {
    case 'US':
      return `+1${pick(random, [['212', 3], ['312', 2], ['415', 2], ['617', 2], ['713', 2], ['305', 1], ['404', 1], ['206', 1], ['303', 1], ['702', 1]] as const)}${exchange()}${digits(random, 4)}`;
    case 'CA':
      return `+1${pick(random, [['416', 3], ['604', 2], ['514', 2], ['403', 1]] as const)}${exchange()}${digits(random, 4)}`;
    case 'MX':
      return `+5255${5 + Math.floor(random() * 4)}${digits(random, 7)}`;
    case 'GB':
      return `+4420794${60 + Math.floor(random() * 10)}${digits(random, 3)}`;
    case 'BR':
      return `+5511${3 + Math.floor(random() * 2)}${digits(random, 7)}`;
  }
}

const OUTBOUND_COUNTRIES = [['US', 70], ['CA', 15], ['MX', 6], ['GB', 5], ['BR', 4]] as const;
const INBOUND_CALLERS = [['US', 85], ['CA', 10], ['MX', 3], ['GB', 2]] as const;

/** Upstream cost per minute by destination; each connection's own rates scale these. */
const RATE_PER_MINUTE: Record<Country | 'inbound', number> = { inbound: 0.0028, US: 0.0052, CA: 0.0061, MX: 0.0185, GB: 0.0112, BR: 0.0345 };
const CONNECTION_RATE_FACTORS = [1, 0.92, 1.12, 1.05, 0.97, 1.2];
/** Share of calls whose upstream reports no 18x, per connection (upstream CDRs often lack it). */
const PDD_UNKNOWN_SHARE = [0.04, 0.08, 0.35, 0.1, 0.12, 0.2];

/** Traffic weight by local hour: a business day, a lunch dip, quiet nights. */
const HOUR_WEIGHTS = [0.12, 0.09, 0.08, 0.08, 0.1, 0.16, 0.3, 0.55, 0.85, 1, 1, 0.95, 0.82, 0.92, 1, 0.98, 0.9, 0.72, 0.5, 0.38, 0.3, 0.24, 0.19, 0.15];
const HOUR_WEIGHT_SUM = HOUR_WEIGHTS.reduce((sum, weight) => sum + weight, 0);
const WEEKEND_FACTOR = 0.38;
/** Calls per weekday for the whole tree: about 1,700, so 90 days come to about 130,000 calls. */
const WEEKDAY_CALLS = 1700;

type Outcome = { sipCode: number; q850: number; answered: boolean; rings: boolean };
const ANSWERED: Outcome = { sipCode: 200, q850: 16, answered: true, rings: true };
const OUTCOMES_NORMAL: readonly (readonly [Outcome, number])[] = [
  [ANSWERED, 66],
  [{ sipCode: 486, q850: 17, answered: false, rings: true }, 8],
  [{ sipCode: 480, q850: 19, answered: false, rings: true }, 8],
  [{ sipCode: 487, q850: 16, answered: false, rings: true }, 8],
  [{ sipCode: 404, q850: 1, answered: false, rings: false }, 2.5],
  [{ sipCode: 503, q850: 34, answered: false, rings: false }, 3.5],
  [{ sipCode: 603, q850: 21, answered: false, rings: true }, 2],
  [{ sipCode: 408, q850: 18, answered: false, rings: false }, 1],
  [{ sipCode: 484, q850: 28, answered: false, rings: false }, 1],
];
const OUTCOMES_INCIDENT: readonly (readonly [Outcome, number])[] = [
  [ANSWERED, 25],
  [{ sipCode: 503, q850: 38, answered: false, rings: false }, 45],
  [{ sipCode: 480, q850: 19, answered: false, rings: true }, 10],
  [{ sipCode: 486, q850: 17, answered: false, rings: true }, 8],
  [{ sipCode: 487, q850: 16, answered: false, rings: true }, 12],
];

interface DemoAccount {
  id: string;
  name: string;
  /** Share of the tree's traffic. */
  share: number;
  /** Hours from UTC (fixed, DST ignored): Acme is on the east coast, West on the west. */
  utcOffset: number;
  trunkGroupId: string;
  dids: string[];
  /** Where its inbound calls arrive and its outbound calls go, by destination. */
  inboundConnections: string[];
  outboundConnections: (country: Country) => readonly (readonly [string, number])[];
}

/** HQ's codecs were narrowed two days before the seed's `now` (recordDemoRoutingChange): its group has them as they are after. */
const DEMO_CODEC_CHANGE = { account: 'Acme Telecom', before: ['PCMU', 'PCMA', 'G729'], after: ['PCMU', 'PCMA'] } as const;

const DEMO_TRUNKS = [
  { account: 'Acme Telecom', name: 'HQ SBC', host: 'sbc.acme.example', ip: '198.51.100.10/32', npa: '212', share: 0.45, utcOffset: -5, codecs: DEMO_CODEC_CHANGE.after },
  { account: 'Acme East', name: 'East SBC', host: 'sbc-east.acme.example', ip: '198.51.100.20/32', npa: '617', share: 0.3, utcOffset: -5, codecs: ['PCMU', 'PCMA', 'G729'] },
  { account: 'Acme West', name: 'West SBC', host: 'sbc-west.acme.example', ip: '198.51.100.30/32', npa: '415', share: 0.25, utcOffset: -8, codecs: ['PCMU', 'PCMA', 'G729'] },
] as const;

async function demoAccounts(db: Db) {
  const [root] = await db.select().from(accounts).where(and(eq(accounts.name, 'Acme Telecom'), isNull(accounts.parentId))).limit(1);
  if (!root) throw new Error('The demo tree (Acme Telecom) is not seeded: run seedDemo first.');
  const children = await db.select().from(accounts).where(eq(accounts.parentId, root.id));
  const byName = new Map([[root.name, root], ...children.map((child) => [child.name, child] as const)]);
  return DEMO_TRUNKS.map((trunk) => {
    const account = byName.get(trunk.account);
    if (!account) throw new Error(`The demo account ${trunk.account} is missing: run seedDemo first.`);
    return { account, trunk };
  });
}

/** The demo's trunk groups (one per account, no numbers yet, so nothing to push upstream). */
async function ensureDemoTrunkGroup(db: Db, accountId: string, trunk: (typeof DEMO_TRUNKS)[number]): Promise<string> {
  const [existing] = await db.select({ id: trunkGroups.id }).from(trunkGroups).where(and(eq(trunkGroups.accountId, accountId), eq(trunkGroups.name, trunk.name)));
  if (existing) return existing.id;
  const [created] = await db
    .insert(trunkGroups)
    .values({
      accountId,
      name: trunk.name,
      direction: 'both',
      auth: 'ip',
      allowedIps: [trunk.ip],
      destinations: [{ host: trunk.host, port: 5060, transport: 'udp', priority: 10, weight: 100 }],
      maxChannels: 60,
      maxCps: 5,
      codecs: [...trunk.codecs],
    })
    .returning({ id: trunkGroups.id });
  if (!created) throw new Error(`could not create the demo trunk group ${trunk.name}`);
  await db.insert(auditEvents).values({ accountId, action: 'trunk_group.create', targetType: 'trunk_group', targetId: created.id, actorEmail: 'seed', after: { name: trunk.name } });
  return created.id;
}

/** Whether the demo calls are already stored (the start script then skips seeding). */
export async function hasDemoCdrs(db: Db): Promise<boolean> {
  const [root] = await db.select({ id: accounts.id }).from(accounts).where(and(eq(accounts.name, 'Acme Telecom'), isNull(accounts.parentId))).limit(1);
  if (!root) return false;
  const result = await db.execute(sql`SELECT 1 FROM cdrs WHERE account_id = ${root.id}::uuid AND source = ${DEMO_CDR_SOURCE} LIMIT 1`);
  return rowsOf(result).length > 0;
}

interface Call {
  line: number;
  input: CdrInput;
}

function callsOfHour(hourStart: number, demo: DemoAccount[], connectionIndex: Map<string, number>, incident: { connectionId: string; accountId: string; from: number; to: number }, now: number): CdrInput[] {
  const random = prng(Math.floor(hourStart / 3_600_000) * 2654435761);
  const calls: CdrInput[] = [];
  let seq = 0;
  for (const account of demo) {
    const local = new Date(hourStart + account.utcOffset * 3_600_000);
    const weekend = local.getUTCDay() === 0 || local.getUTCDay() === 6;
    const expected = (WEEKDAY_CALLS * account.share * HOUR_WEIGHTS[local.getUTCHours()]!) / HOUR_WEIGHT_SUM;
    const count = Math.round(expected * (weekend ? WEEKEND_FACTOR : 1) * (0.85 + 0.3 * random()));
    for (let i = 0; i < count; i++) {
      const inviteAt = hourStart + Math.floor(random() * 3_600_000);
      const call = oneCall(random, account, inviteAt, connectionIndex, incident, `${new Date(hourStart).toISOString()}#${seq++}`);
      if (call.endAt && call.endAt.getTime() <= now) calls.push(call);
    }
    // West's wholesale customer sends a steady batch at this time of the week, every week: the
    // alert rule compares a window with the same time of week over four weeks, so the incident hour
    // has a normal baseline to be judged against whatever day and hour the demo is first started.
    if (account.id === incident.accountId) {
      const weeksBack = Math.round((incident.from - hourStart) / WEEK_MS);
      const from = Math.max(hourStart, incident.from - weeksBack * WEEK_MS);
      const to = Math.min(hourStart + 3_600_000, incident.to - weeksBack * WEEK_MS);
      for (let i = 0; weeksBack >= 0 && to > from && i < Math.round(((to - from) / 3_600_000) * 240); i++) {
        const inviteAt = from + Math.floor(random() * (to - from));
        const call = oneCall(random, account, inviteAt, connectionIndex, incident, `${new Date(hourStart).toISOString()}#${seq++}`, { direction: 'outbound', country: 'US', connectionId: incident.connectionId });
        if (call.endAt && call.endAt.getTime() <= now) calls.push(call);
      }
    }
  }
  return calls;
}

function oneCall(
  random: Random,
  account: DemoAccount,
  inviteAt: number,
  connectionIndex: Map<string, number>,
  incident: { connectionId: string; from: number; to: number },
  sourceId: string,
  redial?: { direction: 'outbound'; country: Country; connectionId: string },
): CdrInput {
  const did = account.dids[Math.floor(random() * account.dids.length)]!;
  const direction = redial?.direction ?? (random() < 0.45 ? 'inbound' : 'outbound');
  let country: Country;
  let connectionId: string;
  let from: string;
  let to: string;
  if (direction === 'inbound') {
    country = 'US';
    from = remoteNumber(random, pick(random, INBOUND_CALLERS));
    to = did;
    connectionId = account.inboundConnections[Math.floor(random() * account.inboundConnections.length)]!;
  } else {
    country = redial?.country ?? pick(random, OUTBOUND_COUNTRIES);
    from = did;
    to = remoteNumber(random, country);
    connectionId = redial?.connectionId ?? pick(random, account.outboundConnections(country));
  }
  const index = connectionIndex.get(connectionId) ?? 0;
  const inIncident = connectionId === incident.connectionId && inviteAt >= incident.from && inviteAt < incident.to;
  const outcome = pick(random, inIncident ? OUTCOMES_INCIDENT : OUTCOMES_NORMAL);
  const pddMs = Math.min(12_000, Math.max(250, logNormal(random, direction === 'inbound' ? 1300 : 1800, 0.3) * (inIncident ? DEMO_INCIDENT.pddFactor : 1)));
  const reportsRinging = outcome.rings && random() >= PDD_UNKNOWN_SHARE[index % PDD_UNKNOWN_SHARE.length]!;
  let ringingAt: number | undefined;
  let answerAt: number | undefined;
  let endAt: number;
  let billsec = 0;
  if (outcome.rings) {
    const rang = inviteAt + Math.round(pddMs);
    if (reportsRinging) ringingAt = rang;
    if (outcome.answered) {
      answerAt = rang + Math.round(2000 + random() * 16_000);
      // Long-tailed talk time: some very short calls, most a minute or three, a few over an hour.
      billsec = random() < 0.1 ? 1 + Math.floor(random() * 5) : Math.min(4 * 3600, Math.max(6, Math.round(logNormal(random, 80, 1.05))));
      endAt = answerAt + billsec * 1000 + Math.floor(random() * 1000);
    } else if (outcome.sipCode === 480) endAt = rang + 30_000 + Math.round(random() * 30_000);
    else if (outcome.sipCode === 487) endAt = rang + 3000 + Math.round(random() * 22_000);
    else endAt = rang + 300 + Math.round(random() * 1500);
  } else {
    endAt = inviteAt + (outcome.sipCode === 408 ? 32_000 : Math.round(60 + random() * (inIncident ? 4000 : 600)));
  }
  const rate = (direction === 'inbound' ? RATE_PER_MINUTE.inbound : RATE_PER_MINUTE[country]) * CONNECTION_RATE_FACTORS[index % CONNECTION_RATE_FACTORS.length]!;
  const hasMos = outcome.answered && billsec >= 6 && random() < 0.6;
  const mos = hasMos ? Math.round(Math.min(4.5, Math.max(1, 4.25 - (inIncident ? 0.6 : 0) + 0.18 * gaussian(random))) * 100) / 100 : undefined;
  return {
    source: DEMO_CDR_SOURCE,
    sourceId,
    accountId: account.id,
    trunkGroupId: account.trunkGroupId,
    connectionId,
    direction,
    from,
    to,
    inviteAt: new Date(inviteAt),
    ringingAt: ringingAt === undefined ? undefined : new Date(ringingAt),
    answerAt: answerAt === undefined ? undefined : new Date(answerAt),
    endAt: new Date(endAt),
    sipCode: outcome.sipCode,
    q850Cause: outcome.q850,
    billsec,
    mos,
    upstreamCost: outcome.answered ? ((billsec / 60) * rate).toFixed(6) : '0.000000',
  };
}

/** The demo accounts with their trunk groups, DIDs and the upstreams their calls ride. */
async function demoTraffic(db: Db) {
  const tree = await demoAccounts(db);
  const connections = await db.select({ id: providerConnections.id, provider: providerConnections.provider }).from(providerConnections).orderBy(asc(providerConnections.provider), asc(providerConnections.id));
  if (connections.length === 0) throw new Error('Demo calls need at least one provider connection (the embedded demo connects one per sandbox).');
  const connectionIndex = new Map(connections.map((c, i) => [c.id, i]));
  const incidentConnection = connections[0]!.id;
  const others = connections.length > 1 ? connections.slice(1).map((c) => c.id) : [incidentConnection];
  const weightsOf = (ids: string[]) => ids.map((id, i) => [id, Math.max(1, ids.length - i)] as const);

  const demo: DemoAccount[] = [];
  for (const { account, trunk } of tree) {
    const trunkGroupId = await ensureDemoTrunkGroup(db, account.id, trunk);
    const dids = Array.from({ length: 8 }, (_, i) => `+1${trunk.npa}55501${String(i * 7 + 10).padStart(2, '0')}`);
    const hit = trunk.account === DEMO_INCIDENT.account;
    demo.push({
      id: account.id,
      name: account.name,
      share: trunk.share,
      utcOffset: trunk.utcOffset,
      trunkGroupId,
      dids,
      // The hit account's DIDs and its US calls ride the incident upstream; nobody else's do.
      inboundConnections: hit ? [incidentConnection] : others,
      outboundConnections: (country) => (hit && country === DEMO_INCIDENT.destination ? [[incidentConnection, 9], ...weightsOf(others).slice(0, 1)] : weightsOf(others)),
    });
  }
  return { demo, connectionIndex, incidentConnection };
}

export const DEMO_LIVE_CDR_SOURCE = 'demo-live';
const NO_INCIDENT = { connectionId: '', accountId: '', from: 0, to: 0 };

/**
 * The demo's traffic goes on after the seed: the calls of the same generator (without the incident)
 * that started at `since` or later and have ended by `now`, stored as they would arrive from a
 * switch. Re-running over the same time only finds duplicates.
 */
export async function ingestDemoLiveCalls(db: Db, { since, now = new Date() }: { since: Date; now?: Date }): Promise<number> {
  const { demo, connectionIndex } = await demoTraffic(db);
  const batch: Call[] = [];
  for (let hourStart = Math.floor(since.getTime() / 3_600_000) * 3_600_000; hourStart <= now.getTime(); hourStart += 3_600_000) {
    for (const input of callsOfHour(hourStart, demo, connectionIndex, NO_INCIDENT, now.getTime())) {
      if (input.inviteAt >= since) batch.push({ line: batch.length + 1, input: { ...input, source: DEMO_LIVE_CDR_SOURCE } });
    }
  }
  let accepted = 0;
  for (let start = 0; start < batch.length; start += CDR_INGEST_BATCH) accepted += (await ingestCdrBatch(db, batch.slice(start, start + CDR_INGEST_BATCH))).accepted;
  return accepted;
}

const globalForDemo = globalThis as unknown as { carrierPortalDemoLiveSince?: Date };

/** The job: in the demo with its seeded calls only, live calls since this process first ran it. */
export async function runDemoLiveCalls(): Promise<void> {
  if (!getEnv().seedDemo) return;
  const db = await getDb();
  if (!(await hasDemoCdrs(db))) return;
  const now = new Date();
  globalForDemo.carrierPortalDemoLiveSince ??= now;
  // Two hours back at most: calls as long as that still come in, and the work stays small.
  const since = new Date(Math.max(globalForDemo.carrierPortalDemoLiveSince.getTime(), now.getTime() - 2 * 3_600_000));
  await ingestDemoLiveCalls(db, { since, now });
}

/**
 * A routing change two days before the seed's `now` (HQ's codecs narrowed), as the audit log keeps
 * it: the quality charts draw such changes as markers on their time axis. Once only.
 */
async function recordDemoRoutingChange(db: Db, account: DemoAccount, now: Date): Promise<void> {
  const [existing] = await db
    .select({ id: auditEvents.id })
    .from(auditEvents)
    .where(and(eq(auditEvents.accountId, account.id), eq(auditEvents.action, 'trunk_group.update'), eq(auditEvents.actorEmail, 'seed')))
    .limit(1);
  if (existing) return;
  await db.insert(auditEvents).values({
    accountId: account.id,
    action: 'trunk_group.update',
    targetType: 'trunk_group',
    targetId: account.trunkGroupId,
    actorEmail: 'seed',
    before: { codecs: [...DEMO_CODEC_CHANGE.before] },
    after: { codecs: [...DEMO_CODEC_CHANGE.after] },
    createdAt: new Date(now.getTime() - 2 * 86_400_000 - 3 * 3_600_000),
  });
}

/**
 * Seeds `days` of demo calls up to `now` for the demo tree, over the provider connections that
 * exist (at least one; the embedded demo has one per sandbox). Also creates one trunk group per
 * demo account (numbers the demo does not hold are not invented: calls name their DIDs directly).
 */
export async function seedDemoCdrs(db: Db, { now = new Date(), days = 90, onProgress }: { now?: Date; days?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<DemoCdrResult> {
  const { demo, connectionIndex, incidentConnection } = await demoTraffic(db);
  const hitAccount = demo.find((a) => a.name === DEMO_INCIDENT.account)!;
  const window = demoIncidentWindow(now);
  const incident = { connectionId: incidentConnection, accountId: hitAccount.id, from: window.from.getTime(), to: window.to.getTime() };

  await recordDemoRoutingChange(db, demo.find((a) => a.name === DEMO_CODEC_CHANGE.account)!, now);

  const end = now.getTime();
  const firstHour = Math.floor((end - days * 86_400_000) / 3_600_000) * 3_600_000;
  const totalHours = Math.ceil((end - firstHour) / 3_600_000);
  const result: DemoCdrResult = { accepted: 0, duplicates: 0, rejected: 0, incident: { connectionId: incidentConnection, accountId: hitAccount.id, trunkGroupId: hitAccount.trunkGroupId, ...window } };
  let pending: Call[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const outcome = await ingestCdrBatch(db, pending);
    result.accepted += outcome.accepted;
    result.duplicates += outcome.duplicates;
    result.rejected += outcome.rejected.length;
    if (outcome.rejected.length > 0) throw new Error(`Demo calls were rejected: ${outcome.rejected.slice(0, 3).map((r) => r.reason).join('; ')}`);
    pending = [];
  };
  for (let h = 0; h < totalHours; h++) {
    const hourStart = firstHour + h * 3_600_000;
    for (const input of callsOfHour(hourStart, demo, connectionIndex, incident, end)) {
      if (input.inviteAt.getTime() < end - days * 86_400_000) continue;
      pending.push({ line: pending.length + 1, input });
      if (pending.length === CDR_INGEST_BATCH) await flush();
    }
    onProgress?.(h + 1, totalHours);
  }
  await flush();
  return result;
}
