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
  /** Rows on all pages: numbers, or blocks in a consecutive search. */
  total: number;
  /** A consecutive search's block size: rows are then the `blocks`, each bought whole. */
  blockSize: number | null;
  /** Only numbers whose carrier can register an emergency address are shown. */
  e911Only: boolean;
  /** Rows (numbers or blocks) the E911 filter leaves out. */
  hiddenWithoutE911: number;
  results: {
    e164: string;
    kind: 'local' | 'tollfree';
    state: string | null;
    rateCenter: string | null;
    features: string[];
    /** Decimal strings per number, as priced from the price list. */
    monthly: string;
    setup: string;
    /** Its carrier can register an emergency address (false: sold with a "no E911" badge). */
    e911: boolean;
    /** The first number of its block, in a consecutive search. */
    block: string | null;
    /** Operator staff only: the upstream that would sell it, and the monthly margin where its cost is known. */
    upstream?: string;
    margin?: string | null;
  }[];
  /** A consecutive search's page: one entry per block (its numbers are also in `results`). */
  blocks: {
    id: string;
    first: string;
    last: string;
    count: number;
    numbers: string[];
    kind: 'local' | 'tollfree';
    state: string | null;
    rateCenter: string | null;
    features: string[];
    /** Per number, where every number of the block costs the same (null otherwise). */
    monthly: string | null;
    setup: string | null;
    monthlyTotal: string;
    setupTotal: string;
    e911: boolean;
    upstream?: string;
    margin?: string | null;
  }[];
  generatedAt: string;
}
