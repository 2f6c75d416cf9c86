import type { NextConfig } from 'next';

// The Content-Security-Policy (with a nonce per request) and HSTS are set in proxy.ts.
const securityHeaders = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

const nextConfig: NextConfig = {
  // pg-boss loads `pg` and its optional native binding at run time: Node resolves them, not the bundler.
  serverExternalPackages: ['@electric-sql/pglite', '@node-rs/argon2', 'pg-boss', 'pdfkit', 'pdf-parse', 'sharp'],
  poweredByHeader: false,
  experimental: { authInterrupts: true },
  // The build checks what it ships; `npm run typecheck` checks everything, tests and sandboxes included.
  typescript: { tsconfigPath: 'tsconfig.build.json' },
  outputFileTracingExcludes: { '*': ['./.data/**', './.data-*/**'] },
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default nextConfig;
