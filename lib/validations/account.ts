import { z } from 'zod';
import { ROLES } from '@/lib/auth/permissions';

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const optionalPositiveInt = (label: string, max: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ message: `${label} must be a whole number` })
      .int(`${label} must be a whole number`)
      .min(1, `${label} must be at least 1`)
      .max(max, `${label} can be at most ${max.toLocaleString('en-US')}`)
      .optional(),
  );

export const accountNameSchema = z
  .string({ message: 'Enter a name' })
  .trim()
  .min(2, 'The name needs at least 2 characters')
  .max(80, 'The name can be at most 80 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} .,'&()/-]*$/u, 'Use letters, digits, spaces and . , \' & ( ) / - only');

export const accountLimitsSchema = z.object({
  maxConcurrentCalls: optionalPositiveInt('Concurrent calls', 100_000),
  maxCallsPerSecond: optionalPositiveInt('Calls per second', 10_000),
  monthlySpendCap: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value.replace(/[$,\s]/g, '') : undefined))
    .refine((value) => value === undefined || /^\d{1,10}(\.\d{1,2})?$/.test(value), 'Enter an amount like 2500 or 2500.00')
    .refine((value) => value === undefined || Number(value) > 0, 'The spend cap must be more than 0'),
  internationalAllowed: z
    .union([z.literal('on'), z.literal('true'), z.literal('')])
    .optional()
    .transform((value) => value === 'on' || value === 'true'),
  /**
   * The limits form sends a hidden `off` before the checkbox, so "unchecked" arrives as `off` and
   * "checked" as `off,on`; absent (an older form, the create form) leaves the setting as it is.
   */
  requireE911ForRouting: z
    .union([z.string(), z.boolean()])
    .transform((value) => (typeof value === 'boolean' ? value : value.split(',').some((part) => part === 'on' || part === 'true')))
    .optional(),
});

export const createSubAccountSchema = z
  .object({ parentId: z.string().uuid('Choose a parent account'), name: accountNameSchema })
  .and(accountLimitsSchema);

export const renameAccountSchema = z.object({ accountId: z.string().uuid(), name: accountNameSchema });
export const updateLimitsSchema = z.object({ accountId: z.string().uuid() }).and(accountLimitsSchema);
export const setAccountStatusSchema = z.object({ accountId: z.string().uuid(), status: z.enum(['active', 'suspended']) });

export const roleSchema = z.enum(ROLES, { message: 'Choose a role' });

export const inviteUserSchema = z.object({
  accountId: z.string().uuid(),
  email: z.string({ message: 'Enter an email address' }).trim().toLowerCase().email('Enter a valid email address').max(254),
  role: roleSchema,
});

export const changeRoleSchema = z.object({ accountId: z.string().uuid(), membershipId: z.string().uuid(), role: roleSchema });
export const removeMembershipSchema = z.object({ accountId: z.string().uuid(), membershipId: z.string().uuid() });
export const revokeInvitationSchema = z.object({ accountId: z.string().uuid(), invitationId: z.string().uuid() });

export const passwordSchema = z
  .string({ message: 'Choose a password' })
  .min(12, 'Use at least 12 characters')
  .max(200, 'Use at most 200 characters');

export const acceptInvitationSchema = z
  .object({
    token: z.string().min(20).max(200),
    name: z.string().trim().max(120).optional(),
    password: z.string().max(200).optional(),
    confirmPassword: z.string().max(200).optional(),
  })
  .superRefine((value, context) => {
    if (value.password !== undefined && value.password !== value.confirmPassword) {
      context.addIssue({ code: 'custom', path: ['confirmPassword'], message: 'The passwords do not match' });
    }
  });

export const switchAccountSchema = z.object({ accountId: z.string().uuid() });

export const auditFilterSchema = z.object({
  action: z.string().trim().max(60).optional().catch(undefined),
  actor: z.string().trim().max(120).optional().catch(undefined),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().catch(undefined),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().catch(undefined),
  before: z.coerce.number().int().positive().optional().catch(undefined),
});
