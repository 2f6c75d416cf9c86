/**
 * The Content-Security-Policy of every page, with a fresh nonce per request: Next.js puts the
 * nonce on its own inline scripts, so no script runs that the server did not write ('unsafe-inline'
 * stays for styles only). HSTS is sent only over HTTPS, where a browser honours it.
 */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}

export function contentSecurityPolicy(nonce: string, { development }: { development: boolean }): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic' lets the nonce'd bootstrap load the chunks it needs; dev's hot reload needs eval.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join('; ');
}

export const HSTS = 'max-age=63072000; includeSubDomains';
