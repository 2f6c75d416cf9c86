/**
 * The port-in readiness check: each rule passing and failing, with the sentence that says how to fix
 * it and the wizard step to go to; a ready partial port of three Dallas numbers scores 100; the
 * findings come in one fixed order; and, by property, any failed blocker means not ready while
 * failed warnings only lower the score.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { READINESS_RULES, READINESS_RULE_IDS, checkReadiness, readinessScore, type ReadinessFinding, type ReadinessInput, type ReadinessRuleId } from '@/lib/ports/readiness';
import type { ReadinessNumber, ReadinessSubscriber } from '@/lib/ports/readiness-rules';

const BILL_TEXT = `
     SOUTHWESTERN BELL TELEPHONE CO.  d/b/a AT&T TEXAS                  Page 1 of 4
     Account Number:   831-5567-0042              Bill Period: Oct 16 - Nov 15, 2026
     ACME WIDGETS,   INC.
     ATTN:  JANE Q.  DOE
     123 NORTH MAIN STREET     SUITE 400
     DALLAS,   TX    75201-1234
     Billing Telephone Number:  (214) 555-0100
`;

const localNumber = (e164: string, patch: Partial<ReadinessNumber> = {}): ReadinessNumber => ({
  e164,
  kind: 'local',
  portable: true,
  reason: null,
  losingCarrier: 'AT&T Texas',
  rateCenter: 'DALLAS',
  rateCenterPortable: true,
  alreadyOwned: false,
  inOtherPort: false,
  ...patch,
});

const subscriber = (patch: Partial<ReadinessSubscriber> = {}): ReadinessSubscriber => ({
  type: 'business',
  name: 'Acme Widgets, Inc.',
  authorizedPerson: 'Jane Q. Doe',
  accountNumber: '831-5567-0042',
  pinProvided: false,
  wireless: false,
  btn: '+12145550100',
  serviceAddress: { street: '123 N MAIN ST', unit: 'STE 400', city: 'DALLAS', state: 'TX', postalCode: '75201', country: 'US' },
  partialPort: true,
  remainingNumbers: ['+12145550100'],
  ...patch,
});

/** A partial port of three Dallas numbers on Monday 7 December 2026, everything in order. */
function readyInput(patch: Partial<ReadinessInput> = {}): ReadinessInput {
  return {
    now: new Date('2026-12-07T15:00:00Z'),
    numbers: [localNumber('+12145550101'), localNumber('+12145550102'), localNumber('+12145550103')],
    upstream: { connectionId: '7f1c2a9e-0000-4000-8000-000000000001', label: 'Carrier 1' },
    subscriber: subscriber(),
    requestedFocDate: '2026-12-14',
    documents: { loa: { source: 'signed', signed: true }, bill: { present: true, text: BILL_TEXT } },
    ...patch,
  };
}

const run = (rule: ReadinessRuleId, input: ReadinessInput) => READINESS_RULES[rule](input);

function expectPass(finding: ReadinessFinding, title: string) {
  expect(finding).toMatchObject({ ok: true, fix: null, title });
  expect(finding).not.toHaveProperty('numbers');
}

describe('checkReadiness', () => {
  it('scores a ready order 100, every finding passed, in the order of READINESS_RULE_IDS', () => {
    const report = checkReadiness(readyInput());
    expect(report.findings.filter((finding) => !finding.ok)).toEqual([]);
    expect(report).toMatchObject({ score: 100, ready: true });
    expect(report.findings.map((finding) => finding.rule)).toEqual([...READINESS_RULE_IDS]);
    expect(Object.keys(READINESS_RULES).sort()).toEqual([...READINESS_RULE_IDS].sort());
  });

  it('is ready with a failed warning, and scores it below 100', () => {
    const report = checkReadiness(readyInput({ documents: { loa: { source: 'signed', signed: true }, bill: null } }));
    expect(report.ready).toBe(true);
    expect(report.findings.filter((finding) => !finding.ok).map((finding) => finding.rule)).toEqual(['bill_present']);
    expect(report.score).toBe(98);
  });

  it('is not ready with a failed blocker, and a blocker costs more than a warning', () => {
    const blocked = checkReadiness(readyInput({ documents: { loa: null, bill: { present: true, text: BILL_TEXT } } }));
    expect(blocked.ready).toBe(false);
    expect(blocked.score).toBe(94);
    expect(readinessScore([{ ok: false, severity: 'blocker' }, { ok: true, severity: 'warning' }])).toBe(25);
    expect(readinessScore([{ ok: true, severity: 'blocker' }, { ok: false, severity: 'warning' }])).toBe(75);
    expect(readinessScore([])).toBe(100);
  });

  it('lists every fix for an empty draft, and scores it low', () => {
    const report = checkReadiness({ now: new Date('2026-12-07T15:00:00Z'), numbers: [], upstream: null, subscriber: null, requestedFocDate: null, documents: { loa: null, bill: null } });
    expect(report.ready).toBe(false);
    expect(report.findings.filter((finding) => !finding.ok).map((finding) => finding.rule)).toEqual([
      'numbers_count',
      'upstream_selected',
      'subscriber_details',
      'service_address',
      'loa_signed',
      'bill_present',
      'foc_date',
    ]);
    // Rules with nothing to object to yet (no number already owned, no BTN to misplace) pass.
    expect(report.score).toBe(62);
    for (const finding of report.findings.filter((candidate) => !candidate.ok)) expect(finding.fix).toMatch(/at the .+ step|Fill in the Subscriber step/);
  });

  it('is ready exactly when no blocker failed; scores 100 exactly when nothing failed (property)', () => {
    const number = fc.record({
      e164: fc.constantFrom('+12145550101', '+12145550102', '+12145550103', '+12145550100', '+18005550100'),
      kind: fc.constantFrom('local' as const, 'toll_free' as const),
      portable: fc.constantFrom(true, false, null),
      reason: fc.constantFrom(null, 'Number is not active'),
      losingCarrier: fc.constantFrom(null, 'AT&T Texas', 'Verizon', 'at&t texas'),
      rateCenter: fc.constantFrom(null, 'DALLAS', 'PLANO'),
      rateCenterPortable: fc.constantFrom(true, false, null),
      alreadyOwned: fc.boolean(),
      inOtherPort: fc.boolean(),
    });
    const input = fc.record({
      now: fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2028-12-31T00:00:00Z'), noInvalidDate: true }),
      numbers: fc.array(number, { maxLength: 6 }),
      upstream: fc.option(fc.constant({ connectionId: 'c1', label: 'Carrier 2' })),
      subscriber: fc.option(
        fc.record({
          type: fc.constantFrom('business' as const, 'residential' as const),
          name: fc.constantFrom('', 'Acme Widgets', 'Someone Else'),
          authorizedPerson: fc.constantFrom('', 'Jane Q. Doe'),
          accountNumber: fc.constantFrom('', ' ', '831-5567-0042'),
          pinProvided: fc.boolean(),
          wireless: fc.boolean(),
          btn: fc.constantFrom(null, '', '+12145550100', '(214) 555-0101'),
          serviceAddress: fc.option(
            fc.constantFrom(
              { street: '123 N MAIN ST', city: 'DALLAS', state: 'TX', postalCode: '75201', country: 'US' },
              { street: '123 North Main Street', city: 'Dallas', state: 'TX', postalCode: '75201', country: 'US' },
              { street: 'PO Box 12', city: 'DALLAS', state: 'TX', postalCode: '75201', country: 'US' },
            ),
          ),
          partialPort: fc.boolean(),
          remainingNumbers: fc.array(fc.constantFrom('+12145550100', '+12145550101'), { maxLength: 2 }),
        }),
      ),
      requestedFocDate: fc.option(fc.constantFrom('2026-12-14', '2027-01-01', '2027-06-15', 'soon', '2028-12-29')),
      documents: fc.record({
        loa: fc.option(fc.record({ source: fc.constantFrom('uploaded' as const, 'signed' as const), signed: fc.boolean() })),
        bill: fc.option(fc.record({ present: fc.boolean(), text: fc.option(fc.constantFrom(BILL_TEXT, '', 'SOME OTHER BILL 99999')) })),
      }),
    });
    fc.assert(
      fc.property(input, (candidate) => {
        const report = checkReadiness(candidate);
        const failed = report.findings.filter((finding) => !finding.ok);
        expect(report.findings.map((finding) => finding.rule)).toEqual([...READINESS_RULE_IDS]);
        expect(report.ready).toBe(!failed.some((finding) => finding.severity === 'blocker'));
        if (failed.some((finding) => finding.severity === 'blocker')) expect(report.ready).toBe(false);
        expect(report.score === 100).toBe(failed.length === 0);
        expect(report.score).toBeGreaterThanOrEqual(0);
        for (const finding of report.findings) {
          if (finding.ok) expect(finding.fix).toBeNull();
          else expect(finding.fix).toMatch(/\S.*[.!]$/);
        }
      }),
    );
  });
});

describe('numbers', () => {
  it('numbers_count: wants 1 to 1,000 numbers', () => {
    expectPass(run('numbers_count', readyInput()), '3 numbers to port');
    expect(run('numbers_count', readyInput({ numbers: [] }))).toEqual({
      rule: 'numbers_count',
      ok: false,
      severity: 'blocker',
      step: 'numbers',
      title: 'No numbers to port',
      fix: 'Add the numbers to port at the Numbers step: paste them or upload a CSV.',
    });
    const many = Array.from({ length: 1204 }, (_, index) => localNumber(`+1214555${String(1000 + index).padStart(4, '0')}`));
    expect(run('numbers_count', readyInput({ numbers: many }))).toMatchObject({
      ok: false,
      title: '1,204 numbers in one order',
      fix: 'An order holds at most 1,000 numbers: remove 204 numbers at the Numbers step and port them in another order.',
    });
    expectPass(run('numbers_count', readyInput({ numbers: many.slice(0, 1000) })), '1,000 numbers to port');
  });

  it('numbers_not_owned: refuses numbers already on the account, naming them', () => {
    expectPass(run('numbers_not_owned', readyInput()), 'No number is already on your account');
    const input = readyInput({ numbers: [localNumber('+12145550101', { alreadyOwned: true }), localNumber('+12145550102')] });
    expect(run('numbers_not_owned', input)).toEqual({
      rule: 'numbers_not_owned',
      ok: false,
      severity: 'blocker',
      step: 'numbers',
      title: '1 number already on your account',
      fix: 'Remove (214) 555-0101 at the Numbers step: it is already yours, so there is nothing to port.',
      numbers: ['+12145550101'],
    });
  });

  it('numbers_not_in_other_port: refuses numbers in another active port', () => {
    expectPass(run('numbers_not_in_other_port', readyInput()), 'No number is in another port order');
    const input = readyInput({ numbers: [localNumber('+12145550101', { inOtherPort: true }), localNumber('+12145550102', { inOtherPort: true })] });
    expect(run('numbers_not_in_other_port', input)).toMatchObject({
      ok: false,
      severity: 'blocker',
      title: '2 numbers already in another port order',
      fix: 'Remove (214) 555-0101 and (214) 555-0102 at the Numbers step, or cancel the other port order first: a number can be in one active port at a time.',
      numbers: ['+12145550101', '+12145550102'],
    });
  });

  it('numbers_one_kind: refuses local and toll-free numbers in one order', () => {
    expectPass(run('numbers_one_kind', readyInput()), 'Local numbers only');
    expectPass(run('numbers_one_kind', readyInput({ numbers: [localNumber('+18005550100', { kind: 'toll_free' })] })), 'Toll-free numbers only');
    const input = readyInput({ numbers: [localNumber('+12145550101'), localNumber('+18005550100', { kind: 'toll_free' })] });
    expect(run('numbers_one_kind', input)).toMatchObject({
      ok: false,
      severity: 'blocker',
      step: 'numbers',
      title: 'Local and toll-free numbers in one order',
      fix: 'Toll-free numbers port on their own (a RespOrg change, not a local port): remove the 1 toll-free number ((800) 555-0100) at the Numbers step and port it in a separate order.',
      numbers: ['+18005550100'],
    });
  });

  it('numbers_portable: names the numbers that cannot be ported, with the upstream’s reason', () => {
    expectPass(run('numbers_portable', readyInput()), 'Every number is portable');
    const input = readyInput({
      numbers: [localNumber('+12145550101', { portable: false, reason: 'Number is not active' }), localNumber('+12145550102', { portable: false }), localNumber('+12145550103')],
    });
    expect(run('numbers_portable', input)).toMatchObject({
      ok: false,
      severity: 'blocker',
      step: 'numbers',
      title: '2 numbers cannot be ported',
      fix: 'Remove (214) 555-0101 (Number is not active) and (214) 555-0102 (the upstream gave no reason) at the Numbers step: they cannot be ported.',
      numbers: ['+12145550101', '+12145550102'],
    });
  });

  it('numbers_portable: sends numbers nobody checked back to the portability step', () => {
    const input = readyInput({ numbers: [localNumber('+12145550101', { portable: null }), localNumber('+12145550102')] });
    expect(run('numbers_portable', input)).toMatchObject({
      ok: false,
      step: 'portability',
      title: '1 number not checked for portability',
      fix: 'Check the portability of (214) 555-0101 again at the Portability step: no upstream has answered for it yet.',
      numbers: ['+12145550101'],
    });
  });

  it('upstream_selected: wants the upstream that will win the numbers', () => {
    expectPass(run('upstream_selected', readyInput()), 'Carrier 1 will port the numbers in');
    expect(run('upstream_selected', readyInput({ upstream: null }))).toMatchObject({
      ok: false,
      severity: 'blocker',
      step: 'portability',
      title: 'No upstream chosen to port the numbers in',
      fix: 'Run the portability check again at the Portability step and choose the upstream that will win the numbers; remove at the Numbers step any number no upstream can port.',
    });
  });

  it('rate_center_portable: names the rate centres the winning upstream cannot serve, with their numbers', () => {
    expectPass(run('rate_center_portable', readyInput()), 'Carrier 1 serves the rate centre of every number');
    expectPass(run('rate_center_portable', readyInput({ upstream: null })), 'Rate centres not checked (no upstream chosen yet)');
    const input = readyInput({
      numbers: [
        localNumber('+12145550101', { rateCenter: 'PLANO', rateCenterPortable: false }),
        localNumber('+12145550102', { rateCenter: 'PLANO', rateCenterPortable: false }),
        localNumber('+12145550103', { rateCenter: 'IRVING', rateCenterPortable: false }),
        localNumber('+12145550104'),
      ],
    });
    expect(run('rate_center_portable', input)).toMatchObject({
      ok: false,
      severity: 'blocker',
      step: 'numbers',
      title: 'Carrier 1 cannot serve the rate centre of 3 numbers',
      fix: 'Carrier 1 has no coverage in PLANO ((214) 555-0101 and (214) 555-0102) and IRVING ((214) 555-0103): remove those numbers at the Numbers step, or port them in another order through another upstream.',
      numbers: ['+12145550101', '+12145550102', '+12145550103'],
    });
  });

  it('single_losing_carrier: asks to split an order across losing carriers, one order each', () => {
    expectPass(run('single_losing_carrier', readyInput()), 'One losing carrier: AT&T Texas');
    const input = readyInput({
      numbers: [
        localNumber('+12145550101', { losingCarrier: 'Verizon' }),
        localNumber('+12145550102', { losingCarrier: 'AT&T Texas' }),
        localNumber('+12145550103', { losingCarrier: 'at&t  texas ' }),
        localNumber('+12145550104', { losingCarrier: 'Frontier' }),
        localNumber('+12145550105', { losingCarrier: null }),
      ],
    });
    expect(run('single_losing_carrier', input)).toMatchObject({
      ok: false,
      severity: 'blocker',
      step: 'numbers',
      title: 'Numbers from 3 losing carriers in one order',
      fix: 'Split into 3 orders: AT&T Texas (2 numbers), Frontier (1 number) and Verizon (1 number). Keep the AT&T Texas numbers in this one and remove the other 2 numbers at the Numbers step to port them in new orders, one per losing carrier.',
      numbers: ['+12145550104', '+12145550101'],
    });
  });

  it('single_losing_carrier: does not count numbers with an unknown losing carrier as another carrier', () => {
    const input = readyInput({ numbers: [localNumber('+12145550101'), localNumber('+12145550102', { losingCarrier: null }), localNumber('+12145550103', { losingCarrier: ' ' })] });
    expectPass(run('single_losing_carrier', input), 'One losing carrier: AT&T Texas');
    expectPass(run('single_losing_carrier', readyInput({ numbers: [localNumber('+12145550101', { losingCarrier: null })] })), 'Losing carrier not known yet');
  });
});

describe('subscriber', () => {
  it('subscriber_details: wants the name, the authorised person and the account number', () => {
    expectPass(run('subscriber_details', readyInput()), 'Subscriber name, authorised person and account number given');
    expect(run('subscriber_details', readyInput({ subscriber: subscriber({ name: ' ', accountNumber: '' }) }))).toMatchObject({
      ok: false,
      severity: 'blocker',
      step: 'subscriber',
      title: 'Business name and account number missing',
      fix: 'Enter the business name and the account number at the Subscriber step, exactly as the losing carrier has them. Enter the account number exactly as it is printed on the losing carrier’s bill (not the invoice number).',
    });
    expect(run('subscriber_details', readyInput({ subscriber: subscriber({ type: 'residential', name: '', authorizedPerson: '' }) }))).toMatchObject({
      ok: false,
      title: 'Account holder’s name and authorised person missing',
      fix: 'Enter the account holder’s name and the authorised person at the Subscriber step, exactly as the losing carrier has them.',
    });
    expect(run('subscriber_details', readyInput({ subscriber: null }))).toMatchObject({
      ok: false,
      title: 'Subscriber details missing',
      fix: 'Fill in the Subscriber step: the name on the losing carrier’s account, the authorised person, the account number and the service address, exactly as the bill shows them.',
    });
  });

  it('pin_for_wireless: wants the port-out PIN for wireless numbers only', () => {
    expectPass(run('pin_for_wireless', readyInput()), 'No port-out PIN needed (not wireless numbers)');
    expectPass(run('pin_for_wireless', readyInput({ subscriber: subscriber({ wireless: true, pinProvided: true }) })), 'Port-out PIN given for the wireless numbers');
    expect(run('pin_for_wireless', readyInput({ subscriber: subscriber({ wireless: true, pinProvided: false }) }))).toEqual({
      rule: 'pin_for_wireless',
      ok: false,
      severity: 'blocker',
      step: 'subscriber',
      title: 'No port-out PIN for wireless numbers',
      fix: 'Wireless carriers refuse a port without the account’s port-out PIN: ask the losing carrier for it (they issue one on request) and enter it at the Subscriber step.',
    });
  });

  it('btn_for_partial_port: wants the BTN when the losing carrier keeps the account', () => {
    expectPass(run('btn_for_partial_port', readyInput()), 'Billing telephone number given for the partial port');
    expectPass(run('btn_for_partial_port', readyInput({ subscriber: subscriber({ partialPort: false, btn: null }) })), 'Full port: the BTN is not required');
    expect(run('btn_for_partial_port', readyInput({ subscriber: subscriber({ btn: '  ' }) }))).toMatchObject({
      ok: false,
      severity: 'blocker',
      step: 'subscriber',
      title: 'No billing telephone number (BTN) for a partial port',
      fix: 'Enter the billing telephone number (BTN) shown on the losing carrier’s bill at the Subscriber step: in a partial port the losing carrier keeps the account open under it.',
    });
  });

  it('btn_stays_in_partial_port: refuses a partial port that moves the BTN, however the BTN was typed', () => {
    expectPass(run('btn_stays_in_partial_port', readyInput()), 'The BTN stays with the losing carrier');
    expect(run('btn_stays_in_partial_port', readyInput({ subscriber: subscriber({ btn: '(214) 555-0102' }) }))).toEqual({
      rule: 'btn_stays_in_partial_port',
      ok: false,
      severity: 'blocker',
      step: 'numbers',
      title: 'The BTN is among the numbers to port',
      fix: 'The BTN stays with the losing carrier in a partial port: remove (214) 555-0102 at the Numbers step, or, if every number on the account is moving, make this a full port at the Subscriber step.',
      numbers: ['+12145550102'],
    });
  });

  it('btn_in_full_port: warns when a full port leaves the BTN behind', () => {
    const full = (btn: string) => subscriber({ partialPort: false, remainingNumbers: [], btn });
    expectPass(run('btn_in_full_port', readyInput({ subscriber: full('+12145550101') })), 'The BTN moves with the full port');
    expectPass(run('btn_in_full_port', readyInput()), 'Not a full port with a BTN: nothing to check');
    expect(run('btn_in_full_port', readyInput({ subscriber: full('214.555.0100') }))).toMatchObject({
      ok: false,
      severity: 'warning',
      step: 'subscriber',
      title: 'The BTN is not among the numbers of a full port',
      fix: 'A full port moves every number on the account, the BTN (214) 555-0100 included: add it at the Numbers step, or, if it stays with the losing carrier, make this a partial port at the Subscriber step.',
    });
  });

  it('remaining_numbers_listed: warns when a partial port does not list what stays, or lists a moving number as staying', () => {
    expectPass(run('remaining_numbers_listed', readyInput()), '1 number stays with the losing carrier');
    expectPass(run('remaining_numbers_listed', readyInput({ subscriber: subscriber({ partialPort: false, remainingNumbers: [] }) })), 'Full port: no numbers stay behind');
    expect(run('remaining_numbers_listed', readyInput({ subscriber: subscriber({ remainingNumbers: [] }) }))).toMatchObject({
      ok: false,
      severity: 'warning',
      step: 'subscriber',
      title: 'Numbers staying with the losing carrier not listed',
      fix: 'List the numbers that stay with the losing carrier (the BTN at least) at the Subscriber step: its porting desk checks them before it splits the account.',
    });
    expect(run('remaining_numbers_listed', readyInput({ subscriber: subscriber({ remainingNumbers: ['+12145550100', '(214) 555-0103'] }) }))).toMatchObject({
      ok: false,
      severity: 'warning',
      title: '1 number listed both as ported and as staying',
      fix: '(214) 555-0103 is listed as moving and as staying with the losing carrier: take it off the remaining numbers at the Subscriber step, or remove it from the order at the Numbers step.',
      numbers: ['+12145550103'],
    });
  });

  it('service_address: wants a complete, normalised street address', () => {
    expectPass(run('service_address', readyInput()), 'Service address: 123 N MAIN ST STE 400, DALLAS, TX 75201');
    expect(run('service_address', readyInput({ subscriber: subscriber({ serviceAddress: null }) }))).toMatchObject({
      ok: false,
      severity: 'blocker',
      step: 'subscriber',
      title: 'No service address',
      fix: 'Enter the service address at the Subscriber step exactly as it appears on the losing carrier’s bill.',
    });
    expect(run('service_address', readyInput({ subscriber: subscriber({ serviceAddress: { street: 'PO Box 12', city: '', state: 'TX', postalCode: '7520', country: 'US' } }) }))).toMatchObject({
      ok: false,
      title: 'Service address incomplete',
      fix: 'Correct the service address at the Subscriber step: the service address is where the numbers are in service, not a PO box; enter the city; a US ZIP code is 5 digits, or ZIP+4 like 75201-1234.',
    });
    expect(
      run('service_address', readyInput({ subscriber: subscriber({ serviceAddress: { street: '123 North Main Street', unit: 'Suite 400', city: 'Dallas', state: 'Texas', postalCode: '75201', country: 'US' } }) })),
    ).toMatchObject({
      ok: false,
      title: 'Service address not normalised',
      fix: 'Save the service address again at the Subscriber step so it is kept the way the losing carrier compares it: 123 N MAIN ST STE 400, DALLAS, TX 75201.',
    });
  });
});

describe('the bill’s text', () => {
  const withBill = (text: string | null, patch: Partial<ReadinessSubscriber> = {}) =>
    readyInput({ subscriber: subscriber(patch), documents: { loa: { source: 'signed', signed: true }, bill: { present: true, text } } });

  it('bill_name_match: warns when the subscriber name is not on the bill', () => {
    expectPass(run('bill_name_match', readyInput()), 'The subscriber name is on the bill');
    expect(run('bill_name_match', withBill(BILL_TEXT, { name: 'Acme Gadgets LLC' }))).toEqual({
      rule: 'bill_name_match',
      ok: false,
      severity: 'warning',
      step: 'subscriber',
      title: 'Subscriber name not found on the bill',
      fix: 'The bill does not show “Acme Gadgets LLC”: enter the name exactly as the bill prints it at the Subscriber step, or upload the losing carrier’s most recent bill at the Documents step.',
    });
  });

  it('bill_name_match: says it did not check when the bill has no readable text or there is no bill', () => {
    expectPass(run('bill_name_match', withBill(null, { name: 'Acme Gadgets LLC' })), 'Name on the bill not checked (no text could be read from the bill)');
    expectPass(run('bill_name_match', withBill('   \n ', { name: 'Acme Gadgets LLC' })), 'Name on the bill not checked (no text could be read from the bill)');
    expectPass(run('bill_name_match', readyInput({ documents: { loa: null, bill: null } })), 'Name on the bill not checked (no bill uploaded)');
  });

  it('bill_address_match: warns when the street or the ZIP is not on the bill, naming which', () => {
    expectPass(run('bill_address_match', readyInput()), 'The service address and ZIP code are on the bill');
    const elsewhere = { street: '900 ELM ST', city: 'DALLAS', state: 'TX', postalCode: '75202', country: 'US' };
    expect(run('bill_address_match', withBill(BILL_TEXT, { serviceAddress: elsewhere }))).toEqual({
      rule: 'bill_address_match',
      ok: false,
      severity: 'warning',
      step: 'subscriber',
      title: 'Service address and ZIP code not found on the bill',
      fix: 'The bill does not show 900 ELM ST and ZIP code 75202: enter the service address exactly as the bill prints it at the Subscriber step, or upload the losing carrier’s most recent bill at the Documents step.',
    });
    expect(run('bill_address_match', withBill(BILL_TEXT, { serviceAddress: { ...elsewhere, street: '123 N MAIN ST' } }))).toMatchObject({
      ok: false,
      title: 'ZIP code not found on the bill',
      fix: expect.stringMatching(/^The bill does not show ZIP code 75202: /),
    });
    expect(run('bill_address_match', withBill(BILL_TEXT, { serviceAddress: { ...elsewhere, postalCode: '75201' } }))).toMatchObject({
      ok: false,
      title: 'Service address not found on the bill',
      fix: expect.stringMatching(/^The bill does not show 900 ELM ST: /),
    });
    expectPass(run('bill_address_match', withBill(null, { serviceAddress: elsewhere })), 'Address on the bill not checked (no text could be read from the bill)');
  });
});

describe('documents and the FOC date', () => {
  it('loa_signed: wants an LOA, and signed', () => {
    expectPass(run('loa_signed', readyInput()), 'LOA signed in the browser');
    expectPass(run('loa_signed', readyInput({ documents: { loa: { source: 'uploaded', signed: true }, bill: null } })), 'Signed LOA uploaded');
    expect(run('loa_signed', readyInput({ documents: { loa: null, bill: null } }))).toEqual({
      rule: 'loa_signed',
      ok: false,
      severity: 'blocker',
      step: 'documents',
      title: 'No letter of authorisation (LOA)',
      fix: 'Sign the generated LOA in the browser at the Documents step, or upload one signed by the authorised person.',
    });
    expect(run('loa_signed', readyInput({ documents: { loa: { source: 'signed', signed: false }, bill: null } }))).toMatchObject({
      ok: false,
      title: 'LOA generated but not signed',
      fix: 'Sign the generated LOA at the Documents step: type the authorised person’s name and draw the signature.',
    });
    expect(run('loa_signed', readyInput({ documents: { loa: { source: 'uploaded', signed: false }, bill: null } }))).toMatchObject({
      ok: false,
      title: 'Uploaded LOA not signed',
      fix: 'Upload the LOA again at the Documents step, signed and dated by the authorised person, or sign the generated one instead.',
    });
  });

  it('bill_present: warns without a recent bill', () => {
    expectPass(run('bill_present', readyInput()), 'Recent bill uploaded');
    for (const bill of [null, { present: false, text: null }]) {
      expect(run('bill_present', readyInput({ documents: { loa: { source: 'signed', signed: true }, bill } }))).toEqual({
        rule: 'bill_present',
        ok: false,
        severity: 'warning',
        step: 'documents',
        title: 'No recent bill',
        fix: 'Upload a recent bill from the losing carrier at the Documents step: some losing carriers ask for one, and it lets this check compare the name and address before you submit.',
      });
    }
  });

  it('foc_date: wants a requested date, with the earliest possible one', () => {
    expectPass(run('foc_date', readyInput()), 'FOC date 2026-12-14');
    expect(run('foc_date', readyInput({ requestedFocDate: null }))).toEqual({
      rule: 'foc_date',
      ok: false,
      severity: 'blocker',
      step: 'foc',
      title: 'No FOC date requested',
      fix: 'Pick the day the numbers should move at the FOC date step: the earliest is 2026-12-10 (3 business days ahead).',
    });
  });

  it('foc_date: refuses a holiday, a weekend or a day too soon', () => {
    expect(run('foc_date', readyInput({ requestedFocDate: '2026-12-25' }))).toMatchObject({
      ok: false,
      title: 'Requested FOC date not possible',
      fix: '2026-12-25 is Christmas Day, a US federal holiday: the FOC date must be a business day on or after 2026-12-10 (3 business days ahead). Pick another date at the FOC date step.',
    });
    expect(run('foc_date', readyInput({ requestedFocDate: '2026-12-26' }))).toMatchObject({ ok: false, fix: expect.stringMatching(/^2026-12-26 is a Saturday: /) });
    expect(run('foc_date', readyInput({ requestedFocDate: '2026-12-09' }))).toMatchObject({
      ok: false,
      fix: '2026-12-09 is too soon: the FOC date must be on or after 2026-12-10 (3 business days ahead). Pick another date at the FOC date step.',
    });
  });

  it('foc_date: gives wireless numbers 1 business day and toll-free numbers 5', () => {
    expectPass(run('foc_date', readyInput({ requestedFocDate: '2026-12-08', subscriber: subscriber({ wireless: true, pinProvided: true }) })), 'FOC date 2026-12-08');
    const tollFree = readyInput({ numbers: [localNumber('+18005550100', { kind: 'toll_free', rateCenter: null, rateCenterPortable: null })], requestedFocDate: '2026-12-11' });
    expect(run('foc_date', tollFree)).toMatchObject({
      ok: false,
      fix: '2026-12-11 is too soon: the FOC date must be on or after 2026-12-14 (5 business days ahead). Pick another date at the FOC date step.',
    });
  });
});
