/** The caller's address as the reverse proxy reports it, for throttling and the audit log. */
export function clientIp(headers: Headers): string | undefined {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return forwarded || headers.get('x-real-ip') || undefined;
}
