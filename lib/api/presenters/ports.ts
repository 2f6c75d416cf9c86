import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { PORT_STATUSES, type PortStatus } from '@/lib/ports/types';
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
 * A port as the API shows it: the PIN only as `pinProvided` and public timeline entries only. The
 * service has already named the upstreams "Carrier 1"… and "the carrier" in every text.
 */
export function portDetailJson(port: PortDetailView): z.input<typeof portDetailSchema> {
  const labelOf = (connectionId: string) => port.candidates.find((candidate) => candidate.connectionId === connectionId)?.name ?? port.connectionName ?? 'Carrier';
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

/**
 * The list cursor: the last port's updated_at (UTC, to the microsecond, as the database wrote it)
 * and id. A time that is not on the calendar is refused here, not by the database.
 */
export const portListPosition = z.object({
  at: z
    .string()
    .regex(/^(19[7-9]\d|[2-9]\d{3})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)
    .refine((at) => {
      const date = new Date(`${at.slice(0, 19)}Z`);
      return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === at.slice(0, 19);
    }),
  id: z.uuid(),
});
