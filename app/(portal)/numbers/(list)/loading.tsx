import { NumbersTableSkeleton } from '@/components/numbers/table-skeleton';

export default function NumbersLoading() {
  return <NumbersTableSkeleton />;
}
