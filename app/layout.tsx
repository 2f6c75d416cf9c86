import type { Metadata } from 'next';
import { headers } from 'next/headers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Carrier Portal', template: '%s · Carrier Portal' },
  description: 'Numbers, trunks, porting, e911 and call quality for your voice business.',
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Reading the request's headers renders every page per request, so each gets the CSP nonce of
  // proxy.ts on Next's inline scripts (a prerendered page would carry none and not hydrate).
  await headers();
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
