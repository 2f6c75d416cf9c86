import { getPort, updatePort as updatePortEndpoint } from '@/lib/api/contracts/ports';
import { withAccount } from '@/lib/api/handler';
import { withCarrierNamesScrubbed } from '@/lib/api/presenters/carrier-names';
import { portDetailJson } from '@/lib/api/presenters/ports';
import { choosePortConnection, getPortDetail, savePortNumbers, savePortSchedule, savePortSubscriber } from '@/lib/services/port-ins';

export const dynamic = 'force-dynamic';

/** A port of the account with its numbers, documents and public timeline; 404 for any other. */
export const GET = withAccount(getPort, async ({ access, params }) => portDetailJson(await getPortDetail(access, params.portId)));

const SUBSCRIBER_FIELDS = ['subscriberType', 'subscriberName', 'authorizedPerson', 'losingCarrier', 'accountNumber', 'pin', 'wireless', 'billingTelephoneNumber', 'partialPort', 'remainingNumbers', 'serviceAddress'] as const;

/**
 * Each group of fields goes through the wizard step that saves it, in the wizard's order; the
 * subscriber and schedule steps check a whole step, so what is saved fills in what the body leaves out.
 */
export const PATCH = withAccount(updatePortEndpoint, async ({ access, params, body }) => {
  const current = await getPortDetail(access, params.portId);
  await withCarrierNamesScrubbed(access, async () => {
    if (body.numbers !== undefined) await savePortNumbers(access, current.id, { numbers: Array.isArray(body.numbers) ? body.numbers.join('\n') : body.numbers });
    if (body.connectionId !== undefined) await choosePortConnection(access, current.id, { connectionId: body.connectionId });
    if (SUBSCRIBER_FIELDS.some((field) => body[field] !== undefined)) {
      const address = body.serviceAddress ?? current.serviceAddress;
      await savePortSubscriber(access, current.id, {
        subscriberType: body.subscriberType ?? current.subscriberType ?? undefined,
        subscriberName: body.subscriberName ?? current.subscriberName ?? '',
        authorizedPerson: body.authorizedPerson ?? current.authorizedPerson ?? '',
        losingCarrier: body.losingCarrier !== undefined ? body.losingCarrier : current.losingCarrier,
        accountNumber: body.accountNumber ?? current.accountNumber ?? '',
        ...(typeof body.pin === 'string' && body.pin ? { pin: body.pin } : {}),
        clearPin: body.pin === null,
        wireless: body.wireless ?? current.wireless,
        billingTelephoneNumber: (body.billingTelephoneNumber !== undefined ? body.billingTelephoneNumber : current.billingTelephoneNumber) ?? '',
        partialPort: body.partialPort ?? current.partialPort,
        remainingNumbers: (body.remainingNumbers ?? current.remainingNumbers).join('\n'),
        street: address?.street ?? '',
        unit: address?.unit ?? '',
        city: address?.city ?? '',
        state: address?.state ?? '',
        postalCode: address?.postalCode ?? '',
      });
    }
    if (body.requestedFocDate !== undefined || body.trunkGroupId !== undefined) {
      await savePortSchedule(access, current.id, {
        requestedFocDate: body.requestedFocDate ?? current.requestedFocDate ?? '',
        trunkGroupId: (body.trunkGroupId !== undefined ? body.trunkGroupId : current.trunkGroupId) ?? '',
      });
    }
  });
  return portDetailJson(await getPortDetail(access, current.id));
});
