/**
 * Where to go after signing in. Only a path on this site: an open redirect after sign-in is a
 * phishing aid, and a control character in it would end up in a Location header.
 */
export const DEFAULT_CALLBACK_URL = '/dashboard';

const MAX_CALLBACK_LENGTH = 2048;
/** Anything a browser might strip or reinterpret while resolving the URL: controls, spaces, backslashes. */
const UNSAFE = /[\u0000-\u0020\u007F-\u009F\\]|\p{Cs}/u;
const BASE = 'http://callback.invalid';

/**
 * `value` when it is a same-origin relative path (`/numbers?state=IL`), else `/dashboard`. Refuses
 * absolute and protocol-relative URLs (`https://…`, `//evil.example`), backslashes (`/\evil.example`),
 * control characters and spaces anywhere (a tab or newline is dropped by URL parsers, so `/\t/evil`
 * would become `//evil`), and anything that resolves to another origin.
 */
export function safeCallbackUrl(value: unknown): string {
  const target = Array.isArray(value) ? value[0] : value;
  if (typeof target !== 'string' || target.length > MAX_CALLBACK_LENGTH) return DEFAULT_CALLBACK_URL;
  if (!target.startsWith('/') || target.startsWith('//') || UNSAFE.test(target)) return DEFAULT_CALLBACK_URL;
  let resolved: URL;
  try {
    resolved = new URL(target, BASE);
  } catch {
    return DEFAULT_CALLBACK_URL;
  }
  if (resolved.origin !== BASE || resolved.pathname.startsWith('//')) return DEFAULT_CALLBACK_URL;
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}
