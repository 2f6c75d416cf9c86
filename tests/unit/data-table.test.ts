import fs from 'node:fs';
import path from 'node:path';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ColumnDef } from '@tanstack/react-table';
import { DataTable, type DataTableProps } from '@/components/ui/data-table';
import { Pager, pageHref, type PagerProps } from '@/components/ui/pager';

interface Trunk {
  id: string;
  name: string;
  numbers: number;
}

const columns: ColumnDef<Trunk>[] = [
  { id: 'name', header: 'Name', cell: ({ row }) => createElement('a', { href: `/trunk-groups/${row.original.id}` }, row.original.name) },
  { id: 'numbers', header: 'Numbers', meta: { numeric: true }, cell: ({ row }) => String(row.original.numbers) },
  { id: 'actions', header: 'Actions', meta: { actions: true }, cell: ({ row }) => createElement('button', { type: 'button' }, `Delete ${row.original.name}`) },
];

const rows: Trunk[] = [
  { id: 't1', name: 'Main PBX', numbers: 2 },
  { id: 't2', name: 'Backup PBX', numbers: 11 },
];

const render = (props: Partial<DataTableProps<Trunk>>) =>
  renderToStaticMarkup(createElement(DataTable<Trunk>, { rows, columns, getRowId: (row: Trunk) => row.id, caption: 'Trunk groups of Acme', rowHeader: 'name', ...props }));

const count = (html: string, pattern: RegExp) => [...html.matchAll(pattern)].length;

/** The attributes of every `<tag …>` in the markup, whatever their order. */
const tags = (html: string, tag: string) =>
  [...html.matchAll(new RegExp(`<${tag}((?:\\s+[\\w:-]+(?:="[^"]*")?)*)\\s*/?>`, 'g'))].map((match) => Object.fromEntries([...match[1]!.matchAll(/([\w:-]+)(?:="([^"]*)")?/g)].map((attr) => [attr[1], attr[2] ?? ''])));

describe('DataTable', () => {
  it('renders each row once, as a table row that CSS lays out as a card below md', () => {
    const html = render({});
    expect(html).toMatch(/<div class="overflow-x-auto"[^>]*><table class="[^"]*max-md:block/);
    expect(html).toContain('<caption class="sr-only">Trunk groups of Acme</caption>');
    expect(count(html, /<tr/g)).toBe(3);
    expect(count(html, /Delete Backup PBX/g)).toBe(1);
    expect(html).not.toContain('<li');
    // The row header is the card's title; the other columns carry a label drawn by CSS in the card layout only.
    expect(html).toMatch(/<th scope="row" class="[^"]*\bdt-title\b[^"]*"><a href="\/trunk-groups\/t1">Main PBX<\/a><\/th>/);
    expect(html).toMatch(/<td class="[^"]*\bdt-pair\b[^"]*\bdt-label\b[^"]*" data-label="Numbers"><div class="[^"]*\bdt-value\b[^"]*">11<\/div><\/td>/);
    expect(html).not.toMatch(/data-label="(Name|Actions)"/);
    expect(html).toMatch(/<td class="[^"]*\bdt-actions\b[^"]*"><button type="button">Delete Backup PBX<\/button><\/td>/);
    expect(html).toContain('<span class="sr-only">Actions</span>');
    expect(html).toMatch(/<thead class="[^"]*max-md:hidden/);
  });

  it('styles cells with the card classes of app/globals.css, each defined there with its card layout', () => {
    const html = render({ selection: { form: 'f', name: 'ids', label: (row: Trunk) => `Select ${row.name}` } });
    const css = fs.readFileSync(path.join(process.cwd(), 'app/globals.css'), 'utf8');
    const used = new Set([...html.matchAll(/class="([^"]*)"/g)].flatMap((match) => match[1]!.split(' ')).filter((name) => name.startsWith('dt-')));
    expect([...used]).toEqual(expect.arrayContaining(['dt-actions', 'dt-cell', 'dt-label', 'dt-numeric', 'dt-pair', 'dt-row', 'dt-select', 'dt-title', 'dt-value']));
    const rule = (name: string) => new RegExp(`\\.${name} \\{\\s*@apply ([^;]*);`).exec(css)?.[1] ?? '';
    for (const name of used) expect(rule(name), `.${name} in app/globals.css`).not.toBe('');
    expect(rule('dt-row')).toContain('max-md:flex');
    expect(rule('dt-pair')).toContain('max-md:grid');
    expect(rule('dt-label')).toContain('max-md:before:content-[attr(data-label)]');
    expect(rule('dt-value')).toContain('md:contents');
    expect(rule('dt-title')).toContain('max-md:order-first');
    expect(rule('dt-actions')).toContain('max-md:order-last');
    expect(rule('dt-cell')).toContain('md:py-2');
  });

  it('marks the sorted column with aria-sort and links every sortable header to its other order', () => {
    const html = render({ sort: { column: 'numbers', dir: 'desc', hrefs: { name: { asc: '/t?sort=name&dir=asc', desc: '/t?sort=name&dir=desc' }, numbers: { asc: '/t?sort=numbers&dir=asc', desc: '/t?sort=numbers&dir=desc' } } } });
    expect(html).toMatch(/<th scope="col"[^>]*aria-sort="descending"><a [^>]*aria-label="Numbers: sort ascending"[^>]*>Numbers/);
    expect(html).toMatch(/<th scope="col"[^>]*aria-sort="none"><a [^>]*aria-label="Name: sort ascending"[^>]*>Name/);
    const links = tags(html, 'a').filter((attrs) => attrs['aria-label']?.includes(': sort '));
    expect(links).toContainEqual(expect.objectContaining({ 'aria-label': 'Numbers: sort ascending', href: '/t?sort=numbers&amp;dir=asc' }));
    expect(links).toContainEqual(expect.objectContaining({ 'aria-label': 'Name: sort ascending', href: '/t?sort=name&amp;dir=asc' }));
    // A column without URLs is not sortable and says nothing about sorting.
    expect(html).toMatch(/<th scope="col" class="[^"]*"><span class="sr-only">Actions<\/span><\/th>/);
    expect(count(html, /aria-label="Numbers: sort ascending"/g)).toBe(2);
  });

  it('puts column footers in a tfoot, labelled in the card layout', () => {
    const withTotals: ColumnDef<Trunk>[] = [{ ...columns[0]!, footer: () => 'Total' }, { ...columns[1]!, footer: () => '13' }];
    const html = render({ columns: withTotals });
    expect(html).toMatch(/<tfoot class="[^"]*max-md:block[^"]*"><tr class="font-medium max-md:block"><td[^>]*>Total<\/td><td[^>]*data-label="Numbers"><div[^>]*>13<\/div><\/td><\/tr><\/tfoot>/);
  });

  it('shows the empty state instead of a table when there are no rows', () => {
    const html = render({ rows: [], empty: createElement('p', null, 'No trunk groups yet') });
    expect(html).toBe('<p>No trunk groups yet</p>');
  });

  it('ticks selected rows and leaves unselectable rows without a checkbox', () => {
    const html = render({ selection: { selected: new Set(['t2']), onChange: () => undefined, allLabel: 'Select every trunk group', label: (row) => `Select ${row.name}`, canSelect: (row) => row.numbers > 5 } });
    const boxes = tags(html, 'input');
    expect(boxes.filter((attrs) => attrs['aria-label'] === 'Select Backup PBX' && 'checked' in attrs)).toHaveLength(1);
    expect(html).not.toContain('Select Main PBX');
    expect(boxes.filter((attrs) => attrs['aria-label'] === 'Select every trunk group')).toHaveLength(2);
    // The header box and the cards' "Select all" share one state: nothing is submitted under a field name.
    expect(boxes.every((attrs) => !('name' in attrs))).toBe(true);
  });

  it('gives form-owned checkboxes the form field name, the row id as value and the form', () => {
    const html = render({ selection: { form: 'route-numbers', name: 'numberIds', label: (row) => `Select ${row.name}` } });
    expect(tags(html, 'input').filter((attrs) => attrs['aria-label'] === 'Select Main PBX')).toEqual([expect.objectContaining({ type: 'checkbox', name: 'numberIds', value: 't1', form: 'route-numbers' })]);
  });
});

describe('Pager', () => {
  const renderPager = (props: Partial<PagerProps>) => renderToStaticMarkup(createElement(Pager, { label: 'Pages of numbers', page: 2, pageSize: 50, total: 120, pathname: '/numbers', searchParams: { state: 'IL', sort: 'npa', page: '2', tag: ['a', 'b'] }, ...props }));

  it('links to the neighbouring pages and keeps every other URL parameter', () => {
    const html = renderPager({ noun: { one: 'number', many: 'numbers' } });
    expect(html).toContain('aria-label="Pages of numbers"');
    expect(html).toContain('Showing 51–100 of 120 numbers');
    const links = tags(html, 'a');
    expect(links).toContainEqual(expect.objectContaining({ rel: 'prev', href: '/numbers?state=IL&amp;sort=npa&amp;tag=a&amp;tag=b' }));
    expect(links).toContainEqual(expect.objectContaining({ rel: 'next', href: '/numbers?state=IL&amp;sort=npa&amp;tag=a&amp;tag=b&amp;page=3' }));
    expect(html).toContain('Page 2 of 3');
  });

  it('pages a capped total while pages are full, and stops at a short page', () => {
    const capped = renderPager({ page: 200, total: 10_000, capped: true, rowCount: 50, noun: { one: 'number', many: 'numbers' } });
    expect(capped).toContain('Showing 9,951–10,000 of 10,000+ numbers');
    expect(tags(capped, 'a')).toContainEqual(expect.objectContaining({ rel: 'next', href: '/numbers?state=IL&amp;sort=npa&amp;tag=a&amp;tag=b&amp;page=201' }));
    expect(renderPager({ page: 3, total: 10_000, capped: true, rowCount: 20 })).not.toContain('rel="next"');
  });

  it('names its own parameter when a page has two lists', () => {
    expect(pageHref('/e911/a1', { page: '3', more: '2' }, 'more', 1)).toBe('/e911/a1?page=3');
    expect(pageHref('/e911/a1', { page: '3' }, 'more', 4)).toBe('/e911/a1?page=3&more=4');
  });

  it('takes the links from a serializer instead when the page has one', () => {
    const html = renderToStaticMarkup(createElement(Pager, { label: 'Pages', page: 2, pageSize: 50, total: 120, hrefFor: (page: number) => `/e911?page=${page}#numbers` }));
    expect(tags(html, 'a').map((attrs) => attrs.href)).toEqual(['/e911?page=1#numbers', '/e911?page=3#numbers']);
  });

  it('shows only the summary for one page, and nothing for no rows', () => {
    expect(renderPager({ page: 1, total: 7 })).not.toContain('<nav');
    expect(renderPager({ page: 1, total: 0 })).toBe('');
  });
});
