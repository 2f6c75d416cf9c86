/**
 * Every form schema in lib/validations refuses NUL and other control characters in each text field,
 * and every numeric field refuses `0x10` and `1e3` (which Number() reads as 16 and 1000), each with a
 * message on that field rather than a quietly cleaned value or a database error later.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createSubAccountSchema, inviteUserSchema, renameAccountSchema, updateLimitsSchema } from '@/lib/validations/account';
import { loginSchema } from '@/lib/validations/auth';
import { e911AddressSchema } from '@/lib/validations/e911';
import { billingProfileSchema, recordAdjustmentSchema, recordPaymentSchema } from '@/lib/validations/ledger';
import { addToCartSchema, numberSearchSchema, placeOrderSchema } from '@/lib/validations/numbers';
import { pricePreviewSchema, saveOverrideSchema, setConnectionCostSchema, setDefaultPriceSchema } from '@/lib/validations/prices';
import { createConnectionSchema, credentialsFromForm, updateConnectionSchema } from '@/lib/validations/providers';
import { trunkGroupInputSchema } from '@/lib/validations/trunk-groups';

const uuid = '00000000-0000-4000-8000-000000000001';

interface Form {
  name: string;
  schema: z.ZodType;
  valid: Record<string, string>;
  /** Free-text fields (a control character anywhere must be refused on that field). */
  text: string[];
  /** Text areas: line breaks and tabs separate entries; any other control character is refused. */
  textArea?: string[];
  /** Whole-number or amount fields. */
  numeric?: string[];
}

const trunkForm = {
  name: 'Dallas PBX',
  direction: 'both',
  auth: 'both',
  allowedIps: '44.10.20.30',
  'destinations.0.host': 'sbc1.example.com',
  'destinations.0.port': '5060',
  'destinations.0.transport': 'udp',
  codecs: 'PCMU,PCMA',
  callerIdPolicy: 'fixed',
  callerIdNumber: '+1 214 555 0100',
  techPrefix: '99#',
  maxChannels: '20',
  maxCps: '5',
};

const FORMS: Form[] = [
  { name: 'create sub-account', schema: createSubAccountSchema, valid: { parentId: uuid, name: 'Acme North', maxConcurrentCalls: '40', monthlySpendCap: '1,500.00' }, text: ['name', 'monthlySpendCap'], numeric: ['maxConcurrentCalls', 'maxCallsPerSecond', 'monthlySpendCap'] },
  { name: 'rename account', schema: renameAccountSchema, valid: { accountId: uuid, name: 'Acme East' }, text: ['name'] },
  { name: 'account limits', schema: updateLimitsSchema, valid: { accountId: uuid, maxConcurrentCalls: '200', maxCallsPerSecond: '10', monthlySpendCap: '2500' }, text: ['monthlySpendCap'], numeric: ['maxConcurrentCalls', 'maxCallsPerSecond', 'monthlySpendCap'] },
  { name: 'invite user', schema: inviteUserSchema, valid: { accountId: uuid, email: 'new@acme.example', role: 'viewer' }, text: ['email'] },
  { name: 'sign in', schema: loginSchema, valid: { email: 'owner@acme.example', password: 'anything at all' }, text: ['email'] },
  { name: 'number search', schema: numberSearchSchema, valid: { kind: 'local', state: 'TX', npa: '214', nxx: '555', rateCenter: 'Dallas', pattern: '*CAFE*', quantity: '5' }, text: ['state', 'npa', 'nxx', 'rateCenter', 'pattern'], numeric: ['quantity', 'npa', 'nxx'] },
  { name: 'add to cart', schema: addToCartSchema, valid: { searchId: uuid, numbers: '+12145550100,+12145550101' }, text: ['numbers'] },
  { name: 'place order', schema: placeOrderSchema, valid: { idempotencyKey: '6f1c2d3e-4b5a-4c6d-8e7f-001122334455', expectNumbers: '+13125550100,+13125550101', trunkGroupRef: 'tg-1', e911AddressRef: 'addr-1' }, text: ['idempotencyKey', 'trunkGroupRef', 'e911AddressRef'] },
  { name: 'price override', schema: saveOverrideSchema, valid: { kind: 'local', state: 'TX', monthly: '1.10', setup: '0.50' }, text: ['state', 'monthly', 'setup'], numeric: ['monthly', 'setup'] },
  { name: 'default price', schema: setDefaultPriceSchema, valid: { kind: 'local', monthly: '1.25', setup: '0' }, text: ['monthly', 'setup'], numeric: ['monthly', 'setup'] },
  { name: 'connection cost', schema: setConnectionCostSchema, valid: { connectionId: uuid, kind: 'tollfree', monthly: '0.40', setup: '0' }, text: ['monthly', 'setup'], numeric: ['monthly', 'setup'] },
  { name: 'price preview', schema: pricePreviewSchema, valid: { kind: 'local', npa: '214' }, text: ['npa'], numeric: ['npa'] },
  { name: 'add connection', schema: createConnectionSchema, valid: { provider: 'voicetel', name: 'VoiceTel production', baseUrl: 'https://api.voicetel.example' }, text: ['name', 'baseUrl'] },
  { name: 'edit connection', schema: updateConnectionSchema, valid: { connectionId: uuid, name: 'VoiceTel production', baseUrl: 'https://api.voicetel.example/v2' }, text: ['name', 'baseUrl'] },
  {
    name: 'trunk group',
    schema: trunkGroupInputSchema,
    valid: trunkForm,
    text: ['name', 'destinations.0.host', 'destinations.0.port', 'callerIdNumber', 'techPrefix', 'maxChannels', 'maxCps'],
    textArea: ['allowedIps'],
    numeric: ['destinations.0.port', 'maxChannels', 'maxCps'],
  },
  {
    name: 'record a payment',
    schema: recordPaymentSchema,
    valid: { accountId: uuid, requestKey: uuid, type: 'payment', amount: '1,250.50', receivedOn: '2026-01-15', reference: 'Wire FT24-00831', note: 'December invoice' },
    text: ['requestKey', 'amount', 'reference', 'note'],
    numeric: ['amount'],
  },
  { name: 'record an adjustment', schema: recordAdjustmentSchema, valid: { accountId: uuid, requestKey: uuid, amount: '-25.00', reason: 'Rounding on the wire', reference: 'TICKET-7' }, text: ['requestKey', 'amount', 'reason', 'reference'], numeric: ['amount'] },
  { name: 'invoice settings', schema: billingProfileSchema, valid: { accountId: uuid, currency: 'USD', taxName: 'Sales tax', taxRatePercent: '7.25', paymentTermsDays: '30' }, text: ['currency', 'taxName', 'taxRatePercent'], numeric: ['paymentTermsDays'] },
  { name: 'e911 address', schema: e911AddressSchema, valid: { street: '500 Main St', unit: 'Suite 4', city: 'Dallas', state: 'TX', postalCode: '75201', callerName: 'Acme Dallas' }, text: ['street', 'unit', 'city', 'state', 'postalCode', 'callerName'] },
];

/** The field an issue is about, as the form names it (`destinations.0.host`). */
const fieldsOf = (error: z.ZodError) => error.issues.map((issue) => issue.path.map(String).join('.'));

/** Control characters a browser can send in a form field. (Tab counts as whitespace for an e911 address: pasted from a spreadsheet.) */
const CONTROLS = ['\u0000', '\u0001', '\u0007', '\b', '\n', '\u000b', '\f', '\r', '\u001b', '\u001f', '\u007f', '\u0080', '\u0085', '\u009f'];

function insertAt(value: string, character: string, at: number): string {
  const index = at % (value.length + 1);
  return value.slice(0, index) + character + value.slice(index);
}

describe.each(FORMS.map((form) => [form.name, form] as const))('%s', (_name, form) => {
  it('accepts the valid form', () => {
    const parsed = form.schema.safeParse(form.valid);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('refuses a control character anywhere in a text field, on that field', () => {
    fc.assert(
      fc.property(fc.constantFrom(...form.text), fc.constantFrom(...CONTROLS), fc.nat(), (field, control, at) => {
        const parsed = form.schema.safeParse({ ...form.valid, [field]: insertAt(form.valid[field] ?? '', control, at) });
        expect(parsed.success, `${field} with ${JSON.stringify(control)}`).toBe(false);
        expect(fieldsOf(parsed.error!)).toContain(field);
      }),
      { numRuns: 120 },
    );
  });

  if (form.textArea) {
    it('refuses control characters other than line breaks and tabs in a text area', () => {
      fc.assert(
        fc.property(fc.constantFrom(...form.textArea!), fc.constantFrom(...CONTROLS.filter((control) => !'\t\n\r'.includes(control))), fc.nat(), (field, control, at) => {
          const parsed = form.schema.safeParse({ ...form.valid, [field]: insertAt(`${form.valid[field] ?? ''}\n44.10.20.31`, control, at) });
          expect(parsed.success, `${field} with ${JSON.stringify(control)}`).toBe(false);
          expect(fieldsOf(parsed.error!)).toContain(field);
        }),
        { numRuns: 60 },
      );
      for (const field of form.textArea!) expect(form.schema.safeParse({ ...form.valid, [field]: `${form.valid[field] ?? ''}\r\n44.10.20.31\n` }).success).toBe(true);
    });
  }

  it('refuses a lone surrogate in a text field', () => {
    for (const field of form.text) {
      const parsed = form.schema.safeParse({ ...form.valid, [field]: `${form.valid[field] ?? ''}\ud800` });
      expect(parsed.success, field).toBe(false);
    }
  });

  if (form.numeric) {
    it.each(form.numeric)('refuses hex, exponent and other non-decimal numbers in %s', (field) => {
      for (const value of ['0x10', '0X1F', '1e3', '1E2', '2e0', 'Infinity', '٣', '１２']) {
        const parsed = form.schema.safeParse({ ...form.valid, [field]: value });
        expect(parsed.success, `${field}=${value}`).toBe(false);
        expect(fieldsOf(parsed.error!), `${field}=${value}`).toContain(field);
      }
    });
  }
});

describe('numeric messages say what to type', () => {
  it('for counts', () => {
    const quantity = numberSearchSchema.safeParse({ quantity: '0x10' });
    expect(quantity.error?.issues.map((issue) => issue.message)).toEqual(['Quantity must be a whole number, written with the digits 0–9 only']);
    const limits = updateLimitsSchema.safeParse({ accountId: uuid, maxConcurrentCalls: '1e3' });
    expect(limits.error?.issues.map((issue) => issue.message)).toEqual(['Concurrent calls must be a whole number, written with the digits 0–9 only']);
    expect(updateLimitsSchema.parse({ accountId: uuid, maxConcurrentCalls: ' 1000 ' }).maxConcurrentCalls).toBe(1000);
  });
});

describe('invoice settings', () => {
  const settings = { accountId: uuid, currency: 'usd', taxName: 'Sales tax', taxRatePercent: '7.25', paymentTermsDays: '30' };
  const errorsOf = (fields: Record<string, string>) => billingProfileSchema.safeParse({ ...settings, ...fields }).error?.flatten().fieldErrors;

  it('takes whole days from 0 to 120 and a one-line tax name', () => {
    expect(billingProfileSchema.parse(settings)).toMatchObject({ currency: 'USD', taxName: 'Sales tax', paymentTermsDays: 30 });
    expect(billingProfileSchema.parse({ ...settings, paymentTermsDays: ' 0 ' }).paymentTermsDays).toBe(0);
    expect(billingProfileSchema.parse({ ...settings, taxName: '  VAT  ' }).taxName).toBe('VAT');
  });

  it('refuses a tax name with NUL, a line break or a C1 control, beside the field (it is printed on every invoice)', () => {
    for (const taxName of ['Sales\u0000tax', 'Sales tax\n', 'GST\nPST', 'VAT\u0085']) {
      expect(errorsOf({ taxName }), JSON.stringify(taxName)).toEqual({ taxName: ['The tax name cannot contain control characters (such as NUL, tab or a line break)'] });
    }
  });

  it('refuses blank payment terms instead of reading them as 0 days, and numbers written any other way than digits', () => {
    for (const paymentTermsDays of ['', ' ']) expect(errorsOf({ paymentTermsDays }), JSON.stringify(paymentTermsDays)).toEqual({ paymentTermsDays: ['Give the payment terms in days (0 for due on issue)'] });
    expect(billingProfileSchema.safeParse({ accountId: uuid, currency: 'USD', taxName: 'Tax', taxRatePercent: '0' }).error?.flatten().fieldErrors).toEqual({ paymentTermsDays: ['Give the payment terms in days (0 for due on issue)'] });
    for (const paymentTermsDays of ['1e1', '0x1E', '30.0', '\n']) {
      expect(errorsOf({ paymentTermsDays }), paymentTermsDays).toEqual({ paymentTermsDays: ['Payment terms (days) must be a whole number, written with the digits 0–9 only'] });
    }
    expect(errorsOf({ paymentTermsDays: '121' })).toEqual({ paymentTermsDays: ['Payment terms (days) can be at most 120'] });
    expect(errorsOf({ paymentTermsDays: '-1' })).toEqual({ paymentTermsDays: ['Payment terms (days) must be at least 0'] });
  });
});

describe('provider credentials', () => {
  it('keeps plain values and refuses a control character with a message on that field, never echoing it', () => {
    expect(credentialsFromForm({ name: 'x', 'credential.username': ' api-user ', 'credential.password': '' })).toEqual({ username: 'api-user' });
    fc.assert(
      fc.property(fc.constantFrom(...CONTROLS), fc.nat(), (control, at) => {
        const secret = insertAt('s3cret-value', control, at);
        let thrown: unknown;
        try {
          credentialsFromForm({ 'credential.username': 'api-user', 'credential.password': secret });
        } catch (error) {
          thrown = error;
        }
        // Surrounding whitespace is trimmed (a newline pasted after a key is no problem); inside, it is refused.
        if (secret.trim() === 's3cret-value') return;
        expect(thrown).toMatchObject({ code: 'invalid:credentials', fieldErrors: { 'credential.password': ['This credential cannot contain control characters (such as NUL, tab or a line break)'] } });
        expect(JSON.stringify(thrown)).not.toContain('s3cret');
      }),
    );
  });
});
