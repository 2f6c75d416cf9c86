/** The E911 pages' URLs: each list on a page pages on its own parameter. */
import { createLoader, createSerializer } from 'nuqs/server';
import { parseAsPage } from './parsers';

const MAX_E911_PAGE = 10_000;

/** `/e911`: the numbers without a registered address. */
/** `nocover`: the page of numbers whose carrier cannot register an emergency address. */
export const e911ListParsers = { page: parseAsPage(MAX_E911_PAGE).withDefault(1), nocover: parseAsPage(MAX_E911_PAGE).withDefault(1) };
export const loadE911ListParams = createLoader(e911ListParsers);
export const serializeE911List = createSerializer(e911ListParsers);

/** `/e911/[addressId]`: the numbers using the address (`page`) and those that could (`more`). */
export const e911AddressParsers = { page: parseAsPage(MAX_E911_PAGE).withDefault(1), more: parseAsPage(MAX_E911_PAGE).withDefault(1) };
export const loadE911AddressParams = createLoader(e911AddressParsers);
export const serializeE911Address = createSerializer(e911AddressParsers);
