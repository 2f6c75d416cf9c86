/**
 * `tsx bench/seed-api.ts <secret> <orderId>`: an admin API key on Acme Telecom created by its owner,
 * stored as the portal stores keys (the secret's SHA-256 and visible prefix; the bench keeps the
 * secret), and a completed order `orderId` of ten lines on numbers the account owns, for the API
 * rows of bench/run.ts. Run by bench/server.ts after bench/seed-numbers.ts and before the server
 * opens the database (PGlite takes no lock).
 */
import '../scripts/server-only-outside-next';
import { and, eq, isNull } from 'drizzle-orm';

const { getDbHandle } = await import('@/lib/db/client');
const { accounts, apiKeys, numberOrderLines, numberOrders, phoneNumbers, users } = await import('@/lib/db/schema');
const { hashApiKeySecret, looksLikeApiKey, visiblePrefix } = await import('@/lib/auth/api-key-secret');

const [secret, orderId] = process.argv.slice(2);
if (!secret || !looksLikeApiKey(secret)) throw new Error('usage: tsx bench/seed-api.ts <cp_live_… secret> <order uuid>');
if (!orderId || !/^[0-9a-f-]{36}$/.test(orderId)) throw new Error(`order id must be a UUID, got "${orderId}"`);
const ORDER_LINES = 10;

const handle = await getDbHandle();
try {
  const db = handle.db;
  const [acme] = await db.select().from(accounts).where(and(eq(accounts.name, 'Acme Telecom'), isNull(accounts.parentId))).limit(1);
  const [owner] = await db.select().from(users).where(eq(users.email, 'owner@acme.example')).limit(1);
  if (!acme || !owner) throw new Error('no Acme Telecom or owner@acme.example: run the demo seed first');
  await db.insert(apiKeys).values({ accountId: acme.id, role: 'admin', name: 'bench', scopes: [], prefix: visiblePrefix(secret), secretHash: hashApiKeySecret(secret), createdByUserId: owner.id });

  const owned = await db.select().from(phoneNumbers).where(and(eq(phoneNumbers.accountId, acme.id), eq(phoneNumbers.status, 'active'))).limit(ORDER_LINES);
  if (owned.length < ORDER_LINES) throw new Error(`Acme Telecom owns ${owned.length} active numbers; the order needs ${ORDER_LINES}`);
  const completedAt = new Date();
  await db.insert(numberOrders).values({ id: orderId, accountId: acme.id, idempotencyKey: `bench-${orderId}`, status: 'completed', totalMonthly: '12.5000', totalSetup: '0', completedAt });
  await db.insert(numberOrderLines).values(
    owned.map((number) => ({ orderId, e164: number.e164, kind: number.kind, state: number.state, rateCenter: number.rateCenter, connectionId: number.connectionId, status: 'active' as const, monthly: number.monthly, setup: '0' })),
  );
  console.log(`Seeded an admin API key (${visiblePrefix(secret)}…) and order ${orderId} of ${ORDER_LINES} lines for Acme Telecom (${handle.driver}).`);
} finally {
  await handle.close();
}
