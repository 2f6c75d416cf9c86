import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AccountSwitcher, switcherKey } from '@/components/shell/account-switcher';

const accounts = [
  { id: 'a', name: 'Acme Telecom', role: 'owner', staff: false, depth: 0 },
  { id: 'b', name: 'Acme West', role: 'owner', staff: false, depth: 1 },
  { id: 'c', name: 'Acme East', role: 'owner', staff: false, depth: 1 },
];

describe('account switcher', () => {
  it('moves through the list with the arrows, Home and End without choosing', () => {
    expect(switcherKey('ArrowDown', accounts, 'a')).toEqual({ type: 'move', id: 'b' });
    expect(switcherKey('ArrowDown', accounts, 'c')).toEqual({ type: 'move', id: 'c' });
    expect(switcherKey('ArrowUp', accounts, 'b')).toEqual({ type: 'move', id: 'a' });
    expect(switcherKey('ArrowUp', accounts, 'a')).toEqual({ type: 'move', id: 'a' });
    expect(switcherKey('End', accounts, 'a')).toEqual({ type: 'move', id: 'c' });
    expect(switcherKey('Home', accounts, 'c')).toEqual({ type: 'move', id: 'a' });
  });

  it('switches only on Enter, to the option the user moved to; typing does nothing here', () => {
    expect(switcherKey('Enter', accounts, 'b')).toEqual({ type: 'choose', id: 'b' });
    expect(switcherKey('Enter', accounts, undefined)).toBeNull();
    for (const key of ['a', 'W', ' ', 'Tab', 'PageDown']) expect(switcherKey(key, accounts, 'a'), key).toBeNull();
    expect(switcherKey('Enter', [], 'a')).toBeNull();
  });

  it('renders a button naming the current account, not a select that submits on change', () => {
    const html = renderToStaticMarkup(createElement(AccountSwitcher, { options: accounts, currentId: 'b', action: async () => ({ status: 'idle' as const }) }));
    expect(html).toContain('aria-label="Current account: Acme West. Switch account"');
    expect(html).not.toContain('<select');
  });
});
