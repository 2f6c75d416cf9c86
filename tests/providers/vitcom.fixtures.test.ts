/**
 * Contract tests against the VITCOM document's own example bodies (copied verbatim into
 * fixtures/vitcom), read through the real client parse path with a stub HTTP layer.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HttpRequest, ProviderHttp } from '@/lib/providers/http';
import { isProviderError } from '@/lib/providers/errors';
import { mapCdrCsv } from '@/lib/providers/vitcom/cdr-csv';
import { createVitcomClient } from '@/lib/providers/vitcom/client';
import { parseLenientJson, repairJson } from '@/lib/providers/vitcom/lenient-json';
import {
  mapLnpOrder,
  mapNpanxxRows,
  mapAvailableNumbers,
  mapOwnedNumber,
  mapPortability,
  mapStates,
  mapStatsRow,
  mapTrunkGroup,
  parseWireDate,
} from '@/lib/providers/vitcom/map';
import { mapBalance, mapInvoices, mapLedgerEntry } from '@/lib/providers/vitcom/map-billing';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/vitcom/${name}.txt`, import.meta.url), 'utf8');

/** A ProviderHttp that answers every request with one canned body, through the request's own parse. */
function cannedHttp(text: string, status = 200): ProviderHttp {
  return {
    breakerState: 'closed',
    stats: { recent: [] },
    async request<T>(request: HttpRequest<T>): Promise<T> {
      return request.parse({ status, headers: new Headers({ 'content-type': 'application/json' }), text, bytes: new TextEncoder().encode(text) });
    },
  };
}
const clientFor = (name: string, status = 200) =>
  createVitcomClient({ http: cannedHttp(fixture(name), status), baseUrl: 'http://vitcom.test', credentials: { accountno: '7000001', token: 'secret-token' } });

describe('lenient JSON', () => {
  it('repairs trailing commas, placeholder runs and set literals without touching strings or decimals', () => {
    const text = '{"a": "x, }.. {\\"q\\"}", "n": 1.5, "list": [ "1","2",....... ], "set": [ { "3","4" } ], "obj": { "k": "v", },}';
    expect(parseLenientJson(text)).toEqual({ a: 'x, }.. {"q"}', n: 1.5, list: ['1', '2'], set: [['3', '4']], obj: { k: 'v' } });
    expect(repairJson('[ ...........\n ]')).toMatch(/^\[\s*\]$/);
    // The document indents with non-breaking spaces; inside strings they are data.
    expect(parseLenientJson('{\u00a0"a":\u00a0"b\u00a0c"\u00a0}')).toEqual({ a: 'b\u00a0c' });
  });

  it('leaves valid JSON alone and still rejects garbage', () => {
    expect(parseLenientJson('{"status":"200","data":[]}')).toEqual({ status: '200', data: [] });
    expect(() => parseLenientJson('{"status":"200","da\u0000<<garbage')).toThrow();
  });

  it('parses every example body the document prints', () => {
    const names = [
      'availabilitystate', 'availabilitynpanxx', 'searchdid', 'searchtfn', 'define-trunk', 'error-404', 'get-trunk', 'update-trunk', 'reserve',
      'remove-reserved', 'getnumbers', 'updatenumber', 'gen-order', 'process-order', 'check-lnp', 'generate-lnp-order', 'get-new-orders',
      'get-lnp-orders', 'did-stats', 'daily-cdrs', 'tg-stats', 'monthly-summary', 'get-trunk-termination', 'disable-trunk-termination',
      'get-invoices', 'financial-summary', 'get-payments',
    ];
    for (const name of names) expect(() => parseLenientJson(fixture(name)), name).not.toThrow();
  });
});

describe('VITCOM document examples → wire schemas → domain', () => {
  it('/availabilitystate drops the "..." placeholder', async () => {
    const answer = await clientFor('availabilitystate').availabilityState();
    expect(mapStates(answer.data)).toEqual(['CA', 'CO']);
  });

  it('/availabilitynpanxx maps the SEATTLE block and skips the "............." entry', async () => {
    const answer = await clientFor('availabilitynpanxx').availabilityNpanxx('WA');
    expect(answer.data).toHaveLength(2);
    expect(mapNpanxxRows(answer.data, 'WA')).toEqual([{ npanxx: '206219', npa: '206', nxx: '219', rateCenter: 'SEATTLE', state: 'WA' }]);
  });

  it('/searchdid and /searchtfn parse, and placeholder TNs never become numbers', async () => {
    const dids = await clientFor('searchdid').searchDid({ state: 'WA' });
    expect(dids.DIDs).toEqual([
      { TN: 'XXXXXXXXXX', statusid: '0' },
      { TN: 'XXXXXXXXXX', statusid: '0' },
    ]);
    expect(mapAvailableNumbers(dids.DIDs ?? [], { kind: 'local', state: 'WA' })).toEqual([]);
    const tfns = await clientFor('searchtfn').searchTfn('866');
    expect(tfns.TFNs).toHaveLength(2);
  });

  it('/defineTrunk, /update_trunk, /updatenumber, /process_order and /disable_trunk_termination success bodies', async () => {
    expect((await clientFor('define-trunk').defineTrunk({ title: 't' })).success).toBe('Trunk group added successfully.');
    expect(await clientFor('update-trunk').updateTrunk({ trunkid: '1' })).toEqual({ trunkid: 'XXXXXX', success: 'Trunk successfully Updated.' });
    expect((await clientFor('updatenumber').updateNumber(['3125550100'], { status: '1' })).success).toBe('Trunk successfully Updated.');
    expect((await clientFor('process-order').processOrder('1')).success).toBe('Order Processed Successfully.');
    expect((await clientFor('disable-trunk-termination').disableTrunkTermination('3'))['Removed TNs']).toBe('Diabled Successfully');
  });

  it('the 404 "Invalid {parameter}" example becomes a ProviderError without the token', async () => {
    const error = await clientFor('error-404', 404).defineTrunk({ title: 't' }).catch((e: unknown) => e);
    expect(isProviderError(error)).toBe(true);
    if (!isProviderError(error)) return;
    expect(error.providerKind).toBe('invalid');
    expect(error.httpStatus).toBe(404);
    expect(error.upstreamMessage).toBe('Invalid {parameter}');
    expect(JSON.stringify({ m: error.message, u: error.upstreamMessage })).not.toContain('secret-token');
  });

  it('/get_trunk maps to an inbound TrunkGroup with renamed fields', async () => {
    const answer = await clientFor('get-trunk').getTrunk();
    const row = answer.data[0]!;
    expect(row).toMatchObject({ id: '3', title: 'vitcoms', primaryPort: '5060', prefix_1: 'XXXX', req_sessions: 'XXX', status: '1' });
    const group = mapTrunkGroup(row, []);
    expect(group).toMatchObject({ trunkRef: 'o3', name: 'vitcoms', direction: 'inbound', auth: 'ip', allowedIps: [], enabled: true, maxChannels: undefined });
    expect(group.destinations.map((d) => [d.port, d.priority])).toEqual([
      [5060, 1],
      [5060, 2],
    ]);
  });

  it('/get_trunk_termination maps to an outbound TrunkGroup', async () => {
    const answer = await clientFor('get-trunk-termination').getTrunkTermination();
    expect(answer.data[0]).toMatchObject({ id: '3', config: '{URL}/ajax/settings_pdf/{ipaddress}', status: '1' });
    expect(mapTrunkGroup(undefined, answer.data)).toMatchObject({ trunkRef: 't3', direction: 'outbound', enabled: true });
  });

  it('/reserve and /remove_reserved split the " , "-joined TN strings', async () => {
    const reserved = await clientFor('reserve').reserve({ category: 'landline', numbers: ['3125550100'], state: 'IL' });
    expect(reserved).toEqual({ reserveId: 'XXXXXX', TNs: ['XXXXXXXXXX', 'XXXXXXXXXX'] });
    const removed = await clientFor('remove-reserved').removeReserved('1');
    expect(removed['Removed TNs']).toEqual([]);
    expect(removed['TNs not available']).toEqual(['XXXXXXXXXX', 'XXXXXXXXXX']);
  });

  it('/getnumbers rows parse; a real number in that shape maps to an owned number', async () => {
    const answer = await clientFor('getnumbers').getNumbers();
    const row = answer.data[0]!;
    expect(row).toMatchObject({ didType: 'Unmetered', orderType: 'New', status: '0', cnam: 'MY_CNAME', didRate: 'XX.XX' });
    expect(mapOwnedNumber(row, [])).toBeUndefined();
    expect(mapOwnedNumber({ ...row, didnumber: '3125550100' }, [])).toEqual({
      e164: '+13125550100',
      kind: 'local',
      status: 'suspended',
      trunkRef: undefined,
      cost: undefined,
      providerRef: 'New',
    });
  });

  it('/gen_order survives its duplicate "status" keys and placeholder list', async () => {
    const order = await clientFor('gen-order').genOrder('3', '1');
    expect(order).toMatchObject({ orderId: 'XXXXXX', status: '1', didCategory: 'Landline', didType: 'Unmetered', orderType: 'New' });
    expect(order.numbers).toEqual(['XXXXXXXXXX', 'XXXXXXXXXX', 'XXXXXXXXXX']);
    expect(parseWireDate(order.date)).toEqual(new Date('2015-01-26T11:58:02Z'));
  });

  it('/check_lnp set literals become lists; numbers absent from both are not portable', async () => {
    const answer = await clientFor('check-lnp').checkLnp(['13125550100']);
    expect(answer.accepted).toEqual(['XXXXXXXXXX', 'XXXXXXXXXX', 'XXXXXXXXXX']);
    expect(answer.rejected).toHaveLength(3);
    expect(mapPortability(['+13125550100'], answer.accepted, answer.rejected)).toEqual([
      { e164: '+13125550100', portable: false, reason: 'Not in the portability answer' },
    ]);
    expect(mapPortability(['+13125550100'], ['13125550100'], [])[0]?.portable).toBe(true);
  });

  it('/generate_lnp_order: set literal, trailing comma and duplicate status', async () => {
    const blob = new Blob(['%PDF-1.4']);
    const created = await clientFor('generate-lnp-order').generateLnpOrder({}, { loa_doc: blob, carrier_doc: blob }, { loa: 'a.pdf', carrier: 'b.pdf' });
    expect(created).toMatchObject({ orderNo: 'XXXXXX', orderType: 'New', didCategory: 'Landline' });
    expect(created.acceptedTns).toHaveLength(3);
  });

  it('/get_new_orders lists both example orders', async () => {
    const answer = await clientFor('get-new-orders').getNewOrders();
    expect(answer.Orders.map((o) => [o.orderno, o.didCategory, o.didType, o.sessions])).toEqual([
      ['2342343', 'Landline', 'Unmetered', 'XXXX'],
      ['4353453', 'TollFree', 'Metered', '0'],
    ]);
  });

  it('/get_lnp_orders maps to PortIns, reading both lastModifiedDate formats', async () => {
    const answer = await clientFor('get-lnp-orders').getLnpOrders();
    expect(answer.Orders).toHaveLength(2);
    const [first, second] = answer.Orders.map((order) => mapLnpOrder(order));
    expect(first).toEqual({
      portRef: '2342343',
      status: 'foc_scheduled',
      upstreamStatus: '1',
      numbers: [],
      numberStatuses: undefined,
      focDate: '2015-04-29',
      exception: undefined,
      message: undefined,
      loaUrl: undefined,
      updatedAt: new Date('2015-04-29T03:31:05Z'),
    });
    expect(second?.updatedAt).toEqual(new Date('2015-04-29T03:31:05Z'));
    expect(answer.Orders[0]).toMatchObject({ immediately: false, triggered: false, billingNumber: '+14252707174', losingCarrierName: 'Bandwidth' });
  });

  it('/did_stats, /tg_stats and /monthly_summary rows (trailing commas, "XX%" placeholders)', async () => {
    const did = await clientFor('did-stats').didStats(['3125550100']);
    expect(did.data).toHaveLength(2);
    expect(mapStatsRow(did.data[0]!, 'number')).toMatchObject({ attempts: 0, answered: 0, asr: undefined });
    expect(mapStatsRow({ number: '3125550100', processed: '200', completed: '120', acd: '95', asr: '60%', mou: '190', peak: '7' }, 'number')).toEqual({
      subject: '+13125550100',
      attempts: 200,
      answered: 120,
      asr: 0.6,
      acdSec: 95,
      minutesOfUse: 190,
      peakConcurrent: 7,
    });
    expect((await clientFor('tg-stats').tgStats(['3'])).data).toHaveLength(2);
    const monthly = await clientFor('monthly-summary').monthlySummary(2015);
    expect(monthly.data.map((row) => row.month)).toEqual(['2015-02-1', '2015-02-1']);
    expect(parseWireDate(monthly.data[0]!.month)).toEqual(new Date('2015-02-01T00:00:00Z'));
  });

  it('/daily_cdrs lists one success/failed CSV pair per day, newest first', async () => {
    const answer = await clientFor('daily-cdrs').dailyCdrs('2015-04-28', '2015-04-29');
    expect(answer.data.map((row) => row.date)).toEqual(['2015-04-29 00:00:00', '2015-04-28 00:00:00']);
    expect(answer.data[0]?.success).toBe('URL/uploads/CDR_LOCATION/FILENAME.csv');
  });

  it('CDR CSV rows (the assumed columns) map to domain CDRs', () => {
    const csv =
      'call_id,start_time,answer_time,end_time,ani,dnis,duration,billsec,pdd_ms,sip_code,disposition,cost,tg_id\r\n' +
      'O1,2015-04-29 10:00:00,2015-04-29 10:00:09,2015-04-29 10:02:00,2145550100,3125550100,111,114,2300,200,ANSWERED,0.0086,3\r\n' +
      'O2,2015-04-29 11:00:00,,2015-04-29 11:00:31,"2145550101",3125550100,0,0,1800,480,NO ANSWER,0.0000,3\r\n';
    const [answered, missed] = mapCdrCsv(csv, 'inbound');
    expect(answered).toEqual({
      providerCallId: 'orig:O1',
      direction: 'inbound',
      from: '2145550100',
      to: '3125550100',
      startedAt: new Date('2015-04-29T10:00:00Z'),
      answeredAt: new Date('2015-04-29T10:00:09Z'),
      endedAt: new Date('2015-04-29T10:02:00Z'),
      disposition: 'answered',
      durationSec: 111,
      billableSec: 114,
      pddMs: 2300,
      sipCode: 200,
      cost: { amount: '0.0086', currency: 'USD' },
      trunkRef: 'o3',
    });
    expect(missed).toMatchObject({ disposition: 'no_answer', answeredAt: undefined, sipCode: 480, from: '2145550101' });
  });

  it('/financial_summary → ledger entries and balance; /get_invoices → invoices totalled from the ledger', async () => {
    const ledger = await clientFor('financial-summary').financialSummary('All Activity');
    expect(ledger.data.map(mapLedgerEntry).map((e) => [e?.description, e?.amount.amount])).toEqual([
      ['Test Call Credit', '-2.00'],
      ['Order (New DIDs)', '1.00'],
    ]);
    expect(mapBalance(ledger.data)).toEqual({ amount: '1.00', currency: 'USD' });
    const invoices = await clientFor('get-invoices').getInvoices();
    const mapped = mapInvoices(invoices.data, ledger.data);
    expect(mapped.map((i) => [i.invoiceRef, i.issuedAt.toISOString(), i.total.amount, i.pdfUrl])).toEqual([
      ['2015-04-29', '2015-04-29T00:00:00.000Z', '0.00', 'URL/downloads/INVOICE_LOCATION/FILENAME.pdf'],
      ['2015-05-29', '2015-05-29T00:00:00.000Z', '1.00', 'URL/downloads/INVOICE_LOCATION/FILENAME.pdf'],
    ]);
    expect(mapped[1]).toMatchObject({ periodStart: '2015-04-29', periodEnd: '2015-05-28', status: 'paid' });
  });

  it('/get_payments rows', async () => {
    const answer = await clientFor('get-payments').getPayments();
    expect(answer.data.map((p) => [p.funded_amount, p.charges, p.amount, p.method, p.status])).toEqual([
      ['10.00', '2.00', '8.00', 'paypal', '1'],
      ['200.00', '12.00', '188.00', 'bank', '1'],
    ]);
  });
});
