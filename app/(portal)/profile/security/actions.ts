'use server';

import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { errorState, formToObject, type ActionState } from '@/lib/auth/action';
import { clientIp } from '@/lib/auth/client-ip';
import { getSessionUser } from '@/lib/auth/guard';
import { AppError } from '@/lib/errors';
import { confirmStepUp, confirmTwoFactorEnrolment, disableTwoFactor, hasTwoFactorEnabled, regenerateRecoveryCodes, startTwoFactorEnrolment } from '@/lib/services/two-factor';
import { secondFactorCodeSchema, totpCodeSchema } from '@/lib/validations/two-factor';

/**
 * The user's own sign-in, no account involved: not accountActions, and reachable by a user who
 * still owes the 2FA set-up (the guard refuses them everything else).
 */
async function viewerAndIp() {
  const viewer = await getSessionUser();
  if (!viewer) throw new AppError('unauthorized:session');
  return { viewer, ip: clientIp(await headers()) };
}

export async function startEnrolmentAction(): Promise<ActionState<{ secret: string; qrSvg: string }>> {
  try {
    const { viewer } = await viewerAndIp();
    const { secret, qrSvg } = await startTwoFactorEnrolment(viewer);
    return { status: 'success', data: { secret, qrSvg } };
  } catch (error) {
    return errorState(error);
  }
}

export async function confirmEnrolmentAction(_previous: ActionState<{ recoveryCodes: string[] }>, formData: FormData): Promise<ActionState<{ recoveryCodes: string[] }>> {
  try {
    const { viewer, ip } = await viewerAndIp();
    const { code } = totpCodeSchema.parse(formToObject(formData));
    const { recoveryCodes } = await confirmTwoFactorEnrolment(viewer, { code }, ip);
    // No revalidation: re-rendering the page would swap the enrolment panel for the "on" panel and
    // take the recovery codes off the screen before they are saved. "Continue" loads the portal anew.
    return { status: 'success', message: 'Two-factor authentication is on.', data: { recoveryCodes } };
  } catch (error) {
    return errorState(error);
  }
}

export async function regenerateCodesAction(_previous: ActionState<{ recoveryCodes: string[] }>, formData: FormData): Promise<ActionState<{ recoveryCodes: string[] }>> {
  try {
    const { viewer, ip } = await viewerAndIp();
    const { code } = secondFactorCodeSchema.parse(formToObject(formData));
    const { recoveryCodes } = await regenerateRecoveryCodes(viewer, { code }, ip);
    revalidatePath('/profile/security');
    return { status: 'success', message: 'New recovery codes: the old ones no longer work.', data: { recoveryCodes } };
  } catch (error) {
    return errorState(error);
  }
}

export async function disableTwoFactorAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  try {
    const { viewer, ip } = await viewerAndIp();
    const { code } = secondFactorCodeSchema.parse(formToObject(formData));
    await disableTwoFactor(viewer, { code }, ip);
    revalidatePath('/profile/security');
    return { status: 'success', message: 'Two-factor authentication is off.' };
  } catch (error) {
    return errorState(error);
  }
}

/** Step-up (components/auth/step-up-prompt.tsx): a code stamps this session for ten minutes. */
export async function stepUpAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  try {
    const { viewer, ip } = await viewerAndIp();
    const { code } = secondFactorCodeSchema.parse(formToObject(formData));
    await confirmStepUp(viewer, { code }, ip);
    return { status: 'success', message: 'Confirmed for the next 10 minutes.' };
  } catch (error) {
    return errorState(error);
  }
}

/**
 * Whether the signed-in user has 2FA on: the step-up prompt asks before showing a code field, and
 * sends those without it to set it up instead. Their own standing only; no account involved.
 */
export async function twoFactorStandingAction(): Promise<{ enabled: boolean }> {
  const { viewer } = await viewerAndIp();
  return { enabled: await hasTwoFactorEnabled(viewer.id) };
}
