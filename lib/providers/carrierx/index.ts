/**
 * The CarrierX adapter: numbers and trunks in their own files; CDRs and billing, a few lines each,
 * here.
 */
import { isProviderError } from '../errors';
import type { BillingCapability, CdrsCapability, ProviderAdapter, ProviderContext, ProviderDescriptor } from '../types';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './assumptions';
import { createCarrierxClient, type CarrierxClient, type InvoiceFile } from './client';
import { andFilters, callDrToCdr, cdrWindowFilter, filterClause, invoiceCallUsage, invoiceToDomain, partnerToBalance } from './map';
import { createCarrierxNumbers } from './numbers';
import { allPages } from './paging';
import { createCarrierxTrunks } from './trunks';

/** Beyond the common group: the invoice PDF, which must be proxied (it needs the token). */
export interface CarrierxBilling extends BillingCapability {
  getInvoicePdf(invoiceRef: string): Promise<InvoiceFile>;
}

export interface CarrierxAdapter extends ProviderAdapter {
  readonly billing: CarrierxBilling;
}

function createCdrs(client: CarrierxClient): CdrsCapability {
  return {
    async pull(request) {
      const limit = Math.min(request.limit ?? DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT);
      const page = await client.listCallDrs({
        limit,
        filter: cdrWindowFilter(request.since, request.until),
        // §1.5: `after` pages in date_stop order and is not combined with offset.
        after: request.cursor,
      });
      const last = page.items[page.items.length - 1];
      return {
        items: page.items.map(callDrToCdr),
        // No `next` link on after/before pages (§4.4): a full page with has_more means keep going.
        nextCursor: page.has_more && last && page.count >= limit ? last.dr_sid : undefined,
      };
    },
  };
}

function createBilling(client: CarrierxClient, base: string): CarrierxBilling {
  return {
    async listInvoices(request) {
      const filter = request.since ? andFilters([filterClause('date_billing_period_end', 'ge', request.since.toISOString())]) : undefined;
      const invoices = await allPages((offset) =>
        client.listInvoices({ limit: MAX_PAGE_LIMIT, offset, filter, order: 'date_billing_period_start desc' }),
      );
      return invoices.map((invoice) => ({ ...invoiceToDomain(invoice, base + client.invoicePdfPath(invoice.invoice_sid)), usage: invoiceCallUsage(invoice) }));
    },

    getInvoicePdf: (invoiceRef) => client.getInvoicePdf(invoiceRef),

    async getBalance() {
      return partnerToBalance(await client.whoami());
    },
  };
}

function createAdapter(context: ProviderContext): CarrierxAdapter {
  const client = createCarrierxClient(context);
  return {
    descriptor: carrierxProvider,

    async testConnection() {
      try {
        const partner = await client.whoami();
        const label = partner.display_id ?? partner.partner_sid;
        return { ok: partner.status !== 'suspended', detail: `Connected as partner ${label} (status ${partner.status ?? 'unknown'}).` };
      } catch (error) {
        if (isProviderError(error)) return { ok: false, detail: error.message, failure: error };
        throw error;
      }
    },

    numbers: createCarrierxNumbers(client),
    trunks: createCarrierxTrunks(client, context),
    cdrs: createCdrs(client),
    billing: createBilling(client, context.baseUrl.replace(/\/+$/, '')),
  };
}

export const carrierxProvider: ProviderDescriptor = {
  id: 'carrierx',
  name: 'CarrierX',
  credentialFields: [{ name: 'token', label: 'Core API security token (Bearer)', secret: true }],
  defaultBaseUrl: 'http://127.0.0.1:4103',
  // Seed 003 §1.1 gives https://api.carrierx.com/core/v2; the adapter adds /core/v2.
  documentedBaseUrl: 'https://api.carrierx.com',
  // `maxCps` has no CarrierX field (assumptions.ts).
  limits: { cidrPrefixes: null, trunk: { cpsLimit: false } },
  create: createAdapter,
};
