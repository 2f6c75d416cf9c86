import { z } from 'zod';
import type { E911Address, UpstreamLimits } from '@/lib/providers/types';
import { CA_PROVINCES, US_STATES } from '@/lib/validations/numbers';
import { isSafeText } from '@/lib/validations/common';

// Pure: shared by the e911 address form (client) and its server action. No I/O here.
//
// Normalization follows USPS Publication 28 (uppercase, no punctuation, standard street suffix,
// directional and secondary-unit abbreviations), which is also what the upstreams hand back
// (VoiceTel returns "411 HACKENSACK AVENUE" as "411 HACKENSACK AVE"). It is idempotent:
// normalizeE911Address(normalizeE911Address(x)) deep-equals normalizeE911Address(x).

// --- Dictionaries --------------------------------------------------------------------------------

/** USPS Pub 28 appendix C1: standard abbreviation first, then the full name and common variants. */
const SUFFIX_TABLE = [
  'ALY ALLEY ALLEE ALLY',
  'ANX ANNEX ANEX ANNX',
  'ARC ARCADE',
  'AVE AVENUE AV AVEN AVENU AVN AVNUE',
  'BYU BAYOU BAYOO',
  'BCH BEACH',
  'BND BEND',
  'BLF BLUFF BLUF',
  'BTM BOTTOM BOT BOTTM',
  'BLVD BOULEVARD BOUL BOULV',
  'BR BRANCH BRNCH',
  'BRG BRIDGE BRDGE',
  'BRK BROOK',
  'BYP BYPASS BYPA BYPAS BYPS',
  'CP CAMP CMP',
  'CYN CANYON CANYN CNYN',
  'CPE CAPE',
  'CSWY CAUSEWAY CAUSWA',
  'CTR CENTER CEN CENT CENTR CENTRE CNTER CNTR',
  'CIR CIRCLE CIRC CIRCL CRCL CRCLE',
  'CLF CLIFF',
  'CLB CLUB',
  'CMN COMMON',
  'CMNS COMMONS',
  'COR CORNER',
  'CORS CORNERS',
  'CRSE COURSE',
  'CT COURT',
  'CTS COURTS',
  'CV COVE',
  'CRK CREEK',
  'CRES CRESCENT CRSENT CRSNT',
  'CRST CREST',
  'XING CROSSING CRSSNG',
  'XRD CROSSROAD',
  'CURV CURVE',
  'DL DALE',
  'DM DAM',
  'DV DIVIDE DIV DVD',
  'DR DRIVE DRIV DRV',
  'EST ESTATE',
  'ESTS ESTATES',
  'EXPY EXPRESSWAY EXP EXPR EXPRESS EXPW',
  'EXT EXTENSION EXTN EXTNSN',
  'FLS FALLS',
  'FRY FERRY FRRY',
  'FLD FIELD',
  'FLDS FIELDS',
  'FLT FLAT',
  'FLTS FLATS',
  'FRD FORD',
  'FRST FOREST FORESTS',
  'FRG FORGE FORG',
  'FRK FORK',
  'FRKS FORKS',
  'FT FORT FRT',
  'FWY FREEWAY FREEWY FRWAY FRWY',
  'GDN GARDEN GARDN GRDEN GRDN',
  'GDNS GARDENS GRDNS',
  'GTWY GATEWAY GATEWY GATWAY GTWAY',
  'GLN GLEN',
  'GRN GREEN',
  'GRV GROVE GROV',
  'HBR HARBOR HARB HARBR HRBOR',
  'HVN HAVEN',
  'HTS HEIGHTS HT',
  'HWY HIGHWAY HIGHWY HIWAY HIWY HWAY',
  'HL HILL',
  'HLS HILLS',
  'HOLW HOLLOW HLLW HOLLOWS HOLWS',
  'IS ISLAND ISLND',
  'JCT JUNCTION JCTION JCTN JUNCTN JUNCTON',
  'KY KEY',
  'KNL KNOLL KNOL',
  'LK LAKE',
  'LKS LAKES',
  'LNDG LANDING LNDNG',
  'LN LANE',
  'LGT LIGHT',
  'LOOP LOOPS',
  'MALL',
  'MNR MANOR',
  'MDWS MEADOWS MDW MEDOWS',
  'ML MILL',
  'MSN MISSION MISSN MSSN',
  'MTWY MOTORWAY',
  'MT MOUNT MNT',
  'MTN MOUNTAIN MNTAIN MNTN MOUNTIN MTIN',
  'ORCH ORCHARD ORCHRD',
  'OVAL OVL',
  'OPAS OVERPASS',
  'PARK PRK PARKS',
  'PKWY PARKWAY PARKWY PKWAY PKY PARKWAYS PKWYS',
  'PASS',
  'PATH PATHS',
  'PIKE PIKES',
  'PNES PINES',
  'PL PLACE',
  'PLN PLAIN',
  'PLNS PLAINS',
  'PLZ PLAZA PLZA',
  'PT POINT',
  'PTS POINTS',
  'PRT PORT',
  'PR PRAIRIE PRR',
  'RADL RADIAL RAD RADIEL',
  'RNCH RANCH RANCHES RNCHS',
  'RDG RIDGE RDGE',
  'RIV RIVER RVR RIVR',
  'RD ROAD',
  'RDS ROADS',
  'RTE ROUTE',
  'ROW',
  'RUN',
  'SHR SHORE',
  'SKWY SKYWAY',
  'SPG SPRING SPNG SPRNG',
  'SPGS SPRINGS SPNGS SPRNGS',
  'SPUR SPURS',
  'SQ SQUARE SQR SQRE SQU',
  'STA STATION STATN STN',
  'STRA STRAVENUE STRAV STRAVEN STRAVN STRVN STRVNUE',
  'STRM STREAM STREME',
  'ST STREET STRT STR',
  'SMT SUMMIT SUMIT SUMITT',
  'TER TERRACE TERR',
  'TRCE TRACE TRACES',
  'TRAK TRACK TRACKS TRK TRKS',
  'TRL TRAIL TRAILS TRLS',
  'TUNL TUNNEL TUNEL TUNLS TUNNELS TUNNL',
  'TPKE TURNPIKE TRNPK TURNPK',
  'UN UNION',
  'VLY VALLEY VALLY VLLY',
  'VIA VIADUCT VDCT VIADCT',
  'VW VIEW',
  'VLG VILLAGE VILL VILLAG VILLG VILLIAGE',
  'VL VILLE',
  'VIS VISTA VIST VST VSTA',
  'WALK WALKS',
  'WAY WY',
  'WLS WELLS',
] as const;

function tableToMap(rows: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const row of rows) {
    const [standard, ...variants] = row.split(' ') as [string, ...string[]];
    map.set(standard, standard);
    for (const variant of variants) map.set(variant, standard);
  }
  return map;
}

/** Every spelling we recognize as a street suffix → its USPS standard abbreviation. */
export const STREET_SUFFIXES: ReadonlyMap<string, string> = tableToMap(SUFFIX_TABLE);

/** Directionals → USPS abbreviation. */
export const DIRECTIONALS: ReadonlyMap<string, string> = tableToMap([
  'N NORTH',
  'S SOUTH',
  'E EAST',
  'W WEST',
  'NE NORTHEAST NORTH-EAST',
  'NW NORTHWEST NORTH-WEST',
  'SE SOUTHEAST SOUTH-EAST',
  'SW SOUTHWEST SOUTH-WEST',
]);

/** USPS Pub 28 appendix C2 secondary unit designators that take a number ("APT 4"). */
const NUMBERED_UNIT_TABLE = [
  'APT APARTMENT APPT',
  'BLDG BUILDING BLDNG',
  'DEPT DEPARTMENT',
  'FL FLOOR FLR',
  'HNGR HANGAR HANGER',
  'KEY',
  'LOT',
  'PIER',
  'RM ROOM',
  'SLIP',
  'SPC SPACE',
  'STOP',
  'STE SUITE',
  'TRLR TRAILER',
  'UNIT',
] as const;
/** Designators that stand alone ("REAR"). */
const UNNUMBERED_UNIT_TABLE = [
  'BSMT BASEMENT',
  'FRNT FRONT',
  'LBBY LOBBY',
  'LOWR LOWER',
  'OFC OFFICE',
  'PH PENTHOUSE',
  'REAR',
  'SIDE',
  'UPPR UPPER',
] as const;

/** Every spelling we recognize as a secondary unit designator → its USPS abbreviation. */
export const UNIT_DESIGNATORS: ReadonlyMap<string, string> = tableToMap([...NUMBERED_UNIT_TABLE, ...UNNUMBERED_UNIT_TABLE]);
const NUMBERED_UNITS = tableToMap(NUMBERED_UNIT_TABLE);
const UNNUMBERED_UNITS = tableToMap(UNNUMBERED_UNIT_TABLE);
const FLOOR_WORDS = new Set(['FL', 'FLOOR', 'FLR']);
const ORDINAL = /^(\d+)(ST|ND|RD|TH)$/;

const STATE_NAMES = new Map<string, string>(
  Object.entries({
    ALABAMA: 'AL', ALASKA: 'AK', ARIZONA: 'AZ', ARKANSAS: 'AR', CALIFORNIA: 'CA', COLORADO: 'CO', CONNECTICUT: 'CT', DELAWARE: 'DE',
    'DISTRICT OF COLUMBIA': 'DC', FLORIDA: 'FL', GEORGIA: 'GA', HAWAII: 'HI', IDAHO: 'ID', ILLINOIS: 'IL', INDIANA: 'IN', IOWA: 'IA',
    KANSAS: 'KS', KENTUCKY: 'KY', LOUISIANA: 'LA', MAINE: 'ME', MARYLAND: 'MD', MASSACHUSETTS: 'MA', MICHIGAN: 'MI', MINNESOTA: 'MN',
    MISSISSIPPI: 'MS', MISSOURI: 'MO', MONTANA: 'MT', NEBRASKA: 'NE', NEVADA: 'NV', 'NEW HAMPSHIRE': 'NH', 'NEW JERSEY': 'NJ',
    'NEW MEXICO': 'NM', 'NEW YORK': 'NY', 'NORTH CAROLINA': 'NC', 'NORTH DAKOTA': 'ND', OHIO: 'OH', OKLAHOMA: 'OK', OREGON: 'OR',
    PENNSYLVANIA: 'PA', 'RHODE ISLAND': 'RI', 'SOUTH CAROLINA': 'SC', 'SOUTH DAKOTA': 'SD', TENNESSEE: 'TN', TEXAS: 'TX', UTAH: 'UT',
    VERMONT: 'VT', VIRGINIA: 'VA', WASHINGTON: 'WA', 'WEST VIRGINIA': 'WV', WISCONSIN: 'WI', WYOMING: 'WY', 'PUERTO RICO': 'PR',
    ALBERTA: 'AB', 'BRITISH COLUMBIA': 'BC', MANITOBA: 'MB', 'NEW BRUNSWICK': 'NB', 'NEWFOUNDLAND AND LABRADOR': 'NL', NEWFOUNDLAND: 'NL',
    'NOVA SCOTIA': 'NS', 'NORTHWEST TERRITORIES': 'NT', NUNAVUT: 'NU', ONTARIO: 'ON', 'PRINCE EDWARD ISLAND': 'PE', QUEBEC: 'QC',
    SASKATCHEWAN: 'SK', YUKON: 'YT',
  }),
);
const US_SET = new Set<string>(US_STATES);
const CA_SET = new Set<string>(CA_PROVINCES);

// --- Text cleaning -------------------------------------------------------------------------------

/**
 * Uppercase ASCII with single spaces. Accents are folded (QUÉBEC → QUEBEC), periods and apostrophes
 * vanish (P.O. → PO, O'NEIL → ONEIL), unicode dashes become '-', any other punctuation becomes a
 * space; '#', '-', '/' and '&' survive. '#' always stands as its own word ("#4" → "# 4", as Pub 28
 * writes it), and words made only of '-' or '/' are dropped.
 */
function clean(value: unknown): string {
  if (typeof value !== 'string') return '';
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g, '-')
    .replace(/['\u2018\u2019\u02BC`.]/g, '')
    .replace(/[^A-Z0-9#\-/&]+/g, ' ')
    .replace(/#/g, ' # ')
    .split(' ')
    .filter((word) => word !== '' && !/^[-/]+$/.test(word))
    .join(' ');
}

const words = (text: string) => (text === '' ? [] : text.split(' '));
const isSuffix = (word: string | undefined) => word !== undefined && STREET_SUFFIXES.has(word);
const isDirectional = (word: string | undefined) => word !== undefined && DIRECTIONALS.has(word);
/** A unit number: has a digit ("4", "4B", "B-12"), or is one letter that is not a directional ("B"). */
const isUnitNumber = (word: string) => /\d/.test(word) || (/^[A-Z]$/.test(word) && !isDirectional(word));

/** Drop a '#' that follows a designator or another '#' ("APT # 4" → "APT 4"), and trailing '#'. */
function tidyPoundSigns(list: string[]): string[] {
  const out: string[] = [];
  for (const word of list) {
    const previous = out[out.length - 1];
    if (word === '#' && previous !== undefined && (previous === '#' || UNIT_DESIGNATORS.has(previous))) continue;
    out.push(word);
  }
  while (out[out.length - 1] === '#') out.pop();
  return out;
}

// --- Street --------------------------------------------------------------------------------------

/** Peels secondary-unit words off the end of a street line: "123 MAIN ST APT 4" → ["123 MAIN ST", "APT 4"]. */
function splitStreet(list: string[]): { street: string[]; unit: string[] } {
  let street = list;
  const unit: string[] = [];
  for (;;) {
    const n = street.length;
    const last = street[n - 1] ?? '';
    const before = street[n - 2] ?? '';
    let take = 0;
    // Keep at least two words of street ("1 PIER 39" is a street, not a unit).
    if (n >= 4) {
      if (before === '#') take = 2;
      // KEY is both a suffix and a designator; as the last street word it is the suffix.
      else if (NUMBERED_UNITS.has(before) && before !== 'KEY' && (isUnitNumber(last) || isSuffix(street[n - 3]) || isDirectional(street[n - 3]))) take = 2;
      else if (FLOOR_WORDS.has(last) && ORDINAL.test(before)) take = 2;
    }
    if (!take && n >= 3 && UNNUMBERED_UNITS.has(last) && (isSuffix(before) || isDirectional(before))) take = 1;
    if (!take) break;
    unit.unshift(...street.slice(n - take));
    street = street.slice(0, n - take);
    while (street[street.length - 1] === '#') street = street.slice(0, -1); // "123 MAIN ST # ROOM 4"
  }
  return { street, unit };
}

/**
 * Abbreviates the street suffix and the pre-/post-directionals. The suffix is the last word (or the
 * word before a trailing directional) when a street name precedes it: "123 PARK AVENUE" → "123 PARK
 * AVE", but "123 PARK" and "123 NORTH ST" keep their name words spelled out.
 */
function abbreviateStreet(list: string[]): string[] {
  const out = [...list];
  let start = 0;
  if (out[0] !== undefined && /\d/.test(out[0])) {
    start = 1;
    if (out[1] !== undefined && /^\d+\/\d+$/.test(out[1])) start = 2; // 123 1/2 MAIN ST
  }
  let end = out.length - 1; // inclusive end of the name (+ suffix) part
  let post = -1;
  if (end > start && isDirectional(out[end])) {
    post = end;
    end -= 1;
  }
  let suffix = -1;
  if (end > start && isSuffix(out[end])) {
    suffix = end;
    end -= 1;
  }
  const pre = start < end && isDirectional(out[start]) ? start : -1;
  const at = (index: number, map: ReadonlyMap<string, string>) => {
    const word = out[index];
    if (word !== undefined) out[index] = map.get(word) ?? word;
  };
  if (post >= 0) at(post, DIRECTIONALS);
  if (suffix >= 0) at(suffix, STREET_SUFFIXES);
  if (pre >= 0) at(pre, DIRECTIONALS);
  return out;
}

// --- Unit ----------------------------------------------------------------------------------------

/** "Apartment #4" → "APT 4", "3rd Floor" → "FL 3", "4B" → "# 4B". */
function normalizeUnitWords(list: string[]): string[] {
  const mapped = tidyPoundSigns(list.map((word) => UNIT_DESIGNATORS.get(word) ?? word));
  const out: string[] = [];
  for (let index = 0; index < mapped.length; index += 1) {
    const word = mapped[index] as string;
    const next = mapped[index + 1];
    const after = mapped[index + 2];
    const ordinal = ORDINAL.exec(word);
    // "3RD FL" → "FL 3", when nothing that could be the floor's own number follows.
    if (ordinal && next === 'FL' && (after === undefined || UNIT_DESIGNATORS.has(after) || ORDINAL.test(after))) {
      out.push('FL', ordinal[1] as string);
      index += 1;
      continue;
    }
    out.push(word);
  }
  if (out.length === 1 && out[0] !== '#' && !UNIT_DESIGNATORS.has(out[0] as string)) out.unshift('#');
  return out;
}

// --- Region, postal code, country ------------------------------------------------------------------

function normalizeRegion(value: unknown): string {
  const text = clean(value).replace(/[^A-Z ]/g, ' ').replace(/ +/g, ' ').trim();
  return STATE_NAMES.get(text) ?? text;
}

function normalizeCountry(value: unknown): 'US' | 'CA' | undefined {
  const text = clean(value);
  if (['US', 'USA', 'UNITED STATES', 'UNITED STATES OF AMERICA'].includes(text)) return 'US';
  if (['CA', 'CAN', 'CANADA'].includes(text)) return 'CA';
  return undefined;
}

const CA_POSTAL_SHAPE = /^[A-Z]\d[A-Z]\d[A-Z]\d$/;
const compactPostal = (cleaned: string) => cleaned.replace(/[\s-]/g, '');

function normalizePostal(cleaned: string, country: 'US' | 'CA'): string {
  const compact = compactPostal(cleaned);
  if (country === 'US') {
    if (/^\d{5}$/.test(compact)) return compact;
    if (/^\d{9}$/.test(compact)) return `${compact.slice(0, 5)}-${compact.slice(5)}`;
  } else if (CA_POSTAL_SHAPE.test(compact)) {
    return `${compact.slice(0, 3)} ${compact.slice(3)}`;
  }
  return cleaned;
}

// --- Public API ----------------------------------------------------------------------------------

export interface E911AddressInput {
  street?: string | null;
  unit?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
  /** 'US' / 'CA' (or USA, Canada…); derived from the state or province when absent. */
  country?: string | null;
  callerName?: string | null;
}

export interface NormalizedE911Address {
  street: string;
  unit?: string;
  city: string;
  state: string;
  postalCode: string;
  country: 'US' | 'CA';
  callerName?: string;
}

/**
 * USPS Pub 28 style normalization. Never throws and never validates: an unknown state or a bad
 * ZIP comes back cleaned but otherwise as given, for `e911AddressSchema` to report.
 */
export function normalizeE911Address(input: E911AddressInput): NormalizedE911Address {
  const split = splitStreet(tidyPoundSigns(words(clean(input.street))));
  const street = abbreviateStreet(split.street).join(' ');

  // A unit typed on the street line goes first; typed twice (street and unit field), it is kept once.
  const givenUnit = words(clean(input.unit));
  const same = normalizeUnitWords(split.unit).join(' ') === normalizeUnitWords(givenUnit).join(' ');
  const unit = normalizeUnitWords(same ? givenUnit : [...split.unit, ...givenUnit]).join(' ');

  const state = normalizeRegion(input.state);
  const postalCleaned = clean(input.postalCode);
  const country =
    normalizeCountry(input.country) ??
    (CA_SET.has(state) ? 'CA' : US_SET.has(state) ? 'US' : CA_POSTAL_SHAPE.test(compactPostal(postalCleaned)) ? 'CA' : 'US');

  const callerName = clean(input.callerName);
  return {
    street,
    ...(unit ? { unit } : {}),
    city: clean(input.city),
    state,
    postalCode: normalizePostal(postalCleaned, country),
    country,
    ...(callerName ? { callerName } : {}),
  };
}

/**
 * True for addresses that only receive mail: PO boxes (PO BOX 12, P.O. Box, POST OFFICE BOX,
 * POB 9, POBOX 9, BOX 45, CP 12 / CASE POSTALE), private mailboxes (PMB), GENERAL DELIVERY.
 * "BOXWOOD LN" is a street, and so is "123 POBOX RD": POBOX/POB/BOX only count before a box number.
 */
export function isPoBox(street: string): boolean {
  const list = words(clean(street)).filter((word) => word !== '#');
  const phrase = ` ${list.join(' ')} `;
  if (/ (POST OFFICE BOX|POST OFFICE|POST BOX|PO BOX|P O BOX|P O B|CASE POSTALE|PRIVATE MAILBOX|PRIVATE MAIL BOX|GENERAL DELIVERY) /.test(phrase)) return true;
  return list.some((word, index) => {
    if (word === 'PMB') return true;
    const next = list[index + 1];
    return ['BOX', 'POBOX', 'POB', 'POSTBOX', 'CP'].includes(word) && next !== undefined && (/\d/.test(next) || /^[A-Z]$/.test(next));
  });
}

/** One display line: "123 MAIN ST STE 4, DALLAS, TX 75201". */
export function formatE911Address(address: Pick<NormalizedE911Address, 'street' | 'city' | 'state' | 'postalCode'> & { unit?: string | null }): string {
  const line1 = [address.street, address.unit].filter(Boolean).join(' ');
  const region = [address.state, address.postalCode].filter(Boolean).join(' ');
  return [line1, address.city, region].filter(Boolean).join(', ');
}

/** The provider-facing shape (`E911Address` in lib/providers/types.ts). */
export function toProviderE911Address(address: NormalizedE911Address): E911Address {
  const { callerName, ...rest } = address;
  return { ...rest, ...(callerName ? { name: callerName } : {}) };
}

// --- Caller names --------------------------------------------------------------------------------

/** The CNAM / ALI display convention: 15 characters. Used where a reference gives no limit. */
export const DEFAULT_CALLER_NAME_LIMIT = 15;

/** Portal-wide cap on a caller name (the form field); upstream limits may be shorter. */
export const MAX_CALLER_NAME_LENGTH = 32;

/**
 * null when the upstream takes this caller name, else a message for the form. `limits` are the
 * provider descriptor's (`upstreamLimitsOf` in lib/providers/registry.ts); an upstream that declares
 * no length gets DEFAULT_CALLER_NAME_LIMIT.
 */
export function checkCallerNameForUpstream(limits: Pick<UpstreamLimits, 'callerNameMaxLength'> | undefined, callerName: string | null | undefined, providerName: string): string | null {
  const name = clean(callerName);
  if (!name) return null;
  const limit = limits?.callerNameMaxLength ?? DEFAULT_CALLER_NAME_LIMIT;
  if (name.length <= limit) return null;
  return `${providerName} takes caller names up to ${limit} characters: "${name}" has ${name.length}, so shorten it (the dispatcher would see "${name.slice(0, limit).trim()}")`;
}

// --- Form schema ---------------------------------------------------------------------------------

export const MAX_STREET_LENGTH = 60;
export const MAX_UNIT_LENGTH = 30;
export const MAX_CITY_LENGTH = 40;

export const E911_MESSAGES = {
  streetMissing: 'Enter the street address',
  streetTooLong: `A street address is at most ${MAX_STREET_LENGTH} characters`,
  houseNumber: 'Give the house number and the street name, like 123 Main St',
  poBox: 'An emergency address must be a place where people are: PO boxes cannot be used',
  unitTooLong: `An apartment, suite or unit is at most ${MAX_UNIT_LENGTH} characters`,
  cityMissing: 'Enter the city',
  cityTooLong: `A city is at most ${MAX_CITY_LENGTH} characters`,
  state: 'Use a two-letter US state or Canadian province code, like TX or ON',
  usZip: 'A US ZIP code is 5 digits, or ZIP+4 like 75201-1234',
  caPostal: 'A Canadian postal code looks like M5V 2T6',
  callerNameTooLong: `A caller name is at most ${MAX_CALLER_NAME_LENGTH} characters`,
  controlCharacters: 'Remove the control characters (such as NUL) from this field',
} as const;

/** Canada Post: no D, F, I, O, Q, U anywhere, and no W or Z as the first letter. */
const CA_POSTAL = /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d$/;
const US_ZIP = /^\d{5}(-\d{4})?$/;

const formText = z.preprocess((value) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined), z.string().optional());

/** The e911 address form. Reports every problem at once; the output is normalized. */
export const e911AddressSchema = z
  // `choice` (keep the address as typed, or a proposed one) is only checked for control characters here.
  .object({ street: formText, unit: formText, city: formText, state: formText, postalCode: formText, callerName: formText, choice: formText })
  .superRefine((input, context) => {
    // Normalizing would quietly drop them; a control character means the text is not what the user
    // meant. A tab is only whitespace here (text pasted from a spreadsheet).
    const garbled = new Set(Object.entries(input).filter(([, value]) => typeof value === 'string' && !isSafeText(value.replace(/\t/g, ' '))).map(([field]) => field));
    for (const field of garbled) context.addIssue({ code: 'custom', path: [field], message: E911_MESSAGES.controlCharacters });
    const issue = (path: string, message: string) => {
      if (!garbled.has(path)) context.addIssue({ code: 'custom', path: [path], message });
    };
    const address = normalizeE911Address(input);

    if (!address.street) issue('street', E911_MESSAGES.streetMissing);
    else if (isPoBox(address.street)) issue('street', E911_MESSAGES.poBox);
    else if (address.street.length > MAX_STREET_LENGTH) issue('street', E911_MESSAGES.streetTooLong);
    else {
      const [number, ...name] = address.street.split(' ');
      if (!/\d/.test(number as string) || name.length === 0) issue('street', E911_MESSAGES.houseNumber);
    }

    if (address.unit && isPoBox(address.unit)) issue('unit', E911_MESSAGES.poBox);
    else if (address.unit && address.unit.length > MAX_UNIT_LENGTH) issue('unit', E911_MESSAGES.unitTooLong);

    if (!address.city) issue('city', E911_MESSAGES.cityMissing);
    else if (address.city.length > MAX_CITY_LENGTH) issue('city', E911_MESSAGES.cityTooLong);

    if (!US_SET.has(address.state) && !CA_SET.has(address.state)) issue('state', E911_MESSAGES.state);

    if (address.country === 'CA' ? !CA_POSTAL.test(address.postalCode) : !US_ZIP.test(address.postalCode)) {
      issue('postalCode', address.country === 'CA' ? E911_MESSAGES.caPostal : E911_MESSAGES.usZip);
    }

    if (address.callerName && address.callerName.length > MAX_CALLER_NAME_LENGTH) issue('callerName', E911_MESSAGES.callerNameTooLong);
  })
  .transform((input) => normalizeE911Address(input));

export type E911AddressFormInput = z.input<typeof e911AddressSchema>;
