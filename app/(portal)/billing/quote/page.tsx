import type { Metadata } from 'next';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { requireAccountAccess } from '@/lib/auth/guard';
import { CDR_FILE_MAX_BYTES } from '@/lib/billing/cdr-file';
import { getQuoteDeck } from '@/lib/services/quote';
import { QuoteUpload } from './quote-upload';

export const metadata: Metadata = { title: 'Quote a CDR file' };
export const dynamic = 'force-dynamic';

/** Upload a switch's CDR export and see what those calls cost on the account's deck (POST /api/v1/quote does the pricing). */
export default async function QuotePage() {
  const access = await requireAccountAccess('billing.read');
  const deck = await getQuoteDeck(access);
  return (
    <>
      <PageHeader
        title="Quote a CDR file"
        description={`What the calls in your switch’s CDR export would cost ${access.account.name}, per destination, on ${deck ? `the ${deck.name} rate deck (version ${deck.version}, ${deck.currency})` : 'its rate deck'}. The file is read, never kept.`}
      />
      {deck ? (
        <QuoteUpload accountId={access.account.id} currency={deck.currency} maxBytes={CDR_FILE_MAX_BYTES} />
      ) : (
        <Card>
          <EmptyState title="No rate deck yet">No rate deck prices this account’s calls yet. Ask the carrier to assign one; quotes work from then on.</EmptyState>
        </Card>
      )}
    </>
  );
}
