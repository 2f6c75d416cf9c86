-- Port-ins (issue 16): orders, their numbers, documents and timeline. A number is held by at most one
-- live port (the partial unique index on in_flight); ported numbers name the port that won them.
CREATE TYPE "public"."port_actor_kind" AS ENUM('customer', 'staff', 'upstream', 'system');--> statement-breakpoint
CREATE TYPE "public"."port_document_kind" AS ENUM('loa', 'bill', 'signed_loa');--> statement-breakpoint
CREATE TYPE "public"."port_event_kind" AS ENUM('created', 'status', 'comment', 'document', 'foc', 'exception', 'upstream', 'numbers');--> statement-breakpoint
CREATE TYPE "public"."port_event_visibility" AS ENUM('public', 'internal');--> statement-breakpoint
CREATE TYPE "public"."port_exception_code" AS ENUM('account_number_mismatch', 'authorized_person_mismatch', 'btn_mismatch', 'pin_invalid', 'postal_code_mismatch', 'address_mismatch', 'subscriber_name_mismatch', 'rate_center_not_portable', 'foc_rejected', 'loa_invalid', 'number_not_portable', 'other');--> statement-breakpoint
CREATE TYPE "public"."port_number_kind" AS ENUM('local', 'toll_free');--> statement-breakpoint
CREATE TYPE "public"."port_number_status" AS ENUM('draft', 'submitted', 'pending', 'foc_scheduled', 'exception', 'completed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."port_status" AS ENUM('draft', 'submitted', 'pending', 'foc_scheduled', 'exception', 'partially_completed', 'completed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."port_subscriber_type" AS ENUM('business', 'residential');--> statement-breakpoint
CREATE TYPE "public"."port_wizard_step" AS ENUM('numbers', 'portability', 'subscriber', 'documents', 'foc', 'review');--> statement-breakpoint
CREATE TABLE "port_in_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"port_in_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"kind" "port_document_kind" NOT NULL,
	"storage_key" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"filename" text NOT NULL,
	"extracted_text" text,
	"signed_name" text,
	"signed_at" timestamp with time zone,
	"signer_ip" text,
	"signer_user_agent" text,
	"unsigned_sha256" text,
	"uploaded_by_user_id" uuid,
	"superseded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "port_in_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"port_in_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"kind" "port_event_kind" NOT NULL,
	"from_status" "port_status",
	"to_status" "port_status",
	"visibility" "port_event_visibility" DEFAULT 'public' NOT NULL,
	"actor_kind" "port_actor_kind" NOT NULL,
	"actor_user_id" uuid,
	"actor_api_key_id" uuid,
	"body" text,
	"detail" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "port_in_numbers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"port_in_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"e164" text NOT NULL,
	"kind" "port_number_kind" NOT NULL,
	"status" "port_number_status" DEFAULT 'draft' NOT NULL,
	"in_flight" boolean DEFAULT false NOT NULL,
	"portable" boolean,
	"portability_reason" text,
	"losing_carrier" text,
	"rate_center" text,
	"rate_center_portable" boolean,
	"portability" jsonb,
	"checked_at" timestamp with time zone,
	"exception_code" "port_exception_code",
	"exception_message" text,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "port_in_numbers_port_e164_key" UNIQUE("port_in_id","e164")
);
--> statement-breakpoint
CREATE TABLE "port_ins" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"reference" text NOT NULL,
	"label" text,
	"status" "port_status" DEFAULT 'draft' NOT NULL,
	"step" "port_wizard_step" DEFAULT 'numbers' NOT NULL,
	"connection_id" uuid,
	"losing_carrier" text,
	"subscriber_type" "port_subscriber_type",
	"subscriber_name" text,
	"authorized_person" text,
	"account_number" text,
	"pin_sealed" text,
	"wireless" boolean DEFAULT false NOT NULL,
	"billing_telephone_number" text,
	"service_address" jsonb,
	"partial_port" boolean DEFAULT false NOT NULL,
	"remaining_numbers" text[] DEFAULT '{}'::text[] NOT NULL,
	"requested_foc_date" date,
	"foc_date" date,
	"trunk_group_id" uuid,
	"upstream_ref" text,
	"upstream_status" text,
	"upstream_status_unknown" boolean DEFAULT false NOT NULL,
	"upstream_loa_url" text,
	"exception_code" "port_exception_code",
	"exception_message" text,
	"readiness_score" integer,
	"last_polled_at" timestamp with time zone,
	"next_poll_at" timestamp with time zone,
	"created_by_user_id" uuid,
	"created_by_api_key_id" uuid,
	"submitted_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "port_ins_reference_key" UNIQUE("reference"),
	CONSTRAINT "port_ins_reference_check" CHECK ("port_ins"."reference" ~ '^PRT-[0-9A-Z]{6}$')
);
--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "port_in_id" uuid;--> statement-breakpoint
ALTER TABLE "port_in_documents" ADD CONSTRAINT "port_in_documents_port_in_id_port_ins_id_fk" FOREIGN KEY ("port_in_id") REFERENCES "public"."port_ins"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_in_documents" ADD CONSTRAINT "port_in_documents_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_in_documents" ADD CONSTRAINT "port_in_documents_uploaded_by_user_id_users_id_fk" FOREIGN KEY ("uploaded_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_in_events" ADD CONSTRAINT "port_in_events_port_in_id_port_ins_id_fk" FOREIGN KEY ("port_in_id") REFERENCES "public"."port_ins"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_in_events" ADD CONSTRAINT "port_in_events_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_in_events" ADD CONSTRAINT "port_in_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_in_events" ADD CONSTRAINT "port_in_events_actor_api_key_id_api_keys_id_fk" FOREIGN KEY ("actor_api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_in_numbers" ADD CONSTRAINT "port_in_numbers_port_in_id_port_ins_id_fk" FOREIGN KEY ("port_in_id") REFERENCES "public"."port_ins"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_in_numbers" ADD CONSTRAINT "port_in_numbers_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_ins" ADD CONSTRAINT "port_ins_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_ins" ADD CONSTRAINT "port_ins_connection_id_provider_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."provider_connections"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_ins" ADD CONSTRAINT "port_ins_trunk_group_id_trunk_groups_id_fk" FOREIGN KEY ("trunk_group_id") REFERENCES "public"."trunk_groups"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_ins" ADD CONSTRAINT "port_ins_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "port_ins" ADD CONSTRAINT "port_ins_created_by_api_key_id_api_keys_id_fk" FOREIGN KEY ("created_by_api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "port_in_documents_port_idx" ON "port_in_documents" USING btree ("port_in_id","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "port_in_documents_current_key" ON "port_in_documents" USING btree ("port_in_id","kind") WHERE "port_in_documents"."superseded_at" is null;--> statement-breakpoint
CREATE INDEX "port_in_events_port_idx" ON "port_in_events" USING btree ("port_in_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "port_in_numbers_in_flight_key" ON "port_in_numbers" USING btree ("e164") WHERE "port_in_numbers"."in_flight";--> statement-breakpoint
CREATE INDEX "port_in_numbers_account_e164_idx" ON "port_in_numbers" USING btree ("account_id","e164");--> statement-breakpoint
CREATE INDEX "port_ins_account_idx" ON "port_ins" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "port_ins_status_idx" ON "port_ins" USING btree ("status","requested_foc_date");--> statement-breakpoint
CREATE INDEX "port_ins_poll_idx" ON "port_ins" USING btree ("next_poll_at") WHERE "port_ins"."upstream_ref" is not null and "port_ins"."status" in ('submitted', 'pending', 'foc_scheduled', 'partially_completed');--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD CONSTRAINT "phone_numbers_port_in_id_port_ins_id_fk" FOREIGN KEY ("port_in_id") REFERENCES "public"."port_ins"("id") ON DELETE set null ON UPDATE no action;