-- Quality alerts (issue 14.9): one row per episode of a metric out of its normal range for an
-- (account, trunk group, destination). Keys start with account_id (Citus shards by account). An
-- episode is open until the metric is back to normal; at most one open per (account, trunk group,
-- destination, metric), a missing trunk group counting as one value.
CREATE TABLE "quality_alerts" (
	"account_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"metric" text NOT NULL,
	"trunk_group_id" uuid,
	"destination" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"observed" double precision NOT NULL,
	"baseline" double precision NOT NULL,
	"spread" double precision NOT NULL,
	"threshold" double precision NOT NULL,
	"volume" integer NOT NULL,
	"baseline_weeks" smallint NOT NULL,
	"worst_observed" double precision NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"evaluated_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by_user_id" uuid,
	"acknowledged_by" text,
	CONSTRAINT "quality_alerts_pkey" PRIMARY KEY("account_id","id"),
	CONSTRAINT "quality_alerts_metric_check" CHECK ("quality_alerts"."metric" IN ('asr', 'pdd_p50'))
);
--> statement-breakpoint
ALTER TABLE "quality_alerts" ADD CONSTRAINT "quality_alerts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_alerts" ADD CONSTRAINT "quality_alerts_acknowledged_by_user_id_users_id_fk" FOREIGN KEY ("acknowledged_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "quality_alerts_open_key" ON "quality_alerts" USING btree ("account_id",coalesce("trunk_group_id", '00000000-0000-0000-0000-000000000000'::uuid),"destination","metric") WHERE "quality_alerts"."resolved_at" IS NULL;--> statement-breakpoint
CREATE INDEX "quality_alerts_account_opened_idx" ON "quality_alerts" USING btree ("account_id","opened_at","id");
