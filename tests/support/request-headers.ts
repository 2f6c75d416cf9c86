import type { IncomingMessage } from 'node:http';
import { stampClientIp, trustedProxyList } from '@/lib/auth/client-ip';

/** Request headers as the portal's server hands them to the app for a caller at `ip`. */
export function headersFromClient(ip: string, extra: Record<string, string> = {}): Headers {
  const request = { socket: { remoteAddress: ip }, headers: { ...extra } } as unknown as IncomingMessage;
  stampClientIp(request, trustedProxyList([]));
  return new Headers(request.headers as Record<string, string>);
}
