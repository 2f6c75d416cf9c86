import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { requireUser } from '@/lib/auth/guard';
import { formatDateTime } from '@/lib/format';
import { listOutboxMessages } from '@/lib/services/mail';

export const metadata: Metadata = { title: 'Outbox' };

export default async function OutboxPage() {
  const user = await requireUser();
  if (!user.isOperatorStaff) forbidden();
  const messages = await listOutboxMessages(user);
  return (
    <>
      <PageHeader title="Outbox" description="Mail the portal has written. Without SMTP_URL nothing leaves this machine; this page is the mailbox." />
      {messages.length === 0 ? (
        <EmptyState title="No mail yet">Invitations appear here when admins invite users.</EmptyState>
      ) : (
        <div className="space-y-4">
          {messages.map((message) => (
            <Card key={message.id} title={message.subject} description={`To ${message.toAddress} · ${formatDateTime(message.createdAt)} · ${message.sentAt ? 'sent' : message.sendError ? `not sent: ${message.sendError}` : 'local only'}`}>
              <pre className="whitespace-pre-wrap font-sans text-sm text-slate-800">{message.bodyText}</pre>
            </Card>
          ))}
        </div>
      )}
    </>
  );
}
