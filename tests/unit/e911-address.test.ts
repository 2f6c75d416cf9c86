import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { upstreamLimitsOf } from '@/lib/providers/registry';
import {
  DEFAULT_CALLER_NAME_LIMIT,
  DIRECTIONALS,
  E911_MESSAGES,
  STREET_SUFFIXES,
  UNIT_DESIGNATORS,
  checkCallerNameForUpstream,
  e911AddressSchema,
  formatE911Address,
  isPoBox,
  normalizeE911Address,
  toProviderE911Address,
  type E911AddressInput,
} from '@/lib/validations/e911';
import { CA_PROVINCES, US_STATES } from '@/lib/validations/numbers';

const base = { street: '123 Main St', city: 'Dallas', state: 'TX', postalCode: '75201' };
const norm = (patch: Partial<E911AddressInput>) => normalizeE911Address({ ...base, ...patch });
const errorsOf = (input: Record<string, unknown>) => {
  const parsed = e911AddressSchema.safeParse(input);
  return parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0]), issue.message]));
};

describe('dictionaries', () => {
  it('has at least 40 USPS street suffixes, and every abbreviation maps to itself', () => {
    expect(new Set(STREET_SUFFIXES.values()).size).toBeGreaterThanOrEqual(40);
    for (const map of [STREET_SUFFIXES, DIRECTIONALS, UNIT_DESIGNATORS]) {
      for (const standard of map.values()) expect(map.get(standard)).toBe(standard);
    }
  });

  it('keeps suffixes, directionals and unit designators apart (KEY is the one USPS overlap)', () => {
    const suffixes = new Set(STREET_SUFFIXES.keys());
    const units = new Set(UNIT_DESIGNATORS.keys());
    expect([...DIRECTIONALS.keys()].filter((word) => suffixes.has(word) || units.has(word))).toEqual([]);
    expect([...units].filter((word) => suffixes.has(word))).toEqual(['KEY']);
  });
});

describe('normalizeE911Address', () => {
  it('uppercases, collapses whitespace and strips punctuation', () => {
    expect(normalizeE911Address({ street: '  123   n. Main  Street, Apt. 4 ', city: ' dallas ', state: ' tx ', postalCode: '752011234', callerName: "  Acme,  O'Neil & Co. " })).toEqual({
      street: '123 N MAIN ST',
      unit: 'APT 4',
      city: 'DALLAS',
      state: 'TX',
      postalCode: '75201-1234',
      country: 'US',
      callerName: 'ACME ONEIL & CO',
    });
    expect(norm({ street: '12-14 Rue Saint-Denis (rear entrance)' }).street).toBe('12-14 RUE SAINT-DENIS REAR ENTRANCE');
    expect(norm({ city: 'Montréal', state: 'qc', postalCode: 'h2x 1y4' })).toMatchObject({ city: 'MONTREAL', state: 'QC', postalCode: 'H2X 1Y4', country: 'CA' });
    expect(norm({ street: '123 Main St', unit: '' })).not.toHaveProperty('unit');
    expect(norm({ callerName: ' , ' })).not.toHaveProperty('callerName');
  });

  it.each([
    ['STREET', 'ST'], ['AVENUE', 'AVE'], ['Av', 'AVE'], ['BOULEVARD', 'BLVD'], ['ROAD', 'RD'], ['DRIVE', 'DR'], ['LANE', 'LN'],
    ['COURT', 'CT'], ['PLACE', 'PL'], ['PARKWAY', 'PKWY'], ['HIGHWAY', 'HWY'], ['CIRCLE', 'CIR'], ['TERRACE', 'TER'],
    ['SQUARE', 'SQ'], ['TRAIL', 'TRL'], ['WAY', 'WAY'], ['EXPRESSWAY', 'EXPY'], ['FREEWAY', 'FWY'], ['CROSSING', 'XING'],
    ['CENTER', 'CTR'], ['CENTRE', 'CTR'], ['PLAZA', 'PLZ'], ['POINT', 'PT'], ['HEIGHTS', 'HTS'], ['CRESCENT', 'CRES'],
    ['TURNPIKE', 'TPKE'], ['ALLEY', 'ALY'], ['MOUNTAIN', 'MTN'], ['VALLEY', 'VLY'], ['RIDGE', 'RDG'], ['COVE', 'CV'],
  ])('abbreviates the street suffix %s → %s', (suffix, abbreviation) => {
    expect(norm({ street: `100 Oak ${suffix}` }).street).toBe(`100 OAK ${abbreviation}`);
  });

  it.each([
    ['5 Park Avenue', '5 PARK AVE'], // only the last suffix word
    ['1 Avenue of the Americas', '1 AVENUE OF THE AMERICAS'], // no suffix at the end
    ['123 Park', '123 PARK'], // a suffix that is the whole name stays spelled out
    ['123 North Street', '123 NORTH ST'], // …and so does a directional that is the whole name
    ['123 Main Street North', '123 MAIN ST N'],
    ['123 North Main Street', '123 N MAIN ST'],
    ['1600 Pennsylvania Avenue Northwest', '1600 PENNSYLVANIA AVE NW'],
    ['200 Southwest Oak Road', '200 SW OAK RD'],
    ['123 1/2 North Elm Street', '123 1/2 N ELM ST'],
    ['W204N11509 Goldendale Road', 'W204N11509 GOLDENDALE RD'],
    ['123 East West Highway', '123 E WEST HWY'],
    ['123 Highway 66', '123 HIGHWAY 66'],
  ])('street %s → %s', (street, expected) => {
    expect(norm({ street }).street).toBe(expected);
  });

  it.each([
    ['Apartment 4', 'APT 4'], ['Suite 200', 'STE 200'], ['ste. 200', 'STE 200'], ['Floor 3', 'FL 3'], ['3rd Floor', 'FL 3'],
    ['Unit 7', 'UNIT 7'], ['Room 12', 'RM 12'], ['Building B', 'BLDG B'], ['Bldg 2, Suite 300', 'BLDG 2 STE 300'], ['#4', '# 4'],
    ['# 4', '# 4'], ['Apt #4', 'APT 4'], ['4B', '# 4B'], ['Basement', 'BSMT'], ['Penthouse', 'PH'], ['Rear', 'REAR'], ['#', undefined],
  ])('unit %s → %s', (unit, expected) => {
    expect(norm({ unit }).unit).toBe(expected);
  });

  it.each([
    ['123 Main St Apt 4', '123 MAIN ST', 'APT 4'],
    ['123 Main St #4', '123 MAIN ST', '# 4'],
    ['123 Main St, Suite 200', '123 MAIN ST', 'STE 200'],
    ['123 Main St Apt # 4', '123 MAIN ST', 'APT 4'],
    ['123 Main St # Room 4', '123 MAIN ST', 'RM 4'],
    ['123 Main Street Building 2 Apartment 4B', '123 MAIN ST', 'BLDG 2 APT 4B'],
    ['123 Main St 3rd Floor', '123 MAIN ST', 'FL 3'],
    ['123 Main St Rear', '123 MAIN ST', 'REAR'],
    ['123 Main Street North Suite 5', '123 MAIN ST N', 'STE 5'],
    ['123 Main St Apt E', '123 MAIN ST', 'APT E'],
    ['1 Pier 39', '1 PIER 39', undefined], // the street keeps at least two words
    ['100 Big Lot Road', '100 BIG LOT RD', undefined], // "LOT RD" is no unit number
    ['10 Ocean Key', '10 OCEAN KY', undefined],
  ])('moves a unit at the end of %s into the unit field', (street, expectedStreet, expectedUnit) => {
    const address = norm({ street });
    expect(address.street).toBe(expectedStreet);
    expect(address.unit).toBe(expectedUnit);
  });

  it('merges a unit from the street line with the unit field, once', () => {
    expect(norm({ street: '123 Main St Apt 4', unit: 'apartment 4' }).unit).toBe('APT 4');
    expect(norm({ street: '123 Main St Bldg 2', unit: 'Apt 4' }).unit).toBe('BLDG 2 APT 4');
    expect(norm({ street: '123 Main St Rear', unit: '#5' }).unit).toBe('REAR 5');
  });

  it.each([
    ['75201', '75201'], [' 75201 ', '75201'], ['75201-1234', '75201-1234'], ['752011234', '75201-1234'], ['75201 1234', '75201-1234'],
    ['75201–1234', '75201-1234'], ['7520', '7520'], ['75201-12', '75201-12'],
  ])('US ZIP %s → %s', (postalCode, expected) => {
    expect(norm({ postalCode }).postalCode).toBe(expected);
  });

  it.each([
    ['M5V 2T6', 'M5V 2T6'], ['m5v2t6', 'M5V 2T6'], ['M5V-2T6', 'M5V 2T6'], ['  m5v   2t6 ', 'M5V 2T6'], ['M5V 2T', 'M5V 2T'],
  ])('Canadian postal code %s → %s', (postalCode, expected) => {
    expect(norm({ state: 'ON', postalCode }).postalCode).toBe(expected);
  });

  it('derives the country from the state or province, else from the postal code, unless given', () => {
    expect(norm({ state: 'on', postalCode: 'M5V 2T6' }).country).toBe('CA');
    expect(norm({ state: 'TX' }).country).toBe('US');
    expect(norm({ state: 'CA', postalCode: '90210' }).country).toBe('US'); // California, not Canada
    expect(norm({ state: 'ZZ', postalCode: 'm5v2t6' })).toMatchObject({ country: 'CA', postalCode: 'M5V 2T6' });
    expect(norm({ state: 'ZZ', postalCode: '752011234' })).toMatchObject({ country: 'US', postalCode: '75201-1234' });
    expect(norm({ state: '', postalCode: 'M5V 2T6', country: 'Canada' }).country).toBe('CA');
    expect(norm({ state: 'Texas' }).state).toBe('TX');
    expect(norm({ state: 'Québec', postalCode: 'G1R 4P5' })).toMatchObject({ state: 'QC', country: 'CA' });
  });
});

// --- Idempotence ----------------------------------------------------------------------------------

const randomCase = (text: string) =>
  fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }).map((flags) => [...text].map((char, index) => (flags[index] ? char.toLowerCase() : char)).join(''));
const word = (list: readonly string[]) => fc.constantFrom(...list).chain(randomCase);
const separator = fc.constantFrom(' ', '  ', ', ', '. ', ' - ', '\t', ',');
const joinWith = (parts: fc.Arbitrary<string[]>) =>
  parts.chain((list) => fc.array(separator, { minLength: list.length, maxLength: list.length }).map((seps) => list.map((part, index) => (index ? seps[index] : '') + part).join('')));

const NAME_WORDS = ['Main', 'Oak', 'Elm', 'Martin Luther King', 'Park', 'North', 'Broadway', 'Saint John', "O'Neil", 'St. Clair', 'Lot', 'Pier', 'Key', 'Rear', 'Box', 'Boxwood', 'Québec', 'Avenue'];
const SUFFIX_WORDS = [...STREET_SUFFIXES.keys()];
const DIRECTION_WORDS = [...DIRECTIONALS.keys()];
const UNIT_WORDS = [...UNIT_DESIGNATORS.keys(), '#', 'No.'];
const unitId = fc.oneof(fc.integer({ min: 1, max: 9999 }).map(String), fc.constantFrom('A', 'B', 'E', 'N', '4B', '12-C', '1st', '3rd', '22nd'), fc.constantFrom('#4', '#B'));
const unitPart = fc.oneof(
  fc.tuple(word(UNIT_WORDS), unitId).map(([designator, id]) => `${designator} ${id}`),
  fc.tuple(fc.constantFrom('1st', '2nd', '3rd', '14th'), word(['Floor', 'FL', 'flr'])).map(([ordinal, floor]) => `${ordinal} ${floor}`),
  word(['Basement', 'Rear', 'Front', 'Penthouse', 'Lobby', 'Upper']),
  unitId,
);
const houseNumber = fc.oneof(fc.integer({ min: 1, max: 99999 }).map(String), fc.constantFrom('123A', '12-14', '123 1/2', 'N1234', 'W204N11509'));
const realisticStreet = joinWith(
  fc
    .tuple(
      fc.option(houseNumber, { nil: undefined }),
      fc.option(word(DIRECTION_WORDS), { nil: undefined }),
      fc.array(word(NAME_WORDS), { minLength: 0, maxLength: 3 }),
      fc.option(word(SUFFIX_WORDS), { nil: undefined }),
      fc.option(word(DIRECTION_WORDS), { nil: undefined }),
      fc.array(unitPart, { maxLength: 2 }),
    )
    .map(([number, pre, name, suffix, post, units]) => [number, pre, ...name, suffix, post, ...units].filter((part): part is string => part !== undefined)),
);
const realisticPostal = fc.oneof(
  fc.stringMatching(/^\d{5}$/),
  fc.stringMatching(/^\d{5}-\d{4}$/),
  fc.stringMatching(/^\d{9}$/),
  fc.stringMatching(/^ ?[A-Za-z]\d[A-Za-z][ -]?\d[A-Za-z]\d ?$/),
  fc.stringMatching(/^[\d -]{0,12}$/),
);
const realisticAddress: fc.Arbitrary<E911AddressInput> = fc.record(
  {
    street: realisticStreet,
    unit: fc.option(joinWith(fc.array(unitPart, { minLength: 1, maxLength: 2 })), { nil: undefined }),
    city: word(['Dallas', 'Montréal', 'St. Louis', "Coeur d'Alene", 'Winston-Salem', 'New York']),
    state: fc.oneof(word([...US_STATES, ...CA_PROVINCES]), word(['Texas', 'Ontario', 'Québec', 'District of Columbia', 'Nowhere'])),
    postalCode: realisticPostal,
    country: fc.option(fc.constantFrom('US', 'CA', 'usa', 'Canada', 'Mexico'), { nil: undefined }),
    callerName: fc.option(fc.constantFrom('Acme Corp', "O'Neil & Sons, Inc.", 'Zoë Müller', ''), { nil: undefined }),
  },
  { requiredKeys: ['street', 'city', 'state', 'postalCode'] },
);

/** Words the normalizer treats specially, glued with odd separators, plus noise. */
const soupWord = fc.oneof(
  fc.constantFrom(...SUFFIX_WORDS, ...DIRECTION_WORDS, ...UNIT_WORDS, 'PO', 'P.O.', 'PMB', '1ST', '2ND', '3RD', '4TH', 'FLOOR', 'A', 'N', '4', '4B', '1/2', '-', '/', '&', '#'),
  fc.string({ maxLength: 4 }),
  fc.string({ unit: 'grapheme', maxLength: 3 }),
);
const soup = fc.array(fc.tuple(soupWord, fc.constantFrom(' ', '', '#', '.', ',', '-', '\u00a0'))).map((pairs) => pairs.map(([text, sep]) => text + sep).join(''));
const anyText = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), soup);
const arbitraryAddress: fc.Arbitrary<E911AddressInput> = fc.record(
  { street: anyText, unit: anyText, city: anyText, state: anyText, postalCode: anyText, country: anyText, callerName: anyText },
  { requiredKeys: [] },
);

const CLEAN = /^(?:[A-Z0-9#\-/&]+(?: [A-Z0-9#\-/&]+)*)?$/;

describe('normalizeE911Address is idempotent', () => {
  it.each(['ALY#ROOM A ', '2ND FL 3RD FL', '2ND FLOOR FLOOR', 'REAR # 5', '123 BIG APT NORTH', '3RD FL # 5', '# 3RD FL'])('on %j (found by fast-check or by hand)', (text) => {
    const once = normalizeE911Address({ street: text, unit: text, city: text, state: text, postalCode: text });
    expect(normalizeE911Address(once)).toEqual(once);
  });

  it('on addresses built from realistic parts', () => {
    fc.assert(
      fc.property(realisticAddress, (input) => {
        const once = normalizeE911Address(input);
        expect(normalizeE911Address(once)).toEqual(once);
        for (const value of [once.street, once.unit ?? '', once.city, once.callerName ?? '']) expect(value).toMatch(CLEAN);
        expect(once.state).toMatch(/^[A-Z ]*$/);
      }),
      { numRuns: 1500 },
    );
  });

  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(arbitraryAddress, (input) => {
        const once = normalizeE911Address(input);
        expect(normalizeE911Address(once)).toEqual(once);
        expect(once.street).toMatch(CLEAN);
        expect(['US', 'CA']).toContain(once.country);
      }),
      { numRuns: 1500 },
    );
  });

  it('yields valid ZIP and postal codes from well-formed ones', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{5}([ -]?\d{4})?$/), fc.stringMatching(/^[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d$/), (zip, postal) => {
        expect(norm({ state: 'TX', postalCode: zip }).postalCode).toMatch(/^\d{5}(-\d{4})?$/);
        expect(norm({ state: 'ON', postalCode: postal }).postalCode).toMatch(/^[A-Z]\d[A-Z] \d[A-Z]\d$/);
      }),
    );
  });
});

// --- PO boxes --------------------------------------------------------------------------------------

describe('isPoBox', () => {
  it.each([
    'PO BOX 12', 'P.O. Box 12', 'p o box 12', 'P. O. Box 12', 'Post Office Box 7', 'BOX 45', 'box 45', 'Box #45', 'POB 9', 'P.O.B. 9',
    'POBOX 12', 'PO Box A', 'PMB 123', 'pmb', '123 Main St PMB 45', 'Private Mailbox 3', 'CP 123', 'Case postale 45', 'General Delivery',
    'RR 2 Box 15',
  ])('refuses %s', (street) => {
    expect(isPoBox(street)).toBe(true);
  });

  it.each(['12 Boxwood Ln', '123 POBOX RD', '45 Box Elder Dr', 'Box Canyon Rd', '123 Main St', '10 Post Rd', '1 Office Park Dr', '77 Pobst Ave', ''])(
    'accepts %s',
    (street) => {
      expect(isPoBox(street)).toBe(false);
    },
  );

  it('never throws', () => {
    fc.assert(fc.property(anyText, (text) => typeof isPoBox(text) === 'boolean'));
  });
});

// --- Schema ----------------------------------------------------------------------------------------

describe('e911AddressSchema', () => {
  it('accepts a good address and returns it normalized', () => {
    expect(e911AddressSchema.parse({ street: '411 Hackensack Avenue, Suite 200', city: 'Hackensack', state: 'nj', postalCode: '07601', callerName: 'Acme' })).toEqual({
      street: '411 HACKENSACK AVE',
      unit: 'STE 200',
      city: 'HACKENSACK',
      state: 'NJ',
      postalCode: '07601',
      country: 'US',
      callerName: 'ACME',
    });
    expect(e911AddressSchema.parse({ street: '290 Bremner Blvd', unit: '', city: 'Toronto', state: 'ON', postalCode: 'm5v3l9', callerName: '' })).toEqual({
      street: '290 BREMNER BLVD',
      city: 'TORONTO',
      state: 'ON',
      postalCode: 'M5V 3L9',
      country: 'CA',
    });
  });

  it('reports every missing field at once, including FormData nulls', () => {
    expect(errorsOf({})).toEqual({
      street: E911_MESSAGES.streetMissing,
      city: E911_MESSAGES.cityMissing,
      state: E911_MESSAGES.state,
      postalCode: E911_MESSAGES.usZip,
    });
    expect(errorsOf({ street: null, unit: null, city: '  ', state: null, postalCode: null, callerName: null })).toEqual({
      street: E911_MESSAGES.streetMissing,
      city: E911_MESSAGES.cityMissing,
      state: E911_MESSAGES.state,
      postalCode: E911_MESSAGES.usZip,
    });
  });

  it('has the agreed messages', () => {
    expect(E911_MESSAGES).toMatchObject({
      streetMissing: 'Enter the street address',
      cityMissing: 'Enter the city',
      state: 'Use a two-letter US state or Canadian province code, like TX or ON',
      usZip: 'A US ZIP code is 5 digits, or ZIP+4 like 75201-1234',
      caPostal: 'A Canadian postal code looks like M5V 2T6',
      poBox: 'An emergency address must be a place where people are: PO boxes cannot be used',
    });
  });

  it.each([
    [{ street: '' }, 'street', E911_MESSAGES.streetMissing],
    [{ street: ' ,.; ' }, 'street', E911_MESSAGES.streetMissing],
    [{ street: `1 ${'A'.repeat(60)} St` }, 'street', E911_MESSAGES.streetTooLong],
    [{ street: 'Main Street' }, 'street', E911_MESSAGES.houseNumber],
    [{ street: '123' }, 'street', E911_MESSAGES.houseNumber],
    [{ street: 'P.O. Box 12' }, 'street', E911_MESSAGES.poBox],
    [{ street: 'Box 45' }, 'street', E911_MESSAGES.poBox],
    [{ street: '123 Main St', unit: 'PMB 7' }, 'unit', E911_MESSAGES.poBox],
    [{ unit: `Suite ${'9'.repeat(30)}` }, 'unit', E911_MESSAGES.unitTooLong],
    [{ city: '' }, 'city', E911_MESSAGES.cityMissing],
    [{ city: 'X'.repeat(41) }, 'city', E911_MESSAGES.cityTooLong],
    [{ state: 'XX' }, 'state', E911_MESSAGES.state],
    [{ state: 'Texass' }, 'state', E911_MESSAGES.state],
    [{ state: 'T' }, 'state', E911_MESSAGES.state],
    [{ postalCode: '7520' }, 'postalCode', E911_MESSAGES.usZip],
    [{ postalCode: '75201-12' }, 'postalCode', E911_MESSAGES.usZip],
    [{ postalCode: 'M5V 2T6' }, 'postalCode', E911_MESSAGES.usZip],
    [{ state: 'ON', postalCode: '75201' }, 'postalCode', E911_MESSAGES.caPostal],
    [{ state: 'ON', postalCode: 'M5V 2T' }, 'postalCode', E911_MESSAGES.caPostal],
    [{ state: 'ON', postalCode: 'D5V 2T6' }, 'postalCode', E911_MESSAGES.caPostal], // no D in Canadian postal codes
    [{ state: 'ON', postalCode: 'W5V 2T6' }, 'postalCode', E911_MESSAGES.caPostal], // no W first
    [{ callerName: 'X'.repeat(33) }, 'callerName', E911_MESSAGES.callerNameTooLong],
  ])('%j → %s: %s', (patch, field, message) => {
    expect(errorsOf({ ...base, ...patch })).toEqual({ [field]: message });
  });

  it('measures lengths after normalization', () => {
    const street = `1 ${'B'.repeat(50)} Boulevard`; // 63 typed, 58 normalized
    expect(errorsOf({ ...base, street })).toEqual({});
    expect(errorsOf({ ...base, callerName: `${'A'.repeat(32)}...` })).toEqual({});
  });

  it('never throws, and its output is the normalized input', () => {
    fc.assert(
      fc.property(fc.oneof(realisticAddress, arbitraryAddress), (input) => {
        const parsed = e911AddressSchema.safeParse(input);
        if (parsed.success) expect(parsed.data).toEqual(normalizeE911Address({ ...input, country: undefined })); // the form has no country field
        else for (const issue of parsed.error.issues) expect(Object.values(E911_MESSAGES)).toContain(issue.message);
      }),
      { numRuns: 500 },
    );
  });
});

// --- Caller names and display ----------------------------------------------------------------------

describe('caller names', () => {
  it('has a limit per upstream (15 for both: neither reference gives one)', () => {
    expect(upstreamLimitsOf('voicetel')?.callerNameMaxLength).toBe(15);
    expect(upstreamLimitsOf('voicemeup')?.callerNameMaxLength).toBe(15);
    expect(upstreamLimitsOf('carrierx')?.callerNameMaxLength).toBeUndefined();
    expect(DEFAULT_CALLER_NAME_LIMIT).toBe(15);
  });

  it('checks a caller name against the upstream limit', () => {
    expect(checkCallerNameForUpstream(upstreamLimitsOf('voicetel'), 'ACME CORP', 'VoiceTel')).toBeNull();
    expect(checkCallerNameForUpstream(upstreamLimitsOf('voicetel'), 'X'.repeat(15), 'VoiceTel')).toBeNull();
    expect(checkCallerNameForUpstream(upstreamLimitsOf('voicetel'), undefined, 'VoiceTel')).toBeNull();
    expect(checkCallerNameForUpstream(upstreamLimitsOf('voicetel'), '  ', 'VoiceTel')).toBeNull();
    const message = checkCallerNameForUpstream(upstreamLimitsOf('voicetel'), 'Acme Widgets International', 'VoiceTel');
    expect(message).toMatch(/^VoiceTel takes caller names up to 15 characters: /);
    expect(message).toContain('"ACME WIDGETS INTERNATIONAL" has 26');
    expect(message).toContain('"ACME WIDGETS IN"');
    expect(checkCallerNameForUpstream(upstreamLimitsOf('voicemeup'), 'X'.repeat(16), 'VoiceMeUp')).toMatch(/^VoiceMeUp takes caller names up to 15 characters: /);
    expect(checkCallerNameForUpstream(upstreamLimitsOf('carrierx'), 'X'.repeat(16), 'CarrierX')).toMatch(/^CarrierX takes caller names up to 15 characters: /);
    // Measured as it will be sent: normalized.
    expect(checkCallerNameForUpstream(upstreamLimitsOf('voicetel'), "  O'Neil   &   Sons.  ", 'VoiceTel')).toBeNull();
  });
});

describe('formatE911Address', () => {
  it('renders one line', () => {
    expect(formatE911Address({ street: '123 MAIN ST', unit: 'STE 4', city: 'DALLAS', state: 'TX', postalCode: '75201' })).toBe('123 MAIN ST STE 4, DALLAS, TX 75201');
    expect(formatE911Address({ street: '290 BREMNER BLVD', city: 'TORONTO', state: 'ON', postalCode: 'M5V 3L9' })).toBe('290 BREMNER BLVD, TORONTO, ON M5V 3L9');
    expect(formatE911Address(norm({ street: '123 Main Street Suite 4' }))).toBe('123 MAIN ST STE 4, DALLAS, TX 75201');
  });

  it('maps to the provider shape', () => {
    expect(toProviderE911Address(norm({ callerName: 'Acme' }))).toEqual({ street: '123 MAIN ST', city: 'DALLAS', state: 'TX', postalCode: '75201', country: 'US', name: 'ACME' });
  });
});
