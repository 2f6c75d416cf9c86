/**
 * The usage & quality page's URL: the same names as the API's query (`/api/v1/quality`), so the
 * page fetches with its own query string; the calls page shares from, to, trunkGroup, upstream,
 * destination and direction.
 */
import { createSerializer, parseAsString, parseAsStringLiteral } from 'nuqs/server';
import { QUALITY_RANGES } from '@/lib/views/quality';

export const qualityParsers = {
  range: parseAsStringLiteral(QUALITY_RANGES),
  from: parseAsString,
  to: parseAsString,
  trunkGroup: parseAsString,
  upstream: parseAsString,
  destination: parseAsString,
  direction: parseAsStringLiteral(['inbound', 'outbound'] as const),
};

export const serializeQuality = createSerializer(qualityParsers);

/** The calls page's query names (helper D's `/usage/calls`). */
export const callsSearchParsers = {
  from: parseAsString,
  to: parseAsString,
  number: parseAsString,
  direction: parseAsStringLiteral(['inbound', 'outbound'] as const),
  sipCode: parseAsString,
  trunkGroup: parseAsString,
  destination: parseAsString,
  upstream: parseAsString,
};

export const serializeCallsSearch = createSerializer(callsSearchParsers);
