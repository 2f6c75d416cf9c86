CREATE TYPE "public"."staff_task_kind" AS ENUM('link_trunk', 'credentials', 'number_not_on_account', 'upstream_setting');--> statement-breakpoint
CREATE TYPE "public"."staff_task_status" AS ENUM('open', 'done');--> statement-breakpoint
CREATE TABLE "staff_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid,
	"kind" "staff_task_kind" NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"connection_id" uuid,
	"dedupe_key" text NOT NULL,
	"title" text NOT NULL,
	"detail" text NOT NULL,
	"status" "staff_task_status" DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" uuid
);
--> statement-breakpoint
ALTER TABLE "staff_tasks" ADD CONSTRAINT "staff_tasks_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_tasks" ADD CONSTRAINT "staff_tasks_connection_id_provider_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."provider_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_tasks" ADD CONSTRAINT "staff_tasks_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "staff_tasks_open_dedupe_key" ON "staff_tasks" USING btree ("dedupe_key") WHERE "status" = 'open';--> statement-breakpoint
CREATE INDEX "staff_tasks_status_created_idx" ON "staff_tasks" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "staff_tasks_subject_idx" ON "staff_tasks" USING btree ("subject_type","subject_id");--> statement-breakpoint
-- The carrier's own words beside the customer's sentence, for staff (upstream refusals, issue 12.2).
ALTER TABLE "trunk_group_upstreams" ADD COLUMN "last_error_detail" text;--> statement-breakpoint
ALTER TABLE "number_order_lines" ADD COLUMN "reason_detail" text;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "e911_upstream_detail" text;
