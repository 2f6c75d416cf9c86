'use server';

import { AuthError, CredentialsSignin } from 'next-auth';
import { z } from 'zod';
import { fieldErrorsOf, type ActionState } from '@/lib/auth/action';
import { signIn } from '@/lib/auth/config';
import { loginSchema } from '@/lib/validations/auth';
import { safeCallbackUrl } from '@/lib/validations/callback-url';

export async function signInAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const parsed = loginSchema.safeParse({ email: formData.get('email'), password: formData.get('password') });
  if (!parsed.success) return { status: 'error', message: 'Enter your email and password.', fieldErrors: fieldErrorsOf(parsed.error as z.ZodError) };
  try {
    await signIn('credentials', { ...parsed.data, redirectTo: safeCallbackUrl(formData.get('callbackUrl')) });
    return { status: 'success' };
  } catch (error) {
    if (error instanceof CredentialsSignin && error.code?.startsWith('throttled:')) {
      return { status: 'error', message: `Too many failed sign-in attempts. Try again in ${error.code.slice('throttled:'.length)}.` };
    }
    if (error instanceof AuthError) return { status: 'error', message: 'That email and password do not match.' };
    throw error;
  }
}
