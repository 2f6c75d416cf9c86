import type { Metadata } from 'next';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { requireStaff } from '@/lib/auth/guard';
import { formatDateTime } from '@/lib/format';
import { FAILED_KEPT_DAYS, RECENT_HOURS, getJobsOverview } from '@/lib/services/jobs';
import { FailuresTable, QueuesTable } from './jobs-tables';

export const metadata: Metadata = { title: 'Jobs' };

const when = (date: Date | null) => (date ? formatDateTime(date, { seconds: true }) : `not in the last ${RECENT_HOURS} h`);

export default async function JobsPage() {
  const user = await requireStaff();
  const overview = await getJobsOverview(user);
  return (
    <>
      <PageHeader
        title="Background jobs"
        description="The sweeps that keep the portal in step with its upstreams, and the queues of work services hand over (re-ratings, e-mails, webhook attempts, exports), on pg-boss. A failing job is retried with growing delays (as often as its queue’s Retries say); after that it is failed here and a copy goes to its dead-letter queue."
      />
      <div className="space-y-6">
        {overview.workersRunning ? null : (
          <p role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
            This app instance runs no jobs (JOBS=0, or they failed to start: see the server log). Jobs queued here wait for an instance that does.
          </p>
        )}
        <Card title="Queues" description="A scheduled sweep runs at most once at a time, across every app instance; an on-demand queue holds one job per piece of work.">
          <QueuesTable
            rows={overview.queues.map((queue) => ({
              name: queue.name,
              schedule: queue.runAtStart ? `${queue.schedule}, and at start` : queue.schedule,
              retries: queue.retryLimit,
              queued: queue.queued,
              active: queue.active,
              failed: queue.failed,
              deadLettered: queue.deadLettered,
              completedRecently: queue.completedRecently,
              lastCompleted: when(queue.lastCompletedAt),
            }))}
          />
        </Card>
        <Card title="Recent failures" description={`Jobs that used up their retries, newest first. Retry runs one again once the cause is fixed; a failed job stays here for ${FAILED_KEPT_DAYS} days.`}>
          {overview.failures.length === 0 ? (
            <EmptyState title="No failed jobs">Every job finished or is still being retried.</EmptyState>
          ) : (
            <FailuresTable
              rows={overview.failures.map((failure) => ({
                id: failure.id,
                queue: failure.queue,
                failedAt: when(failure.failedAt),
                attempts: `${failure.attempts}`,
                error: failure.error,
              }))}
            />
          )}
        </Card>
      </div>
    </>
  );
}
