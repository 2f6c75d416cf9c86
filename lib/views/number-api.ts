/**
 * A number as `/api/v1/numbers` answers it: plain values (ISO times, E.164, decimal strings), its
 * trunk group and where calls really go as My numbers shows them, never the upstream that carries it.
 */
export type ApiE911Status = 'none' | 'pending' | 'registered' | 'failed' | 'unsupported';

export interface ApiNumber {
  id: string;
  e164: string;
  accountId: string;
  kind: 'local' | 'tollfree';
  state: string | null;
  npa: string;
  rateCenter: string | null;
  status: 'active' | 'missing_upstream' | 'released';
  /** `name` is null when the group no longer exists. */
  trunkGroup: { id: string; name: string | null } | null;
  e911: { status: ApiE911Status; addressId: string | null; detail: string | null } | null;
  /** Null for released numbers. */
  routing: { state: 'routed' | 'not_routed' | 'carrier_default'; reason: string | null } | null;
  activatedAt: string;
  releasedAt: string | null;
  billedUntil: string | null;
  /** Only for callers that read billing. */
  monthly?: string;
}
