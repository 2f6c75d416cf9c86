/**
 * The environment, validated once. Embedded mode (no DATABASE_URL) gets safe defaults: secrets are
 * generated once into the data folder so a fresh `npm start` needs no configuration.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const schema = z.object({
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().optional(),
  AUTH_SECRET: z.string().min(32, 'AUTH_SECRET must be at least 32 characters').optional(),
  CREDENTIALS_KEY: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, 'CREDENTIALS_KEY must be 64 hex characters (32 bytes)')
    .optional(),
  APP_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().positive().default(3000),
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().default('Carrier Portal <no-reply@carrier.example>'),
  SEED_DEMO: z.enum(['0', '1']).optional(),
  SESSION_MAX_AGE_HOURS: z.coerce.number().positive().default(12),
  SESSION_IDLE_MINUTES: z.coerce.number().positive().default(60),
  /** Reverse proxies whose X-Forwarded-For is believed: addresses or CIDR blocks, comma-separated. */
  TRUSTED_PROXIES: z.string().default(''),
  /** Auth.js's own setting (NEXTAUTH_URL is its older name): when set, its scheme names the session cookie. */
  AUTH_URL: z.string().optional(),
  NEXTAUTH_URL: z.string().optional(),
  /** The widest block a trunk group's IP allow-list may hold (a prefix length: 24 means /24 and narrower). */
  TRUNK_ALLOWLIST_WIDEST_PREFIX: z.coerce.number().int().min(8, 'TRUNK_ALLOWLIST_WIDEST_PREFIX is a prefix length from 8 to 32').max(32, 'TRUNK_ALLOWLIST_WIDEST_PREFIX is a prefix length from 8 to 32').default(24),
  /** API rate limits (token buckets): sustained requests a second and burst, per API key and per account. */
  API_KEY_RATE_PER_SECOND: z.coerce.number().positive().default(10),
  API_KEY_RATE_BURST: z.coerce.number().int().positive().default(100),
  API_ACCOUNT_RATE_PER_SECOND: z.coerce.number().positive().default(25),
  API_ACCOUNT_RATE_BURST: z.coerce.number().int().positive().default(250),
  /** The one plain-http origin webhooks may go to outside production (a local test receiver); embedded mode allows the demo inbox. */
  WEBHOOK_LOCAL_RECEIVER: z.string().url().optional(),
  /** Months of CDRs kept: month partitions wholly older than this are dropped, with the rollups of that time. */
  CDR_RETENTION_MONTHS: z.coerce.number().int().min(1, 'CDR_RETENTION_MONTHS is a whole number of months, at least 1').max(120, 'CDR_RETENTION_MONTHS is at most 120').default(13),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
});

/** The demo webhook inbox the sandbox process serves (sandbox/webhook-inbox), allowed in embedded mode. */
export const DEMO_WEBHOOK_RECEIVER_ORIGIN = 'http://127.0.0.1:4105';

export interface Env {
  databaseUrl?: string;
  embedded: boolean;
  dataDir: string;
  authSecret: string;
  credentialsKey: Buffer;
  appUrl: string;
  port: number;
  smtpUrl?: string;
  mailFrom: string;
  seedDemo: boolean;
  /** Absolute lifetime of a sign-in, however active. */
  sessionMaxAgeSeconds: number;
  /** A session unused for this long ends. */
  sessionIdleSeconds: number;
  trustedProxies: string[];
  trunkAllowlistWidestPrefix: number;
  /** Auth.js's URL when one is configured; undefined means the request's scheme decides. */
  authUrl?: string;
  apiRateLimits: { key: RateLimit; account: RateLimit };
  /** An origin (scheme, host, port) webhooks may reach although it is local: the demo or test receiver. */
  webhookLocalReceiverOrigin?: string;
  cdrRetentionMonths: number;
  production: boolean;
}

export interface RateLimit {
  perSecond: number;
  burst: number;
}

let cached: Env | undefined;

/** A secret from the environment, or one generated once into the data folder (embedded mode only). */
function persistedSecret(dataDir: string, file: string, fromEnv: string | undefined, embedded: boolean, bytes: number): string {
  if (fromEnv) return fromEnv;
  const target = path.join(dataDir, file);
  if (fs.existsSync(target)) return fs.readFileSync(target, 'utf8').trim();
  if (!embedded) throw new Error(`${file.toUpperCase().replace(/-/g, '_')} must be set when DATABASE_URL is set`);
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(bytes).toString('hex');
  fs.writeFileSync(target, secret + '\n', { mode: 0o600 });
  return secret;
}

export function getEnv(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  const raw = parsed.data;
  const embedded = !raw.DATABASE_URL;
  const dataDir = path.resolve(/* turbopackIgnore: true */ process.cwd(), raw.DATA_DIR ?? '.data');
  cached = {
    databaseUrl: raw.DATABASE_URL,
    embedded,
    dataDir,
    authSecret: persistedSecret(dataDir, 'auth-secret', raw.AUTH_SECRET, embedded, 32),
    credentialsKey: Buffer.from(persistedSecret(dataDir, 'credentials-key', raw.CREDENTIALS_KEY, embedded, 32), 'hex'),
    appUrl: (raw.APP_URL ?? `http://localhost:${raw.PORT}`).replace(/\/$/, ''),
    port: raw.PORT,
    smtpUrl: raw.SMTP_URL,
    mailFrom: raw.MAIL_FROM,
    seedDemo: raw.SEED_DEMO ? raw.SEED_DEMO === '1' : embedded,
    sessionMaxAgeSeconds: Math.round(raw.SESSION_MAX_AGE_HOURS * 3600),
    sessionIdleSeconds: Math.round(raw.SESSION_IDLE_MINUTES * 60),
    trustedProxies: raw.TRUSTED_PROXIES.split(',').map((entry) => entry.trim()).filter(Boolean),
    trunkAllowlistWidestPrefix: raw.TRUNK_ALLOWLIST_WIDEST_PREFIX,
    authUrl: raw.AUTH_URL || raw.NEXTAUTH_URL || undefined,
    apiRateLimits: {
      key: { perSecond: raw.API_KEY_RATE_PER_SECOND, burst: raw.API_KEY_RATE_BURST },
      account: { perSecond: raw.API_ACCOUNT_RATE_PER_SECOND, burst: raw.API_ACCOUNT_RATE_BURST },
    },
    webhookLocalReceiverOrigin:
      raw.WEBHOOK_LOCAL_RECEIVER && raw.NODE_ENV !== 'production' ? new URL(raw.WEBHOOK_LOCAL_RECEIVER).origin : embedded ? DEMO_WEBHOOK_RECEIVER_ORIGIN : undefined,
    cdrRetentionMonths: raw.CDR_RETENTION_MONTHS,
    production: raw.NODE_ENV === 'production',
  };
  return cached;
}

/** Tests change the environment between suites. */
export function resetEnvCache() {
  cached = undefined;
}

/** Logging flags are read without validating the rest, so the logger works before start-up checks. */
export function logSettings() {
  return { debug: Boolean(process.env.LOG_DEBUG), silent: process.env.LOG_SILENT === '1' };
}

/** `JOBS=0` keeps a server from running background jobs (another instance runs them). */
export function jobsEnabled() {
  return process.env.JOBS !== '0';
}
