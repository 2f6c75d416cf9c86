'use server';

import { AuthError, CredentialsSignin } from 'next-auth';
import { z } from 'zod';
import { fieldErrorsOf } from '@/lib/auth/action';
import { signIn } from '@/lib/auth/config';
import { pendingSecondFactor, type PendingSecondFactor } from '@/lib/auth/sign-in-challenge-context';
import { demoSecondFactorHint } from '@/lib/services/two-factor';
import { loginSchema } from '@/lib/validations/auth';
import { safeCallbackUrl } from '@/lib/validations/callback-url';
import { signInSecondStepSchema } from '@/lib/validations/two-factor';

export type LoginState =
  | { status: 'idle' }
  | { status: 'success' }
  | { status: 'error'; message: string; fieldErrors?: Record<string, string[]>; values?: Record<string, string> }
  /** The password was right and the user has 2FA: the form asks for a code, carrying the challenge (not a session). */
  | { status: 'second_factor'; challenge: string; message?: string; demoCode?: string };

const TIMED_OUT = 'Your sign-in timed out. Enter your email and password again.';
const MISSING_CREDENTIALS = 'Enter your email and password.';

/** Both steps of the sign-in form; `step=code` is the second one. */
export async function signInAction(_previous: LoginState, formData: FormData): Promise<LoginState> {
  // Called by hand with anything but the form: nothing to sign in with.
  if (!(formData instanceof FormData)) return { status: 'error', message: MISSING_CREDENTIALS };
  const redirectTo = safeCallbackUrl(formData.get('callbackUrl'));
  return formData.get('step') === 'code' ? codeStep(formData, redirectTo) : passwordStep(formData, redirectTo);
}

async function passwordStep(formData: FormData, redirectTo: string): Promise<LoginState> {
  // The email survives a failed attempt (React resets the form after an action); the password never does.
  const email = formData.get('email');
  const values = typeof email === 'string' ? { email: email.slice(0, 320) } : undefined;
  const parsed = loginSchema.safeParse({ email, password: formData.get('password') });
  if (!parsed.success) return { status: 'error', message: MISSING_CREDENTIALS, fieldErrors: fieldErrorsOf(parsed.error as z.ZodError), values };
  const pending: PendingSecondFactor = {};
  try {
    await pendingSecondFactor.run(pending, () => signIn('credentials', { ...parsed.data, redirectTo }));
    return { status: 'success' };
  } catch (error) {
    if (error instanceof CredentialsSignin && error.code === 'second_factor_required' && pending.challenge) {
      return { status: 'second_factor', challenge: pending.challenge, demoCode: pending.userId ? await demoSecondFactorHint(pending.userId) : undefined };
    }
    if (error instanceof CredentialsSignin && error.code?.startsWith('throttled:')) {
      return { status: 'error', message: `Too many failed sign-in attempts. Try again in ${error.code.slice('throttled:'.length)}.`, values };
    }
    if (error instanceof AuthError) return { status: 'error', message: 'That email and password do not match.', values };
    throw error;
  }
}

async function codeStep(formData: FormData, redirectTo: string): Promise<LoginState> {
  const parsed = signInSecondStepSchema.safeParse({ challenge: formData.get('challenge'), code: formData.get('code') });
  if (!parsed.success) {
    const challenge = formData.get('challenge');
    if (typeof challenge !== 'string' || parsed.error.issues.some((issue) => issue.path[0] === 'challenge')) return { status: 'error', message: TIMED_OUT };
    return { status: 'second_factor', challenge, message: 'Enter the code from your authenticator app.' };
  }
  try {
    await signIn('second-factor', { ...parsed.data, redirectTo });
    return { status: 'success' };
  } catch (error) {
    if (error instanceof CredentialsSignin) {
      if (error.code === 'invalid_code') return { status: 'second_factor', challenge: parsed.data.challenge, message: 'That code is not right. Enter the code your app shows now, or a recovery code.' };
      if (error.code?.startsWith('throttled:')) return { status: 'second_factor', challenge: parsed.data.challenge, message: `Too many wrong codes. Try again in ${error.code.slice('throttled:'.length)}.` };
      return { status: 'error', message: TIMED_OUT };
    }
    if (error instanceof AuthError) return { status: 'error', message: TIMED_OUT };
    throw error;
  }
}
