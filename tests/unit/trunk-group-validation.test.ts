import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { upstreamLimitsOf } from '@/lib/providers/registry';
import type { TrunkGroupSpec } from '@/lib/providers/types';
import {
  CALLER_ID_POLICIES,
  CALLER_ID_POLICY_LABELS,
  CODEC_LABELS,
  CODECS,
  MAX_ALLOWED_IPS,
  checkAllowedIp,
  checkAllowlistWidth,
  checkCidr,
  checkCidrsForUpstream,
  checkDestinationHost,
  checkLimitsWithinAccount,
  classifyIpv4,
  formatIpv4,
  isValidHostname,
  parseCidr,
  parseIpv4,
  trunkGroupFieldErrors,
  trunkGroupInputSchema,
} from '@/lib/validations/trunk-groups';

// An independent model of the IANA special-purpose registry: ranges as first/last dotted quads.
const toNumber = (quad: string) => quad.split('.').reduce((value, part) => value * 256 + Number(part), 0);
const SPECIAL: { first: number; last: number; kind: string; cidr: string }[] = [
  ['0.0.0.0', '0.255.255.255', 'unspecified', '0.0.0.0/8'],
  ['10.0.0.0', '10.255.255.255', 'private', '10.0.0.0/8'],
  ['100.64.0.0', '100.127.255.255', 'shared', '100.64.0.0/10'],
  ['127.0.0.0', '127.255.255.255', 'loopback', '127.0.0.0/8'],
  ['169.254.0.0', '169.254.255.255', 'link-local', '169.254.0.0/16'],
  ['172.16.0.0', '172.31.255.255', 'private', '172.16.0.0/12'],
  ['192.0.0.0', '192.0.0.255', 'reserved', '192.0.0.0/24'],
  ['192.0.2.0', '192.0.2.255', 'documentation', '192.0.2.0/24'],
  ['192.168.0.0', '192.168.255.255', 'private', '192.168.0.0/16'],
  ['198.18.0.0', '198.19.255.255', 'benchmarking', '198.18.0.0/15'],
  ['198.51.100.0', '198.51.100.255', 'documentation', '198.51.100.0/24'],
  ['203.0.113.0', '203.0.113.255', 'documentation', '203.0.113.0/24'],
  ['224.0.0.0', '239.255.255.255', 'multicast', '224.0.0.0/4'],
  ['240.0.0.0', '255.255.255.254', 'reserved', '240.0.0.0/4'],
  ['255.255.255.255', '255.255.255.255', 'broadcast', '255.255.255.255/32'],
].map(([first = '', last = '', kind = '', cidr = '']) => ({ first: toNumber(first), last: toNumber(last), kind, cidr }));
const isSpecial = (address: number) => SPECIAL.some((range) => address >= range.first && address <= range.last);

const MAX_UINT32 = 2 ** 32 - 1;
const anyAddress = fc.integer({ min: 0, max: MAX_UINT32 });
const publicAddress = anyAddress.filter((address) => !isSpecial(address));
const networkOf = (address: number, prefix: number) => address - (address % 2 ** (32 - prefix));
/** Blocks anywhere, and blocks near the edges of special ranges where mistakes hide. */
const anyBlock = fc.oneof(
  fc.tuple(anyAddress, fc.integer({ min: 0, max: 32 })),
  fc.tuple(fc.constantFrom(...SPECIAL), fc.boolean(), fc.integer({ min: -300, max: 300 }), fc.integer({ min: 0, max: 32 })).map(
    ([range, atEnd, offset, prefix]) => [Math.min(MAX_UINT32, Math.max(0, (atEnd ? range.last : range.first) + offset)), prefix] as [number, number],
  ),
).map(([address, prefix]) => ({ network: networkOf(address, prefix), prefix }));

describe('IPv4 parsing', () => {
  it('formats and parses every 32-bit number back to itself', () => {
    fc.assert(fc.property(anyAddress, (address) => {
      expect(parseIpv4(formatIpv4(address))).toBe(address);
    }), { numRuns: 2000 });
    expect(formatIpv4(0)).toBe('0.0.0.0');
    expect(formatIpv4(MAX_UINT32)).toBe('255.255.255.255');
    expect(() => formatIpv4(2 ** 32)).toThrow(RangeError);
    expect(() => formatIpv4(-1)).toThrow(RangeError);
  });

  it('accepts exactly the canonical dotted quads', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), (octets) => {
        const text = octets.join('.');
        expect(formatIpv4(parseIpv4(text) ?? -1)).toBe(text);
      }),
    );
    // Whatever parses is written the one canonical way: no leading zeros, spaces, signs or extra parts slip through.
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9.+ x-]{1,20}$/)), (text) => {
        const parsed = parseIpv4(text);
        if (parsed !== null) expect(formatIpv4(parsed)).toBe(text);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), fc.integer({ min: 0, max: 3 }), (octets, index) => {
        const padded = octets.map((part, position) => (position === index ? `0${part}` : String(part)));
        expect(parseIpv4(padded.join('.'))).toBeNull();
      }),
    );
    for (const text of ['010.1.1.1', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1.2.3.-4', ' 1.2.3.4', '1.2.3.4 ', '1..2.3', '0x1.2.3.4', '', '1.2.3.4/32']) {
      expect(parseIpv4(text), text).toBeNull();
    }
  });
});

describe('CIDR blocks', () => {
  it('takes a bare address as /32 and normalizes the text', () => {
    expect(parseCidr('44.12.8.10')).toEqual({ network: toNumber('44.12.8.10'), prefix: 32, text: '44.12.8.10/32' });
    expect(parseCidr(' 44.12.8.0/24 ')).toEqual({ network: toNumber('44.12.8.0'), prefix: 24, text: '44.12.8.0/24' });
    expect(parseCidr('0.0.0.0/0')?.text).toBe('0.0.0.0/0');
    for (const text of ['44.12.8.0/33', '44.12.8.0/-1', '44.12.8.0/', '44.12.8.0/08', '44.12.8.0/24/1', '/24', '44.12.8.0/ 24']) {
      expect(parseCidr(text), text).toBeNull();
      expect(checkCidr(text), text).toBeTruthy();
    }
  });

  it('requires the network address of the prefix, and suggests it', () => {
    expect(parseCidr('203.0.113.5/24')).toBeNull();
    expect(checkCidr('203.0.113.5/24')).toContain('203.0.113.0/24');
    fc.assert(
      fc.property(anyAddress, fc.integer({ min: 0, max: 32 }), (address, prefix) => {
        const text = `${formatIpv4(address)}/${prefix}`;
        const network = networkOf(address, prefix);
        const parsed = parseCidr(text);
        if (network === address) {
          expect(parsed).toEqual({ network, prefix, text });
          expect(checkCidr(text)).toBeNull();
        } else {
          expect(parsed).toBeNull();
          expect(checkCidr(text)).toContain(`use ${formatIpv4(network)}/${prefix}`);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('special-purpose addresses', () => {
  it('classifies and refuses every address of each special range', () => {
    for (const range of SPECIAL) {
      fc.assert(
        fc.property(fc.integer({ min: range.first, max: range.last }), (address) => {
          const text = formatIpv4(address);
          const expected = range.kind === 'reserved' && address === MAX_UINT32 ? 'broadcast' : range.kind;
          expect(classifyIpv4(address)).toBe(expected);
          const message = checkAllowedIp(text);
          expect(message).toMatch(new RegExp(`^${text.replace(/\./g, '\\.')} is `));
          expect(message).toContain('give the public address your PBX is seen from');
          expect(checkAllowedIp(`${text}/32`)).toBe(message);
        }),
        { numRuns: 300, examples: [[range.first], [range.last]] },
      );
    }
  });

  it('speaks plainly about the kind of address', () => {
    expect(checkAllowedIp('10.0.0.5')).toBe('10.0.0.5 is a private address: give the public address your PBX is seen from');
    expect(checkAllowedIp('127.0.0.1')).toMatch(/^127\.0\.0\.1 is a loopback address/);
    expect(checkAllowedIp('224.0.0.1')).toMatch(/is a multicast address/);
    expect(checkAllowedIp('250.1.2.3')).toMatch(/is a reserved address/);
    expect(checkAllowedIp('192.0.2.10')).toMatch(/example address reserved for documentation/);
    expect(checkAllowedIp('198.18.0.1')).toMatch(/benchmarking/);
    expect(checkAllowedIp('169.254.1.1')).toMatch(/link-local/);
    expect(checkAllowedIp('100.64.1.1')).toMatch(/carrier-grade NAT/);
    expect(checkAllowedIp('0.0.0.0')).toMatch(/not a usable address/);
    expect(checkAllowedIp('255.255.255.255')).toMatch(/the broadcast address/);
    expect(checkAllowedIp('10.0.0.0/8')).toMatch(/^10\.0\.0\.0\/8 is a private range/);
    expect(checkAllowedIp('not an ip')).toMatch(/^not an ip is not an IPv4 address/);
    expect(checkAllowedIp('')).toBe('Enter an IPv4 address or block');
  });

  it('accepts public addresses, including the neighbours of special ranges', () => {
    fc.assert(
      fc.property(publicAddress, (address) => {
        expect(classifyIpv4(address)).toBe('public');
        expect(checkAllowedIp(formatIpv4(address))).toBeNull();
      }),
      { numRuns: 2000 },
    );
    for (const text of ['1.0.0.0', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '126.255.255.255', '128.0.0.0', '169.253.255.255',
      '169.255.0.0', '172.15.255.255', '172.32.0.0', '192.0.1.255', '192.0.3.0', '192.167.255.255', '192.169.0.0', '198.17.255.255', '198.20.0.0',
      '198.51.99.255', '198.51.101.0', '203.0.112.255', '203.0.114.0', '223.255.255.255', '8.8.8.8']) {
      expect(checkAllowedIp(text), text).toBeNull();
    }
  });

  it('refuses a block when any part of it overlaps a special range', () => {
    fc.assert(
      fc.property(anyBlock, ({ network, prefix }) => {
        const last = network + 2 ** (32 - prefix) - 1;
        const overlapping = SPECIAL.filter((range) => range.first <= last && network <= range.last);
        const message = checkAllowedIp(`${formatIpv4(network)}/${prefix}`);
        if (overlapping.length === 0) expect(message).toBeNull();
        else expect(message).toBeTruthy();
      }),
      { numRuns: 3000 },
    );
    expect(checkAllowedIp('0.0.0.0/0')).toMatch(/^0\.0\.0\.0\/0 includes 0\.0\.0\.0\/8/);
    expect(checkAllowedIp('8.0.0.0/7')).toBeNull();
    expect(checkAllowedIp('192.0.0.0/16')).toMatch(/includes 192\.0\.0\.0\/24 \(reserved addresses\)/);
    expect(checkAllowedIp('172.0.0.0/8')).toMatch(/includes 172\.16\.0\.0\/12 \(private addresses\)/);
    expect(checkAllowedIp('96.0.0.0/4')).toMatch(/includes 100\.64\.0\.0\/10/);
    expect(checkAllowedIp('198.51.100.128/25')).toMatch(/is an example range reserved for documentation/);
  });
});

describe('allow-list width', () => {
  it('names every block wider than the limit, and nothing else', () => {
    expect(checkAllowlistWidth(['44.10.20.30/32', '44.10.20.0/24', '44.10.0.0/23', '8.0.0.0/7'], 24)).toEqual([
      expect.stringMatching(/^44\.10\.0\.0\/23 is 512 addresses, wider than a \/24: every one of them could place calls billed to you/),
      expect.stringMatching(/^8\.0\.0\.0\/7 is 33,554,432 addresses/),
    ]);
    expect(checkAllowlistWidth(['44.10.0.0/20'], 16)).toEqual([]);
    expect(checkAllowlistWidth(['not an address'], 24)).toEqual([]);
  });
});

describe('host names', () => {
  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
  const topLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/).filter((tld) => !['local', 'localhost', 'internal', 'invalid'].includes(tld));
  const hostname = fc
    .tuple(fc.array(label, { minLength: 1, maxLength: 4 }), topLabel, fc.boolean(), fc.boolean())
    .map(([labels, tld, upper, trailingDot]) => {
      const name = [...labels, tld].join('.');
      return `${upper ? name.toUpperCase() : name}${trailingDot ? '.' : ''}`;
    })
    .filter((name) => name.replace(/\.$/, '').length <= 253);

  it('accepts RFC 1123 names with at least one dot, and public IPv4 addresses', () => {
    fc.assert(
      fc.property(hostname, (name) => {
        expect(isValidHostname(name)).toBe(true);
        expect(checkDestinationHost(name)).toBeNull();
      }),
      { numRuns: 1000 },
    );
    fc.assert(fc.property(publicAddress, (address) => {
        expect(isValidHostname(formatIpv4(address))).toBe(true);
      }));
    expect(isValidHostname(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`)).toBe(true);
  });

  it('refuses malformed names', () => {
    const broken = fc.oneof(
      fc.tuple(hostname, fc.nat(), fc.constantFrom('_', ' ', '!', '@', 'é', '/')).map(([name, at, bad]) => {
        const position = 1 + (at % (name.length - 1));
        return `${name.slice(0, position)}${bad}${name.slice(position)}`;
      }),
      fc.tuple(hostname, fc.constantFrom('-', '.')).map(([name, bad]) => `${bad}${name}`),
      hostname.map((name) => name.replace(/\.$/, '').replace('.', '-.')),
      hostname.map((name) => name.replace(/\.$/, '').replace('.', '..')),
      label.filter((name) => /[a-z]/.test(name)),
      hostname.map((name) => `${'x'.repeat(64)}.${name}`),
      hostname.map((name) => `${`${'y'.repeat(63)}.`.repeat(4)}${name}`),
    );
    fc.assert(
      fc.property(broken, (name) => {
        expect(isValidHostname(name)).toBe(false);
        expect(checkDestinationHost(name)).toBeTruthy();
      }),
      { numRuns: 1000 },
    );
  });

  it('explains what is wrong with a destination host', () => {
    expect(checkDestinationHost('')).toBe('Enter the host name or IP address to send calls to');
    expect(checkDestinationHost('sbc_1.example.com')).toMatch(/cannot contain _/);
    expect(checkDestinationHost('sbc 1.example.com')).toMatch(/cannot contain spaces/);
    expect(checkDestinationHost('sbc1.example.com:5080')).toBe('Put the port in the Port field: enter just sbc1.example.com here');
    expect(checkDestinationHost('sip:sbc1.example.com')).toMatch(/without sip:/);
    expect(checkDestinationHost('pbx')).toMatch(/full host name/);
    expect(checkDestinationHost('pbx.local')).toMatch(/only resolves inside your own network/);
    expect(checkDestinationHost('localhost')).toMatch(/only resolves inside your own network/);
    expect(checkDestinationHost('-sbc.example.com')).toMatch(/cannot start or end with a hyphen: -sbc/);
    expect(checkDestinationHost('10.1.2.3')).toBe('10.1.2.3 is a private address: give the public address or host name your PBX is reached at');
    expect(checkDestinationHost('127.0.0.1')).toMatch(/loopback/);
    expect(checkDestinationHost('1.2.3.999')).toMatch(/is not an IPv4 address/);
    expect(checkDestinationHost('2001:db8::1')).toMatch(/IPv6/);
    expect(checkDestinationHost('44.12.8.10')).toBeNull();
    expect(checkDestinationHost('SBC1.Example.COM.')).toBeNull();
    fc.assert(fc.property(anyAddress.filter(isSpecial), (address) => {
        expect(checkDestinationHost(formatIpv4(address))).toBeTruthy();
      }));
  });
});

describe('choices', () => {
  it('labels every codec and caller-ID policy', () => {
    expect(CODECS).toEqual(['PCMU', 'PCMA', 'G722', 'G729', 'OPUS', 'T38']);
    expect(CALLER_ID_POLICIES).toEqual(['pass_through', 'account_number', 'fixed']);
    for (const codec of CODECS) expect(CODEC_LABELS[codec]).toBeTruthy();
    for (const policy of CALLER_ID_POLICIES) expect(CALLER_ID_POLICY_LABELS[policy]).toBeTruthy();
  });
});

describe('trunk group form', () => {
  const form = (overrides: Record<string, string> = {}) => ({
    name: 'Main PBX',
    direction: 'both',
    auth: 'ip',
    allowedIps: '44.12.8.10\n44.12.9.0/24',
    'destinations.0.host': 'sbc1.example.com',
    'destinations.0.port': '5060',
    'destinations.0.transport': 'udp',
    'destinations.0.priority': '1',
    'destinations.0.weight': '100',
    codecs: 'PCMU,PCMA',
    callerIdPolicy: 'pass_through',
    ...overrides,
  });
  const errorsOf = (input: Record<string, unknown>) => trunkGroupFieldErrors(input);

  it('parses a complete form', () => {
    const parsed = trunkGroupInputSchema.parse(
      form({
        'destinations.1.host': 'SBC2.example.com.',
        'destinations.1.transport': 'tls',
        'destinations.1.port': '5061',
        'destinations.1.priority': '2',
        'destinations.1.weight': '50',
        'destinations.2.transport': 'udp',
        'destinations.2.priority': '1',
        'destinations.2.weight': '100',
        maxChannels: '200',
        maxCps: '10',
        techPrefix: '#77',
        codecs: 'G729,PCMU',
      }),
    );
    expect(parsed).toEqual({
      name: 'Main PBX',
      direction: 'both',
      auth: 'ip',
      allowedIps: ['44.12.8.10/32', '44.12.9.0/24'],
      destinations: [
        { host: 'sbc1.example.com', port: 5060, transport: 'udp', priority: 1, weight: 100 },
        { host: 'sbc2.example.com', port: 5061, transport: 'tls', priority: 2, weight: 50 },
      ],
      maxChannels: 200,
      maxCps: 10,
      codecs: ['G729', 'PCMU'],
      techPrefix: '#77',
      callerIdPolicy: 'pass_through',
    });
    // The parsed form is what an adapter takes (extra fields aside).
    const asSpec: TrunkGroupSpec = parsed;
    expect(asSpec.name).toBe('Main PBX');
    expect(trunkGroupFieldErrors(form())).toEqual({});
  });

  it('accepts the same shape as JSON', () => {
    const parsed = trunkGroupInputSchema.parse({
      name: 'API trunk',
      direction: 'inbound',
      auth: 'both',
      allowedIps: ['44.12.8.10', ' 44.12.9.0/24 '],
      destinations: [{ host: '44.12.8.10', port: 5080, transport: 'TCP' }],
      codecs: ['opus', 'pcmu'],
      maxChannels: 30,
    });
    expect(parsed.allowedIps).toEqual(['44.12.8.10/32', '44.12.9.0/24']);
    expect(parsed.destinations).toEqual([{ host: '44.12.8.10', port: 5080, transport: 'tcp', priority: 1, weight: 100 }]);
    expect(parsed.codecs).toEqual(['OPUS', 'PCMU']);
    expect(parsed.maxChannels).toBe(30);
    expect(parsed.callerIdPolicy).toBe('pass_through');
  });

  it('names the field for each basic mistake', () => {
    expect(errorsOf(form({ name: '' })).name).toBe('Enter a name for this trunk group');
    expect(errorsOf(form({ name: ' A ' })).name).toBe('The name needs at least 2 characters');
    expect(errorsOf(form({ name: 'x'.repeat(61) })).name).toBe('The name can be at most 60 characters');
    expect(errorsOf(form({ direction: 'sideways' })).direction).toBe('Choose which calls this trunk group carries');
    expect(errorsOf(form({ auth: '' })).auth).toBe('Choose how your PBX proves who it is');
    expect(errorsOf(form({ maxChannels: '0' })).maxChannels).toBe('Channels must be at least 1');
    expect(errorsOf(form({ maxChannels: '100001' })).maxChannels).toBe('Channels can be at most 100,000');
    expect(errorsOf(form({ maxChannels: '2.5' })).maxChannels).toBe('Channels must be a whole number');
    expect(errorsOf(form({ maxCps: 'ten' })).maxCps).toBe('Calls per second must be a whole number');
    expect(errorsOf(form({ maxCps: '10001' })).maxCps).toBe('Calls per second can be at most 10,000');
    expect(errorsOf(form({ techPrefix: '12a' })).techPrefix).toBe('A tech prefix uses digits, # and * only');
    expect(errorsOf(form({ techPrefix: '123456789' })).techPrefix).toBe('A tech prefix is at most 8 characters');
    expect(errorsOf(form({ callerIdPolicy: 'random' })).callerIdPolicy).toBe('Choose which caller ID to send');
    const parsed = trunkGroupInputSchema.parse(form({ maxChannels: '', maxCps: ' ', techPrefix: '' }));
    expect(parsed).not.toHaveProperty('maxChannels');
    expect(parsed).not.toHaveProperty('techPrefix');
  });

  it('reports every field at once, so the form can mark them together', () => {
    const errors = errorsOf(form({ name: 'A', allowedIps: '10.0.0.1', 'destinations.0.port': '70000', codecs: '' }));
    expect(Object.keys(errors).sort()).toEqual(['allowedIps', 'codecs', 'destinations.0.port', 'name']);
  });

  it('checks allowed IPs when the PBX authenticates by IP', () => {
    expect(errorsOf(form({ allowedIps: '' })).allowedIps).toBe('Add at least one IP address your PBX sends calls from');
    expect(errorsOf(form({ auth: 'both', allowedIps: ' \n ' })).allowedIps).toBe('Add at least one IP address your PBX sends calls from');
    expect(errorsOf(form({ allowedIps: '44.12.8.10, 10.0.0.5' })).allowedIps).toBe(
      '10.0.0.5 is a private address: give the public address your PBX is seen from',
    );
    expect(errorsOf(form({ allowedIps: '203.0.113.5/24' })).allowedIps).toContain('203.0.113.0/24');
    expect(errorsOf(form({ allowedIps: '44.12.8.10\n44.12.8.10/32' })).allowedIps).toBe('44.12.8.10 is listed twice');
    expect(errorsOf(form({ allowedIps: '44.12.8.0/24,44.12.8.0/24' })).allowedIps).toBe('44.12.8.0/24 is listed twice');
    const many = Array.from({ length: MAX_ALLOWED_IPS + 1 }, (_, index) => `44.12.${index}.0/24`).join('\n');
    expect(errorsOf(form({ allowedIps: many })).allowedIps).toBe('List at most 50 addresses or blocks (there are 51)');
    const fifty = Array.from({ length: MAX_ALLOWED_IPS }, (_, index) => `44.12.${index}.0/24`).join(',');
    expect(trunkGroupInputSchema.parse(form({ allowedIps: fifty })).allowedIps).toHaveLength(50);
    // Every bad entry is reported, each naming itself.
    const parsed = trunkGroupInputSchema.safeParse(form({ allowedIps: '10.0.0.1\n127.0.0.1\n44.12.8.10' }));
    expect(parsed.error?.issues.filter((issue) => issue.path.join('.') === 'allowedIps').map((issue) => issue.message.split(' ')[0])).toEqual([
      '10.0.0.1',
      '127.0.0.1',
    ]);
  });

  it('ignores allowed IPs for digest-only auth', () => {
    const parsed = trunkGroupInputSchema.parse(form({ auth: 'digest', allowedIps: '10.0.0.1' }));
    expect(parsed.allowedIps).toEqual([]);
  });

  it('needs a destination for inbound calls, and checks each row', () => {
    const noRows = form();
    for (const field of ['host', 'port', 'transport', 'priority', 'weight']) delete (noRows as Record<string, string>)[`destinations.0.${field}`];
    expect(errorsOf({ ...noRows, direction: 'inbound' }).destinations).toBe('Add at least one destination to deliver inbound calls to');
    expect(errorsOf(noRows).destinations).toBe('Add at least one destination to deliver inbound calls to');
    expect(trunkGroupInputSchema.parse({ ...noRows, direction: 'outbound' }).destinations).toEqual([]);
    expect(trunkGroupInputSchema.parse(form({ direction: 'outbound', 'destinations.0.host': '10.0.0.1' })).destinations).toEqual([]);

    expect(errorsOf(form({ 'destinations.0.host': 'sbc_1.example.com' }))['destinations.0.host']).toMatch(/cannot contain _/);
    expect(errorsOf(form({ 'destinations.0.host': '192.168.1.10' }))['destinations.0.host']).toMatch(/^192\.168\.1\.10 is a private address/);
    expect(errorsOf(form({ 'destinations.0.port': '0' }))['destinations.0.port']).toBe('The port must be at least 1');
    expect(errorsOf(form({ 'destinations.0.port': '65536' }))['destinations.0.port']).toBe('The port can be at most 65,535');
    expect(errorsOf(form({ 'destinations.0.transport': 'sctp' }))['destinations.0.transport']).toBe('Choose UDP, TCP or TLS');
    expect(errorsOf(form({ 'destinations.0.priority': '101' }))['destinations.0.priority']).toBe('Priority can be at most 100');
    expect(errorsOf(form({ 'destinations.0.weight': '0' }))['destinations.0.weight']).toBe('Weight must be at least 1');
    expect(errorsOf(form({ 'destinations.4.port': '5060' }))['destinations.4.host']).toBe('Enter the host name or IP address to send calls to');
  });

  it('ignores blank rows and keeps the submitted row number in error paths', () => {
    const parsed = trunkGroupInputSchema.parse(
      form({ 'destinations.0.host': '', 'destinations.0.port': '', 'destinations.3.host': 'sbc3.example.com', 'destinations.3.port': '5060', 'destinations.3.transport': 'tcp' }),
    );
    expect(parsed.destinations).toEqual([{ host: 'sbc3.example.com', port: 5060, transport: 'tcp', priority: 1, weight: 100 }]);
    expect(Object.keys(errorsOf(form({ 'destinations.7.host': 'pbx', 'destinations.7.port': '5060' })))).toEqual(['destinations.7.host']);
  });

  it('refuses the same host and port twice', () => {
    expect(errorsOf(form({ 'destinations.1.host': 'SBC1.example.com', 'destinations.1.port': '5060' }))['destinations.1.host']).toBe('sbc1.example.com:5060 is listed twice');
    expect(errorsOf(form({ 'destinations.1.host': 'sbc1.example.com.', 'destinations.1.port': '5060', 'destinations.1.transport': 'tcp' }))).toEqual({
      'destinations.1.host': 'sbc1.example.com:5060 is listed twice',
    });
    const otherPort = trunkGroupInputSchema.parse(form({ 'destinations.1.host': 'sbc1.example.com', 'destinations.1.port': '5080' }));
    expect(otherPort.destinations.map((row) => `${row.host}:${row.port}`)).toEqual(['sbc1.example.com:5060', 'sbc1.example.com:5080']);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }), (first, second) => {
        fc.pre(first !== second);
        const rows = { [`destinations.${first}.host`]: 'sbc9.example.com', [`destinations.${first}.port`]: '5060', [`destinations.${second}.host`]: 'sbc9.example.com', [`destinations.${second}.port`]: '5060' };
        const errors = errorsOf({ ...form({ 'destinations.0.host': '' }), 'destinations.0.port': '', ...rows });
        expect(errors).toEqual({ [`destinations.${Math.max(first, second)}.host`]: 'sbc9.example.com:5060 is listed twice' });
      }),
    );
  });

  it('takes at most 10 destinations', () => {
    const rows = Object.fromEntries(Array.from({ length: 11 }, (_, index) => [[`destinations.${index}.host`, `sbc${index}.example.com`], [`destinations.${index}.port`, '5060']]).flat());
    expect(errorsOf(form(rows)).destinations).toBe('Add at most 10 destinations');
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, index) => [[`destinations.${index}.host`, `sbc${index}.example.com`], [`destinations.${index}.port`, '5060']]).flat());
    expect(trunkGroupInputSchema.parse(form(ten)).destinations).toHaveLength(10);
  });

  it('keeps the codec order and refuses unknown, repeated or missing codecs', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([...CODECS], { minLength: 1 }), fc.boolean(), (codecs, lower) => {
        fc.pre(codecs.some((codec) => codec !== 'T38'));
        const text = codecs.join(',');
        expect(trunkGroupInputSchema.parse(form({ codecs: lower ? text.toLowerCase() : text })).codecs).toEqual(codecs);
      }),
    );
    expect(errorsOf(form({ codecs: '' })).codecs).toBe('Choose at least one codec');
    expect(errorsOf(form({ codecs: 'PCMU,G726' })).codecs).toBe('G726 is not a codec we support: choose from PCMU, PCMA, G722, G729, OPUS, T38');
    expect(errorsOf(form({ codecs: 'G729,PCMU,g729' })).codecs).toBe('G729 is listed twice');
    expect(errorsOf(form({ codecs: 'T38' })).codecs).toBe('T.38 only carries fax: choose at least one voice codec too');
  });

  it('needs a North American number for a fixed caller ID', () => {
    expect(errorsOf(form({ callerIdPolicy: 'fixed' })).callerIdNumber).toBe('Enter the number to send as caller ID');
    expect(errorsOf(form({ callerIdPolicy: 'fixed', callerIdNumber: '+44 20 7946 0000' })).callerIdNumber).toBe(
      '+44 20 7946 0000 is not a US or Canadian number: write it like +1 214 555 0100',
    );
    expect(errorsOf(form({ callerIdPolicy: 'fixed', callerIdNumber: '(114) 555-0100' })).callerIdNumber).toMatch(/is not a US or Canadian number/);
    for (const typed of ['+12145550100', '(214) 555-0100', '1 214 555 0100', '214.555.0100']) {
      expect(trunkGroupInputSchema.parse(form({ callerIdPolicy: 'fixed', callerIdNumber: typed })).callerIdNumber, typed).toBe('+12145550100');
    }
    const passThrough = trunkGroupInputSchema.parse(form({ callerIdPolicy: 'account_number', callerIdNumber: 'junk' }));
    expect(passThrough.callerIdPolicy).toBe('account_number');
    expect(passThrough).not.toHaveProperty('callerIdNumber');
    expect(trunkGroupInputSchema.parse(form({ callerIdPolicy: '' })).callerIdPolicy).toBe('pass_through');
  });

  it('never throws on any input, and errors are keyed by field', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('name', 'auth', 'direction', 'allowedIps', 'codecs', 'destinations.0.host', 'destinations.0.port', 'maxCps'), fc.string()), (input) => {
        const errors = trunkGroupFieldErrors({ ...form(), ...input });
        for (const key of Object.keys(errors)) expect(key).toMatch(/^(name|auth|direction|allowedIps|codecs|destinations(\.0\.(host|port))?|maxCps)$/);
      }),
    );
    expect(trunkGroupFieldErrors(null)).toHaveProperty('name');
    expect(trunkGroupFieldErrors('text')).toHaveProperty('direction');
  });
});

describe('account limits', () => {
  const account = { maxConcurrentCalls: 200, maxCallsPerSecond: 20 };

  it('refuses a trunk group above its account', () => {
    expect(checkLimitsWithinAccount({ maxChannels: 201, maxCps: 25 }, account, 'Acme East')).toEqual({
      maxChannels: "Above Acme East's limit of 200 concurrent calls",
      maxCps: "Above Acme East's limit of 20 calls per second",
    });
    expect(checkLimitsWithinAccount({ maxChannels: 2000 }, { maxConcurrentCalls: 1500, maxCallsPerSecond: null }, 'Acme Widgets')).toEqual({
      maxChannels: "Above Acme Widgets' limit of 1,500 concurrent calls",
    });
  });

  it('allows anything up to the limit, and anything when the account has none', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 10_000 }), (maxChannels, maxCps) => {
        expect(checkLimitsWithinAccount({ maxChannels, maxCps }, { maxConcurrentCalls: null, maxCallsPerSecond: null }, 'A')).toEqual({});
        const errors = checkLimitsWithinAccount({ maxChannels, maxCps }, account, 'A');
        expect('maxChannels' in errors).toBe(maxChannels > 200);
        expect('maxCps' in errors).toBe(maxCps > 20);
      }),
    );
    expect(checkLimitsWithinAccount({}, account, 'A')).toEqual({});
  });
});

describe('upstream allowlist rules', () => {
  const publicBlock = anyBlock.filter(({ network, prefix }) => checkAllowedIp(`${formatIpv4(network)}/${prefix}`) === null);

  it('holds VoiceTel to /8, /16, /24 and /32', () => {
    expect(upstreamLimitsOf('voicetel')?.cidrPrefixes).toEqual([8, 16, 24, 32]);
    expect(checkCidrsForUpstream(upstreamLimitsOf('voicetel'), ['44.12.0.0/20'], 'VoiceTel')).toEqual(['VoiceTel accepts only /8, /16, /24 or /32 blocks: 44.12.0.0/20 is /20']);
    fc.assert(
      fc.property(publicBlock, ({ network, prefix }) => {
        const text = `${formatIpv4(network)}/${prefix}`;
        const messages = checkCidrsForUpstream(upstreamLimitsOf('voicetel'), [text], 'VoiceTel');
        expect(messages).toEqual([8, 16, 24, 32].includes(prefix) ? [] : [`VoiceTel accepts only /8, /16, /24 or /32 blocks: ${text} is /${prefix}`]);
        expect(checkCidrsForUpstream(upstreamLimitsOf('carrierx'), [text], 'CarrierX')).toEqual([]);
        expect(checkCidrsForUpstream(upstreamLimitsOf('vitcom'), [text], 'Vitcom')).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('holds VoiceMeUp to one single address', () => {
    expect(checkCidrsForUpstream(upstreamLimitsOf('voicemeup'), ['44.12.8.10/32'], 'VoiceMeUp')).toEqual([]);
    expect(checkCidrsForUpstream(upstreamLimitsOf('voicemeup'), ['44.12.8.0/24'], 'VoiceMeUp')).toEqual(['VoiceMeUp accepts only single addresses (/32): 44.12.8.0/24 is /24']);
    expect(checkCidrsForUpstream(upstreamLimitsOf('voicemeup'), ['44.12.8.10/32', '44.12.8.11/32'], 'VoiceMeUp')).toEqual([
      'VoiceMeUp accepts one address per trunk group: 2 are listed',
    ]);
  });

  it('passes providers the registry does not know and reports unreadable entries', () => {
    expect(upstreamLimitsOf('someone-new')).toBeUndefined();
    expect(checkCidrsForUpstream(upstreamLimitsOf('someone-new'), ['44.12.0.0/20'], 'New')).toEqual([]);
    expect(checkCidrsForUpstream(upstreamLimitsOf('voicetel'), ['44.12.8.5/24'], 'VoiceTel')[0]).toContain('44.12.8.0/24');
  });
});
