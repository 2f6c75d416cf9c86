/** `+13125550100` → `+1 312-555-0100`; anything else is returned as it is. */
export function formatE164(e164: string): string {
  const match = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return match ? `+1 ${match[1]}-${match[2]}-${match[3]}` : e164;
}

export function formatDateTime(date: Date | null | undefined): string {
  return date ? `${date.toISOString().replace('T', ' ').slice(0, 16)} UTC` : '—';
}
