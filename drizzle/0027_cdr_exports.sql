CREATE TYPE "public"."cdr_export_status" AS ENUM('queued', 'running', 'done', 'failed');--> statement-breakpoint
CREATE TABLE "cdr_exports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"requested_by_user_id" uuid,
	"requested_by_api_key_id" uuid,
	"filter" jsonb NOT NULL,
	"status" "cdr_export_status" DEFAULT 'queued' NOT NULL,
	"rows_written" bigint DEFAULT 0 NOT NULL,
	"rows_total" bigint DEFAULT 0 NOT NULL,
	"file_path" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL
);--> statement-breakpoint
ALTER TABLE "cdr_exports" ADD CONSTRAINT "cdr_exports_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cdr_exports" ADD CONSTRAINT "cdr_exports_requested_by_user_id_users_id_fk" FOREIGN KEY ("requested_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cdr_exports" ADD CONSTRAINT "cdr_exports_requested_by_api_key_id_api_keys_id_fk" FOREIGN KEY ("requested_by_api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cdr_exports_account_idx" ON "cdr_exports" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "cdr_exports_expires_idx" ON "cdr_exports" USING btree ("expires_at");
