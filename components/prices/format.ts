/** "1.2500" → "1.25", "0.0075" → "0.0075": exact, from the decimal string (at least 2 places). */
export function trimAmount(amount: string): string {
  const match = /^(-)?(\d+)(?:\.(\d*))?$/.exec(amount.trim());
  if (!match) return amount;
  const fraction = (match[3] ?? '').replace(/0+$/, '').padEnd(2, '0');
  return `${match[1] && /[1-9]/.test(amount) ? '-' : ''}${match[2]}.${fraction}`;
}

/** "1.2500" → "$1.25", "-0.2500" → "−$0.25". */
export function displayMoney(amount: string): string {
  const trimmed = trimAmount(amount);
  return trimmed.startsWith('-') ? `−$${trimmed.slice(1)}` : `$${trimmed}`;
}

export function isNegative(amount: string): boolean {
  return trimAmount(amount).startsWith('-');
}

export function scopeLabel(row: { state: string | null; npa: string | null }): string {
  if (row.npa) return `NPA ${row.npa}`;
  if (row.state) return `State ${row.state}`;
  return 'Default (everywhere)';
}
