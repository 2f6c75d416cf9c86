/**
 * The trunk-group form's values as the browser holds them (strings, as typed) and their form-data
 * shape, the one `trunkGroupInputSchema` parses on both sides. Pure: used by pages and the form.
 */
import {
  CALLER_ID_POLICIES,
  CODECS,
  TRUNK_AUTH_METHODS,
  TRUNK_DIRECTIONS,
  defaultSipPort,
  type CallerIdPolicy,
  type Codec,
  type SipTransport,
  type TrunkGroupInput,
} from '@/lib/validations/trunk-groups';

export interface DestinationValues {
  host: string;
  port: string;
  transport: SipTransport;
  priority: string;
  weight: string;
}

export interface TrunkFormValues {
  name: string;
  direction: TrunkGroupInput['direction'];
  auth: TrunkGroupInput['auth'];
  /** One address or block per line, as typed. */
  allowedIps: string;
  destinations: DestinationValues[];
  maxChannels: string;
  maxCps: string;
  /** Chosen codecs in order of preference. */
  codecs: Codec[];
  techPrefix: string;
  callerIdPolicy: CallerIdPolicy;
  callerIdNumber: string;
}

/** A new row says its port (the usual SIP one) rather than leaving it blank: a blank port is refused. */
export const blankDestination = (priority = 1): DestinationValues => ({ host: '', port: String(defaultSipPort('udp')), transport: 'udp', priority: String(priority), weight: '100' });

export function emptyTrunkForm(): TrunkFormValues {
  return {
    name: '',
    direction: 'both',
    auth: 'ip',
    allowedIps: '',
    destinations: [blankDestination()],
    maxChannels: '',
    maxCps: '',
    codecs: ['PCMU', 'PCMA'],
    techPrefix: '',
    callerIdPolicy: 'pass_through',
    callerIdNumber: '',
  };
}

const pick = <T extends string>(options: readonly T[], value: string, fallback: T): T => (options as readonly string[]).includes(value) ? (value as T) : fallback;

/** A saved trunk group as the edit form starts from it. */
export function trunkFormValuesOf(group: {
  name: string;
  direction: string;
  auth: string;
  allowedIps: string[];
  destinations: { host: string; port: number; transport: string; priority: number; weight: number }[];
  maxChannels: number | null;
  maxCps: number | null;
  codecs: string[];
  techPrefix: string | null;
  callerIdPolicy: string;
  callerIdNumber: string | null;
}): TrunkFormValues {
  return {
    name: group.name,
    direction: pick(TRUNK_DIRECTIONS, group.direction, 'both'),
    auth: pick(TRUNK_AUTH_METHODS, group.auth, 'ip'),
    allowedIps: group.allowedIps.map((cidr) => (cidr.endsWith('/32') ? cidr.slice(0, -3) : cidr)).join('\n'),
    destinations: group.destinations.length
      ? group.destinations.map((destination) => ({
          host: destination.host,
          port: String(destination.port),
          transport: pick(['udp', 'tcp', 'tls'] as const, destination.transport, 'udp'),
          priority: String(destination.priority),
          weight: String(destination.weight),
        }))
      : [blankDestination()],
    maxChannels: group.maxChannels === null ? '' : String(group.maxChannels),
    maxCps: group.maxCps === null ? '' : String(group.maxCps),
    codecs: group.codecs.filter((codec): codec is Codec => (CODECS as readonly string[]).includes(codec)),
    techPrefix: group.techPrefix ?? '',
    callerIdPolicy: pick(CALLER_ID_POLICIES, group.callerIdPolicy, 'pass_through'),
    callerIdNumber: group.callerIdNumber ?? '',
  };
}

/** The form-data shape: `destinations.<row>.<field>`, codecs comma-joined in order. */
export function trunkFormData(values: TrunkFormValues): Record<string, string> {
  const data: Record<string, string> = {
    name: values.name,
    direction: values.direction,
    auth: values.auth,
    allowedIps: values.allowedIps,
    maxChannels: values.maxChannels,
    maxCps: values.maxCps,
    codecs: values.codecs.join(','),
    techPrefix: values.techPrefix,
    callerIdPolicy: values.callerIdPolicy,
    callerIdNumber: values.callerIdNumber,
  };
  values.destinations.forEach((destination, index) => {
    for (const [field, value] of Object.entries(destination)) data[`destinations.${index}.${field}`] = value;
  });
  return data;
}
