/**
 * The audit log's URL: its filters (judged by `parseAuditFilter`, which says what is wrong beside
 * each field) and the cursor of the next page, written with a nuqs serializer.
 */
import { createSerializer, parseAsInteger, parseAsString } from 'nuqs/server';

export const auditLogParsers = {
  action: parseAsString,
  actor: parseAsString,
  from: parseAsString,
  to: parseAsString,
  /** The id the next page starts below. */
  before: parseAsInteger,
};

export const serializeAuditLog = createSerializer(auditLogParsers);
