/**
 * Issue 12.2: every refusal code, in every place a customer meets one, becomes a sentence saying
 * what to do next, never the carrier's own words; staff-only refusals say a task was opened.
 */
import { describe, expect, it } from 'vitest';
import { ProviderError, REFUSAL_CODES, refusalOf, type ProviderErrorKind } from '@/lib/providers/errors';
import { TASK_OPENED, customerSentence, staffTaskFor, translateRefusal, translateReported, type RefusalOperation } from '@/lib/services/upstream-refusals';

const OPERATIONS: RefusalOperation[] = ['trunk_sync', 'number_order', 'e911_register', 'e911_remove', 'release', 'route_number'];
const RAW = 'Invalid primaryTrunk';

describe('upstream refusal translator', () => {
  it('words every refusal code for every operation as a next step, never with the carrier’s words', () => {
    for (const code of REFUSAL_CODES) {
      for (const operation of OPERATIONS) {
        const error = new ProviderError('vitcom', 'invalid', { upstreamMessage: RAW, refusal: { code, field: code === 'unsupported_setting' ? 'destinations' : undefined } });
        const translated = translateRefusal(error, operation, { carrier: 'Carrier 2', number: '+1 214-555-0100' });
        expect(translated.refusal.code).toBe(code);
        expect(translated.customer, `${code}/${operation}`).toMatch(/^Carrier 2 |^On Carrier 2,/);
        expect(translated.customer).not.toContain(RAW);
        expect(translated.customer).not.toMatch(/VITCOM|undefined|null/);
        // A next step: try again, change something, contact support, or our team is on it.
        expect(translated.customer, `${code}/${operation}`).toMatch(/Try again|try again|Re-apply|Edit|E911 page|Choose another|contact support|Contact support|We opened a task|Register it again|register it again|buy a number/);
        expect(translated.staffDetail).toContain(RAW);
        if (staffTaskFor(translated.refusal)) expect(translated.customer).toContain(TASK_OPENED);
        else expect(translated.customer).not.toContain(TASK_OPENED);
      }
    }
  });

  it('opens staff tasks only where the customer cannot act', () => {
    expect(REFUSAL_CODES.filter((code) => staffTaskFor({ code }))).toEqual(['credentials', 'trunk_not_linked', 'number_not_on_account']);
    expect(staffTaskFor({ code: 'trunk_not_linked' })).toBe('link_trunk');
  });

  it('reads a refusal from the error kind where the adapter gave none', () => {
    const kinds: [ProviderErrorKind, string][] = [
      ['auth', 'credentials'],
      ['rate_limited', 'rate_limited'],
      ['unavailable', 'upstream_down'],
      ['malformed', 'upstream_down'],
      ['unsupported', 'unsupported_setting'],
      ['invalid', 'unknown'],
      ['conflict', 'unknown'],
    ];
    for (const [kind, code] of kinds) expect(refusalOf(new ProviderError('voicetel', kind, { upstreamMessage: 'x' })).code).toBe(code);
    expect(refusalOf(new Error('boom')).code).toBe('unknown');
    // About one number, "not found" means the carrier does not list it on our account.
    const notFound = new ProviderError('voicetel', 'not_found', { upstreamMessage: 'Number not on account' });
    expect(translateRefusal(notFound, 'route_number', { carrier: 'the carrier' }).refusal.code).toBe('number_not_on_account');
    expect(translateRefusal(notFound, 'release', { carrier: 'the carrier', number: '+1 214-555-0100' }).customer).toBe(
      `The carrier does not list +1 214-555-0100 on our account; nothing was changed here. ${TASK_OPENED}`,
    );
  });

  it('names the refused setting and, where known, the carrier’s rule in the portal’s words', () => {
    expect(customerSentence({ code: 'unsupported_setting', field: 'destinations' }, 'trunk_sync', { carrier: 'Carrier 1', settingHint: 'it delivers calls to IPv4 addresses only, not host names' })).toBe(
      "Carrier 1 cannot carry the trunk group's destinations (hosts, ports and transports). It delivers calls to IPv4 addresses only, not host names. Change it with Edit, or move the numbers it carries to a trunk group without it; the other carriers are not affected.",
    );
    expect(customerSentence({ code: 'trunk_not_linked' }, 'trunk_sync', { carrier: 'Carrier 3' })).toBe(`On Carrier 3, a trunk group can only be set up by our team, so the numbers it carries are not routed here yet. ${TASK_OPENED}`);
  });

  it('words a refusal reported as data (an order line) the same way, the upstream’s words for staff only', () => {
    const line = translateReported(undefined, 'not in the upstream order (hold expired or number taken)', 'number_order', { carrier: 'the carrier' });
    expect(line.customer).toBe('The carrier refused to sell this number, so it was not bought and nothing was charged. Choose another number.');
    expect(line.staffDetail).toBe('not in the upstream order (hold expired or number taken)');
  });
});
