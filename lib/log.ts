import { logSettings } from './env';

/** Structured JSON logs on stderr. Anything that looks like a secret is redacted before it is written. */
type Level = 'debug' | 'info' | 'warn' | 'error';

const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|auth_token|credential|cookie/i;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') {
    return typeof value === 'string' ? redactUrl(value) : value;
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redactUrl(value.message) };
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? '[redacted]' : redact(item, depth + 1);
  }
  return out;
}

/** Query-string credentials (VoiceMeUp, VITCOM) must not reach the logs either. */
function redactUrl(text: string): string {
  return text.replace(/([?&])([^=&\s]+)=([^&\s]*)/g, (match, sep: string, key: string) =>
    SECRET_KEY.test(key) || /accountno|client_account_id/i.test(key) ? `${sep}${key}=[redacted]` : match,
  );
}

function write(level: Level, event: string, fields: Record<string, unknown>) {
  const settings = logSettings();
  if (level === 'debug' && !settings.debug) return;
  if (settings.silent && level !== 'error') return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...(redact(fields) as object) });
  process.stderr.write(line + '\n');
}

export const log = {
  debug: (event: string, fields: Record<string, unknown> = {}) => write('debug', event, fields),
  info: (event: string, fields: Record<string, unknown> = {}) => write('info', event, fields),
  warn: (event: string, fields: Record<string, unknown> = {}) => write('warn', event, fields),
  error: (event: string, fields: Record<string, unknown> = {}) => write('error', event, fields),
};
