/**
 * Asking an adapter for a capability: `requireCapability` hands out the typed group (or part) or
 * throws `unsupported:provider` naming the provider and what it lacks; `hasCapability` is for
 * branching; `capabilitiesOf` lists the operations the groups offer, for the Providers page.
 */
import { ProviderError } from './errors';
import type { Capability, CapabilityGroupName, CapabilityGroups, ProviderAdapter } from './types';

const partOf: { [Name in CapabilityGroupName]: (adapter: ProviderAdapter) => CapabilityGroups[Name] | undefined } = {
  numbers: (adapter) => adapter.numbers,
  'numbers.hold': (adapter) => adapter.numbers?.holds,
  'numbers.release': (adapter) => adapter.numbers?.release,
  trunks: (adapter) => adapter.trunks,
  'trunks.create': (adapter) => adapter.trunks?.create,
  'trunks.delete': (adapter) => adapter.trunks?.delete,
  e911: (adapter) => adapter.e911,
  ports: (adapter) => adapter.ports,
  cdrs: (adapter) => adapter.cdrs,
  billing: (adapter) => adapter.billing,
  'billing.ledger': (adapter) => adapter.billing?.ledger,
};

export function hasCapability(adapter: ProviderAdapter, name: CapabilityGroupName): boolean {
  return partOf[name](adapter) !== undefined;
}

/** The group (or part) `name`, or an `unsupported:provider` error naming the provider and what it lacks. */
export function requireCapability<Name extends CapabilityGroupName>(adapter: ProviderAdapter, name: Name): CapabilityGroups[Name] {
  const part = partOf[name](adapter);
  if (part === undefined) {
    throw new ProviderError(adapter.descriptor.id, 'unsupported', {
      message: `${adapter.descriptor.name} does not support ${CAPABILITY_LABELS[name]}.`,
      upstreamMessage: `no ${name} capability`,
    });
  }
  return part;
}

const CAPABILITY_LABELS: Record<CapabilityGroupName, string> = {
  numbers: 'number search and ordering',
  'numbers.hold': 'holding numbers',
  'numbers.release': 'releasing numbers',
  trunks: 'trunk groups',
  'trunks.create': 'creating trunk groups',
  'trunks.delete': 'deleting trunk groups',
  e911: 'e911',
  ports: 'port-ins',
  cdrs: 'call records',
  billing: 'billing',
  'billing.ledger': 'ledger entries',
};

const OPERATIONS_OF: Record<CapabilityGroupName, readonly Capability[]> = {
  numbers: ['numbers.search', 'numbers.order', 'numbers.list', 'numbers.route'],
  'numbers.hold': ['numbers.hold'],
  'numbers.release': ['numbers.release'],
  trunks: ['trunks.read', 'trunks.update'],
  'trunks.create': ['trunks.create'],
  'trunks.delete': ['trunks.delete'],
  e911: ['e911.validate', 'e911.provision', 'e911.remove', 'e911.list'],
  ports: ['port.check', 'port.submit', 'port.status'],
  cdrs: ['cdrs'],
  billing: ['invoices', 'balance'],
  'billing.ledger': ['ledger'],
};

/** The operations an adapter offers, from the groups it has: what the Providers page lists. */
export function capabilitiesOf(adapter: ProviderAdapter): Capability[] {
  const names = Object.keys(OPERATIONS_OF) as CapabilityGroupName[];
  return names.filter((name) => hasCapability(adapter, name)).flatMap((name) => OPERATIONS_OF[name]);
}
