/**
 * The JSON of `GET /api/v1/number-searches/{id}`: one sorted page of a stored search and where each
 * carrier stands, which the Buy numbers page renders and polls while a carrier is still answering.
 * Customers see carriers numbered, never named, and no upstream or cost.
 */
export type SearchCarrierStatus = 'pending' | 'ok' | 'failed';
export type SearchSortColumn = 'number' | 'monthly' | 'setup' | 'state' | 'rateCenter';

export interface NumberSearchView {
  id: string;
  createdAt: string;
  expiresAt: string;
  /** Every carrier has answered or failed: the results will not change any more. */
  settled: boolean;
  carriers: { label: string; status: SearchCarrierStatus; count: number; reason: string | null }[];
  sort: SearchSortColumn;
  dir: 'asc' | 'desc';
  page: number;
  pageSize: number;
  pages: number;
  total: number;
  results: {
    e164: string;
    kind: 'local' | 'tollfree';
    state: string | null;
    rateCenter: string | null;
    features: string[];
    /** Decimal strings per number, as priced from the price list. */
    monthly: string;
    setup: string;
    /** Operator staff only: the upstream that would sell it, and the monthly margin where its cost is known. */
    upstream?: string;
    margin?: string | null;
  }[];
  generatedAt: string;
}
