/** The JSON of `GET /api/v1/dashboard/numbers-and-spend`, which the dashboard's chart loads after the page. */
export interface MonthOfNumbersAndSpend {
  /** `YYYY-MM`, UTC. */
  month: string;
  /** Numbers live at the month's end; for the current month, now. */
  numbers: number;
  /** What the ledger charged in the month, an exact decimal string; only for roles that read billing. */
  spend?: string;
}

export interface NumbersAndSpendView {
  months: MonthOfNumbersAndSpend[];
  /** The months' spend added up exactly; only for roles that read billing. */
  totalSpend?: string;
}
