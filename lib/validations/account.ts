import { z } from 'zod';
import { ROLES } from '@/lib/auth/permissions';
import { blankToUndefined, calendarDate, firstParam, optionalIntegerField, readInteger, safeText, type SearchParamsInput } from './common';

// `.optional()`: a form or API call that leaves the field out means no limit of its own, not an error.
const optionalPositiveInt = (label: string, max: number) => optionalIntegerField(label, { min: 1, max }).optional();

export const accountNameSchema = safeText('The name', { message: 'Enter a name' })
  .trim()
  .min(2, 'The name needs at least 2 characters')
  .max(80, 'The name can be at most 80 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} .,'&()/-]*$/u, 'Use letters, digits, spaces and . , \' & ( ) / - only');

export const accountLimitsSchema = z.object({
  maxConcurrentCalls: optionalPositiveInt('Concurrent calls', 100_000),
  maxCallsPerSecond: optionalPositiveInt('Calls per second', 10_000),
  monthlySpendCap: safeText('The spend cap')
    .trim()
    .optional()
    .transform((value) => (value ? value.replace(/[$, ]/g, '') : undefined))
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
    .refine((value) => typeof value === 'boolean' || value.split(',').every((part) => ['', 'on', 'off', 'true', 'false'].includes(part)), 'Tick the box or leave it clear')
    .transform((value) => (typeof value === 'boolean' ? value : value.split(',').some((part) => part === 'on' || part === 'true')))
    .optional(),
});

export const createSubAccountSchema = z
  .object({ parentId: z.string().uuid('Choose a parent account'), name: accountNameSchema })
  .and(accountLimitsSchema);

export const renameAccountSchema = z.object({ accountId: z.string().uuid(), name: accountNameSchema });
export const updateLimitsSchema = z.object({ accountId: z.string().uuid() }).and(accountLimitsSchema);
/** The emergency-routing rule an account sets for its own subtree; sent like the limits form's checkbox. */
export const routingPolicySchema = z.object({
  accountId: z.string().uuid(),
  requireE911ForRouting: accountLimitsSchema.shape.requireE911ForRouting.transform((value) => value ?? false),
});
export const setAccountStatusSchema = z.object({ accountId: z.string().uuid(), status: z.enum(['active', 'suspended']) });

export const roleSchema = z.enum(ROLES, { message: 'Choose a role' });

export const inviteUserSchema = z.object({
  accountId: z.string().uuid(),
  email: safeText('An email address', { message: 'Enter an email address' }).trim().toLowerCase().email('Enter a valid email address').max(254),
  role: roleSchema,
});

export const changeRoleSchema = z.object({ accountId: z.string().uuid(), membershipId: z.string().uuid(), role: roleSchema });
export const removeMembershipSchema = z.object({ accountId: z.string().uuid(), membershipId: z.string().uuid() });
export const revokeInvitationSchema = z.object({ accountId: z.string().uuid(), invitationId: z.string().uuid() });

export const switchAccountSchema = z.object({ accountId: z.string().uuid() });

const optionalFilter = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

/** Each audit filter on its own, so one bad field is reported beside it and the others still apply. */
const auditFilterFields = {
  action: optionalFilter(safeText('An action').trim().max(60, 'An action is at most 60 characters')),
  actor: optionalFilter(safeText('Who').trim().max(120, 'Who is at most 120 characters')),
  from: optionalFilter(calendarDate('From')),
  to: optionalFilter(calendarDate('To')),
};

export type AuditFilterField = keyof typeof auditFilterFields;

export interface AuditFilter {
  action?: string;
  actor?: string;
  /** `YYYY-MM-DD`, a real calendar day. */
  from?: string;
  to?: string;
  /** Events older than this id (the "Older events" link); a link that is not plain digits starts over. */
  before?: number;
}

/** The audit log's query string: the filters that can be used and a message for each that cannot. */
export function parseAuditFilter(params: SearchParamsInput): { filter: AuditFilter; fieldErrors: Partial<Record<AuditFilterField, string[]>> } {
  const filter: AuditFilter = {};
  const fieldErrors: Partial<Record<AuditFilterField, string[]>> = {};
  for (const [key, schema] of Object.entries(auditFilterFields) as [AuditFilterField, z.ZodType<string | undefined>][]) {
    const parsed = schema.safeParse(firstParam(params, key));
    if (!parsed.success) fieldErrors[key] = parsed.error.issues.map((issue) => issue.message);
    else if (parsed.data !== undefined) filter[key] = parsed.data;
  }
  if (filter.from && filter.to && filter.to < filter.from) {
    fieldErrors.to = ['To must be on or after From'];
    delete filter.to;
  }
  const before = firstParam(params, 'before');
  const reading = before === undefined ? undefined : readInteger(before, 'Before', { min: 1, max: Number.MAX_SAFE_INTEGER });
  if (reading?.ok) filter.before = reading.value;
  return { filter, fieldErrors };
}
