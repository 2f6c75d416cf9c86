import type { E164, PortIn, PortInRequest, PortsCapability } from '../types';
import { CARRIER_DOC_FALLS_BACK_TO_LOA, FOC_DEFAULT_TIME, LNP_SENDS_ACCOUNT_AS_WIRELESS } from './assumptions';
import { invalid, orNull, type VitcomCore } from './core';
import { isTollFree, mapLnpOrder, mapPortability, parseWireDate, toElevenDigits, toIsoDay, toTenDigits } from './map';

function focDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const date = parseWireDate(value);
  if (!date) throw invalid(`requestedFocDate is not a date: ${value}`);
  return /\d{2}:\d{2}/.test(value) ? date.toISOString().slice(0, 19).replace('T', ' ') : `${toIsoDay(date)} ${FOC_DEFAULT_TIME}`;
}

export function createVitcomPorts({ client, state }: VitcomCore): PortsCapability {
  async function getPortIn(portRef: string): Promise<PortIn | null> {
    const orders = await orNull(client.getLnpOrders(portRef));
    const order = orders?.Orders.find((row) => row.orderno === portRef);
    return order ? mapLnpOrder(order) : null;
  }

  return {
    async checkPortability(numbers: E164[]) {
      const elevens = numbers.map((n) => toElevenDigits(n)).filter((n): n is string => !!n);
      if (!elevens.length) return mapPortability(numbers, [], []);
      const answer = await client.checkLnp(elevens);
      return mapPortability(numbers, answer.accepted, answer.rejected);
    },

    async submit(request: PortInRequest): Promise<PortIn> {
      const existing = await state.get<string>(`port:${request.reference}`);
      if (existing) {
        const current = await getPortIn(existing);
        if (current) return current;
      }
      const elevens = request.numbers.map((n) => toElevenDigits(n));
      if (!elevens.length || elevens.some((n) => !n)) throw invalid('port-in needs NANP numbers');
      const kinds = new Set(elevens.map((n) => (isTollFree(n!.slice(1)) ? 'tollfree' : 'landline')));
      if (kinds.size > 1) throw invalid('VITCOM ports local and toll-free numbers in separate orders');
      if (!request.loa) throw invalid('VITCOM requires the signed LOA file (loa_doc)');
      if (!CARRIER_DOC_FALLS_BACK_TO_LOA) throw invalid('VITCOM requires a carrier bill or CSR (carrier_doc)');
      const [first = request.authorizedName, ...rest] = request.authorizedName.trim().split(/\s+/);
      const street = request.serviceAddress.street.trim();
      const house = /^(\d+[A-Za-z]?)\s+(.*)$/.exec(street);
      const loa = new Blob([request.loa.content.slice()], { type: request.loa.contentType });
      const created = await client.generateLnpOrder(
        {
          numbers: elevens.join(','),
          category: [...kinds][0],
          subscriberType: request.businessName ? 'business' : 'residential',
          loaAuthorizingPerson: request.authorizedName,
          requestedFocDate: focDate(request.requestedFocDate),
          wirelessAccountNumber: LNP_SENDS_ACCOUNT_AS_WIRELESS ? request.accountNumber : undefined,
          wirelessPin: LNP_SENDS_ACCOUNT_AS_WIRELESS ? request.pin : undefined,
          subscriberFirstName: request.businessName ?? first,
          subscriberLastName: request.businessName ? undefined : rest.join(' ') || undefined,
          addressHouseNumber: house?.[1],
          addressStreetName: house?.[2] ?? street,
          addressCity: request.serviceAddress.city,
          addressStateCode: request.serviceAddress.state,
          addressZip: request.serviceAddress.postalCode,
          billingNumber: request.billingTelephoneNumber,
          losingCarrierName: request.losingCarrier,
        },
        { loa_doc: loa, carrier_doc: loa },
        { loa: request.loa.filename, carrier: request.loa.filename },
      );
      await state.set(`port:${request.reference}`, created.orderNo);
      const fresh = await orNull(getPortIn(created.orderNo));
      return (
        fresh ?? {
          portRef: created.orderNo,
          status: 'submitted',
          numbers: created.acceptedTns.map((tn) => toTenDigits(tn)).filter((t): t is string => !!t).map((t) => `+1${t}`),
          updatedAt: parseWireDate(created.date),
        }
      );
    },

    get: getPortIn,
  };
}
