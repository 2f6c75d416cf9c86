import { describe, expect, it } from 'vitest';
import { loadNumberSearchParams, serializeNumberSearch } from '@/lib/url-state/number-search';
import { numberInventorySearch, parseNumberInventoryQuery } from '@/lib/validations/number-inventory';

describe('My numbers URL (nuqs)', () => {
  it('reads filters, sort and page, and writes them back without the defaults', () => {
    const query = parseNumberInventoryQuery(new URLSearchParams('q=%2B1+(312)+400&match=prefix&state=il&sort=monthly&dir=desc&page=3&released=1'));
    expect(query.filter).toMatchObject({ q: '1312400', match: 'prefix', state: 'IL', released: true });
    expect(query.view).toEqual({ sort: 'monthly', dir: 'desc', page: 3 });
    expect(numberInventorySearch(query.filter, query.view)).toBe('q=1312400&match=prefix&state=IL&released=1&sort=monthly&dir=desc&page=3');
    expect(numberInventorySearch(query.filter, { sort: 'number', dir: 'asc', page: 1 })).toBe('q=1312400&match=prefix&state=IL&released=1');
    expect(numberInventorySearch({ match: 'contains', released: false })).toBe('');
  });

  it('takes the first of a repeated key and refuses what is not a page, a sort or a direction', () => {
    expect(parseNumberInventoryQuery({ npa: ['312', '415'] }).filter.npa).toBe('312');
    for (const page of ['0x10', '1e3', '-1', '0', '12abc', '999999']) expect(parseNumberInventoryQuery({ page }).view.page, page).toBe(1);
    expect(parseNumberInventoryQuery({ sort: 'drop table', dir: 'sideways' }).view).toEqual({ sort: 'number', dir: 'asc', page: 1 });
  });
});

describe('Buy numbers URL (nuqs)', () => {
  it('round-trips a search with its sort and page, escaping what needs it', () => {
    const href = serializeNumberSearch('/numbers/buy', { kind: 'local', npa: '312', pattern: '555*', rateCenter: 'A&B', sort: 'monthly', dir: 'desc', page: 2 });
    expect(href).toBe('/numbers/buy?kind=local&npa=312&rateCenter=A%26B&pattern=555*&sort=monthly&dir=desc&page=2');
    const read = loadNumberSearchParams(href.split('?')[1]!);
    expect(read).toMatchObject({ kind: 'local', npa: '312', rateCenter: 'A&B', pattern: '555*', sort: 'monthly', dir: 'desc', page: 2 });
    expect(serializeNumberSearch('/numbers/buy', { npa: '312', sort: 'number', dir: 'asc', page: 1 })).toBe('/numbers/buy?npa=312');
  });

  it('falls back to the defaults for a bad sort, direction or page', () => {
    expect(loadNumberSearchParams({ sort: 'x', dir: 'up', page: '1e3' })).toMatchObject({ sort: 'number', dir: 'asc', page: 1 });
  });
});

describe('Trunk groups URL after a delete (nuqs)', () => {
  it('says a group was deleted and how many upstream copies were left, within bounds', async () => {
    const { loadTrunkGroupListParams, serializeTrunkGroupList } = await import('@/lib/url-state/trunk-groups');
    expect(serializeTrunkGroupList('/trunk-groups', { deleted: true, kept: 0 })).toBe('/trunk-groups?deleted=1');
    expect(serializeTrunkGroupList('/trunk-groups', { deleted: true, kept: 2 })).toBe('/trunk-groups?deleted=1&kept=2');
    expect(loadTrunkGroupListParams({ deleted: '1', kept: '2' })).toEqual({ deleted: true, kept: 2 });
    expect(loadTrunkGroupListParams({ deleted: 'yes', kept: '99' })).toEqual({ deleted: false, kept: 0 });
  });
});
