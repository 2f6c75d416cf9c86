import type { Metadata } from 'next';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Carrier Portal', template: '%s · Carrier Portal' },
  description: 'Numbers, trunks, porting, e911 and call quality for your voice business.',
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
