'use server';

import { AuthError, CredentialsSignin } from 'next-auth';
import { z } from 'zod';
import { fieldErrorsOf, type ActionState } from '@/lib/auth/action';
import { signIn } from '@/lib/auth/config';
import { loginSchema } from '@/lib/validations/auth';
import { safeCallbackUrl } from '@/lib/validations/callback-url';

export async function signInAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  // The email survives a failed attempt (React resets the form after an action); the password never does.
  const email = formData.get('email');
  const values = typeof email === 'string' ? { email: email.slice(0, 320) } : undefined;
  const parsed = loginSchema.safeParse({ email, password: formData.get('password') });
  if (!parsed.success) return { status: 'error', message: 'Enter your email and password.', fieldErrors: fieldErrorsOf(parsed.error as z.ZodError), values };
  try {
    await signIn('credentials', { ...parsed.data, redirectTo: safeCallbackUrl(formData.get('callbackUrl')) });
    return { status: 'success' };
  } catch (error) {
    if (error instanceof CredentialsSignin && error.code?.startsWith('throttled:')) {
      return { status: 'error', message: `Too many failed sign-in attempts. Try again in ${error.code.slice('throttled:'.length)}.`, values };
    }
    if (error instanceof AuthError) return { status: 'error', message: 'That email and password do not match.', values };
    throw error;
  }
}
