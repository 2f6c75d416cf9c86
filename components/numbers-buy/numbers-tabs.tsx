import Link from 'next/link';
import { cn } from '@/components/ui/cn';

export function NumbersTabs({ current, cartCount }: { current: 'mine' | 'buy' | 'cart'; cartCount?: number }) {
  const tabs = [
    { key: 'mine', label: 'My numbers', href: '/numbers' },
    { key: 'buy', label: 'Buy numbers', href: '/numbers/buy' },
    { key: 'cart', label: cartCount ? `Cart (${cartCount})` : 'Cart', href: '/numbers/cart' },
  ] as const;
  return (
    <nav aria-label="Numbers" className="mb-6 flex gap-1 border-b border-slate-200">
      {tabs.map((tab) => (
        <Link
          key={tab.key}
          href={tab.href}
          aria-current={current === tab.key ? 'page' : undefined}
          className={cn('-mb-px border-b-2 px-3 py-2 text-sm font-medium', current === tab.key ? 'border-indigo-700 text-indigo-800' : 'border-transparent text-slate-600 hover:text-slate-900')}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
