import { z } from 'zod';
import { safeText } from './common';

export const loginSchema = z.object({
  email: safeText('An email address', { message: 'Enter your email' }).trim().toLowerCase().email('Enter a valid email address').max(254),
  password: z.string({ message: 'Enter your password' }).min(1, 'Enter your password').max(512),
});

const invitationToken = z.string().regex(/^[A-Za-z0-9_-]{20,200}$/, 'This invitation link is invalid');

/** A new person joining by invitation: a name and a password, typed twice. */
export const acceptInvitationAsNewUserSchema = z
  .object({
    token: invitationToken,
    name: safeText('Your name', { message: 'Enter your name' }).trim().min(2, 'Enter your name').max(120, 'Use at most 120 characters'),
    password: z.string({ message: 'Choose a password' }).max(512),
    confirmPassword: z.string({ message: 'Repeat the password' }).max(512),
  })
  .superRefine((value, context) => {
    if (value.password !== value.confirmPassword) context.addIssue({ code: 'custom', path: ['confirmPassword'], message: 'The passwords do not match' });
  });

/** A signed-in user accepting an invitation addressed to them: nothing but the token. */
export const acceptInvitationAsUserSchema = z.object({ token: invitationToken });

export const changePasswordSchema = z
  .object({
    currentPassword: z.string({ message: 'Enter your current password' }).min(1, 'Enter your current password').max(512),
    newPassword: z.string({ message: 'Choose a new password' }).max(512),
    confirmPassword: z.string({ message: 'Repeat the new password' }).max(512),
  })
  .superRefine((value, context) => {
    if (value.newPassword !== value.confirmPassword) context.addIssue({ code: 'custom', path: ['confirmPassword'], message: 'The passwords do not match' });
    if (value.newPassword && value.newPassword === value.currentPassword) context.addIssue({ code: 'custom', path: ['newPassword'], message: 'Choose a password different from the current one' });
  });
