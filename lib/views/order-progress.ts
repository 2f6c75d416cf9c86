/**
 * The JSON of `GET /api/v1/orders/{id}`, which the order page renders and polls: plain values (ISO
 * dates, decimal strings), only what the page shows, never the upstream references kept on lines.
 */
export type OrderStatus = 'pending' | 'in_progress' | 'completed' | 'partial' | 'failed';
export type OrderLineStatus = 'pending' | 'submitted' | 'active' | 'failed';
export type E911Status = 'none' | 'pending' | 'registered' | 'failed' | 'unsupported';

export interface OrderProgress {
  id: string;
  status: OrderStatus;
  createdAt: string;
  completedAt: string | null;
  /** Lines the upstreams have settled (bought or failed), out of `lines.length`. */
  settledLines: number;
  /** Emergency-address registrations of the bought numbers still in flight. */
  registering: boolean;
  /** Nothing left to wait for: the order is settled and no registration is pending. */
  settled: boolean;
  /** From the ledger, never from line statuses; null for roles that do not read billing (so is each line's). */
  charged: string | null;
  lines: {
    id: string;
    e164: string;
    status: OrderLineStatus;
    reason: string | null;
    /** The carrier's own words on a failed line: operator staff only. */
    reasonDetail?: string;
    /** The number is live in this order's account now. */
    owned: boolean;
    charged: string | null;
    e911: { status: E911Status; detail: string | null } | null;
    /** Why the number came from its carrier, in plain words; `upstream` and `staffDetail` for operator staff only. */
    why: { e911: boolean; reasons: string[]; warnings: string[]; upstream?: string; staffDetail?: string };
  }[];
  /** Null when no emergency address was chosen at checkout; `deleted` when it has been since. */
  e911Address: { id: string; label: string } | 'deleted' | null;
  generatedAt: string;
}

