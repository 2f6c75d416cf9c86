/**
 * The readiness check's rules: one small function per thing a losing carrier (or our upstream)
 * rejects a port for, each returning a finding that says, when it fails, exactly what to change and
 * at which wizard step. Pure: the port-in service builds the input from the draft and calls
 * `checkReadiness` (lib/ports/readiness.ts), which runs these in order.
 */
import { formatPhoneNumber, toE164 } from '@/lib/phone-numbers';
import { checkRequestedFocDate, earliestFocDate, minFocBusinessDays } from '@/lib/ports/foc-date';
import { textContainsAddress, textContainsName } from '@/lib/ports/text-match';
import { MAX_PORT_NUMBERS, PORT_EXCEPTION_TEXT, type PortNumberKind, type PortWizardStep } from '@/lib/ports/types';
import { e911AddressSchema, formatE911Address, isPoBox, normalizeE911Address } from '@/lib/validations/e911';

export const READINESS_RULE_IDS = [
  'numbers_count',
  'numbers_not_owned',
  'numbers_not_in_other_port',
  'numbers_one_kind',
  'numbers_portable',
  'upstream_selected',
  'rate_center_portable',
  'single_losing_carrier',
  'subscriber_details',
  'pin_for_wireless',
  'btn_for_partial_port',
  'btn_stays_in_partial_port',
  'btn_in_full_port',
  'remaining_numbers_listed',
  'service_address',
  'bill_name_match',
  'bill_address_match',
  'loa_signed',
  'bill_present',
  'foc_date',
] as const;
export type ReadinessRuleId = (typeof READINESS_RULE_IDS)[number];

export interface ReadinessNumber {
  e164: string;
  kind: PortNumberKind;
  /** null: not checked (yet). */
  portable: boolean | null;
  /** The upstream's words when it is not portable. */
  reason: string | null;
  losingCarrier: string | null;
  rateCenter: string | null;
  /** Whether the winning upstream serves the number's rate centre; null: not known (toll-free numbers have none). */
  rateCenterPortable: boolean | null;
  alreadyOwned: boolean;
  inOtherPort: boolean;
}

export interface ReadinessServiceAddress {
  street: string;
  unit?: string;
  city: string;
  state: string;
  postalCode: string;
  country: string;
}

export interface ReadinessSubscriber {
  type: 'business' | 'residential';
  name: string;
  authorizedPerson: string;
  accountNumber: string;
  pinProvided: boolean;
  wireless: boolean;
  btn: string | null;
  serviceAddress: ReadinessServiceAddress | null;
  partialPort: boolean;
  /** In a partial port, the numbers that stay with the losing carrier. */
  remainingNumbers: string[];
}

export interface ReadinessInput {
  now: Date;
  numbers: ReadinessNumber[];
  /** The winning upstream chosen for the order; `label` starts sentences customers read, so it is "Carrier 1"… for them, never a name. */
  upstream: { connectionId: string; label: string } | null;
  subscriber: ReadinessSubscriber | null;
  requestedFocDate: string | null;
  documents: { loa: { source: 'uploaded' | 'signed'; signed: boolean } | null; bill: { present: boolean; text: string | null } | null };
}

export interface ReadinessFinding {
  rule: ReadinessRuleId;
  ok: boolean;
  /** A failed blocker stops submission; a failed warning only lowers the score. */
  severity: 'blocker' | 'warning';
  title: string;
  /** What to change, and where; null when the rule passes. */
  fix: string | null;
  /** The wizard step where the fix is made. */
  step: PortWizardStep;
  /** The numbers the finding is about (E.164), when it is about some of them. */
  numbers?: string[];
}

export type ReadinessRule = (input: ReadinessInput) => ReadinessFinding;

// --- Wording ---------------------------------------------------------------------------------------

const STEP_NAMES: Record<PortWizardStep, string> = {
  numbers: 'Numbers',
  portability: 'Portability',
  subscriber: 'Subscriber',
  documents: 'Documents',
  foc: 'FOC date',
  review: 'Review',
};
const atStep = (step: PortWizardStep) => `at the ${STEP_NAMES[step]} step`;

const count = (amount: number, noun: string) => `${amount.toLocaleString('en-US')} ${noun}${amount === 1 ? '' : 's'}`;

/** "a", "a and b", "a, b and c"; past `max` items, "a, b, c and 4 more". */
function listOf(items: readonly string[], max = 5): string {
  const shown = items.length > max ? [...items.slice(0, max), `${items.length - max} more`] : [...items];
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

const capitalize = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
/** A validation message inside a sentence: "Enter the city" → "enter the city", "US ZIP" stays. */
const midSentence = (text: string) => (/^[A-Z](?![A-Z])/.test(text) ? `${text.charAt(0).toLowerCase()}${text.slice(1)}` : text);
const numberList = (e164s: readonly string[]) => listOf(e164s.map(formatPhoneNumber));
/** The value trimmed, or undefined when there is nothing in it. */
const filled = (value: string | null | undefined) => value?.trim() || undefined;
const isBlank = (value: string | null | undefined) => filled(value) === undefined;
/** Phone numbers compared by value: a BTN typed as "(312) 555-0100" is +13125550100. */
const phoneNumberKey = (value: string) => toE164(value) ?? value.trim();

function pass(rule: ReadinessRuleId, severity: ReadinessFinding['severity'], step: PortWizardStep, title: string): ReadinessFinding {
  return { rule, ok: true, severity, title, fix: null, step };
}

function fail(rule: ReadinessRuleId, severity: ReadinessFinding['severity'], step: PortWizardStep, title: string, fix: string, numbers?: string[]): ReadinessFinding {
  return { rule, ok: false, severity, title, fix, step, ...(numbers && numbers.length > 0 ? { numbers } : {}) };
}

// --- Numbers ---------------------------------------------------------------------------------------

export function numbersCountRule({ numbers }: ReadinessInput): ReadinessFinding {
  const rule = 'numbers_count';
  if (numbers.length === 0) return fail(rule, 'blocker', 'numbers', 'No numbers to port', `Add the numbers to port ${atStep('numbers')}: paste them or upload a CSV.`);
  if (numbers.length > MAX_PORT_NUMBERS) {
    return fail(
      rule,
      'blocker',
      'numbers',
      `${count(numbers.length, 'number')} in one order`,
      `An order holds at most ${MAX_PORT_NUMBERS.toLocaleString('en-US')} numbers: remove ${count(numbers.length - MAX_PORT_NUMBERS, 'number')} ${atStep('numbers')} and port them in another order.`,
    );
  }
  return pass(rule, 'blocker', 'numbers', `${count(numbers.length, 'number')} to port`);
}

export function numbersNotOwnedRule({ numbers }: ReadinessInput): ReadinessFinding {
  const rule = 'numbers_not_owned';
  const owned = numbers.filter((number) => number.alreadyOwned).map((number) => number.e164);
  if (owned.length === 0) return pass(rule, 'blocker', 'numbers', 'No number is already on your account');
  return fail(
    rule,
    'blocker',
    'numbers',
    `${count(owned.length, 'number')} already on your account`,
    `Remove ${numberList(owned)} ${atStep('numbers')}: ${owned.length === 1 ? 'it is' : 'they are'} already yours, so there is nothing to port.`,
    owned,
  );
}

export function numbersNotInOtherPortRule({ numbers }: ReadinessInput): ReadinessFinding {
  const rule = 'numbers_not_in_other_port';
  const busy = numbers.filter((number) => number.inOtherPort).map((number) => number.e164);
  if (busy.length === 0) return pass(rule, 'blocker', 'numbers', 'No number is in another port order');
  return fail(
    rule,
    'blocker',
    'numbers',
    `${count(busy.length, 'number')} already in another port order`,
    `Remove ${numberList(busy)} ${atStep('numbers')}, or cancel the other port order first: a number can be in one active port at a time.`,
    busy,
  );
}

export function numbersOneKindRule({ numbers }: ReadinessInput): ReadinessFinding {
  const rule = 'numbers_one_kind';
  const tollFree = numbers.filter((number) => number.kind === 'toll_free').map((number) => number.e164);
  if (numbers.length === 0) return pass(rule, 'blocker', 'numbers', 'No numbers yet');
  if (tollFree.length === 0) return pass(rule, 'blocker', 'numbers', 'Local numbers only');
  if (tollFree.length === numbers.length) return pass(rule, 'blocker', 'numbers', 'Toll-free numbers only');
  return fail(
    rule,
    'blocker',
    'numbers',
    'Local and toll-free numbers in one order',
    `Toll-free numbers port on their own (a RespOrg change, not a local port): remove the ${count(tollFree.length, 'toll-free number')} (${numberList(tollFree)}) ${atStep('numbers')} and port ${tollFree.length === 1 ? 'it' : 'them'} in a separate order.`,
    tollFree,
  );
}

export function numbersPortableRule({ numbers }: ReadinessInput): ReadinessFinding {
  const rule = 'numbers_portable';
  const refused = numbers.filter((number) => number.portable === false);
  const unchecked = numbers.filter((number) => number.portable === null).map((number) => number.e164);
  if (refused.length === 0 && unchecked.length === 0) return pass(rule, 'blocker', 'portability', 'Every number is portable');
  const sentences: string[] = [];
  if (refused.length > 0) {
    const described = refused.map((number) => `${formatPhoneNumber(number.e164)} (${filled(number.reason) ?? 'the upstream gave no reason'})`);
    sentences.push(`Remove ${listOf(described)} ${atStep('numbers')}: ${refused.length === 1 ? 'it' : 'they'} cannot be ported.`);
  }
  if (unchecked.length > 0) sentences.push(`Check the portability of ${numberList(unchecked)} again ${atStep('portability')}: no upstream has answered for ${unchecked.length === 1 ? 'it' : 'them'} yet.`);
  const title = refused.length > 0 ? `${count(refused.length, 'number')} cannot be ported` : `${count(unchecked.length, 'number')} not checked for portability`;
  return fail(rule, 'blocker', refused.length > 0 ? 'numbers' : 'portability', title, sentences.join(' '), [...refused.map((number) => number.e164), ...unchecked]);
}

export function upstreamSelectedRule({ upstream }: ReadinessInput): ReadinessFinding {
  const rule = 'upstream_selected';
  if (upstream) return pass(rule, 'blocker', 'portability', `${upstream.label} will port the numbers in`);
  return fail(
    rule,
    'blocker',
    'portability',
    'No upstream chosen to port the numbers in',
    `Run the portability check again ${atStep('portability')} and choose the upstream that will win the numbers; remove ${atStep('numbers')} any number no upstream can port.`,
  );
}

export function rateCenterPortableRule({ numbers, upstream }: ReadinessInput): ReadinessFinding {
  const rule = 'rate_center_portable';
  if (!upstream) return pass(rule, 'blocker', 'numbers', 'Rate centres not checked (no upstream chosen yet)');
  const uncovered = numbers.filter((number) => number.rateCenterPortable === false);
  if (uncovered.length === 0) return pass(rule, 'blocker', 'numbers', `${upstream.label} serves the rate centre of every number`);
  const byRateCenter = new Map<string, string[]>();
  for (const number of uncovered) {
    const rateCenter = filled(number.rateCenter) ?? 'an unnamed rate centre';
    const group = byRateCenter.get(rateCenter) ?? [];
    group.push(number.e164);
    byRateCenter.set(rateCenter, group);
  }
  const where = listOf([...byRateCenter].map(([rateCenter, e164s]) => `${rateCenter} (${numberList(e164s)})`));
  return fail(
    rule,
    'blocker',
    'numbers',
    `${upstream.label} cannot serve the rate centre of ${count(uncovered.length, 'number')}`,
    `${upstream.label} has no coverage in ${where}: remove ${uncovered.length === 1 ? 'that number' : 'those numbers'} ${atStep('numbers')}, or port ${uncovered.length === 1 ? 'it' : 'them'} in another order through another upstream.`,
    uncovered.map((number) => number.e164),
  );
}

/** Numbers with an unknown losing carrier do not count as a second carrier. */
export function singleLosingCarrierRule({ numbers }: ReadinessInput): ReadinessFinding {
  const rule = 'single_losing_carrier';
  const carriers = new Map<string, { name: string; e164s: string[] }>();
  for (const number of numbers) {
    const name = filled(number.losingCarrier)?.replace(/\s+/g, ' ');
    if (!name) continue;
    const key = name.toLowerCase();
    const carrier = carriers.get(key) ?? { name, e164s: [] };
    carrier.e164s.push(number.e164);
    carriers.set(key, carrier);
  }
  if (carriers.size === 0) return pass(rule, 'blocker', 'numbers', 'Losing carrier not known yet');
  // The largest group stays in this order; ties go to the carrier named first alphabetically, so the advice never flips.
  const groups = [...carriers.values()].sort((a, b) => b.e164s.length - a.e164s.length || a.name.localeCompare(b.name));
  const [kept, ...others] = groups as [{ name: string; e164s: string[] }, ...{ name: string; e164s: string[] }[]];
  if (others.length === 0) return pass(rule, 'blocker', 'numbers', `One losing carrier: ${kept.name}`);
  const moved = others.flatMap((carrier) => carrier.e164s);
  return fail(
    rule,
    'blocker',
    'numbers',
    `Numbers from ${groups.length} losing carriers in one order`,
    `Split into ${groups.length} orders: ${listOf(groups.map((carrier) => `${carrier.name} (${count(carrier.e164s.length, 'number')})`), groups.length)}. Keep the ${kept.name} numbers in this one and remove the other ${count(moved.length, 'number')} ${atStep('numbers')} to port them in new orders, one per losing carrier.`,
    moved,
  );
}

// --- Subscriber ------------------------------------------------------------------------------------

export function subscriberDetailsRule({ subscriber }: ReadinessInput): ReadinessFinding {
  const rule = 'subscriber_details';
  if (!subscriber) {
    return fail(
      rule,
      'blocker',
      'subscriber',
      'Subscriber details missing',
      `Fill in the ${STEP_NAMES.subscriber} step: the name on the losing carrier’s account, the authorised person, the account number and the service address, exactly as the bill shows them.`,
    );
  }
  const missing = [
    ...(isBlank(subscriber.name) ? [subscriber.type === 'business' ? 'business name' : 'account holder’s name'] : []),
    ...(isBlank(subscriber.authorizedPerson) ? ['authorised person'] : []),
    ...(isBlank(subscriber.accountNumber) ? ['account number'] : []),
  ];
  if (missing.length === 0) return pass(rule, 'blocker', 'subscriber', 'Subscriber name, authorised person and account number given');
  const accountHint = isBlank(subscriber.accountNumber) ? ` ${PORT_EXCEPTION_TEXT.account_number_mismatch.fix}` : '';
  return fail(
    rule,
    'blocker',
    'subscriber',
    `${capitalize(listOf(missing))} missing`,
    `Enter ${listOf(missing.map((field) => `the ${field}`))} ${atStep('subscriber')}, exactly as the losing carrier has them.${accountHint}`,
  );
}

export function pinForWirelessRule({ subscriber }: ReadinessInput): ReadinessFinding {
  const rule = 'pin_for_wireless';
  if (!subscriber) return pass(rule, 'blocker', 'subscriber', 'PIN not checked (no subscriber details yet)');
  if (!subscriber.wireless) return pass(rule, 'blocker', 'subscriber', 'No port-out PIN needed (not wireless numbers)');
  if (subscriber.pinProvided) return pass(rule, 'blocker', 'subscriber', 'Port-out PIN given for the wireless numbers');
  return fail(
    rule,
    'blocker',
    'subscriber',
    'No port-out PIN for wireless numbers',
    `Wireless carriers refuse a port without the account’s port-out PIN: ask the losing carrier for it (they issue one on request) and enter it ${atStep('subscriber')}.`,
  );
}

export function btnForPartialPortRule({ subscriber }: ReadinessInput): ReadinessFinding {
  const rule = 'btn_for_partial_port';
  if (!subscriber) return pass(rule, 'blocker', 'subscriber', 'BTN not checked (no subscriber details yet)');
  if (!subscriber.partialPort) return pass(rule, 'blocker', 'subscriber', 'Full port: the BTN is not required');
  if (!isBlank(subscriber.btn)) return pass(rule, 'blocker', 'subscriber', 'Billing telephone number given for the partial port');
  return fail(
    rule,
    'blocker',
    'subscriber',
    'No billing telephone number (BTN) for a partial port',
    `Enter the billing telephone number (BTN) shown on the losing carrier’s bill ${atStep('subscriber')}: in a partial port the losing carrier keeps the account open under it.`,
  );
}

export function btnStaysInPartialPortRule({ subscriber, numbers }: ReadinessInput): ReadinessFinding {
  const rule = 'btn_stays_in_partial_port';
  const typedBtn = filled(subscriber?.btn);
  if (!subscriber?.partialPort || !typedBtn) return pass(rule, 'blocker', 'numbers', 'Not a partial port with a BTN: nothing to check');
  const btn = phoneNumberKey(typedBtn);
  const ported = numbers.find((number) => phoneNumberKey(number.e164) === btn);
  if (!ported) return pass(rule, 'blocker', 'numbers', 'The BTN stays with the losing carrier');
  return fail(
    rule,
    'blocker',
    'numbers',
    'The BTN is among the numbers to port',
    `The BTN stays with the losing carrier in a partial port: remove ${formatPhoneNumber(ported.e164)} ${atStep('numbers')}, or, if every number on the account is moving, make this a full port ${atStep('subscriber')}.`,
    [ported.e164],
  );
}

/** A full port closes the losing carrier's account, so its BTN moves too; leaving it out is how a full port turns into a rejected partial one. */
export function btnInFullPortRule({ subscriber, numbers }: ReadinessInput): ReadinessFinding {
  const rule = 'btn_in_full_port';
  const typedBtn = filled(subscriber?.btn);
  if (!subscriber || subscriber.partialPort || !typedBtn) return pass(rule, 'warning', 'subscriber', 'Not a full port with a BTN: nothing to check');
  const btn = phoneNumberKey(typedBtn);
  if (numbers.some((number) => phoneNumberKey(number.e164) === btn)) return pass(rule, 'warning', 'subscriber', 'The BTN moves with the full port');
  return fail(
    rule,
    'warning',
    'subscriber',
    'The BTN is not among the numbers of a full port',
    `A full port moves every number on the account, the BTN ${formatPhoneNumber(btn)} included: add it ${atStep('numbers')}, or, if it stays with the losing carrier, make this a partial port ${atStep('subscriber')}.`,
  );
}

export function remainingNumbersListedRule({ subscriber, numbers }: ReadinessInput): ReadinessFinding {
  const rule = 'remaining_numbers_listed';
  if (!subscriber || !subscriber.partialPort) return pass(rule, 'warning', 'subscriber', 'Full port: no numbers stay behind');
  const remaining = subscriber.remainingNumbers.filter((number) => !isBlank(number));
  if (remaining.length === 0) {
    return fail(
      rule,
      'warning',
      'subscriber',
      'Numbers staying with the losing carrier not listed',
      `List the numbers that stay with the losing carrier (the BTN at least) ${atStep('subscriber')}: its porting desk checks them before it splits the account.`,
    );
  }
  const ported = new Set(numbers.map((number) => phoneNumberKey(number.e164)));
  const both = remaining.filter((number) => ported.has(phoneNumberKey(number))).map(phoneNumberKey);
  if (both.length > 0) {
    return fail(
      rule,
      'warning',
      'subscriber',
      `${count(both.length, 'number')} listed both as ported and as staying`,
      `${numberList(both)} ${both.length === 1 ? 'is' : 'are'} listed as moving and as staying with the losing carrier: take ${both.length === 1 ? 'it' : 'them'} off the remaining numbers ${atStep('subscriber')}, or remove ${both.length === 1 ? 'it' : 'them'} from the order ${atStep('numbers')}.`,
      both,
    );
  }
  return pass(rule, 'warning', 'subscriber', `${count(remaining.length, 'number')} stay${remaining.length === 1 ? 's' : ''} with the losing carrier`);
}

const SERVICE_ADDRESS_PO_BOX = 'The service address is where the numbers are in service, not a PO box';

export function serviceAddressRule({ subscriber }: ReadinessInput): ReadinessFinding {
  const rule = 'service_address';
  const address = subscriber?.serviceAddress;
  if (!address) {
    return fail(rule, 'blocker', 'subscriber', 'No service address', `Enter the service address ${atStep('subscriber')} exactly as it appears on the losing carrier’s bill.`);
  }
  const fields = { street: address.street, unit: address.unit, city: address.city, state: address.state, postalCode: address.postalCode };
  const parsed = e911AddressSchema.safeParse(fields);
  if (!parsed.success) {
    const messages = [...new Set(parsed.error.issues.map((issue) => midSentence(issue.path[0] === 'street' && isPoBox(address.street) ? SERVICE_ADDRESS_PO_BOX : issue.message)))];
    return fail(rule, 'blocker', 'subscriber', 'Service address incomplete', `Correct the service address ${atStep('subscriber')}: ${messages.join('; ')}.`);
  }
  const normalized = normalizeE911Address({ ...fields, country: address.country });
  const asGiven = { street: address.street, unit: address.unit || undefined, city: address.city, state: address.state, postalCode: address.postalCode, country: address.country };
  const isNormalized = (Object.keys(asGiven) as (keyof typeof asGiven)[]).every((key) => asGiven[key] === normalized[key]);
  if (!isNormalized) {
    return fail(
      rule,
      'blocker',
      'subscriber',
      'Service address not normalised',
      `Save the service address again ${atStep('subscriber')} so it is kept the way the losing carrier compares it: ${formatE911Address(normalized)}.`,
    );
  }
  return pass(rule, 'blocker', 'subscriber', `Service address: ${formatE911Address(normalized)}`);
}

// --- The bill's text ---------------------------------------------------------------------------------

/** Why a comparison against the bill is skipped, or the text to compare against. */
function billText(input: ReadinessInput): { skipped: string } | { text: string } {
  const bill = input.documents.bill;
  if (!bill || !bill.present) return { skipped: 'no bill uploaded' };
  const text = filled(bill.text);
  return text ? { text } : { skipped: 'no text could be read from the bill' };
}

export function billNameMatchRule(input: ReadinessInput): ReadinessFinding {
  const rule = 'bill_name_match';
  const bill = billText(input);
  if ('skipped' in bill) return pass(rule, 'warning', 'subscriber', `Name on the bill not checked (${bill.skipped})`);
  const name = filled(input.subscriber?.name);
  if (!name) return pass(rule, 'warning', 'subscriber', 'Name on the bill not checked (no subscriber name yet)');
  if (textContainsName(bill.text, name)) return pass(rule, 'warning', 'subscriber', 'The subscriber name is on the bill');
  return fail(
    rule,
    'warning',
    'subscriber',
    'Subscriber name not found on the bill',
    `The bill does not show “${name}”: enter the name exactly as the bill prints it ${atStep('subscriber')}, or upload the losing carrier’s most recent bill ${atStep('documents')}.`,
  );
}

export function billAddressMatchRule(input: ReadinessInput): ReadinessFinding {
  const rule = 'bill_address_match';
  const bill = billText(input);
  if ('skipped' in bill) return pass(rule, 'warning', 'subscriber', `Address on the bill not checked (${bill.skipped})`);
  const address = input.subscriber?.serviceAddress;
  if (!address || isBlank(address.street) || isBlank(address.postalCode)) return pass(rule, 'warning', 'subscriber', 'Address on the bill not checked (no service address yet)');
  const match = textContainsAddress(bill.text, address);
  if (match.street && match.postalCode) return pass(rule, 'warning', 'subscriber', 'The service address and ZIP code are on the bill');
  const normalized = normalizeE911Address(address);
  const missing = [...(match.street ? [] : [normalized.street]), ...(match.postalCode ? [] : [`${normalized.country === 'CA' ? 'postal code' : 'ZIP code'} ${normalized.postalCode}`])];
  const title = !match.street && !match.postalCode ? 'Service address and ZIP code not found on the bill' : !match.street ? 'Service address not found on the bill' : 'ZIP code not found on the bill';
  return fail(
    rule,
    'warning',
    'subscriber',
    title,
    `The bill does not show ${listOf(missing)}: enter the service address exactly as the bill prints it ${atStep('subscriber')}, or upload the losing carrier’s most recent bill ${atStep('documents')}.`,
  );
}

// --- Documents -------------------------------------------------------------------------------------

export function loaSignedRule({ documents }: ReadinessInput): ReadinessFinding {
  const rule = 'loa_signed';
  const loa = documents.loa;
  if (!loa) {
    return fail(
      rule,
      'blocker',
      'documents',
      'No letter of authorisation (LOA)',
      `Sign the generated LOA in the browser ${atStep('documents')}, or upload one signed by the authorised person.`,
    );
  }
  if (loa.signed) return pass(rule, 'blocker', 'documents', loa.source === 'signed' ? 'LOA signed in the browser' : 'Signed LOA uploaded');
  if (loa.source === 'signed') return fail(rule, 'blocker', 'documents', 'LOA generated but not signed', `Sign the generated LOA ${atStep('documents')}: type the authorised person’s name and draw the signature.`);
  return fail(rule, 'blocker', 'documents', 'Uploaded LOA not signed', `Upload the LOA again ${atStep('documents')}, signed and dated by the authorised person, or sign the generated one instead.`);
}

export function billPresentRule({ documents }: ReadinessInput): ReadinessFinding {
  const rule = 'bill_present';
  if (documents.bill?.present) return pass(rule, 'warning', 'documents', 'Recent bill uploaded');
  return fail(
    rule,
    'warning',
    'documents',
    'No recent bill',
    `Upload a recent bill from the losing carrier ${atStep('documents')}: some losing carriers ask for one, and it lets this check compare the name and address before you submit.`,
  );
}

// --- FOC date --------------------------------------------------------------------------------------

/** The order's kind for its FOC lead time: toll-free when any number is (the longer lead time wins). */
export function orderNumberKind(numbers: readonly Pick<ReadinessNumber, 'kind'>[]): PortNumberKind {
  return numbers.some((number) => number.kind === 'toll_free') ? 'toll_free' : 'local';
}

export function focDateRule({ now, numbers, subscriber, requestedFocDate }: ReadinessInput): ReadinessFinding {
  const rule = 'foc_date';
  const minimum = minFocBusinessDays(orderNumberKind(numbers), subscriber?.wireless ?? false);
  const requested = filled(requestedFocDate);
  if (!requested) {
    return fail(
      rule,
      'blocker',
      'foc',
      'No FOC date requested',
      `Pick the day the numbers should move ${atStep('foc')}: the earliest is ${earliestFocDate(now, minimum)} (${count(minimum, 'business day')} ahead).`,
    );
  }
  const check = checkRequestedFocDate(requested, now, minimum);
  if (check.ok) return pass(rule, 'blocker', 'foc', `FOC date ${requested}`);
  return fail(rule, 'blocker', 'foc', 'Requested FOC date not possible', `${check.message}. Pick another date ${atStep('foc')}.`);
}
