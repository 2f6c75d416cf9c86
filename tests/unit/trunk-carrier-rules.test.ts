/**
 * Issue 12.3: a blank destination port is refused (per row), and a trunk group is checked against
 * every carrier's declared rules: none can carry a setting → field error; some → warning naming them.
 */
import { describe, expect, it } from 'vitest';
import { upstreamLimitsOf } from '@/lib/providers/registry';
import { checkTrunkAcrossCarriers, checkTrunkForCarrier, trunkGroupFieldErrors, trunkGroupInputSchema, type TrunkGroupInput } from '@/lib/validations/trunk-groups';

const form = (overrides: Record<string, string> = {}) => ({
  name: 'Main PBX',
  direction: 'both',
  auth: 'ip',
  allowedIps: '44.12.8.10',
  'destinations.0.host': 'sbc1.example.com',
  'destinations.0.port': '5060',
  'destinations.0.transport': 'udp',
  'destinations.0.priority': '1',
  'destinations.0.weight': '100',
  codecs: 'PCMU,PCMA',
  callerIdPolicy: 'pass_through',
  ...overrides,
});

const group: TrunkGroupInput = {
  name: 'Main PBX',
  direction: 'both',
  auth: 'ip',
  allowedIps: ['44.12.8.10/32'],
  destinations: [{ host: '44.12.8.10', port: 5060, transport: 'udp', priority: 1, weight: 100 }],
  codecs: ['PCMU', 'PCMA'],
  callerIdPolicy: 'pass_through',
};

const carriers = (['voicetel', 'vitcom', 'carrierx', 'voicemeup'] as const).map((provider) => ({ label: provider, limits: upstreamLimitsOf(provider), canCreate: provider !== 'voicemeup' }));

describe('blank destination port', () => {
  it('is refused on the row it is on, naming the usual port for the transport', () => {
    expect(trunkGroupFieldErrors(form({ 'destinations.0.port': '' }))).toEqual({ 'destinations.0.port': 'Enter the port your PBX takes calls on (usually 5060)' });
    expect(trunkGroupFieldErrors(form({ 'destinations.0.port': ' ', 'destinations.0.transport': 'tls' }))).toEqual({ 'destinations.0.port': 'Enter the port your PBX takes calls on (usually 5061 for TLS)' });
    const two = form({ 'destinations.3.host': 'sbc2.example.com', 'destinations.3.transport': 'tcp' });
    expect(trunkGroupFieldErrors(two)).toEqual({ 'destinations.3.port': 'Enter the port your PBX takes calls on (usually 5060)' });
  });

  it('is not asked for where no destination is needed (outbound only) and a given port is kept as typed', () => {
    expect(trunkGroupInputSchema.parse(form({ direction: 'outbound', 'destinations.0.port': '' })).destinations).toEqual([]);
    expect(trunkGroupInputSchema.parse(form({ 'destinations.0.port': '5080' })).destinations[0]!.port).toBe(5080);
  });
});

describe('every carrier’s rules', () => {
  it('says what one carrier cannot carry, by form field, in the portal’s words', () => {
    expect(checkTrunkForCarrier(group, upstreamLimitsOf('carrierx'))).toEqual([]);
    expect(checkTrunkForCarrier({ ...group, maxCps: 5 }, upstreamLimitsOf('carrierx'))).toEqual([{ field: 'maxCps', rule: 'it has no calls-per-second limit to set' }]);
    expect(checkTrunkForCarrier({ ...group, destinations: [{ ...group.destinations[0]!, host: 'sbc1.example.com' }] }, upstreamLimitsOf('vitcom'))).toEqual([
      { field: 'destinations', rule: 'it delivers calls to IPv4 addresses only, not host names' },
    ]);
    expect(checkTrunkForCarrier({ ...group, auth: 'both' }, upstreamLimitsOf('vitcom'))).toEqual([{ field: 'auth', rule: 'it accepts calls from your PBX by IP address only' }]);
    expect(checkTrunkForCarrier({ ...group, direction: 'inbound', auth: 'both' }, upstreamLimitsOf('vitcom'))).toEqual([]);
    const peer = checkTrunkForCarrier({ ...group, direction: 'inbound', maxChannels: 10, codecs: ['PCMU', 'OPUS'] }, upstreamLimitsOf('voicemeup'));
    expect(peer.map((problem) => problem.field)).toEqual(['direction', 'maxChannels', 'codecs']);
    expect(checkTrunkForCarrier({ ...group, allowedIps: ['44.12.8.0/28'] }, upstreamLimitsOf('voicetel'))).toEqual([{ field: 'allowedIps', rule: 'it accepts only /8, /16, /24 or /32 blocks (44.12.8.0/28 is not)' }]);
  });

  it('refuses what none can carry, warns about what only some can, and says where staff set the group up', () => {
    expect(checkTrunkAcrossCarriers(group, carriers)).toEqual({
      fieldErrors: {},
      warnings: ['On voicemeup, trunk groups are set up by our team: when a number from it joins this group we open a task and route it once that is done.'],
    });
    const cps = checkTrunkAcrossCarriers({ ...group, maxCps: 5 }, carriers);
    expect(cps.fieldErrors).toEqual({});
    expect(cps.warnings[0]).toBe(
      'voicetel, carrierx and voicemeup (of our 4 carriers) will not carry the calls-per-second limit: on numbers from them the group does not work as configured. voicetel: it has no calls-per-second limit to set. carrierx: it has no calls-per-second limit to set. voicemeup: it has no calls-per-second limit to set.',
    );
    const withoutVitcom = carriers.filter((carrier) => carrier.label !== 'vitcom');
    expect(checkTrunkAcrossCarriers({ ...group, maxCps: 5 }, withoutVitcom).fieldErrors).toEqual({
      maxCps: ['None of our 3 carriers can carry this calls-per-second limit. voicetel: it has no calls-per-second limit to set. carrierx: it has no calls-per-second limit to set. voicemeup: it has no calls-per-second limit to set'],
    });
    expect(checkTrunkAcrossCarriers({ ...group, maxCps: 5 }, [])).toEqual({ fieldErrors: {}, warnings: [] });
  });
});
