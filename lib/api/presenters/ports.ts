import 'server-only';
import { z } from 'zod';
import type { AccountAccess } from '@/lib/auth/access';
import { encodeCursor, decodeCursor } from '@/lib/api/cursor';
import { AppError } from '@/lib/errors';
import { PORT_STATUSES, type PortStatus } from '@/lib/ports/types';
import { upstreamLabels } from '@/lib/services/carrier-labels';
import type { PortDetailView, PortSummaryView } from '@/lib/services/port-ins';
import type { portDetailSchema, portSummarySchema } from '../contracts/ports';

const iso = (value: Date | null) => value?.toISOString() ?? null;

export function portSummaryJson(port: PortSummaryView): z.input<typeof portSummarySchema> {
  return {
    id: port.id,
    reference: port.reference,
    label: port.label,
    status: port.status,
    statusLabel: port.statusLabel,
    step: port.step,
    numberCount: port.numberCount,
    losingCarrier: port.losingCarrier,
    subscriberName: port.subscriberName,
    requestedFocDate: port.requestedFocDate,
    focDate: port.focDate,
    exceptionCode: port.exceptionCode as z.input<typeof portSummarySchema>['exceptionCode'],
    account: { id: port.accountId, name: port.accountName },
    submittedAt: iso(port.submittedAt),
    updatedAt: port.updatedAt.toISOString(),
  };
}

/**
 * A port as the API shows it: the PIN only as `pinProvided`, public timeline entries only (the
 * service reads internal ones for staff alone), and the upstreams as "Carrier 1"… for customers.
 */
export function portDetailJson(access: AccountAccess, port: PortDetailView): z.input<typeof portDetailSchema> {
  const labels = upstreamLabels(
    port.candidates.map((candidate) => ({ connectionId: candidate.connectionId, provider: candidate.name })),
    access.user.isOperatorStaff,
  );
  const labelOf = (connectionId: string) => labels.get(connectionId) ?? 'Carrier';
  return {
    ...portSummaryJson(port),
    version: port.version,
    winningCarrier: port.connectionId ? { connectionId: port.connectionId, label: labelOf(port.connectionId) } : null,
    candidates: port.candidates.map((candidate) => ({ connectionId: candidate.connectionId, label: labelOf(candidate.connectionId), portable: candidate.portable, checked: candidate.checked })),
    subscriberType: port.subscriberType,
    authorizedPerson: port.authorizedPerson,
    accountNumber: port.accountNumber,
    pinProvided: port.pinHint !== null,
    wireless: port.wireless,
    billingTelephoneNumber: port.billingTelephoneNumber,
    serviceAddress: port.serviceAddress,
    partialPort: port.partialPort,
    remainingNumbers: port.remainingNumbers,
    trunkGroupId: port.trunkGroupId,
    exception: port.exception as z.input<typeof portDetailSchema>['exception'],
    numbers: port.numbers.map((number) => ({
      e164: number.e164,
      kind: number.kind,
      status: number.status,
      portable: number.portable,
      portabilityReason: number.portabilityReason,
      losingCarrier: number.losingCarrier,
      rateCenter: number.rateCenter,
      alreadyOwned: number.alreadyOwned,
      inOtherPort: number.inOtherPort,
      exception: number.exception as z.input<typeof portDetailSchema>['numbers'][number]['exception'],
      completedAt: iso(number.completedAt),
    })),
    byLosingCarrier: port.byLosingCarrier,
    documents: port.documents.map((document) => ({ ...document, signedAt: iso(document.signedAt), createdAt: document.createdAt.toISOString() })),
    events: port.events
      .filter((event) => !event.internal)
      .map((event) => ({ id: event.id, kind: event.kind, fromStatus: event.fromStatus, toStatus: event.toStatus, actor: event.actor, body: event.body, createdAt: event.createdAt.toISOString() })),
    canEdit: port.canEdit,
    canSubmit: port.canSubmit,
    canCancel: port.canCancel,
    createdAt: port.createdAt.toISOString(),
    completedAt: iso(port.completedAt),
    cancelledAt: iso(port.cancelledAt),
  };
}

/** `status=exception,foc_scheduled` → the states, or a 400 naming the word that is not one. */
export function parseStatusFilter(value: string | undefined): PortStatus[] | undefined {
  if (!value?.trim()) return undefined;
  const words = value.split(',').map((word) => word.trim()).filter(Boolean);
  const unknown = words.filter((word) => !(PORT_STATUSES as readonly string[]).includes(word));
  if (unknown.length) {
    const message = `status is one or more of ${PORT_STATUSES.join(', ')}, comma-separated (not ${unknown.map((word) => `“${word.slice(0, 30)}”`).join(', ')})`;
    throw new AppError('invalid:query', message, { fieldErrors: { status: [message] } });
  }
  return words as PortStatus[];
}

const position = z.object({ u: z.iso.datetime(), i: z.uuid() });

/**
 * One page of the account's ports, latest change first. The service answers the account's list
 * whole (a few hundred at most); the cursor is the last item's (updatedAt, id), so a page never
 * repeats or skips a port that did not change in between.
 */
export function pageOfPorts(ports: PortSummaryView[], { cursor, limit }: { cursor?: string; limit: number }): { data: z.input<typeof portSummarySchema>[]; nextCursor: string | null } {
  const after = decodeCursor(cursor, position);
  const ordered = [...ports].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || b.id.localeCompare(a.id));
  const start = after ? ordered.filter((port) => port.updatedAt.getTime() < Date.parse(after.u) || (port.updatedAt.getTime() === Date.parse(after.u) && port.id.localeCompare(after.i) < 0)) : ordered;
  const page = start.slice(0, limit);
  const last = page.at(-1);
  return { data: page.map(portSummaryJson), nextCursor: start.length > limit && last ? encodeCursor({ u: last.updatedAt.toISOString(), i: last.id }) : null };
}
