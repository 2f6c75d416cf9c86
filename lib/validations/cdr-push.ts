/** Limits of the CDR push (POST /api/v1/cdrs), shared by its service and its published contract. */

/** Rows one request may carry; the row after the limit and the rest of the body are not read. */
export const CDR_PUSH_MAX_ROWS = 100_000;
/**
 * Bytes one request may carry (about 1.3 KB a row at the row limit; a CDR is a few hundred): blank
 * and overlong lines are not rows, so without it a body of them would be read forever. The line
 * the limit falls in and the rest of the body are not read.
 */
export const CDR_PUSH_MAX_BYTES = 128 * 1024 * 1024;
/** A longer line is rejected alone without being held in memory (a CDR is a few hundred characters). */
export const CDR_PUSH_MAX_LINE_CHARS = 16 * 1024;
/** Rejections listed in the answer; `rejectedCount` counts them all. */
export const CDR_PUSH_REJECTED_LIST_MAX = 1000;
/** The `source` of a pushed call that names none. */
export const CDR_PUSH_DEFAULT_SOURCE = 'switch';
