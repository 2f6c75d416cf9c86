/**
 * VoiceMeUp (seed 004, XML Engine API): DID inventory search and add, DIDs, peers (update only),
 * e911 with alternate addresses, `get_calls` with its `unique_id` cursor, transactions and the
 * "CR"-signed balance. No hold, no release, no port-in, no peer creation: none is documented.
 */
import { isProviderError } from '../errors';
import type { BillingCapability, ProviderAdapter, ProviderContext, ProviderDescriptor } from '../types';
import { createVoicemeupCdrs } from './cdrs';
import { createVoicemeupCore, type VoicemeupCore } from './core';
import { createVoicemeupE911 } from './e911';
import { dateInZone, isInvoice, mapFunding, mapInvoice, mapTransaction } from './map';
import { createVoicemeupNumbers } from './numbers';
import { createVoicemeupTrunks } from './trunks';

function createBilling({ client, timeZone, now, currency }: VoicemeupCore): BillingCapability {
  return {
    async listInvoices({ since }) {
      const { data } = await client.getTransactions(since ? { date_from: dateInZone(since, timeZone), date_to: dateInZone(now(), timeZone) } : {});
      return data.transactions.filter(isInvoice).map((row) => mapInvoice(row, { timeZone, currency }));
    },

    async getBalance() {
      return mapFunding((await client.getFundingDetails()).data.funding_details, currency);
    },

    ledger: {
      async list({ since, until }) {
        const { data } = await client.getTransactions({ date_from: dateInZone(since, timeZone), date_to: dateInZone(until, timeZone) });
        // Transactions carry a date only; upstream already keeps the days of [since, until].
        return data.transactions
          .map((row) => mapTransaction(row, { timeZone, currency }))
          .sort((a, b) => a.at.getTime() - b.at.getTime() || Number(a.entryRef) - Number(b.entryRef));
      },
    },
  };
}

function createAdapter(context: ProviderContext): ProviderAdapter {
  const core = createVoicemeupCore(context);
  const { client, currency } = core;
  return {
    descriptor: voicemeupProvider,

    async testConnection() {
      try {
        const balance = mapFunding((await client.getFundingDetails()).data.funding_details, currency);
        const amount = balance.available.amount;
        const standing = amount.startsWith('-') ? `${amount.slice(1)} ${balance.available.currency} owed` : `${amount} ${balance.available.currency} credit`;
        return { ok: true, detail: `Connected to the XML Engine; balance ${standing}.` };
      } catch (error) {
        if (isProviderError(error)) return { ok: false, detail: error.message, failure: error };
        throw error;
      }
    },

    numbers: createVoicemeupNumbers(core),
    trunks: createVoicemeupTrunks(core),
    e911: createVoicemeupE911(core),
    cdrs: createVoicemeupCdrs(core),
    billing: createBilling(core),
  };
}

export const voicemeupProvider: ProviderDescriptor = {
  id: 'voicemeup',
  name: 'VoiceMeUp',
  credentialFields: [
    { name: 'client_account_id', label: 'Client account ID (8 digits)', secret: false },
    { name: 'auth_token', label: 'Auth token (32 hex characters)', secret: true },
  ],
  defaultBaseUrl: 'http://127.0.0.1:4104',
  // Seed 004 L14; the adapter adds the endpoint's path.
  documentedBaseUrl: 'https://developer.voicemeup.com',
  limits: {
    // A peer holds one static host IP (lib/providers/voicemeup/map.ts).
    cidrPrefixes: [32],
    maxAllowedIps: 1,
    // e911_update_address takes first_name/last_name with no length; 15 is a GUESS (the CNAM/ALI
    // convention), matching the only name limit the reference documents (callerid_name 3–15).
    callerNameMaxLength: 15,
    // A peer (lib/providers/voicemeup/map.ts, peerParamsFromSpec): both directions, one IPv4 host on
    // UDP 5060 that sends and receives, no channel or CPS limit, and its own codec names.
    trunk: {
      directions: ['both'],
      maxDestinations: 1,
      destinationsIpv4Only: true,
      destinationIsAllowedIp: true,
      destinationPorts: [5060],
      transports: ['udp'],
      channelLimit: false,
      cpsLimit: false,
      codecs: ['PCMU', 'PCMA', 'G729'],
    },
  },
  create: createAdapter,
};
