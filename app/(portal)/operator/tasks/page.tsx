import type { Metadata } from 'next';
import Link from 'next/link';
import { StaffTaskTable, type StaffTaskRow } from '@/components/staff-tasks/task-table';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { requireStaff } from '@/lib/auth/guard';
import { formatCount, formatDateTime } from '@/lib/format';
import { listStaffTasks, staffTaskKindLabel } from '@/lib/services/staff-tasks';
import { staffTaskListOf } from '@/lib/validations/staff-tasks';
import { resolveStaffTaskAction } from './actions';

export const metadata: Metadata = { title: 'Staff tasks' };
export const dynamic = 'force-dynamic';

export default async function StaffTasksPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireStaff();
  const params = await searchParams;
  const status = staffTaskListOf(params.status);
  const cursor = typeof params.after === 'string' ? params.after : undefined;
  const { tasks, counts, nextCursor } = await listStaffTasks(user, { status, cursor });
  const rows: StaffTaskRow[] = tasks.map(({ task, accountName, connectionName, resolvedByEmail }) => ({
    id: task.id,
    kind: staffTaskKindLabel(task.kind),
    title: task.title,
    detail: task.detail,
    account: accountName ?? 'All accounts',
    connection: connectionName ?? '—',
    subject: `${task.subjectType} ${task.subjectId}`,
    createdAt: formatDateTime(task.createdAt),
    resolved: task.status === 'done' ? `${formatDateTime(task.resolvedAt)} by ${resolvedByEmail ?? (task.resolvedBy ? 'a removed user' : 'itself: the carrier accepted it later')}` : null,
  }));
  const tab = (list: 'open' | 'done', label: string, count: number) => (
    <Link
      href={list === 'open' ? '/operator/tasks' : '/operator/tasks?status=done'}
      aria-current={status === list ? 'page' : undefined}
      className={cn('rounded-md px-3 py-1.5 text-sm font-medium', status === list ? 'bg-slate-900 text-white' : 'text-slate-700 hover:bg-slate-100')}
    >
      {label} ({formatCount(count)})
    </Link>
  );
  return (
    <>
      <PageHeader
        title="Staff tasks"
        description="Carrier refusals only our team can act on: a trunk group to link on a carrier by hand, credentials a carrier rejects, a number a carrier no longer lists on our account. Customers were told a task was opened; mark it done once it is dealt with."
      />
      <nav aria-label="Task lists" className="mb-4 flex gap-2">
        {tab('open', 'Open', counts.open)}
        {tab('done', 'Done', counts.done)}
      </nav>
      <Card title={status === 'open' ? 'Open tasks' : 'Done tasks'} description="Newest first. The detail is the carrier's own words; customers never see it.">
        {rows.length === 0 ? (
          <EmptyState title={status === 'open' ? 'Nothing waiting' : 'Nothing done yet'}>
            {status === 'open' ? 'When a carrier refuses something only our team can fix, a task appears here.' : 'Tasks marked done appear here.'}
          </EmptyState>
        ) : (
          <StaffTaskTable rows={rows} resolveAction={status === 'open' ? resolveStaffTaskAction : undefined} />
        )}
        {nextCursor ? (
          <p className="mt-4">
            <Link className="text-sm font-medium text-indigo-700 underline" href={`/operator/tasks?${new URLSearchParams({ ...(status === 'done' ? { status } : {}), after: nextCursor })}`}>
              Older tasks
            </Link>
          </p>
        ) : null}
      </Card>
    </>
  );
}
