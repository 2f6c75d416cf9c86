import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { MobileNav } from '@/components/shell/mobile-nav';

describe('the mobile navigation drawer', () => {
  it('is served closed with its button and no second copy of the navigation (it renders on first opening)', () => {
    const html = renderToStaticMarkup(createElement(MobileNav, { main: [{ label: 'Dashboard', href: '/dashboard' }, { label: 'E911', href: '/e911' }], staff: [] }));
    expect(html).toContain('aria-haspopup="dialog"');
    expect(html).toMatch(/<dialog[^>]*aria-label="Navigation"/);
    expect(html).not.toContain('href="/dashboard"');
    expect(html).not.toContain('<nav');
  });
});
