import { z } from 'zod';
import { tickedCheckbox } from './common';

/** A 6-digit authenticator code, or a recovery code (`k7m2p-x9qrt`); spaces are ignored. */
export const secondFactorCode = z
  .string({ message: 'Enter the code from your authenticator app' })
  .transform((value) => value.replace(/\s/g, ''))
  .pipe(z.string().min(1, 'Enter the code from your authenticator app').max(32, 'That is not a code we issue'));

/** Only an authenticator code confirms enrolment: it proves the app holds the secret. */
export const totpCodeSchema = z.object({
  code: z
    .string({ message: 'Enter the 6-digit code your app shows' })
    .transform((value) => value.replace(/\s/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'Enter the 6-digit code your app shows')),
});

export const secondFactorCodeSchema = z.object({ code: secondFactorCode });

export const signInSecondStepSchema = z.object({
  challenge: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'Your sign-in timed out. Enter your email and password again.'),
  code: secondFactorCode,
});

export const twoFactorPolicySchema = z.object({
  accountId: z.string().uuid(),
  requireTwoFactor: tickedCheckbox,
});
