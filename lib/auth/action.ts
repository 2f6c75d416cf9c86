/**
 * The one way server actions are built: resolve the user and the account from the session, load what
 * the form is about, parse the form with the zod schema the client shares, run, and answer with the
 * one action state shape.
 *
 * Form data → schema input follows `lib/validations/form-data.ts`: plain names are strings (a name
 * sent several times arrives comma-joined), array fields are indexed dotted names (`rows.0.cidr`,
 * `rows.1.cidr` → `{ rows: [{ cidr }, { cidr }] }`). Field errors come back keyed by the whole
 * path joined with '.' (`rows.1.cidr`), the name of the input they belong beside.
 */
import { z } from 'zod';
import { AppError, isAppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { fieldErrorsOf, formToObject, nestFields, type FieldErrors } from '@/lib/validations/form-data';
import type { AccountAccess } from './access';
import { authorize, authorizeStaff } from './guard';
import type { Permission } from './permissions';

export { fieldErrorsOf, formToObject };

export type ActionState<Data = undefined> =
  | { status: 'idle' }
  | { status: 'success'; message?: string; tone?: ResultTone; data?: Data }
  | { status: 'error'; message: string; code?: string; fieldErrors?: FieldErrors; values?: Record<string, string> };

/**
 * How a done action's message reads: `partial` when only part of it took (a group applied on some
 * carriers, some numbers registered) and `failed` when the change was saved but nothing took
 * upstream. Neither is ever shown as success.
 */
export type ResultTone = 'partial' | 'failed';

export type ErrorActionState = Extract<ActionState<never>, { status: 'error' }>;

export const idle = { status: 'idle' } as const;

/**
 * What the user typed, echoed back so a failed submit does not wipe the form (React resets forms
 * after an action). Secrets are never echoed.
 */
export function echoValues(raw: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(raw).filter(([key]) => !/password|token|secret|credential|^pin$|passcode/i.test(key)));
}

export function errorState(error: unknown): ErrorActionState {
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

/** What `run` answers on success; a refusal is thrown (an `AppError`, or a `ZodError` for field messages). */
export type ActionResult<Data> = { message?: string; tone?: ResultTone; data?: Data } | void;

export interface ActionContext<Subject> {
  /** The form's fields by their flat names, as submitted. */
  raw: Record<string, string>;
  /** What `load` returned. */
  subject: Subject;
}

interface AccountActionOptions<Schema extends z.ZodType, Data, Subject> {
  schema: Schema;
  permission: Permission;
  /** The form field naming the account the action is about; absent means the current account. */
  accountField?: string;
  /**
   * Loads what the form is about (the trunk group, the address) from an id in the form, so an
   * unknown or foreign id answers "not found" before anything is said about the form's fields.
   */
  load?: (raw: Record<string, string>, access: AccountAccess) => Promise<Subject>;
  /** Rewrites a refusal for the user who gets it; `access` is absent when authorization itself failed. */
  presentError?: (state: ErrorActionState, access: AccountAccess | undefined) => ErrorActionState;
  run: (input: z.output<Schema>, access: AccountAccess, context: ActionContext<Subject>) => Promise<ActionResult<Data>>;
}

/**
 * An action on a customer account. Order: who is asking (`authorize`; an unknown user never learns
 * about field shapes), what it is about (`load`), whether the form is valid (`schema`), then `run`.
 * Next's `redirect()` may be called inside `run`.
 */
export function accountAction<Schema extends z.ZodType, Data = undefined, Subject = undefined>(options: AccountActionOptions<Schema, Data, Subject>) {
  return async (_previous: ActionState<Data>, formData: FormData): Promise<ActionState<Data>> => {
    const raw = formToObject(formData);
    let access: AccountAccess | undefined;
    try {
      access = await authorize(options.permission, options.accountField ? validAccountId(raw[options.accountField]) : undefined);
      const subject = (options.load ? await options.load(raw, access) : undefined) as Subject;
      const input = options.schema.parse(nestFields(raw));
      const result = await options.run(input, access, { raw, subject });
      return { status: 'success', message: result?.message, ...(result?.tone ? { tone: result.tone } : {}), data: result?.data };
    } catch (error) {
      const state = access === undefined && options.accountField ? unreachableAccount(refusal(error, raw), options.accountField) : refusal(error, raw);
      return options.presentError ? options.presentError(state, access) : state;
    }
  };
}

/** Platform actions of operator staff (providers, prices): no customer account involved. */
export function staffAction<Schema extends z.ZodType, Data = undefined>(options: {
  schema: Schema;
  run: (input: z.output<Schema>, staff: { user: AccountAccess['user']; ip?: string }, raw: Record<string, string>) => Promise<ActionResult<Data>>;
}) {
  return async (_previous: ActionState<Data>, formData: FormData): Promise<ActionState<Data>> => {
    const raw = formToObject(formData);
    try {
      const staff = await authorizeStaff();
      const input = options.schema.parse(nestFields(raw));
      const result = await options.run(input, staff, raw);
      return { status: 'success', message: result?.message, ...(result?.tone ? { tone: result.tone } : {}), data: result?.data };
    } catch (error) {
      return refusal(error, raw);
    }
  };
}

const UNREACHABLE_ACCOUNT = 'That account was not found, or you no longer have access to it. Reload the page and choose again.';

/**
 * The account a form names (a parent chosen in a list, the account a page is about) is gone or out
 * of reach: say which field, in words, rather than a bare "Not found.".
 */
function unreachableAccount(state: ErrorActionState, accountField: string): ErrorActionState {
  if (state.code !== 'not_found:account') return state;
  return { ...state, message: UNREACHABLE_ACCOUNT, fieldErrors: { ...state.fieldErrors, [accountField]: [UNREACHABLE_ACCOUNT] } };
}

/** The error answer, with what the user typed so a failed submit does not wipe the form. */
function refusal(error: unknown, raw: Record<string, string>): ErrorActionState {
  return { ...errorState(error), values: echoValues(raw) };
}

function validAccountId(value: string | undefined): string {
  if (!value) throw new AppError('not_found:account');
  return value;
}
