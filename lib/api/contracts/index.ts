/**
 * Every endpoint of the public API, in the order the documentation lists them. A route file under
 * app/api/v1 implements each with `withAccount`/`withStaff`/`withPublic`; the OpenAPI document is
 * built from this list alone.
 */
import type { Endpoint } from '../contract';
import { getAccount, listAccounts } from './accounts';
import { createE911Address, deleteE911Address, getE911Address, listE911Addresses, updateE911Address, validateE911Address } from './e911';
import { createTrunkGroup, deleteTrunkGroup, getTrunkGroup, getTrunkGroupSync, listTrunkGroups, reapplyTrunkGroup, updateTrunkGroup } from './trunk-groups';
import { createApiKey, getApiKey, listApiKeys, revokeApiKey } from './api-keys';
import { deleteNumber, exportNumbers, getNumber, getNumberSearch, listNumbers, purchaseNumbers, searchNumbers, updateNumber } from './numbers';
import { getOrder, listOrders } from './orders';
import { pushCdrs } from './cdrs';
import { listCdrs } from './cdr';
import { getQualityOverview } from './quality';
import { getRates } from './rates';
import { getInvoice, getInvoiceCalls, listInvoices } from './invoices';
import { quoteCdrFile } from './quote';
import { createDispute, getDispute, listDisputes } from './disputes';
import { PORT_ENDPOINTS } from './ports';
import { WEBHOOK_ENDPOINTS } from './webhooks';

export const API_ENDPOINTS: readonly Endpoint[] = [listNumbers, purchaseNumbers, searchNumbers, getNumberSearch, exportNumbers, getNumber, updateNumber, deleteNumber, listOrders, getOrder, listTrunkGroups, createTrunkGroup, getTrunkGroup, updateTrunkGroup, deleteTrunkGroup, getTrunkGroupSync, reapplyTrunkGroup, listE911Addresses, createE911Address, validateE911Address, getE911Address, updateE911Address, deleteE911Address, listAccounts, getAccount, listApiKeys, createApiKey, getApiKey, revokeApiKey, ...WEBHOOK_ENDPOINTS, pushCdrs, listCdrs, getQualityOverview, getRates, listInvoices, getInvoice, getInvoiceCalls, quoteCdrFile, listDisputes, createDispute, getDispute, ...PORT_ENDPOINTS];

/** Tags in the order the documentation shows them, with a line each. */
export const API_TAGS: readonly { name: string; description: string }[] = [
  { name: 'Numbers', description: 'Search, buy, route and release phone numbers.' },
  { name: 'Orders', description: 'Number orders and their progress.' },
  { name: 'Trunk groups', description: 'SIP trunk groups and their sync to the carriers.' },
  { name: 'E911', description: 'Emergency addresses.' },
  { name: 'Port-ins', description: 'Move numbers in from another carrier: drafts, the portability and readiness checks, documents, submission and progress.' },
  { name: 'Accounts', description: 'The account and its sub-accounts.' },
  { name: 'API keys', description: 'Keys for programs.' },
  { name: 'Webhooks', description: 'Endpoints that receive account events.' },
  { name: 'Usage and quality', description: 'Call volume and quality over time.' },
  { name: 'Usage', description: 'Call detail records and usage.' },
  { name: 'Billing', description: 'Rates, quotes and invoices.' },
];
