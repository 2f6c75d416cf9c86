import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { FormMessage } from '@/components/ui/form-message';

describe('form outcome', () => {
  it('keeps an error beside the form and leaves a success to the toast', () => {
    expect(renderToStaticMarkup(createElement(FormMessage, { state: { status: 'error', message: 'Choose an account' } }))).toContain('Choose an account');
    expect(renderToStaticMarkup(createElement(FormMessage, { state: { status: 'success', message: 'Moved.' } }))).not.toContain('Moved.');
  });

  it('shows a success in place where no toaster is mounted or the result belongs there', () => {
    expect(renderToStaticMarkup(createElement(FormMessage, { state: { status: 'success', message: 'Signed in.' }, success: 'inline' }))).toContain('Signed in.');
    expect(renderToStaticMarkup(createElement(FormMessage, { state: { status: 'success', message: 'Signed in.' }, success: 'both' }))).toContain('Signed in.');
  });
});

describe('confirm dialog', () => {
  it('starts closed: only its trigger, which says a dialog opens', () => {
    const html = renderToStaticMarkup(
      createElement(ConfirmDialog, { trigger: { label: 'Release (312) 555-0100…' }, title: 'Release (312) 555-0100?', description: 'It goes back to the carrier.', confirmLabel: 'Yes, release', pendingLabel: 'Releasing…', pending: false, form: 'f', closeOn: null }),
    );
    expect(html).toMatch(/<button[^>]*aria-haspopup="dialog"[^>]*>Release \(312\) 555-0100…<\/button>/);
    expect(html).not.toContain('Yes, release');
  });
});
