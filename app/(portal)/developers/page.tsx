import type { Metadata } from 'next';
import { ApiIntro } from '@/components/developers/api-intro';
import { ReferenceNav, ReferenceTags } from '@/components/developers/api-reference';
import { PageHeader } from '@/components/ui/card';
import { publishedOpenApi } from '@/lib/api/openapi';
import { referenceOf, webhookEventsOf } from '@/lib/api/openapi-reference';
import { requireAccountAccess } from '@/lib/auth/guard';
import { getEnv } from '@/lib/env';

export const metadata: Metadata = { title: 'API reference' };

/** The API reference, rendered from the same OpenAPI document /api/v1/openapi.json serves. */
export default async function DevelopersPage() {
  const access = await requireAccountAccess('account.read');
  const env = getEnv();
  const { document } = publishedOpenApi(env.appUrl);
  const tags = referenceOf(document);
  const serverUrl = document.servers?.[0]?.url ?? `${env.appUrl}/api/v1`;

  return (
    <>
      <PageHeader
        title="API reference"
        description="Everything you do in the portal, a program can do too: JSON over HTTPS with an API key."
        actions={
          <a href="/api/v1/openapi.json" className="text-sm font-medium text-indigo-800 underline">
            OpenAPI 3.1 document (JSON)
          </a>
        }
      />
      <div className="md:grid md:grid-cols-[11rem_minmax(0,1fr)] md:gap-8">
        <ReferenceNav tags={tags} />
        <div className="min-w-0 space-y-10">
          <ApiIntro serverUrl={serverUrl} limits={env.apiRateLimits} canManageKeys={access.permissions.has('users.manage')} events={webhookEventsOf(document)} />
          <ReferenceTags tags={tags} />
        </div>
      </div>
    </>
  );
}
