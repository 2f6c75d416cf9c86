/**
 * The one way server actions are built: resolve the user and the account from the session, parse
 * the form with the zod schema the client shares, run, and answer with the one action state shape.
 */
import { z } from 'zod';
import { AppError, isAppError } from '@/lib/errors';
import { log } from '@/lib/log';
import type { AccountAccess } from './access';
import { authorize, authorizeStaff } from './guard';
import type { Permission } from './permissions';

export type ActionState<Data = undefined> =
  | { status: 'idle' }
  | { status: 'success'; message?: string; data?: Data }
  | { status: 'error'; message: string; code?: string; fieldErrors?: Record<string, string[]>; values?: Record<string, string> };

export const idle = { status: 'idle' } as const;

/** Form fields as strings; a field sent several times (checkboxes) arrives comma-joined. */
export function formToObject(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value !== 'string' || key.startsWith('$ACTION')) continue;
    values[key] = key in values ? `${values[key]},${value}` : value;
  }
  return values;
}

export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? 'form');
    (fieldErrors[key] ??= []).push(issue.message);
  }
  return fieldErrors;
}

/**
 * What the user typed, echoed back so a failed submit does not wipe the form (React resets forms
 * after an action). Secrets are never echoed.
 */
export function echoValues(raw: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(raw).filter(([key]) => !/password|token|secret|credential/i.test(key)));
}

export function errorState(error: unknown): ActionState<never> {
  if (error instanceof z.ZodError) {
    return { status: 'error', message: 'Please correct the highlighted fields.', code: 'invalid:form', fieldErrors: fieldErrorsOf(error) };
  }
  if (isAppError(error)) {
    if (error.kind === 'internal') log.error('action.failed', { code: error.code, cause: error.cause });
    return { status: 'error', message: error.message, code: error.code, fieldErrors: error.fieldErrors };
  }
  // Next's redirect/notFound signals must pass through untouched.
  if (error && typeof error === 'object' && 'digest' in error && String((error as { digest: unknown }).digest).startsWith('NEXT_')) throw error;
  log.error('action.unexpected', { error });
  return { status: 'error', message: 'Something went wrong on our side. Nothing was changed; please try again.' };
}

interface AccountActionOptions<Schema extends z.ZodType, Data> {
  schema: Schema;
  permission: Permission;
  /** The form field naming the account the action is about; absent means the current account. */
  accountField?: string;
  run: (input: z.output<Schema>, access: AccountAccess) => Promise<{ message?: string; data?: Data } | void>;
}

export function accountAction<Schema extends z.ZodType, Data = undefined>(options: AccountActionOptions<Schema, Data>) {
  return async (_previous: ActionState<Data>, formData: FormData): Promise<ActionState<Data>> => {
    const raw = formToObject(formData);
    try {
      const parsed = options.schema.safeParse(raw);
      if (!parsed.success) {
        // An unknown user must not learn about field shapes of accounts they cannot reach.
        await authorize(options.permission, options.accountField ? validAccountId(raw[options.accountField]) : undefined);
        throw parsed.error;
      }
      const accountId = options.accountField ? String((parsed.data as Record<string, unknown>)[options.accountField]) : undefined;
      const access = await authorize(options.permission, accountId);
      const result = await options.run(parsed.data, access);
      return { status: 'success', message: result?.message, data: result?.data };
    } catch (error) {
      const state = errorState(error);
      return state.status === 'error' ? { ...state, values: echoValues(raw) } : state;
    }
  };
}

/** Platform actions of operator staff (providers, prices): no customer account involved. */
export function staffAction<Schema extends z.ZodType, Data = undefined>(options: {
  schema: Schema;
  run: (input: z.output<Schema>, staff: { user: AccountAccess['user']; ip?: string }, raw: Record<string, string>) => Promise<{ message?: string; data?: Data } | void>;
}) {
  return async (_previous: ActionState<Data>, formData: FormData): Promise<ActionState<Data>> => {
    const raw = formToObject(formData);
    try {
      const staff = await authorizeStaff();
      const input = options.schema.parse(raw);
      const result = await options.run(input, staff, raw);
      return { status: 'success', message: result?.message, data: result?.data };
    } catch (error) {
      const state = errorState(error);
      return state.status === 'error' ? { ...state, values: echoValues(raw) } : state;
    }
  };
}

function validAccountId(value: string | undefined): string {
  if (!value) throw new AppError('not_found:account');
  return value;
}
