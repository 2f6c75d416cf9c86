/**
 * Reading a port rejection's text as a typed exception. Losing carriers word rejections in the
 * industry's terms (CSR, BTN, PIN, FOC, LOA) and upstreams pass their text on; the words below are
 * what each adapter's assumptions.ts starts from, in order: the first pattern the text matches wins.
 */
import type { PortExceptionCode } from '../ports/types';
import type { PortException } from './types';

export type PortRejectionPatterns = readonly (readonly [RegExp, PortExceptionCode])[];

/**
 * Order matters: "rate center not portable" before "not portable", "authorised person on the LOA"
 * before "LOA", "PIN" and "BTN" before "account", "zip code of the service address" before "address".
 */
export const CARRIER_REJECTION_PATTERNS: PortRejectionPatterns = [
  [/rate\s*cent(?:er|re)|\brc\b.*not\s+(?:served|portable)|no\s+coverage/i, 'rate_center_not_portable'],
  [/authori[sz](?:ed|ing)\s+(?:person|signer|user|party|name|contact)|unauthori[sz]ed|not\s+(?:an?\s+)?authori[sz]ed|auth(?:orized)?\s*person/i, 'authorized_person_mismatch'],
  [/\bpin\b|pass\s*code|security\s+code/i, 'pin_invalid'],
  [/\bbtn\b|billing\s+(?:tele)?phone\s+number|billing\s+number/i, 'btn_mismatch'],
  [/account\s*(?:number|no\b|#)|\bacct\b/i, 'account_number_mismatch'],
  [/\bzip\b|postal\s*code|post\s*code/i, 'postal_code_mismatch'],
  [/address|street|service\s+location/i, 'address_mismatch'],
  [/\bname\b|end[\s-]user|subscriber/i, 'subscriber_name_mismatch'],
  [/\bfoc\b|due\s+date|firm\s+order|port\s+date|requested\s+date/i, 'foc_rejected'],
  [/\bloa\b|letter\s+of\s+(?:agency|authori[sz]ation)|signature/i, 'loa_invalid'],
  [/not\s+portable|non-?portable|cannot\s+be\s+ported|not\s+eligible/i, 'number_not_portable'],
];

/** The first pattern the text matches names the code; any other text is `other`, kept as the message. */
export function portExceptionFrom(text: string, patterns: PortRejectionPatterns): PortException {
  const message = text.trim();
  for (const [pattern, code] of patterns) if (pattern.test(message)) return { code, message };
  return { code: 'other', message };
}
