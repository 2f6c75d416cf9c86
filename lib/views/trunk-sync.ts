/**
 * The JSON of `GET /api/v1/trunk-groups/{id}/sync`, which the trunk group's page renders and polls.
 * Upstreams are named as the viewer may see them ("Carrier 1" for customers), and their messages
 * are scrubbed of provider names the same way.
 */
export type TrunkSyncStatus = 'not_needed' | 'pending' | 'applied' | 'partially_applied' | 'failed';
export type UpstreamCopyStatus = 'pending' | 'applied' | 'failed' | 'disabled';

export interface TrunkSyncView {
  trunkGroupId: string;
  name: string;
  status: TrunkSyncStatus;
  /** No push is in flight: neither the group nor any upstream copy is pending. */
  settled: boolean;
  applied: number;
  drifted: number;
  upstreams: {
    label: string;
    status: UpstreamCopyStatus;
    /** Applied, but a version of the settings older than the group's current one. */
    outdated: boolean;
    /** What failed and what to do next, in the customer's words. */
    error: string | null;
    /** The carrier's own words for the failure: for operator staff only (null for customers). */
    errorDetail: string | null;
    lastAppliedAt: string | null;
    lastCheckedAt: string | null;
    limitations: string[];
    drift: { field: string; label: string; desired: string; actual: string }[];
  }[];
  generatedAt: string;
}
