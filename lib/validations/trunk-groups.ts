import { z } from 'zod';
import type { TrunkAuth, TrunkDestination, TrunkDirection, TrunkLimits, UpstreamLimits } from '@/lib/providers/types';
import { parsePhoneNumber } from '@/lib/phone-numbers';
import { formatCount } from '@/lib/format';
import { textProblem } from './common';

// Pure: shared by the trunk-group form (client) and its server action. No I/O here.

// --- IPv4 ----------------------------------------------------------------------------------------

const UINT32_LIMIT = 2 ** 32;
const OCTET = /^(0|[1-9]\d{0,2})$/;

/** Strict dotted quad (`203.0.113.10`): four numbers 0–255, no leading zeros, no spaces. */
export function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(address: number): string {
  if (!Number.isInteger(address) || address < 0 || address >= UINT32_LIMIT) throw new RangeError(`Not an IPv4 address: ${address}`);
  return [address / 2 ** 24, address / 2 ** 16, address / 2 ** 8, address].map((part) => Math.floor(part) % 256).join('.');
}

export interface Cidr {
  /** First address of the block, as an unsigned 32-bit number. */
  network: number;
  prefix: number;
  /** Normalized `a.b.c.d/p`; a single address is `/32`. */
  text: string;
}

const blockSize = (prefix: number) => 2 ** (32 - prefix);
const networkOf = (address: number, prefix: number) => address - (address % blockSize(prefix));
const lastAddressOf = (cidr: Pick<Cidr, 'network' | 'prefix'>) => cidr.network + blockSize(cidr.prefix) - 1;
/** How a block reads in a message: a /32 as the bare address. */
const displayCidr = (cidr: Cidr) => (cidr.prefix === 32 ? formatIpv4(cidr.network) : cidr.text);

type CidrReading = { ok: true; cidr: Cidr } | { ok: false; message: string };

const EXAMPLE_FORMAT = 'write it like 52.10.4.20, or 52.10.4.0/24 for a block';

function readCidr(input: string): CidrReading {
  const text = input.trim();
  if (text === '') return { ok: false, message: 'Enter an IPv4 address or block' };
  const [addressText = '', prefixText, ...rest] = text.split('/');
  if (rest.length > 0) return { ok: false, message: `${text} is not an IPv4 address or block: ${EXAMPLE_FORMAT}` };
  const address = parseIpv4(addressText);
  if (address === null) {
    const parts = addressText.split('.');
    if (parts.length === 4 && parts.every((part) => /^\d{1,3}$/.test(part))) {
      if (parts.some((part) => Number(part) > 255)) {
        return { ok: false, message: `${text} is not an IPv4 address: each of the four numbers is 0 to 255` };
      }
      return { ok: false, message: `${text} has a number with a leading zero: write ${parts.map(Number).join('.')}${prefixText === undefined ? '' : `/${prefixText}`}` };
    }
    return { ok: false, message: `${text} is not an IPv4 address: ${EXAMPLE_FORMAT}` };
  }
  let prefix = 32;
  if (prefixText !== undefined) {
    if (!/^(0|[1-9]\d?)$/.test(prefixText) || Number(prefixText) > 32) {
      return { ok: false, message: `${text} has an invalid prefix: after the / give a number from 0 to 32` };
    }
    prefix = Number(prefixText);
  }
  const network = networkOf(address, prefix);
  if (network !== address) {
    const suggestion = `${formatIpv4(network)}/${prefix}`;
    return { ok: false, message: `${text} is not the start of its block: use ${suggestion} for the whole /${prefix}, or ${addressText} for that one address` };
  }
  return { ok: true, cidr: { network, prefix, text: `${formatIpv4(network)}/${prefix}` } };
}

/** `a.b.c.d` (as /32) or `a.b.c.d/p` where the address is the block's network address; else null. */
export function parseCidr(text: string): Cidr | null {
  const reading = readCidr(text);
  return reading.ok ? reading.cidr : null;
}

/** Why `text` is not a well-formed IPv4 address or block (null if it is). Says nothing about public/private. */
export function checkCidr(text: string): string | null {
  const reading = readCidr(text);
  return reading.ok ? null : reading.message;
}

// --- Special-purpose ranges (IANA IPv4 Special-Purpose Address Registry, RFC 6890 and successors) -----

export type Ipv4Class =
  | 'public'
  | 'private'
  | 'loopback'
  | 'multicast'
  | 'reserved'
  | 'link-local'
  | 'shared'
  | 'unspecified'
  | 'documentation'
  | 'benchmarking'
  | 'broadcast';

type SpecialClass = Exclude<Ipv4Class, 'public'>;

interface SpecialRange extends Cidr {
  kind: SpecialClass;
}

function range(text: string, kind: SpecialClass): SpecialRange {
  const cidr = parseCidr(text);
  if (!cidr) throw new Error(`bad special range ${text}`);
  return { ...cidr, kind };
}

/** Most specific first, so 255.255.255.255 is `broadcast` rather than `reserved` (240.0.0.0/4). */
export const SPECIAL_IPV4_RANGES: readonly SpecialRange[] = [
  range('255.255.255.255/32', 'broadcast'),
  range('192.0.0.0/24', 'reserved'),
  range('192.0.2.0/24', 'documentation'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('169.254.0.0/16', 'link-local'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'benchmarking'),
  range('172.16.0.0/12', 'private'),
  range('100.64.0.0/10', 'shared'),
  range('0.0.0.0/8', 'unspecified'),
  range('10.0.0.0/8', 'private'),
  range('127.0.0.0/8', 'loopback'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved'),
];

const contains = (outer: Pick<Cidr, 'network' | 'prefix'>, address: number) =>
  address >= outer.network && address <= lastAddressOf(outer);

export function classifyIpv4(address: number): Ipv4Class {
  return SPECIAL_IPV4_RANGES.find((special) => contains(special, address))?.kind ?? 'public';
}

const DESCRIPTIONS: Record<SpecialClass, { address: string; block: string; adjective: string }> = {
  private: { address: 'a private address', block: 'a private range', adjective: 'private' },
  loopback: { address: 'a loopback address (it never leaves the machine itself)', block: 'a loopback range', adjective: 'loopback' },
  'link-local': { address: 'a link-local address (it only works on the local network)', block: 'a link-local range', adjective: 'link-local' },
  shared: { address: 'a carrier-grade NAT address, shared inside an internet provider', block: 'a carrier-grade NAT range', adjective: 'carrier-grade NAT' },
  multicast: { address: 'a multicast address', block: 'a multicast range', adjective: 'multicast' },
  reserved: { address: 'a reserved address, not used on the internet', block: 'a reserved range, not used on the internet', adjective: 'reserved' },
  documentation: { address: 'an example address reserved for documentation', block: 'an example range reserved for documentation', adjective: 'documentation-only' },
  benchmarking: { address: 'a benchmarking address, not used on the internet', block: 'a benchmarking range, not used on the internet', adjective: 'benchmarking' },
  broadcast: { address: 'the broadcast address', block: 'the broadcast address', adjective: 'broadcast' },
  unspecified: { address: 'not a usable address (0.x.x.x means "this network")', block: 'an unusable range (0.x.x.x means "this network")', adjective: 'unusable' },
};

function specialUseMessage(cidr: Cidr, advice: string): string | null {
  const last = lastAddressOf(cidr);
  // CIDR blocks either nest or are disjoint: the block lies inside a special range, or holds one, or neither.
  const within = SPECIAL_IPV4_RANGES.find((special) => special.prefix <= cidr.prefix && contains(special, cidr.network));
  if (within) {
    const description = DESCRIPTIONS[within.kind];
    return `${displayCidr(cidr)} is ${cidr.prefix === 32 ? description.address : description.block}: ${advice}`;
  }
  const inside = SPECIAL_IPV4_RANGES.filter((special) => special.network >= cidr.network && special.network <= last).sort(
    (left, right) => left.network - right.network,
  )[0];
  if (inside) {
    return `${cidr.text} includes ${inside.text} (${DESCRIPTIONS[inside.kind].adjective} addresses): list only the public addresses your PBX sends calls from`;
  }
  return null;
}

/**
 * Null when `text` is a public IPv4 address or block we can accept traffic from; otherwise a message
 * naming the entry. A block is refused if any address in it is not public.
 */
export function checkAllowedIp(text: string): string | null {
  const reading = readCidr(text);
  if (!reading.ok) return reading.message;
  return specialUseMessage(reading.cidr, 'give the public address your PBX is seen from');
}

/**
 * Blocks wider than the operator allows (`widestPrefix`, /24 by default), one message each: every
 * address in an allow-list may place calls billed to the account, so a wide block is toll-fraud
 * exposure, never what a PBX needs.
 */
export function checkAllowlistWidth(allowedIps: readonly string[], widestPrefix: number): string[] {
  return allowedIps.flatMap((entry) => {
    const cidr = parseCidr(entry);
    if (!cidr || cidr.prefix >= widestPrefix) return [];
    return [
      `${cidr.text} is ${formatCount(blockSize(cidr.prefix))} addresses, wider than a /${widestPrefix}: every one of them could place calls billed to you. List the addresses your PBX sends calls from, or blocks of /${widestPrefix} or narrower`,
    ];
  });
}

// --- Host names ------------------------------------------------------------------------------------

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
/** Names that only resolve inside a private network (RFC 6761, RFC 8375, ICANN's .internal). */
const PRIVATE_SUFFIXES = ['localhost', 'local', 'internal', 'invalid', 'home.arpa'];

/** Trimmed, lowercased, one trailing dot (a fully qualified name) removed. */
export function normalizeHost(text: string): string {
  return text.trim().replace(/\.$/, '').toLowerCase();
}

const looksNumeric = (host: string) => /^\d+$/.test(host.split('.').at(-1) ?? '');

/**
 * A fully qualified host name (RFC 1123 labels: letters, digits, hyphens, 1–63 characters, not starting
 * or ending with a hyphen, at least two labels, 253 characters at most, not an all-numeric last label)
 * or a public IPv4 address.
 */
export function isValidHostname(text: string): boolean {
  const host = normalizeHost(text);
  if (host.length === 0 || host.length > 253) return false;
  if (looksNumeric(host)) {
    const address = parseIpv4(host);
    return address !== null && classifyIpv4(address) === 'public';
  }
  const labels = host.split('.');
  return labels.length >= 2 && labels.every((label) => LABEL.test(label));
}

/** Null when calls can be delivered to `text`; otherwise a message for the Host field. */
export function checkDestinationHost(text: string): string | null {
  const raw = text.trim();
  if (raw === '') return 'Enter the host name or IP address to send calls to';
  if (/^sips?:/i.test(raw)) return `Enter just the host, without ${raw.slice(0, raw.indexOf(':') + 1)} in front`;
  if (/\s/.test(raw)) return 'A host name cannot contain spaces';
  if ((raw.match(/:/g) ?? []).length > 1) return 'IPv6 addresses are not supported yet: use an IPv4 address or a host name';
  if (/:\d*$/.test(raw)) return `Put the port in the Port field: enter just ${raw.slice(0, raw.lastIndexOf(':'))} here`;
  if (raw.includes('/')) return 'Enter a single host, not a range or a web address';
  if (raw.includes('_')) return 'A host name cannot contain _ : use letters, digits, hyphens and dots';
  const host = normalizeHost(raw);
  if (host.length > 253) return 'A host name can be at most 253 characters';
  if (looksNumeric(host)) {
    const address = parseIpv4(host);
    if (address === null) {
      return /^[\d.]+$/.test(host)
        ? `${host} is not an IPv4 address: four numbers from 0 to 255, without leading zeros`
        : `${host} is not a valid host name: the last part cannot be all digits`;
    }
    return specialUseMessage({ network: address, prefix: 32, text: `${host}/32` }, 'give the public address or host name your PBX is reached at');
  }
  if (!/^[a-z0-9.-]+$/.test(host)) return 'A host name may use letters, digits, hyphens and dots only';
  const labels = host.split('.');
  if (labels.some((label) => label === '')) return 'A host name cannot have two dots in a row or start with a dot';
  const suffix = PRIVATE_SUFFIXES.find((name) => host === name || host.endsWith(`.${name}`));
  if (suffix) return `${host} only resolves inside your own network: give a public host name or address`;
  if (labels.length < 2) return 'Enter a full host name like sbc1.example.com, or a public IPv4 address';
  const long = labels.find((label) => label.length > 63);
  if (long) return `Each part of a host name can be at most 63 characters (${long.slice(0, 12)}… has ${long.length})`;
  const hyphened = labels.find((label) => label.startsWith('-') || label.endsWith('-'));
  if (hyphened) return `A part of a host name cannot start or end with a hyphen: ${hyphened}`;
  return null;
}

// --- Choices ---------------------------------------------------------------------------------------

export const TRUNK_DIRECTIONS = ['inbound', 'outbound', 'both'] as const satisfies readonly TrunkDirection[];
export const TRUNK_DIRECTION_LABELS: Record<TrunkDirection, string> = {
  inbound: 'Inbound only (calls to your numbers)',
  outbound: 'Outbound only (calls from your PBX)',
  both: 'Inbound and outbound',
};

export const TRUNK_AUTH_METHODS = ['ip', 'digest', 'both'] as const satisfies readonly TrunkAuth[];
export const TRUNK_AUTH_LABELS: Record<TrunkAuth, string> = {
  ip: 'By IP address',
  digest: 'By username and password (digest)',
  both: 'IP address and username/password',
};

export const SIP_TRANSPORTS = ['udp', 'tcp', 'tls'] as const satisfies readonly TrunkDestination['transport'][];
export type SipTransport = (typeof SIP_TRANSPORTS)[number];
export const SIP_TRANSPORT_LABELS: Record<SipTransport, string> = { udp: 'UDP', tcp: 'TCP', tls: 'TLS (encrypted)' };
export const defaultSipPort = (transport: SipTransport) => (transport === 'tls' ? 5061 : 5060);

export const CODECS = ['PCMU', 'PCMA', 'G722', 'G729', 'OPUS', 'T38'] as const;
export type Codec = (typeof CODECS)[number];
export const CODEC_LABELS: Record<Codec, string> = {
  PCMU: 'G.711 μ-law (PCMU)',
  PCMA: 'G.711 A-law (PCMA)',
  G722: 'G.722 (HD voice)',
  G729: 'G.729 (low bandwidth)',
  OPUS: 'Opus',
  T38: 'T.38 (fax)',
};

export const CALLER_ID_POLICIES = ['pass_through', 'account_number', 'fixed'] as const;
export type CallerIdPolicy = (typeof CALLER_ID_POLICIES)[number];
export const CALLER_ID_POLICY_LABELS: Record<CallerIdPolicy, string> = {
  pass_through: 'Send the caller ID your PBX sets',
  account_number: "Always send the account's main number",
  fixed: 'Always send one fixed number',
};

/** Enable or disable: one of the two, never "anything else means enabled". */
export const trunkGroupStatusSchema = z.object({ status: z.enum(['active', 'disabled'], { message: 'Choose enabled or disabled' }) });

export const MAX_TRUNK_DESTINATIONS = 10;
export const MAX_ALLOWED_IPS = 50;

// --- The form --------------------------------------------------------------------------------------

export interface TrunkGroupInput {
  name: string;
  direction: TrunkDirection;
  auth: TrunkAuth;
  /** Normalized `a.b.c.d/p`; empty when auth is digest only. */
  allowedIps: string[];
  /** Empty when the trunk group is outbound only. */
  destinations: TrunkDestination[];
  maxChannels?: number;
  maxCps?: number;
  codecs: Codec[];
  techPrefix?: string;
  callerIdPolicy: CallerIdPolicy;
  /** `+1NXXNXXXXXX`; only with the `fixed` policy. */
  callerIdNumber?: string;
}

const DESTINATION_FIELDS = ['host', 'port', 'transport', 'priority', 'weight'] as const;
type DestinationField = (typeof DESTINATION_FIELDS)[number];
type RawDestination = { index: number } & Partial<Record<DestinationField, string>>;

interface RawTrunkGroup {
  name?: string;
  direction?: string;
  auth?: string;
  allowedIps: string[];
  destinations: RawDestination[];
  maxChannels?: string;
  maxCps?: string;
  codecs: string[];
  techPrefix?: string;
  callerIdPolicy?: string;
  callerIdNumber?: string;
}

const scalar = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;

const list = (value: unknown, separator: RegExp): string[] =>
  (Array.isArray(value) ? value.map(scalar) : (scalar(value) ?? '').split(separator))
    .map((item) => (item ?? '').trim())
    .filter((item) => item !== '');

/** FormData (`destinations.0.host` …, comma-joined checkboxes) or JSON (arrays) into one raw shape. */
function collectRaw(input: unknown): RawTrunkGroup {
  const record = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const destinations: RawDestination[] = [];
  if (Array.isArray(record.destinations)) {
    record.destinations.forEach((row, index) => {
      const fields = (row && typeof row === 'object' ? row : {}) as Record<string, unknown>;
      destinations.push({ index, ...Object.fromEntries(DESTINATION_FIELDS.map((field) => [field, scalar(fields[field])])) });
    });
  } else {
    const rows = new Map<number, RawDestination>();
    for (const [key, value] of Object.entries(record)) {
      const match = /^destinations\.(\d{1,4})\.(host|port|transport|priority|weight)$/.exec(key);
      if (!match) continue;
      const index = Number(match[1]);
      const row = rows.get(index) ?? { index };
      row[match[2] as DestinationField] = scalar(value);
      rows.set(index, row);
    }
    destinations.push(...[...rows.values()].sort((left, right) => left.index - right.index));
  }
  return {
    name: scalar(record.name),
    direction: scalar(record.direction),
    auth: scalar(record.auth),
    allowedIps: list(record.allowedIps, /[\s,;]+/),
    // A row is blank when nothing the user types is filled in; transport, priority and weight have defaults in the form.
    destinations: destinations.filter((row) => (row.host ?? '').trim() !== '' || (row.port ?? '').trim() !== ''),
    maxChannels: scalar(record.maxChannels),
    maxCps: scalar(record.maxCps),
    codecs: list(record.codecs, /,/),
    techPrefix: scalar(record.techPrefix),
    callerIdPolicy: scalar(record.callerIdPolicy),
    callerIdNumber: scalar(record.callerIdNumber),
  };
}

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const wholeNumber = (label: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, `${label} must be a whole number`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int(`${label} must be a whole number`)
        .min(min, `${label} must be at least ${min}`)
        .max(max, `${label} can be at most ${max.toLocaleString('en-US')}`),
    );

const optionalWholeNumber = (label: string, min: number, max: number) => z.preprocess(blankToUndefined, wholeNumber(label, min, max).optional());

const trunkNameSchema = z
  .string({ message: 'Enter a name for this trunk group' })
  .trim()
  .min(1, 'Enter a name for this trunk group')
  .min(2, 'The name needs at least 2 characters')
  .max(60, 'The name can be at most 60 characters')
  .regex(/^[^\p{Cc}\p{Cs}]*$/u, 'The name cannot contain control characters or broken characters');

const fieldSchemas = {
  name: trunkNameSchema,
  direction: z.enum(TRUNK_DIRECTIONS, { message: 'Choose which calls this trunk group carries' }),
  auth: z.enum(TRUNK_AUTH_METHODS, { message: 'Choose how your PBX proves who it is' }),
  maxChannels: optionalWholeNumber('Channels', 1, 100_000),
  maxCps: optionalWholeNumber('Calls per second', 1, 10_000),
  techPrefix: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .max(8, 'A tech prefix is at most 8 characters')
      .regex(/^[0-9#*]+$/, 'A tech prefix uses digits, # and * only')
      .optional(),
  ),
  callerIdPolicy: z.preprocess(
    (value) => blankToUndefined(value) ?? 'pass_through',
    z.enum(CALLER_ID_POLICIES, { message: 'Choose which caller ID to send' }),
  ),
};

const destinationSchemas = {
  transport: z.preprocess(
    (value) => (typeof value === 'string' ? value.trim().toLowerCase() || 'udp' : (value ?? 'udp')),
    z.enum(SIP_TRANSPORTS, { message: 'Choose UDP, TCP or TLS' }),
  ),
  port: optionalWholeNumber('The port', 1, 65_535),
  priority: z.preprocess((value) => blankToUndefined(value) ?? '1', wholeNumber('Priority', 1, 100)),
  weight: z.preprocess((value) => blankToUndefined(value) ?? '100', wholeNumber('Weight', 1, 100)),
};

/** A destination that delivers calls needs its port said: the message for a blank one names the usual. */
export function blankPortMessage(transport: SipTransport | undefined): string {
  return `Enter the port your PBX takes calls on (usually ${defaultSipPort(transport ?? 'udp')}${transport === 'tls' ? ' for TLS' : ''})`;
}

function callerIdE164(text: string): string | null {
  const number = parsePhoneNumber(text);
  return number?.nanp ? number.e164 : null;
}

function checkCodecs(entries: string[]): { codecs: Codec[]; errors: string[] } {
  const codecs: Codec[] = [];
  const errors: string[] = [];
  for (const entry of entries) {
    const codec = CODECS.find((known) => known === entry.toUpperCase().replace(/[.\s-]/g, ''));
    if (!codec) errors.push(`${entry} is not a codec we support: choose from ${CODECS.join(', ')}`);
    else if (codecs.includes(codec)) errors.push(`${codec} is listed twice`);
    else codecs.push(codec);
  }
  if (entries.length === 0) errors.push('Choose at least one codec');
  else if (errors.length === 0 && codecs.every((codec) => codec === 'T38')) errors.push('T.38 only carries fax: choose at least one voice codec too');
  return { codecs, errors };
}

/**
 * The create/edit trunk-group form. Takes `formToObject(formData)` (allowedIps as newline- or
 * comma-separated text, destinations as `destinations.<row>.<field>`, codecs comma-joined in order)
 * or the same shape as JSON with arrays. Issues carry paths the form can show beside a field:
 * `['allowedIps']`, `['destinations', <row as submitted>, 'host']`, `['codecs']`, …
 * Allowed IPs are dropped for digest-only auth and destinations for outbound-only groups, so a
 * hidden part of the form can never block a submit.
 */
export const trunkGroupInputSchema = z.unknown().transform((input, ctx): TrunkGroupInput => {
  const raw = collectRaw(input);
  let failed = false;
  // A field holding a control character gets that one message; its other checks would only echo the garbage.
  const garbled = new Set<string>();
  const checkText = (path: (string | number)[], value: string | undefined, options?: { multiline: boolean }) => {
    const problem = value === undefined ? null : textProblem(value, options);
    if (!problem || garbled.has(path.join('.'))) return;
    garbled.add(path.join('.'));
    failed = true;
    ctx.addIssue({ code: 'custom', path, message: `This field ${problem}`, input: undefined });
  };
  for (const field of ['name', 'direction', 'auth', 'maxChannels', 'maxCps', 'techPrefix', 'callerIdPolicy', 'callerIdNumber'] as const) checkText([field], raw[field]);
  // The allowed IPs are a text area: one address per line is fine, other control characters are not.
  const typedIps = input && typeof input === 'object' ? (input as Record<string, unknown>).allowedIps : undefined;
  if (typeof typedIps === 'string') checkText(['allowedIps'], typedIps, { multiline: true });
  for (const entry of raw.allowedIps) checkText(['allowedIps'], entry);
  for (const entry of raw.codecs) checkText(['codecs'], entry);
  for (const row of raw.destinations) for (const field of DESTINATION_FIELDS) checkText(['destinations', row.index, field], row[field]);
  const fail = (path: (string | number)[], message: string) => {
    failed = true;
    if (!garbled.has(path.join('.'))) ctx.addIssue({ code: 'custom', path, message, input: undefined });
  };
  const take = <Schema extends z.ZodType>(schema: Schema, value: unknown, path: (string | number)[]): z.output<Schema> | undefined => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) fail([...path, ...issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key))], issue.message);
    return undefined;
  };

  const name = take(fieldSchemas.name, raw.name, ['name']);
  const direction = take(fieldSchemas.direction, raw.direction, ['direction']);
  const auth = take(fieldSchemas.auth, raw.auth, ['auth']);
  const maxChannels = take(fieldSchemas.maxChannels, raw.maxChannels, ['maxChannels']);
  const maxCps = take(fieldSchemas.maxCps, raw.maxCps, ['maxCps']);
  const techPrefix = take(fieldSchemas.techPrefix, raw.techPrefix, ['techPrefix']);
  const callerIdPolicy = take(fieldSchemas.callerIdPolicy, raw.callerIdPolicy, ['callerIdPolicy']);

  const { codecs, errors: codecErrors } = checkCodecs(raw.codecs);
  for (const message of codecErrors) fail(['codecs'], message);

  const allowedIps: string[] = [];
  if (auth === 'ip' || auth === 'both') {
    if (raw.allowedIps.length === 0) fail(['allowedIps'], 'Add at least one IP address your PBX sends calls from');
    if (raw.allowedIps.length > MAX_ALLOWED_IPS) {
      fail(['allowedIps'], `List at most ${MAX_ALLOWED_IPS} addresses or blocks (there are ${raw.allowedIps.length})`);
    }
    for (const entry of raw.allowedIps) {
      const message = checkAllowedIp(entry);
      if (message) {
        fail(['allowedIps'], message);
        continue;
      }
      const cidr = parseCidr(entry);
      if (!cidr) continue;
      if (allowedIps.includes(cidr.text)) fail(['allowedIps'], `${displayCidr(cidr)} is listed twice`);
      else allowedIps.push(cidr.text);
    }
  }

  const destinations: TrunkDestination[] = [];
  if (direction === 'inbound' || direction === 'both') {
    if (raw.destinations.length === 0) fail(['destinations'], 'Add at least one destination to deliver inbound calls to');
    if (raw.destinations.length > MAX_TRUNK_DESTINATIONS) fail(['destinations'], `Add at most ${MAX_TRUNK_DESTINATIONS} destinations`);
    const seen = new Set<string>();
    for (const row of raw.destinations) {
      const path = ['destinations', row.index];
      const hostMessage = checkDestinationHost(row.host ?? '');
      if (hostMessage) fail([...path, 'host'], hostMessage);
      const transport = take(destinationSchemas.transport, row.transport, [...path, 'transport']);
      const port = take(destinationSchemas.port, row.port, [...path, 'port']);
      // Every carrier is sent a port: a blank one is asked for, never guessed (a PBX on 5080 would silently get nothing).
      if ((row.port ?? '').trim() === '') fail([...path, 'port'], blankPortMessage(transport));
      const priority = take(destinationSchemas.priority, row.priority, [...path, 'priority']);
      const weight = take(destinationSchemas.weight, row.weight, [...path, 'weight']);
      if (hostMessage || port === undefined || transport === undefined || priority === undefined || weight === undefined) continue;
      const host = normalizeHost(row.host ?? '');
      const destination = { host, port, transport, priority, weight };
      const key = `${destination.host}:${destination.port}`;
      if (seen.has(key)) {
        fail([...path, 'host'], `${key} is listed twice`);
        continue;
      }
      seen.add(key);
      destinations.push(destination);
    }
  }

  let callerIdNumber: string | undefined;
  if (callerIdPolicy === 'fixed') {
    const text = (raw.callerIdNumber ?? '').trim();
    if (text === '') fail(['callerIdNumber'], 'Enter the number to send as caller ID');
    else {
      callerIdNumber = callerIdE164(text) ?? undefined;
      if (!callerIdNumber) fail(['callerIdNumber'], `${text} is not a US or Canadian number: write it like +1 214 555 0100`);
    }
  }

  if (failed || name === undefined || direction === undefined || auth === undefined || callerIdPolicy === undefined) return z.NEVER;
  return {
    name,
    direction,
    auth,
    allowedIps,
    destinations,
    ...(maxChannels === undefined ? {} : { maxChannels }),
    ...(maxCps === undefined ? {} : { maxCps }),
    codecs,
    ...(techPrefix === undefined ? {} : { techPrefix }),
    callerIdPolicy,
    ...(callerIdNumber === undefined ? {} : { callerIdNumber }),
  };
});

const issueKey = (path: readonly PropertyKey[]) => (path.length ? path.map(String).join('.') : 'form');

/** `{ allowedIps: '…', 'destinations.1.port': '…' }`: the first message per field, for showing as the user types. */
export function trunkGroupFieldErrors(input: unknown): Record<string, string> {
  const parsed = trunkGroupInputSchema.safeParse(input);
  const errors: Record<string, string> = {};
  if (parsed.success) return errors;
  for (const issue of parsed.error.issues) errors[issueKey(issue.path)] ??= issue.message;
  return errors;
}

const possessive = (name: string) => (/s$/i.test(name) ? `${name}'` : `${name}'s`);

/**
 * A trunk group may not promise more than its account allows (its effective limits). Field errors
 * keyed like the form; `accountName` names whose limit it is, one name or one per limit.
 */
export function checkLimitsWithinAccount(
  limits: { maxChannels?: number; maxCps?: number },
  account: { maxConcurrentCalls: number | null; maxCallsPerSecond: number | null },
  accountName: string | { maxConcurrentCalls: string; maxCallsPerSecond: string },
): Record<string, string> {
  const errors: Record<string, string> = {};
  const names = typeof accountName === 'string' ? { maxConcurrentCalls: accountName, maxCallsPerSecond: accountName } : accountName;
  if (limits.maxChannels !== undefined && account.maxConcurrentCalls !== null && limits.maxChannels > account.maxConcurrentCalls) {
    errors.maxChannels = `Above ${possessive(names.maxConcurrentCalls)} limit of ${account.maxConcurrentCalls.toLocaleString('en-US')} concurrent calls`;
  }
  if (limits.maxCps !== undefined && account.maxCallsPerSecond !== null && limits.maxCps > account.maxCallsPerSecond) {
    errors.maxCps = `Above ${possessive(names.maxCallsPerSecond)} limit of ${account.maxCallsPerSecond.toLocaleString('en-US')} calls per second`;
  }
  return errors;
}

// --- Upstream restrictions -----------------------------------------------------------------------

const joinOr = (items: string[]) => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`);

/**
 * Messages for allowlist entries an upstream would refuse, by the limits its descriptor declares
 * (`upstreamLimitsOf` in lib/providers/registry.ts); empty when all are fine or nothing is declared.
 */
export function checkCidrsForUpstream(limits: Pick<UpstreamLimits, 'cidrPrefixes' | 'maxAllowedIps'> | undefined, cidrs: readonly string[], providerName: string): string[] {
  const prefixes = limits?.cidrPrefixes ?? null;
  const maxEntries = limits?.maxAllowedIps;
  const messages: string[] = [];
  const parsed = cidrs.map((text) => ({ text, cidr: parseCidr(text) }));
  const distinct = new Set(parsed.map(({ text, cidr }) => cidr?.text ?? text.trim())).size;
  if (maxEntries !== undefined && distinct > maxEntries) {
    messages.push(`${providerName} accepts ${maxEntries === 1 ? 'one address' : `at most ${maxEntries} addresses`} per trunk group: ${distinct} are listed`);
  }
  for (const { text, cidr } of parsed) {
    if (!cidr) {
      messages.push(checkCidr(text) ?? `${text} is not an IPv4 address or block`);
      continue;
    }
    if (prefixes && !prefixes.includes(cidr.prefix)) {
      const accepted = prefixes.length === 1 && prefixes[0] === 32 ? 'single addresses (/32)' : `${joinOr(prefixes.map((prefix) => `/${prefix}`))} blocks`;
      messages.push(`${providerName} accepts only ${accepted}: ${cidr.text} is /${cidr.prefix}`);
    }
  }
  return messages;
}

// --- Every carrier's rules -----------------------------------------------------------------------

/** Trunk-group settings a carrier may be unable to carry (form field names). */
export type CarriedField = 'direction' | 'auth' | 'allowedIps' | 'destinations' | 'maxChannels' | 'maxCps' | 'codecs';

export interface CarrierRuleProblem {
  field: CarriedField;
  /** The carrier's rule in the portal's words, starting "it …". */
  rule: string;
}

const CARRIED_FIELD_LABELS: Record<CarriedField, string> = {
  direction: 'direction',
  auth: 'authentication method',
  allowedIps: 'allowed IP addresses',
  destinations: 'destinations',
  maxChannels: 'channel limit',
  maxCps: 'calls-per-second limit',
  codecs: 'codec list',
};

const joinAnd = (items: readonly string[]) => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

type CarriedSettings = Pick<TrunkGroupInput, 'direction' | 'auth' | 'allowedIps' | 'destinations' | 'maxChannels' | 'maxCps'> & { codecs?: readonly string[] };

/**
 * What of a trunk group one carrier cannot carry, by its declared limits (the descriptor's
 * `limits`, see `upstreamLimitsOf`): one problem per broken rule, naming the form field. Parts the
 * group does not use are not judged (destinations of an outbound-only group, addresses of a
 * digest-only one). Empty when it can carry all of it.
 */
export function checkTrunkForCarrier(group: CarriedSettings, limits: (Pick<UpstreamLimits, 'cidrPrefixes' | 'maxAllowedIps'> & { trunk?: TrunkLimits }) | undefined): CarrierRuleProblem[] {
  const rules: TrunkLimits = limits?.trunk ?? {};
  const problems: CarrierRuleProblem[] = [];
  const add = (field: CarriedField, rule: string) => problems.push({ field, rule });
  const inbound = group.direction !== 'outbound';
  const outbound = group.direction !== 'inbound';
  const byIp = group.auth !== 'digest';
  const cidrs = byIp ? group.allowedIps.map((text) => parseCidr(text)).filter((cidr): cidr is Cidr => cidr !== null) : [];
  const destinations = inbound ? group.destinations : [];

  if (rules.directions && !rules.directions.includes(group.direction)) {
    add('direction', rules.directions.length === 1 && rules.directions[0] === 'both' ? 'it always carries calls in both directions' : `it carries ${joinOr(rules.directions.map((direction) => TRUNK_DIRECTION_LABELS[direction].toLowerCase()))} trunk groups only`);
  }
  if (outbound && rules.outboundAuths && !rules.outboundAuths.includes(group.auth)) {
    add('auth', `it accepts calls from your PBX ${joinOr(rules.outboundAuths.map((auth) => TRUNK_AUTH_LABELS[auth].replace(/^./, (first) => first.toLowerCase())))} only`);
  }
  if (rules.destinationIsAllowedIp && !byIp && destinations.length > 0) {
    add('auth', 'a trunk there that signs in by username and password has no fixed address to deliver calls to');
  }
  const prefixes = limits?.cidrPrefixes ?? null;
  const outsidePrefixes = prefixes ? cidrs.filter((cidr) => !prefixes.includes(cidr.prefix)) : [];
  if (prefixes && outsidePrefixes.length > 0) {
    const accepted = prefixes.length === 1 && prefixes[0] === 32 ? 'single addresses' : `${joinOr(prefixes.map((prefix) => `/${prefix}`))} blocks`;
    add('allowedIps', `it accepts only ${accepted} (${outsidePrefixes.map(displayCidr).join(', ')} ${outsidePrefixes.length === 1 ? 'is' : 'are'} not)`);
  } else if (outbound && rules.outboundSingleAddresses && cidrs.some((cidr) => cidr.prefix !== 32)) {
    add('allowedIps', 'it accepts calls from single addresses only, not blocks');
  }
  if (limits?.maxAllowedIps !== undefined && cidrs.length > limits.maxAllowedIps) {
    add('allowedIps', `it accepts ${limits.maxAllowedIps === 1 ? 'one address' : `at most ${limits.maxAllowedIps} addresses`} per trunk group`);
  }

  const destinationProblems: string[] = [];
  if (rules.maxDestinations !== undefined && destinations.length > rules.maxDestinations) {
    destinationProblems.push(`it delivers calls to ${rules.maxDestinations === 1 ? 'one host' : `at most ${rules.maxDestinations} hosts`}, without further failover`);
  }
  if (rules.destinationsIpv4Only && destinations.some((destination) => parseIpv4(destination.host) === null)) {
    destinationProblems.push('it delivers calls to IPv4 addresses only, not host names');
  }
  if (rules.destinationIsAllowedIp && byIp && destinations.some((destination) => cidrs.every((cidr) => cidr.prefix !== 32 || formatIpv4(cidr.network) !== destination.host))) {
    destinationProblems.push('one host there both sends and receives the calls: the destination must be the allowed IP address');
  }
  if (rules.destinationPorts && destinations.some((destination) => !rules.destinationPorts!.includes(destination.port))) {
    destinationProblems.push(`it delivers calls on port ${joinOr(rules.destinationPorts.map(String))} only`);
  }
  if (rules.transports && destinations.some((destination) => !rules.transports!.includes(destination.transport))) {
    destinationProblems.push(`it delivers calls over ${joinOr(rules.transports.map((transport) => SIP_TRANSPORT_LABELS[transport].replace(/ \(.*\)$/, '')))} only`);
  }
  for (const rule of destinationProblems) add('destinations', rule);

  if (rules.channelLimit === false && group.maxChannels !== undefined) add('maxChannels', 'it has no channel limit to set');
  if (rules.cpsLimit === false && group.maxCps !== undefined) add('maxCps', 'it has no calls-per-second limit to set');
  if (rules.codecs && group.codecs?.some((codec) => !rules.codecs!.includes(codec))) {
    add('codecs', `it offers only ${joinAnd([...rules.codecs])} (not ${joinAnd(group.codecs.filter((codec) => !rules.codecs!.includes(codec)))})`);
  }
  return problems;
}

export interface CarrierForRules {
  /** What the viewer may call it: the provider's name for staff, "Carrier 2" for customers. */
  label: string;
  limits: (Pick<UpstreamLimits, 'cidrPrefixes' | 'maxAllowedIps'> & { trunk?: TrunkLimits }) | undefined;
  /** False where the portal cannot create a trunk group there (staff link an existing one). */
  canCreate: boolean;
}

/**
 * A trunk group against every connected carrier: a setting none of them can carry is a field error
 * naming each carrier's rule; one only some can carry is a warning naming the carriers that will not.
 */
export function checkTrunkAcrossCarriers(group: CarriedSettings, carriers: readonly CarrierForRules[]): { fieldErrors: Record<string, string[]>; warnings: string[] } {
  const fieldErrors: Record<string, string[]> = {};
  const warnings: string[] = [];
  if (carriers.length === 0) return { fieldErrors, warnings };
  const byField = new Map<CarriedField, { label: string; rules: string[] }[]>();
  for (const carrier of carriers) {
    const problems = checkTrunkForCarrier(group, carrier.limits);
    for (const field of new Set(problems.map((problem) => problem.field))) {
      byField.set(field, [...(byField.get(field) ?? []), { label: carrier.label, rules: problems.filter((problem) => problem.field === field).map((problem) => problem.rule) }]);
    }
  }
  const of = carriers.length === 1 ? 'our one carrier' : `our ${carriers.length} carriers`;
  for (const [field, refusing] of byField) {
    const reasons = refusing.map((carrier) => `${carrier.label}: ${carrier.rules.join('; ')}`).join('. ');
    if (refusing.length === carriers.length) {
      const none = carriers.length === 1 ? 'Our carrier cannot' : `None of ${of} can`;
      fieldErrors[field] = [`${none} carry this ${CARRIED_FIELD_LABELS[field]}. ${reasons}`];
    } else {
      const names = joinAnd(refusing.map((carrier) => carrier.label));
      warnings.push(`${names} (of ${of}) will not carry the ${CARRIED_FIELD_LABELS[field]}: on numbers from ${refusing.length === 1 ? 'it' : 'them'} the group does not work as configured. ${reasons}.`);
    }
  }
  const linked = carriers.filter((carrier) => !carrier.canCreate);
  if (linked.length > 0 && linked.length < carriers.length) {
    warnings.push(`On ${joinAnd(linked.map((carrier) => carrier.label))}, trunk groups are set up by our team: when a number from ${linked.length === 1 ? 'it' : 'them'} joins this group we open a task and route it once that is done.`);
  }
  return { fieldErrors, warnings };
}
