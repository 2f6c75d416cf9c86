/**
 * The port-in readiness check: every rule in lib/ports/readiness-rules.ts run over what the draft
 * knows, in wizard order, with a score and whether the order may be submitted. Pure.
 */
import {
  billAddressMatchRule,
  billNameMatchRule,
  billPresentRule,
  btnForPartialPortRule,
  btnInFullPortRule,
  btnStaysInPartialPortRule,
  focDateRule,
  loaSignedRule,
  numbersCountRule,
  numbersNotInOtherPortRule,
  numbersNotOwnedRule,
  numbersOneKindRule,
  numbersPortableRule,
  pinForWirelessRule,
  rateCenterPortableRule,
  remainingNumbersListedRule,
  serviceAddressRule,
  singleLosingCarrierRule,
  subscriberDetailsRule,
  upstreamSelectedRule,
  READINESS_RULE_IDS,
  type ReadinessFinding,
  type ReadinessInput,
  type ReadinessRule,
  type ReadinessRuleId,
} from '@/lib/ports/readiness-rules';

export type { ReadinessFinding, ReadinessInput, ReadinessNumber, ReadinessRuleId, ReadinessServiceAddress, ReadinessSubscriber } from '@/lib/ports/readiness-rules';
export { READINESS_RULE_IDS } from '@/lib/ports/readiness-rules';

export interface ReadinessReport {
  /** 0..100: the weighted share of rules that pass. */
  score: number;
  /** No blocker fails: the order may be submitted. */
  ready: boolean;
  findings: ReadinessFinding[];
}

/** Each rule by its id; findings come in the order of READINESS_RULE_IDS (the wizard's). */
export const READINESS_RULES: Readonly<Record<ReadinessRuleId, ReadinessRule>> = {
  numbers_count: numbersCountRule,
  numbers_not_owned: numbersNotOwnedRule,
  numbers_not_in_other_port: numbersNotInOtherPortRule,
  numbers_one_kind: numbersOneKindRule,
  numbers_portable: numbersPortableRule,
  upstream_selected: upstreamSelectedRule,
  rate_center_portable: rateCenterPortableRule,
  single_losing_carrier: singleLosingCarrierRule,
  subscriber_details: subscriberDetailsRule,
  pin_for_wireless: pinForWirelessRule,
  btn_for_partial_port: btnForPartialPortRule,
  btn_stays_in_partial_port: btnStaysInPartialPortRule,
  btn_in_full_port: btnInFullPortRule,
  remaining_numbers_listed: remainingNumbersListedRule,
  service_address: serviceAddressRule,
  bill_name_match: billNameMatchRule,
  bill_address_match: billAddressMatchRule,
  loa_signed: loaSignedRule,
  bill_present: billPresentRule,
  foc_date: focDateRule,
};

/** A blocker is what gets a port rejected outright; a warning is what sometimes does. */
export const READINESS_WEIGHTS: Readonly<Record<ReadinessFinding['severity'], number>> = { blocker: 3, warning: 1 };

/** The score: passed weight over total weight, rounded down so that only a report with nothing failed shows 100. */
export function readinessScore(findings: readonly Pick<ReadinessFinding, 'ok' | 'severity'>[]): number {
  const total = findings.reduce((sum, finding) => sum + READINESS_WEIGHTS[finding.severity], 0);
  if (total === 0) return 100;
  const passed = findings.reduce((sum, finding) => sum + (finding.ok ? READINESS_WEIGHTS[finding.severity] : 0), 0);
  return Math.floor((100 * passed) / total);
}

export function checkReadiness(input: ReadinessInput): ReadinessReport {
  const findings = READINESS_RULE_IDS.map((rule) => READINESS_RULES[rule](input));
  return {
    score: readinessScore(findings),
    ready: findings.every((finding) => finding.ok || finding.severity !== 'blocker'),
    findings,
  };
}
