import { createElement, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { PageSkeleton, SkeletonRows } from '@/components/ui/skeleton';

describe('loading skeletons', () => {
  it('announce their label once, busy, and draw one bar per cell of each row, the first one darker', () => {
    const html = renderToStaticMarkup(createElement(PageSkeleton as (props: { label: string; children?: ReactNode }) => ReactNode, { label: 'Loading port-ins…' }, createElement(SkeletonRows, { rows: 3, cells: ['w-28', 'flex-1'], heading: 'h-6 w-80' })));
    expect(html).toMatch(/^<div role="status" aria-live="polite" aria-busy="true" class="animate-pulse"><span class="sr-only">Loading port-ins…<\/span>/);
    expect([...html.matchAll(/class="h-4 rounded bg-slate-200 w-28"/g)]).toHaveLength(3);
    expect([...html.matchAll(/class="h-4 rounded bg-slate-100 flex-1"/g)]).toHaveLength(3);
    // The heading's own height wins over the bars' h-4.
    expect(html).toContain('class="mb-3 rounded bg-slate-200 h-6 w-80"');
  });
});
