-- Hand-written: the CDR store is range-partitioned by month of the INVITE, which drizzle-kit cannot
-- express. Every key starts with account_id so a distributed PostgreSQL (Citus) can shard by it; a
-- unique key on a partitioned table must hold the partition key, so a call is one row per
-- (account, source, source id, invite time): a source never re-times a call it already sent.
CREATE TYPE "public"."cdr_direction" AS ENUM('inbound', 'outbound');--> statement-breakpoint
CREATE TYPE "public"."cdr_rollup_grain" AS ENUM('5m', '1h', '1d');--> statement-breakpoint
CREATE SEQUENCE "cdrs_id_seq" AS bigint;--> statement-breakpoint
CREATE TABLE "cdrs" (
	"account_id" uuid NOT NULL,
	"invite_at" timestamp (3) with time zone NOT NULL,
	"id" bigint DEFAULT nextval('cdrs_id_seq') NOT NULL,
	"source" text NOT NULL,
	"source_id" text NOT NULL,
	"direction" "cdr_direction" NOT NULL,
	"from_e164" text NOT NULL,
	"to_e164" text NOT NULL,
	"destination_country" text NOT NULL,
	"destination_prefix" text NOT NULL,
	"trunk_group_id" uuid,
	"connection_id" uuid,
	"ringing_at" timestamp (3) with time zone,
	"answer_at" timestamp (3) with time zone,
	"end_at" timestamp (3) with time zone,
	"sip_code" smallint NOT NULL,
	"q850_cause" smallint,
	"billsec" integer DEFAULT 0 NOT NULL,
	"mos" numeric(3, 2),
	"upstream_cost" numeric(14, 6),
	"ingested_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cdrs_pkey" PRIMARY KEY ("account_id", "invite_at", "id"),
	CONSTRAINT "cdrs_source_key" UNIQUE ("account_id", "source", "source_id", "invite_at")
) PARTITION BY RANGE ("invite_at");--> statement-breakpoint
CREATE INDEX "cdrs_to_idx" ON "cdrs" USING btree ("account_id", "to_e164", "invite_at");--> statement-breakpoint
CREATE INDEX "cdrs_from_idx" ON "cdrs" USING btree ("account_id", "from_e164", "invite_at");--> statement-breakpoint
-- The month partition holding `at`, created when missing (ingest calls it for each month it writes;
-- the retention job creates the next months ahead and drops those past retention).
CREATE FUNCTION "cdr_ensure_partition"("at" timestamptz) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	month_start timestamptz := date_trunc('month', "at" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
	name text := 'cdrs_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM');
BEGIN
	IF to_regclass(name) IS NULL THEN
		BEGIN
			EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF "cdrs" FOR VALUES FROM (%L) TO (%L)', name, month_start, month_start + interval '1 month');
		EXCEPTION WHEN duplicate_table OR unique_violation THEN
			NULL; -- another session created it first
		END;
	END IF;
	RETURN name;
END $$;--> statement-breakpoint
-- Rollups per (account, grain, bucket, trunk group, upstream, destination country, direction), kept
-- at ingest for 5 minutes, hours and days (UTC). PDD is a fixed log-bucket histogram, one column per
-- bucket (upper bounds in lib/quality/metrics.ts), so sums over many rows stay plain sums.
CREATE TABLE "cdr_rollups" (
	"account_id" uuid NOT NULL,
	"grain" "cdr_rollup_grain" NOT NULL,
	"bucket_start" timestamp with time zone NOT NULL,
	"trunk_group_id" uuid,
	"connection_id" uuid,
	"destination" text NOT NULL,
	"direction" "cdr_direction" NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"answered" integer DEFAULT 0 NOT NULL,
	"ner_ok" integer DEFAULT 0 NOT NULL,
	"billsec" bigint DEFAULT 0 NOT NULL,
	"short_calls" integer DEFAULT 0 NOT NULL,
	"pdd_known" integer DEFAULT 0 NOT NULL,
	"pdd_b0" integer DEFAULT 0 NOT NULL,
	"pdd_b1" integer DEFAULT 0 NOT NULL,
	"pdd_b2" integer DEFAULT 0 NOT NULL,
	"pdd_b3" integer DEFAULT 0 NOT NULL,
	"pdd_b4" integer DEFAULT 0 NOT NULL,
	"pdd_b5" integer DEFAULT 0 NOT NULL,
	"pdd_b6" integer DEFAULT 0 NOT NULL,
	"pdd_b7" integer DEFAULT 0 NOT NULL,
	"pdd_b8" integer DEFAULT 0 NOT NULL,
	"pdd_b9" integer DEFAULT 0 NOT NULL,
	"pdd_b10" integer DEFAULT 0 NOT NULL,
	"pdd_b11" integer DEFAULT 0 NOT NULL,
	"pdd_b12" integer DEFAULT 0 NOT NULL,
	"pdd_b13" integer DEFAULT 0 NOT NULL,
	"pdd_b14" integer DEFAULT 0 NOT NULL,
	"pdd_b15" integer DEFAULT 0 NOT NULL,
	"mos_sum" double precision DEFAULT 0 NOT NULL,
	"mos_count" integer DEFAULT 0 NOT NULL,
	"upstream_cost" numeric(16, 6) DEFAULT '0' NOT NULL,
	CONSTRAINT "cdr_rollups_key" UNIQUE NULLS NOT DISTINCT ("account_id", "grain", "bucket_start", "trunk_group_id", "connection_id", "destination", "direction")
);--> statement-breakpoint
-- Where each upstream connection's CDR pull stands: resumable from `cursor` within [window_start, window_end).
CREATE TABLE "cdr_pull_cursors" (
	"connection_id" uuid PRIMARY KEY NOT NULL,
	"pulled_until" timestamp with time zone NOT NULL,
	"cursor" text,
	"window_end" timestamp with time zone,
	"last_run_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"imported" bigint DEFAULT 0 NOT NULL,
	"duplicates" bigint DEFAULT 0 NOT NULL,
	"unattributed" bigint DEFAULT 0 NOT NULL,
	"rejected" bigint DEFAULT 0 NOT NULL,
	"last_rejection" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
ALTER TABLE "cdr_pull_cursors" ADD CONSTRAINT "cdr_pull_cursors_connection_id_provider_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."provider_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
SELECT "cdr_ensure_partition"(now() - interval '3 months');--> statement-breakpoint
SELECT "cdr_ensure_partition"(now() - interval '2 months');--> statement-breakpoint
SELECT "cdr_ensure_partition"(now() - interval '1 month');--> statement-breakpoint
SELECT "cdr_ensure_partition"(now());--> statement-breakpoint
SELECT "cdr_ensure_partition"(now() + interval '1 month');
