import Link from 'next/link';
import type { RateLimit } from '@/lib/env';
import type { ReferenceEvent } from '@/lib/api/openapi-reference';
import { Card } from '@/components/ui/card';
import { CodeBlock } from './code-block';
import { FieldTable } from './field-table';

const ERROR_EXAMPLE = `HTTP/1.1 400 Bad Request
Content-Type: application/json

{
  "error": {
    "code": "invalid:request",
    "message": "The request is not valid; see \`fields\`.",
    "fields": { "count": ["Too big: expected number to be <=100"] }
  }
}`;

const PAGINATION_EXAMPLE = `# First page
curl "$CP_API_URL/numbers?limit=100" -H "Authorization: Bearer $CP_API_KEY"
# → { "data": [ … ], "nextCursor": "eyJ…" }

# Next page: pass nextCursor back until it is null
curl "$CP_API_URL/numbers?limit=100&cursor=eyJ…" -H "Authorization: Bearer $CP_API_KEY"`;

// Standard Webhooks: HMAC-SHA256 over "id.timestamp.body" with the secret's bytes (after whsec_).
const WEBHOOK_VERIFY_EXAMPLE = `import crypto from 'node:crypto';

// secret: the endpoint's signing secret ("whsec_…"); rawBody: the request body as received (a string).
export function verifyWebhook(secret, headers, rawBody) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) throw new Error('Stale webhook');
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = crypto.createHmac('sha256', key).update(\`\${id}.\${timestamp}.\${rawBody}\`).digest('base64');
  // During a secret rotation the header carries several signatures: "v1,abc… v1,def…".
  const valid = headers['webhook-signature'].split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    return version === 'v1' && signature?.length === expected.length &&
      crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
  });
  if (!valid) throw new Error('Invalid signature');
  return JSON.parse(rawBody); // { type, timestamp, data }
}`;

function Section({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section id={id} aria-labelledby={`${id}-heading`} className="scroll-mt-4">
      <h3 id={`${id}-heading`} className="mb-2 text-base font-semibold text-slate-900">
        {title}
      </h3>
      <div className="space-y-3 text-sm text-slate-700">{children}</div>
    </section>
  );
}

const Code = ({ children }: { children: React.ReactNode }) => <code className="break-words rounded bg-slate-100 px-1 py-0.5 text-[0.85em] text-slate-800">{children}</code>;

/** What holds for every endpoint: authentication, errors, paging, idempotency, limits, webhooks. */
export function ApiIntro({ serverUrl, limits, canManageKeys, events }: { serverUrl: string; limits: { key: RateLimit; account: RateLimit }; canManageKeys: boolean; events: ReferenceEvent[] }) {
  return (
    <Card title="Using the API">
      <div className="space-y-6">
        <Section id="authentication" title="Authentication">
          <p>
            Every request carries an API key of the account: <Code>Authorization: Bearer cp_live_…</Code>. A key acts with its own role (admin, technical, finance or viewer) in its
            account and the sub-accounts below it; pass <Code>?accountId=</Code> to act in a sub-account.{' '}
            {canManageKeys ? (
              <>
                Create keys under{' '}
                <Link href="/developers/api-keys" className="font-medium text-indigo-800 underline">
                  API keys
                </Link>
                .
              </>
            ) : (
              'An owner or admin of the account creates keys.'
            )}{' '}
            The base URL is <Code>{serverUrl}</Code>.
          </p>
          <CodeBlock code={`export CP_API_URL="${serverUrl}"\nexport CP_API_KEY="cp_live_…"`} label="Shell setup" language="shell" />
        </Section>

        <Section id="errors" title="Errors">
          <p>
            Errors answer a 4xx or 5xx status and one JSON shape: <Code>error.code</Code> is machine-readable (<Code>kind:subject</Code>, such as <Code>not_found:number</Code> or{' '}
            <Code>forbidden:role</Code>), <Code>error.message</Code> is for the developer reading the log, and <Code>error.fields</Code> names each invalid parameter or field. Unknown
            fields and parameters are refused, not ignored. Another account’s ids answer 404, as unknown ones do.
          </p>
          <CodeBlock code={ERROR_EXAMPLE} label="Error example" language="http" />
        </Section>

        <Section id="pagination" title="Pagination">
          <p>
            Lists answer <Code>{'{ "data": [...], "nextCursor": "…" }'}</Code>. Pass <Code>cursor</Code> = <Code>nextCursor</Code> for the next page; it is <Code>null</Code> on the last
            one. <Code>limit</Code> takes 1–200 (default 50). Times are ISO 8601 in UTC; phone numbers are E.164.
          </p>
          <CodeBlock code={PAGINATION_EXAMPLE} label="Pagination example" language="shell" />
        </Section>

        <Section id="idempotency" title="Idempotency">
          <p>
            Send an <Code>Idempotency-Key</Code> header (any unique string up to 255 characters, such as a UUID) with every POST, PATCH and DELETE. Repeating a request with the same key
            and body answers the first answer for 24 hours (marked <Code>Idempotent-Replayed: true</Code>) and does nothing twice; the same key with a different body answers 422, and
            while the first request is still running, 409.
          </p>
        </Section>

        <Section id="rate-limits" title="Rate limits">
          <p>
            Each key may make {limits.key.perSecond} requests per second (bursts of {limits.key.burst}); all keys of an account together {limits.account.perSecond} per second (bursts
            of {limits.account.burst}). Every answer carries <Code>RateLimit-Limit</Code>, <Code>RateLimit-Remaining</Code> and <Code>RateLimit-Reset</Code>; past the limit the
            answer is 429 with <Code>Retry-After</Code> (seconds).
          </p>
        </Section>

        <Section id="webhooks" title="Webhooks">
          <p>
            Webhooks POST <Code>{'{ "type", "timestamp", "data" }'}</Code> to your endpoint, signed as the Standard Webhooks specification says: headers <Code>webhook-id</Code>,{' '}
            <Code>webhook-timestamp</Code> and <Code>webhook-signature</Code>. Verify the signature over the raw body before trusting it, answer 2xx within 15 seconds, and use{' '}
            <Code>webhook-id</Code> to ignore a delivery you already handled: other answers are retried for 24 hours.
          </p>
          <CodeBlock code={WEBHOOK_VERIFY_EXAMPLE} label="Webhook signature verification in Node.js" language="Node.js" />
          {events.length ? (
            <div className="space-y-3">
              <h4 className="text-sm font-semibold text-slate-800">Events</h4>
              {events.map((event) => (
                <div key={event.type} id={`event-${event.type}`} className="rounded border border-slate-200 p-3">
                  <p>
                    <code className="font-semibold text-slate-900">{event.type}</code> <span className="text-slate-600">— {event.summary}</span>
                  </p>
                  <FieldTable caption={`Payload of ${event.type}`} fields={event.fields} />
                </div>
              ))}
            </div>
          ) : null}
        </Section>
      </div>
    </Card>
  );
}
