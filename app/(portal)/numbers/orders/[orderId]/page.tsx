import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { OrderProgress } from '@/components/numbers-buy/order-progress';
import { PageHeader } from '@/components/ui/card';
import { requireAccountAccess } from '@/lib/auth/guard';
import { can } from '@/lib/auth/access';
import { orNotFound } from '@/lib/not-found';
import { formatDateTime } from '@/lib/format';
import { getOrderProgress } from '@/lib/services/order-progress';

export const metadata: Metadata = { title: 'Order' };

export default async function OrderPage({ params }: { params: Promise<{ orderId: string }> }) {
  const { orderId } = await params;
  const access = await requireAccountAccess();
  if (!can(access, 'technical.read') && !can(access, 'billing.read')) forbidden();
  const progress = await orNotFound(getOrderProgress(access, orderId));
  return (
    <>
      <PageHeader title={`Order of ${progress.lines.length} number${progress.lines.length === 1 ? '' : 's'}`} description={`Placed ${formatDateTime(new Date(progress.createdAt))}`} />
      <OrderProgress initial={progress} technical={can(access, 'technical.read')} />
    </>
  );
}
