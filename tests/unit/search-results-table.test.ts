import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ResultsTable, type ResultRow, type Selection } from '@/components/numbers-buy/results-table';

const row = (e164: string, display: string, e911 = true): ResultRow => ({ id: e164, numbers: [e164], display, features: 'voice', monthly: '$1.25', setup: '$0.00', e911 });
const rows = [row('+13123569377', '(312) 356-9377'), row('+17733569377', '(773) 356-9377', false)];
const sort = { column: 'number', dir: 'asc' as const, hrefs: {} };
const action = async () => ({ status: 'idle' as const });

const render = (props: { rows?: ResultRow[]; selection?: Selection; blocks?: boolean; pattern?: string; canBuy?: boolean }) =>
  renderToStaticMarkup(
    createElement(ResultsTable, {
      searchId: '00000000-0000-4000-8000-000000000000',
      rows: props.rows ?? rows,
      sort,
      showProvider: false,
      action,
      canBuy: props.canBuy ?? true,
      blocks: props.blocks,
      pattern: props.pattern,
      selection: props.selection ?? new Map(),
      onSelectionChange: () => {},
    }),
  );

describe('Buy numbers results', () => {
  it('marks the digits a vanity pattern matched and names the word', () => {
    const html = render({ pattern: '*FLOWERS*' });
    expect(html).toContain('<span>(312) </span><mark class="rounded-sm bg-amber-200 px-0.5 text-slate-900">356-9377</mark>');
    expect(html).toMatch(/<span class="sr-only">spells <\/span>FLOWERS/);
  });

  it('badges numbers whose carrier cannot register an emergency address, and only those', () => {
    const html = render({});
    expect([...html.matchAll(/>No E911</g)].length).toBe(2); // the row's badge and the legend's
    const rowsHtml = html.split('<tr').slice(2);
    expect(rowsHtml[0]).not.toContain('No E911');
    expect(rowsHtml[1]).toContain('No E911');
  });

  it('says how many are selected across pages, in a sticky bar with Clear selection and Add to cart', () => {
    const selection: Selection = new Map([
      ['+13123569377', ['+13123569377']],
      ['+14155550100', ['+14155550100']],
      ['+14155550101', ['+14155550101']],
    ]);
    const html = render({ selection });
    expect(html).toContain('3 numbers selected');
    expect(html).toContain('2 on other pages');
    expect(html).toContain('Clear selection');
    expect(html).toContain('Add 3 to cart');
    expect(html).toMatch(/class="sticky bottom-0[^"]*"[^>]*role="group"/);
    // Every selected number is submitted, those ticked on other pages included.
    expect([...html.matchAll(/<input type="hidden" name="numbers" value="(\+\d+)"\/>/g)].map((match) => match[1])).toEqual(['+13123569377', '+14155550100', '+14155550101']);
  });

  it('shows no bar but a hint while nothing is selected, and no selection to those who cannot buy', () => {
    const html = render({});
    expect(html).not.toContain('sticky');
    expect(html).toContain('Tick numbers on any page of the results');
    expect(html).toMatch(/<button [^>]*type="submit" disabled=""[^>]*>Add to cart<\/button>/);
    const readOnly = render({ canBuy: false });
    expect(readOnly).not.toContain('type="checkbox"');
    expect(readOnly).not.toContain('Add to cart');
  });

  it('lists a consecutive block as one row, bought whole', () => {
    const numbers = ['+13125550100', '+13125550101', '+13125550102', '+13125550103', '+13125550104'];
    const block: ResultRow = { id: numbers[0]!, numbers, display: '(312) 555-0100', lastDisplay: '(312) 555-0104', features: 'voice', monthly: '$1.25', setup: '$0.00', monthlyTotal: '$6.25', setupTotal: '$0.00', e911: true };
    const html = render({ rows: [block], blocks: true, selection: new Map([[block.id, numbers]]) });
    expect(html).toContain('(312) 555-0100 – (312) 555-0104');
    expect(html).toContain('5 consecutive numbers');
    expect(html).toContain('$6.25');
    expect(html).toContain('aria-label="Select the block (312) 555-0100 to (312) 555-0104"');
    expect(html).toContain('1 block selected');
    expect(html).toContain('(5 numbers)');
    expect([...html.matchAll(/name="numbers" value="(\+\d+)"/g)].map((match) => match[1])).toEqual(numbers);
  });
});
