import Link from 'next/link';
import { E911NumberTable } from './e911-number-table';
import type { E911BulkRow } from './number-bulk-form';
import { NO_E911_SUMMARY } from './no-e911-copy';

/**
 * Numbers whose carrier cannot register an emergency address: the portal cannot cover them, so the
 * customer is told plainly what 911 does from them and what can be done instead.
 */
export function UncoverableNumbers({ rows, total, pager, canBuy }: { rows: E911BulkRow[]; total: number; pager?: React.ReactNode; canBuy: boolean }) {
  return (
    <section aria-labelledby="e911-uncoverable-title" data-testid="e911-uncoverable" className="space-y-3 rounded-md border border-red-300 bg-red-50 p-4 text-sm text-red-950">
      <h3 id="e911-uncoverable-title" className="text-base font-semibold">
        {total} number{total === 1 ? '' : 's'} we cannot give an emergency address
      </h3>
      <p>{NO_E911_SUMMARY} A dispatcher may have to ask the caller where they are.</p>
      <div>
        <p className="font-medium">What you can do</p>
        <ul className="mt-1 list-disc space-y-1 pl-5">
          <li>
            <span className="font-medium">Replace the number:</span>{' '}
            {canBuy ? (
              <Link href="/numbers/buy" className="underline">
                buy a number that supports E911
              </Link>
            ) : (
              'buy a number that supports E911'
            )}{' '}
            (search marks the ones that do not with “No E911”), register it at your address here, make it the number people call 911 from, then release this one.
          </li>
          <li>
            <span className="font-medium">Keep the number on another carrier:</span> ask us to port it to a carrier that supports E911; the portal cannot do that move for you. Until the port completes, it has no emergency address.
          </li>
          <li>
            <span className="font-medium">Until then:</span> make sure everyone using it can dial 911 from another line with a registered address, such as a mobile phone or one of your registered numbers.
          </li>
        </ul>
      </div>
      <E911NumberTable rows={rows} caption="Numbers whose carrier cannot register an emergency address" />
      {pager}
    </section>
  );
}
