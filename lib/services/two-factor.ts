import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { assertCan, type AccountAccess, type SessionUser } from '@/lib/auth/access';
import { admitAttempt, refundAttempt, waitText, type ThrottleKey } from '@/lib/auth/throttle';
import { checkTotp, currentTotp, hashRecoveryCode, isRecoveryCode, isTotpCode, newRecoveryCodes, newTotpSecret, totpUri } from '@/lib/auth/totp';
import { getDb, type Db, type Tx } from '@/lib/db/client';
import type { User } from '@/lib/db/schema';
import { getAccountById } from '@/lib/db/queries/accounts';
import { getSecondFactorAtBySession, revokeUserSessionsByUser, stampSecondFactorBySession } from '@/lib/db/queries/sessions';
import {
  advanceTwoFactorTimeStep,
  consumeSignInChallenge,
  countUnusedRecoveryCodes,
  deleteExpiredSignInChallenges,
  deleteTwoFactor,
  enableTwoFactor,
  getLiveSignInChallenge,
  getTwoFactorByUser,
  getTwoFactorPolicyAccountsByUser,
  getTwoFactorStandingByUser,
  insertSignInChallenge,
  takeSignInChallengeAttempt,
  replaceRecoveryCodes,
  updateAccountRequireTwoFactor,
  upsertPendingTwoFactor,
  spendRecoveryCode,
} from '@/lib/db/queries/two-factor';
import { getMembershipsWithAccountsByUser, getUserById } from '@/lib/db/queries/users';
import { DEMO_STAFF_TOTP_SECRET } from '@/lib/db/seed-demo';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { recordAudit, recordPlatformAudit } from './audit';
import { openSecret, sealSecret } from './secret-box';

/** A confirmed code lets the session create API keys and change roles for this long. */
export const STEP_UP_WINDOW_MS = 10 * 60_000;
/** How long the sign-in form's second step may take after the password. */
export const SIGN_IN_CHALLENGE_TTL_MS = 5 * 60_000;
/** Wrong codes on one challenge before the password is asked again. */
export const SIGN_IN_CHALLENGE_MAX_ATTEMPTS = 5;

export const SECURITY_PAGE = '/profile/security';

/**
 * Code guesses are throttled like password guesses (lib/auth/throttle.ts, the same backoff): per
 * user from one address, per user from anywhere, and per address across users. Their own keys, so
 * mistyped codes and mistyped passwords do not add up.
 */
export function codeThrottleKeys(userId: string, ip: string | undefined): ThrottleKey[] {
  const keys: ThrottleKey[] = [{ kind: 'email', key: `2fa:user:${userId}` }];
  if (ip) keys.push({ kind: 'emailIp', key: `2fa:user-ip:${userId}|${ip}` }, { kind: 'ip', key: `2fa:ip:${ip}` });
  return keys;
}

const WRONG_CODE = 'That code is not right. Enter the 6-digit code your authenticator app shows now, or one of your recovery codes.';

/**
 * Checks a code of a user with 2FA on: a TOTP code (each step accepted once) or an unused recovery
 * code (used up). Throttled; throws `rate_limited:two_factor` or `invalid:code`.
 */
async function verifySecondFactor(
  db: Db,
  { userId, code, ip, now = new Date(), beforeCheck }: { userId: string; code: string; ip?: string; now?: Date; beforeCheck?: () => Promise<void> },
): Promise<'totp' | 'recovery_code'> {
  const keys = codeThrottleKeys(userId, ip);
  await admitCodeAttempt(db, keys, now);
  await beforeCheck?.();
  const row = await getTwoFactorByUser(db, { userId });
  if (!row?.enabledAt) throw new AppError('forbidden:two_factor_off', 'Two-factor authentication is not turned on for you.');
  const typed = code.trim().replace(/\s/g, '');
  let used: 'totp' | 'recovery_code' | undefined;
  if (isTotpCode(typed)) {
    const check = await checkTotp({ secret: openSecret(row.secretSealed), code: typed, afterTimeStep: row.lastTimeStep, now });
    if (check.ok && (await advanceTwoFactorTimeStep(db, { userId, timeStep: check.timeStep }))) used = 'totp';
  } else if (isRecoveryCode(typed) && (await spendRecoveryCode(db, { userId, codeHash: hashRecoveryCode(typed) }))) {
    used = 'recovery_code';
  }
  if (!used) throw new AppError('invalid:code', WRONG_CODE, { fieldErrors: { code: [WRONG_CODE] } });
  await refundAttempt(db, keys);
  return used;
}

/** Counts a code attempt before it is checked (parallel guesses are held to the backoff too), or throws `rate_limited:two_factor`. */
async function admitCodeAttempt(db: Db, keys: ThrottleKey[], now: Date) {
  const waitMs = await admitAttempt(db, keys, now);
  if (waitMs > 0) throw new AppError('rate_limited:two_factor', `Too many wrong codes. Try again in ${waitText(waitMs)}.`, { retryAfterMs: waitMs });
}

/** Audits a change to the user's own sign-in on every account they belong to (staff without one: the platform trail). */
async function auditOwnChange(tx: Tx, viewer: SessionUser, ip: string | undefined, entry: { action: string; after?: Record<string, unknown> }) {
  const memberships = await getMembershipsWithAccountsByUser(tx, { userId: viewer.id });
  for (const { account } of memberships) {
    await recordAudit(tx, { actor: { kind: 'user', user: viewer }, actingAsStaff: false, ip, account }, { accountId: account.id, action: entry.action, targetType: 'user', targetId: viewer.id, after: entry.after });
  }
  if (memberships.length === 0) await recordPlatformAudit(tx, viewer, { action: entry.action, targetType: 'user', targetId: viewer.id, after: entry.after, ip });
}

export interface TwoFactorStatus {
  enabled: boolean;
  /** Enrolment started (a QR code shown) but not confirmed with a code yet. */
  pending: boolean;
  recoveryCodesLeft: number;
  /** Why it may not be turned off: the accounts whose policy requires it, or operator staff. */
  requiredBy: { accounts: { id: string; name: string }[]; staff: boolean };
}

export async function getTwoFactorStatus(user: Pick<SessionUser, 'id' | 'isOperatorStaff'>): Promise<TwoFactorStatus> {
  const db = await getDb();
  const [row, recoveryCodesLeft, accounts] = await Promise.all([
    getTwoFactorByUser(db, { userId: user.id }),
    countUnusedRecoveryCodes(db, { userId: user.id }),
    getTwoFactorPolicyAccountsByUser(db, { userId: user.id }),
  ]);
  return { enabled: Boolean(row?.enabledAt), pending: Boolean(row && !row.enabledAt), recoveryCodesLeft, requiredBy: { accounts, staff: user.isOperatorStaff } };
}

/**
 * Whether the user must set up 2FA before doing anything else: operator staff always, members of
 * an account whose policy (or an ancestor's: a policy covers its subtree) requires it.
 */
export async function mustEnrolTwoFactor(user: Pick<SessionUser, 'id' | 'isOperatorStaff'>, db?: Db | Tx): Promise<boolean> {
  return owesTwoFactorSetUp(user, await getTwoFactorStandingByUser(db ?? (await getDb()), { userId: user.id }));
}

export function owesTwoFactorSetUp(user: Pick<SessionUser, 'isOperatorStaff'>, standing: { enabled: boolean; requiredByPolicy: boolean }): boolean {
  return !standing.enabled && (user.isOperatorStaff || standing.requiredByPolicy);
}

export interface EnrolmentStart {
  secret: string;
  uri: string;
  /** The `otpauth://` address as an SVG QR code, rendered on the server. */
  qrSvg: string;
}

/** Starts enrolment (again, if it was started before): a new secret, sealed; on only once a code confirms it. */
export async function startTwoFactorEnrolment(viewer: SessionUser): Promise<EnrolmentStart> {
  const db = await getDb();
  const secret = newTotpSecret();
  const row = await upsertPendingTwoFactor(db, { userId: viewer.id, secretSealed: sealSecret(secret), pendingSessionId: viewer.sessionId ?? null });
  if (!row) throw new AppError('conflict:two_factor_on', 'Two-factor authentication is already on. Turn it off first to move it to another authenticator.');
  const uri = totpUri({ secret, email: viewer.email });
  const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  return { secret, uri, qrSvg };
}

/**
 * A set-up is seen and confirmed only in the session that started it: another session signed in
 * with the same password (perhaps not the user's) must not read the secret it is about to trust.
 */
function startedHere(row: { pendingSessionId: string | null }, viewer: SessionUser): boolean {
  return row.pendingSessionId === null || row.pendingSessionId === (viewer.sessionId ?? null);
}

/** The secret of a set-up started in this session, to show it again (the page was reloaded); undefined when none is pending here. */
export async function getPendingEnrolment(viewer: SessionUser): Promise<EnrolmentStart | undefined> {
  const row = await getTwoFactorByUser(await getDb(), { userId: viewer.id });
  if (!row || row.enabledAt || !startedHere(row, viewer)) return undefined;
  const secret = openSecret(row.secretSealed);
  const uri = totpUri({ secret, email: viewer.email });
  return { secret, uri, qrSvg: await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }) };
}

async function issueRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await replaceRecoveryCodes(tx, { userId, codeHashes: codes.map(hashRecoveryCode) });
  return codes;
}

/**
 * Confirms enrolment with the first code from the authenticator: 2FA is on, ten recovery codes are
 * issued (returned once, stored hashed), and this session counts as just confirmed.
 */
export async function confirmTwoFactorEnrolment(viewer: SessionUser, input: { code: string }, ip?: string, now = new Date()): Promise<{ recoveryCodes: string[] }> {
  const db = await getDb();
  const keys = codeThrottleKeys(viewer.id, ip);
  await admitCodeAttempt(db, keys, now);
  const row = await getTwoFactorByUser(db, { userId: viewer.id });
  if (row?.enabledAt) throw new AppError('conflict:two_factor_on', 'Two-factor authentication is already on.');
  if (!row || !startedHere(row, viewer)) throw new AppError('conflict:two_factor_not_started', 'Start the set-up again here: scan the QR code, then enter the code.');
  const check = await checkTotp({ secret: openSecret(row.secretSealed), code: input.code.trim(), now });
  if (!check.ok) {
    const message = 'That code is not right. Check the time on your phone and enter the 6-digit code your app shows now.';
    throw new AppError('invalid:code', message, { fieldErrors: { code: [message] } });
  }
  await refundAttempt(db, keys);
  return db.transaction(async (tx) => {
    if (!(await enableTwoFactor(tx, { userId: viewer.id, timeStep: check.timeStep }))) throw new AppError('conflict:two_factor_on', 'Two-factor authentication is already on.');
    const recoveryCodes = await issueRecoveryCodes(tx, viewer.id);
    // A session signed in with the password alone would otherwise count as having passed 2FA.
    await revokeUserSessionsByUser(tx, { userId: viewer.id, keepSessionId: viewer.sessionId });
    if (viewer.sessionId) await stampSecondFactorBySession(tx, { sessionId: viewer.sessionId, userId: viewer.id, at: now });
    await auditOwnChange(tx, viewer, ip, { action: 'user.two_factor_enable' });
    return { recoveryCodes };
  });
}

/** New recovery codes (the old ones stop working), after a code. */
export async function regenerateRecoveryCodes(viewer: SessionUser, input: { code: string }, ip?: string): Promise<{ recoveryCodes: string[] }> {
  const db = await getDb();
  // Outside the transaction, so a wrong code still counts toward the throttle.
  await verifySecondFactor(db, { userId: viewer.id, code: input.code, ip });
  return db.transaction(async (tx) => {
    const recoveryCodes = await issueRecoveryCodes(tx, viewer.id);
    await auditOwnChange(tx, viewer, ip, { action: 'user.two_factor_recovery_codes' });
    return { recoveryCodes };
  });
}

/** Turns 2FA off after a code; refused for operator staff and for members of an account whose policy requires it. */
export async function disableTwoFactor(viewer: SessionUser, input: { code: string }, ip?: string): Promise<void> {
  const db = await getDb();
  if (viewer.isOperatorStaff) throw new AppError('forbidden:two_factor_required', 'Carrier staff always sign in with two-factor authentication; it cannot be turned off.');
  const policies = await getTwoFactorPolicyAccountsByUser(db, { userId: viewer.id });
  if (policies.length > 0) {
    throw new AppError('forbidden:two_factor_required', `${policies.map((account) => account.name).join(', ')} require${policies.length === 1 ? 's' : ''} two-factor authentication for every member, so it stays on.`);
  }
  // A wrong code counts before anything is changed; the transaction then removes the authenticator.
  await verifySecondFactor(db, { userId: viewer.id, code: input.code, ip });
  await db.transaction(async (tx) => {
    await deleteTwoFactor(tx, { userId: viewer.id });
    await auditOwnChange(tx, viewer, ip, { action: 'user.two_factor_disable' });
  });
}

/** Step-up: a code confirmed now stamps this session for STEP_UP_WINDOW_MS. */
export async function confirmStepUp(viewer: SessionUser, input: { code: string }, ip?: string, now = new Date()): Promise<void> {
  if (!viewer.sessionId) throw new AppError('unauthorized:session');
  const db = await getDb();
  await verifySecondFactor(db, { userId: viewer.id, code: input.code, ip, now });
  if (!(await stampSecondFactorBySession(db, { sessionId: viewer.sessionId, userId: viewer.id, at: now }))) throw new AppError('unauthorized:session');
}

export const STEP_UP_MESSAGE = 'Confirm it is you with your authenticator code first.';

/**
 * Throws `forbidden:step_up` unless the signed-in user confirmed their second factor within the
 * last ten minutes in this session (before creating API keys or changing roles). Users without 2FA
 * are refused too, with how to turn it on: these changes hand out access, so they need a person
 * with a second factor. API keys never pass.
 */
export async function assertRecentSecondFactor(access: AccountAccess, { now = new Date(), tx }: { now?: Date; tx?: Tx } = {}): Promise<void> {
  const { actor } = access;
  if (actor.kind !== 'user') throw new AppError('forbidden:step_up', 'This needs a person who confirms with an authenticator code; an API key cannot do it. Use the portal.');
  const db = tx ?? (await getDb());
  const standing = await getTwoFactorStandingByUser(db, { userId: actor.user.id });
  if (!standing.enabled) {
    throw new AppError('forbidden:step_up', 'Set up two-factor authentication first (Profile → Security), then confirm with your authenticator code.');
  }
  const confirmedAt = actor.user.sessionId ? await getSecondFactorAtBySession(db, { sessionId: actor.user.sessionId, userId: actor.user.id }) : undefined;
  if (!confirmedAt || now.getTime() - confirmedAt.getTime() > STEP_UP_WINDOW_MS || confirmedAt.getTime() > now.getTime() + 60_000) {
    throw new AppError('forbidden:step_up', STEP_UP_MESSAGE);
  }
}

/** Whether the session's step-up is fresh, for pages deciding to show the prompt. */
export async function hasRecentSecondFactor(access: AccountAccess, now = new Date()): Promise<boolean> {
  try {
    await assertRecentSecondFactor(access, { now });
    return true;
  } catch {
    return false;
  }
}

/** The account policy "require 2FA for every member" (owners only; it covers the subtree). */
export async function setRequireTwoFactor(access: AccountAccess, required: boolean): Promise<void> {
  assertCan(access, 'owners.manage');
  const db = await getDb();
  if (required && access.actor.kind === 'user' && !(await getTwoFactorStandingByUser(db, { userId: access.actor.user.id })).enabled) {
    throw new AppError('forbidden:two_factor_off', 'Set up two-factor authentication for yourself first (Profile → Security), then require it of everyone.');
  }
  await db.transaction(async (tx) => {
    const current = await getAccountById(tx, { accountId: access.account.id });
    if (!current) throw new AppError('not_found:account');
    if (current.requireTwoFactor === required) return;
    // Lifting the policy lowers every member's guard: a stolen session alone must not do it.
    if (!required) await assertRecentSecondFactor(access, { tx });
    await updateAccountRequireTwoFactor(tx, { accountId: current.id, required });
    await recordAudit(tx, access, {
      accountId: current.id,
      action: 'account.two_factor_policy',
      targetType: 'account',
      targetId: current.id,
      before: { requireTwoFactor: current.requireTwoFactor },
      after: { requireTwoFactor: required },
    });
  });
}

function hashChallenge(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function hasTwoFactorEnabled(userId: string): Promise<boolean> {
  return Boolean((await getTwoFactorByUser(await getDb(), { userId }))?.enabledAt);
}

/**
 * After the password of a user with 2FA: a short-lived challenge instead of a session, proof of
 * the password that the second step redeems with a code. No session exists until then.
 */
export async function issueSignInChallenge(userId: string, now = new Date()): Promise<string> {
  const db = await getDb();
  await deleteExpiredSignInChallenges(db, { before: now });
  const challenge = randomBytes(32).toString('base64url');
  await insertSignInChallenge(db, { tokenHash: hashChallenge(challenge), userId, expiresAt: new Date(now.getTime() + SIGN_IN_CHALLENGE_TTL_MS) });
  return challenge;
}

/**
 * The second step: a live challenge and a code (TOTP or recovery). Answers the user to sign in, or
 * throws `unauthorized:challenge` (expired, used, or too many wrong codes: start over),
 * `rate_limited:two_factor` or `invalid:code`.
 */
export async function completeSignInChallenge(input: { challenge: string; code: string; ip: string | undefined }, now = new Date()): Promise<{ user: User; method: 'totp' | 'recovery_code' }> {
  const db = await getDb();
  const expired = new AppError('unauthorized:challenge', 'Your sign-in timed out. Enter your email and password again.');
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(input.challenge)) throw expired;
  const challenge = await getLiveSignInChallenge(db, { tokenHash: hashChallenge(input.challenge), now });
  if (!challenge) throw expired;
  let attempt: number | undefined;
  const takeAttempt = async () => {
    attempt = await takeSignInChallengeAttempt(db, { challengeId: challenge.id, maxAttempts: SIGN_IN_CHALLENGE_MAX_ATTEMPTS, now });
    if (attempt === undefined) throw expired;
  };
  let method: 'totp' | 'recovery_code';
  try {
    method = await verifySecondFactor(db, { userId: challenge.userId, code: input.code, ip: input.ip, now, beforeCheck: takeAttempt });
  } catch (error) {
    // Its last attempt spent, the challenge ends: the password is asked again.
    if (error instanceof AppError && error.code === 'invalid:code' && attempt === SIGN_IN_CHALLENGE_MAX_ATTEMPTS) await consumeSignInChallenge(db, { challengeId: challenge.id });
    throw error;
  }
  if (!(await consumeSignInChallenge(db, { challengeId: challenge.id }))) throw expired;
  const user = await getUserById(db, { userId: challenge.userId });
  if (!user || user.disabledAt) throw expired;
  return { user, method };
}

/**
 * In embedded demo mode only: the current code of a user whose authenticator is the demo staff
 * member's published secret (README), so the demo can be tried without an authenticator app.
 */
export async function demoSecondFactorHint(userId: string): Promise<string | undefined> {
  if (!getEnv().embedded) return undefined;
  const row = await getTwoFactorByUser(await getDb(), { userId });
  if (!row?.enabledAt || openSecret(row.secretSealed) !== DEMO_STAFF_TOTP_SECRET) return undefined;
  return currentTotp(DEMO_STAFF_TOTP_SECRET);
}
