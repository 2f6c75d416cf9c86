CREATE TYPE "public"."provider_call_outcome" AS ENUM('success', 'refused', 'auth_rejected', 'rate_limited', 'timeout', 'server_error', 'unreachable', 'malformed');--> statement-breakpoint
CREATE TABLE "provider_call_health" (
	"connection_id" uuid PRIMARY KEY NOT NULL,
	"last_call_at" timestamp with time zone NOT NULL,
	"last_outcome" "provider_call_outcome" NOT NULL,
	"last_operation" text,
	"last_message" text,
	"last_success_at" timestamp with time zone,
	"last_failure_at" timestamp with time zone,
	"last_failure_outcome" "provider_call_outcome",
	"last_failure_message" text,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "provider_call_health" ADD CONSTRAINT "provider_call_health_connection_id_provider_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."provider_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_connections" ADD COLUMN "disabled_reason" text;--> statement-breakpoint
-- Hand-written: names become unique regardless of case. Connections that already share a name keep
-- the oldest one's name; the others get their id's first 8 characters appended, which is unique.
UPDATE "provider_connections" AS p SET "name" = p."name" || ' (' || left(p."id"::text, 8) || ')'
FROM (SELECT "id", row_number() OVER (PARTITION BY lower("name") ORDER BY "created_at", "id") AS "n" FROM "provider_connections") AS d
WHERE p."id" = d."id" AND d."n" > 1;--> statement-breakpoint
CREATE UNIQUE INDEX "provider_connections_name_key" ON "provider_connections" USING btree (lower("name"));
