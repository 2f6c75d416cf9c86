/**
 * The one action contract: how form data becomes schema input (array fields as indexed dotted
 * names), how issues come back as field errors keyed by their whole path, and the order
 * authorize → load → parse → run, with refusals answered as one error state.
 */
import { redirect } from 'next/navigation';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { AccountAccess } from '@/lib/auth/access';
import { accountAction, staffAction } from '@/lib/auth/action';
import { authorize, authorizeStaff } from '@/lib/auth/guard';
import { AppError } from '@/lib/errors';
import { fieldErrorsOf, formToObject, idListField, nestFields } from '@/lib/validations/form-data';
import { trunkGroupInputSchema } from '@/lib/validations/trunk-groups';

vi.mock('@/lib/auth/guard', () => ({ authorize: vi.fn(), authorizeStaff: vi.fn() }));

const access = { user: { id: 'u1', isOperatorStaff: false }, account: { id: 'a1' } } as unknown as AccountAccess;

function form(entries: [string, string][]): FormData {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
}

describe('form data → schema input', () => {
  it('keeps plain names as strings and comma-joins a name sent several times', () => {
    expect(formToObject(form([['name', 'Dallas'], ['numberIds', 'a'], ['numberIds', 'b'], ['$ACTION_ID_1', 'x']]))).toEqual({ name: 'Dallas', numberIds: 'a,b' });
  });

  it('nests indexed dotted names into arrays of rows, keeping each row at its submitted index', () => {
    const input = nestFields({ 'rows.0.cidr': '10.0.0.0/8', 'rows.2.cidr': '44.0.0.1', 'rows.2.note': 'edge', name: 'x' });
    expect(input.name).toBe('x');
    const rows = input.rows as unknown[];
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({ cidr: '10.0.0.0/8' });
    expect(1 in rows).toBe(false);
    expect(rows[2]).toEqual({ cidr: '44.0.0.1', note: 'edge' });
  });

  it('nests named segments as objects and lists of scalars as arrays', () => {
    expect(nestFields({ 'credential.apiKey': 'k', 'tags.0': 'a', 'tags.1': 'b' })).toEqual({ credential: { apiKey: 'k' }, tags: ['a', 'b'] });
  });

  it('leaves a name flat when its path clashes with another field, passes through a prototype name or has a five-digit index', () => {
    const input = nestFields({ rows: 'plain', 'rows.0.cidr': '10.0.0.0/8', '__proto__.polluted': 'yes', 'constructor.prototype.x': 'y', 'big.12345.cidr': 'z', 'rows2.0.a': '1', 'rows2.b': '2' });
    expect(input.rows).toBe('plain');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(input, '__proto__.polluted')).toBe(true);
    expect(input.big).toBeUndefined();
    expect(input.rows2).toEqual([{ a: '1' }]);
  });

  it('keeps a field named like an Object method', () => {
    expect(nestFields({ toString: 'a', 'hasOwnProperty.0': 'b' })).toEqual({ toString: 'a', hasOwnProperty: ['b'] });
  });

  it('reads a list of ticked ids: distinct, at least one, at most the limit', () => {
    const ids = idListField({ none: 'Tick one', tooMany: 'Too many' }, 2);
    expect(ids.parse(' a, b ,a,')).toEqual(['a', 'b']);
    expect(ids.safeParse('').error?.issues.map((issue) => issue.message)).toEqual(['Tick one']);
    expect(ids.safeParse('a,b,c').error?.issues.map((issue) => issue.message)).toEqual(['Too many']);
  });
});

describe('issues → field errors', () => {
  it('keys each message by the whole path joined with dots, and form-wide issues by `form`', () => {
    expect(
      fieldErrorsOf([
        { path: ['allowList', 2, 'cidr'], message: 'Not a block' },
        { path: ['allowList', 2, 'cidr'], message: 'Listed twice' },
        { path: ['name'], message: 'Required' },
        { path: [], message: 'Nothing to save' },
      ]),
    ).toEqual({ 'allowList.2.cidr': ['Not a block', 'Listed twice'], name: ['Required'], form: ['Nothing to save'] });
  });
});

describe('accountAction', () => {
  const rowsSchema = z.object({
    name: z.string({ message: 'Name it' }).min(1, 'Name it'),
    rows: z.array(z.object({ cidr: z.string().regex(/^\d+\.\d+\.\d+\.\d+(\/\d+)?$/, 'Not an IPv4 block') }).optional()).min(1, 'Add a row'),
  });

  beforeEach(() => {
    vi.mocked(authorize).mockReset().mockResolvedValue(access);
    vi.mocked(authorizeStaff).mockReset().mockResolvedValue({ user: access.user });
  });

  it('parses array fields and answers per-row errors under the row’s field name, echoing what was typed but no secret', async () => {
    const run = vi.fn();
    const action = accountAction({ schema: rowsSchema, permission: 'technical.write', run });
    const state = await action({ status: 'idle' }, form([['name', 'Edge'], ['rows.0.cidr', '10.0.0.0/8'], ['rows.1.cidr', 'nope'], ['password', 's3cret']]));
    expect(state).toEqual({
      status: 'error',
      message: 'Please correct the highlighted fields.',
      code: 'invalid:form',
      fieldErrors: { 'rows.1.cidr': ['Not an IPv4 block'] },
      values: { name: 'Edge', 'rows.0.cidr': '10.0.0.0/8', 'rows.1.cidr': 'nope' },
    });
    expect(run).not.toHaveBeenCalled();
  });

  it('hands run the nested input, the access and the flat fields', async () => {
    const action = accountAction({
      schema: rowsSchema,
      permission: 'technical.write',
      run: async (input, given, { raw }) => ({ message: `${input.name}: ${input.rows.length} rows for ${given.account.id} (${raw['rows.1.cidr']})`, data: input.rows }),
    });
    const state = await action({ status: 'idle' }, form([['name', 'Edge'], ['rows.0.cidr', '10.0.0.0/8'], ['rows.1.cidr', '44.0.0.1']]));
    expect(state).toEqual({ status: 'success', message: 'Edge: 2 rows for a1 (44.0.0.1)', data: [{ cidr: '10.0.0.0/8' }, { cidr: '44.0.0.1' }] });
  });

  it('asks who is calling before saying anything about the fields', async () => {
    vi.mocked(authorize).mockRejectedValue(new AppError('unauthorized:session'));
    const action = accountAction({ schema: rowsSchema, permission: 'technical.write', run: vi.fn() });
    const state = await action({ status: 'idle' }, form([['rows.0.cidr', 'nope']]));
    expect(state).toMatchObject({ status: 'error', code: 'unauthorized:session' });
    expect(state.status === 'error' && state.fieldErrors).toBeFalsy();
  });

  it('authorizes against the account the form names, and a blank account is not found', async () => {
    const action = accountAction({ schema: z.object({}), permission: 'technical.write', accountField: 'accountId', run: async () => ({ message: 'ok' }) });
    expect(await action({ status: 'idle' }, form([['accountId', 'acc-9']]))).toEqual({ status: 'success', message: 'ok', data: undefined });
    expect(authorize).toHaveBeenCalledWith('technical.write', 'acc-9');
    expect(await action({ status: 'idle' }, form([]))).toMatchObject({ status: 'error', code: 'not_found:account' });
  });

  it('loads what the form is about before the form’s own errors, and passes it to run', async () => {
    const load = vi.fn(async (raw: Record<string, string>) => {
      if (raw.groupId !== 'g1') throw new AppError('not_found:trunk_group');
      return { id: 'g1', name: 'Dallas' };
    });
    const action = accountAction({ schema: rowsSchema, permission: 'technical.write', load, run: async (input, _access, { subject }) => ({ message: `${subject.name} ${input.name}` }) });
    expect(await action({ status: 'idle' }, form([['groupId', 'foreign'], ['rows.0.cidr', 'nope']]))).toMatchObject({ status: 'error', code: 'not_found:trunk_group' });
    expect(await action({ status: 'idle' }, form([['groupId', 'g1'], ['rows.0.cidr', 'nope']]))).toMatchObject({ code: 'invalid:form', fieldErrors: { name: ['Name it'], 'rows.0.cidr': ['Not an IPv4 block'] } });
    expect(await action({ status: 'idle' }, form([['groupId', 'g1'], ['name', 'Edge'], ['rows.0.cidr', '1.2.3.4']]))).toMatchObject({ status: 'success', message: 'Dallas Edge' });
  });

  it('answers a refusal from run with its message and code, rewritten by presentError for the user', async () => {
    const action = accountAction({
      schema: z.object({}),
      permission: 'technical.write',
      presentError: (state, given) => ({ ...state, message: `${state.message} (${given ? 'signed in' : 'anonymous'})` }),
      run: async () => {
        throw new AppError('conflict:trunk_numbers', 'Reload the page.', { fieldErrors: { numberIds: ['Moved'] } });
      },
    });
    expect(await action({ status: 'idle' }, form([]))).toEqual({ status: 'error', message: 'Reload the page. (signed in)', code: 'conflict:trunk_numbers', fieldErrors: { numberIds: ['Moved'] }, values: {} });
  });

  it('hides an unexpected failure behind a plain message', async () => {
    const action = accountAction({ schema: z.object({}), permission: 'technical.write', run: async () => { throw new Error('relation "x" does not exist'); } });
    const state = await action({ status: 'idle' }, form([]));
    expect(state).toMatchObject({ status: 'error', message: 'Something went wrong on our side. Nothing was changed; please try again.' });
    expect(JSON.stringify(state)).not.toContain('relation');
  });

  it('lets a redirect from run through', async () => {
    const action = accountAction({ schema: z.object({}), permission: 'technical.write', run: async () => redirect('/done') });
    await expect(action({ status: 'idle' }, form([]))).rejects.toMatchObject({ digest: expect.stringMatching(/^NEXT_REDIRECT/) });
  });

  it('reports the trunk-group form’s per-row errors under `destinations.<row>.<field>`', async () => {
    const action = accountAction({ schema: trunkGroupInputSchema, permission: 'technical.write', run: vi.fn() });
    const state = await action(
      { status: 'idle' },
      form([
        ['name', 'Dallas PBX'], ['direction', 'both'], ['auth', 'ip'], ['allowedIps', '44.10.20.30'], ['codecs', 'PCMU'], ['callerIdPolicy', 'pass_through'],
        ['destinations.0.host', 'sbc1.example.com'], ['destinations.0.port', '5060'],
        ['destinations.1.host', 'sbc2.example.com'], ['destinations.1.port', '99999'],
      ]),
    );
    expect(state.status === 'error' && Object.keys(state.fieldErrors ?? {})).toEqual(['destinations.1.port']);
  });
});

describe('staffAction', () => {
  it('parses the same way once the caller is operator staff', async () => {
    vi.mocked(authorizeStaff).mockResolvedValue({ user: access.user });
    const action = staffAction({ schema: z.object({ rows: z.array(z.object({ amount: z.string().regex(/^\d+$/, 'Digits only') })) }), run: async (input) => ({ message: String(input.rows.length) }) });
    expect(await action({ status: 'idle' }, form([['rows.0.amount', '1'], ['rows.1.amount', 'x']]))).toMatchObject({ fieldErrors: { 'rows.1.amount': ['Digits only'] } });
    expect(await action({ status: 'idle' }, form([['rows.0.amount', '1']]))).toMatchObject({ status: 'success', message: '1' });
    vi.mocked(authorizeStaff).mockRejectedValue(new AppError('forbidden:staff'));
    expect(await action({ status: 'idle' }, form([['rows.0.amount', 'x']]))).toMatchObject({ code: 'forbidden:staff' });
  });
});
