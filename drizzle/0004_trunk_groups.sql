CREATE TYPE "public"."trunk_auth_mode" AS ENUM('ip', 'digest', 'both');--> statement-breakpoint
CREATE TYPE "public"."trunk_direction" AS ENUM('inbound', 'outbound', 'both');--> statement-breakpoint
CREATE TYPE "public"."trunk_group_status" AS ENUM('active', 'disabled');--> statement-breakpoint
CREATE TYPE "public"."trunk_sync_status" AS ENUM('not_needed', 'pending', 'applied', 'partially_applied', 'failed');--> statement-breakpoint
CREATE TYPE "public"."trunk_upstream_status" AS ENUM('pending', 'applied', 'failed', 'disabled');--> statement-breakpoint
CREATE TABLE "trunk_group_upstreams" (
	"trunk_group_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"trunk_ref" text,
	"status" "trunk_upstream_status" DEFAULT 'pending' NOT NULL,
	"applied_version" integer,
	"last_error" text,
	"limitations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"applied_state" jsonb,
	"drift" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"last_applied_at" timestamp with time zone,
	"last_checked_at" timestamp with time zone,
	CONSTRAINT "trunk_group_upstreams_trunk_group_id_connection_id_pk" PRIMARY KEY("trunk_group_id","connection_id")
);
--> statement-breakpoint
CREATE TABLE "trunk_groups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"name" text NOT NULL,
	"direction" "trunk_direction" NOT NULL,
	"auth" "trunk_auth_mode" NOT NULL,
	"allowed_ips" jsonb NOT NULL,
	"digest_username" text,
	"digest_password_ciphertext" text,
	"destinations" jsonb NOT NULL,
	"max_channels" integer,
	"max_cps" integer,
	"codecs" jsonb NOT NULL,
	"tech_prefix" text,
	"caller_id_policy" text DEFAULT 'pass_through' NOT NULL,
	"caller_id_number" text,
	"status" "trunk_group_status" DEFAULT 'active' NOT NULL,
	"sync_status" "trunk_sync_status" DEFAULT 'not_needed' NOT NULL,
	"sync_detail" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "trunk_group_upstreams" ADD CONSTRAINT "trunk_group_upstreams_trunk_group_id_trunk_groups_id_fk" FOREIGN KEY ("trunk_group_id") REFERENCES "public"."trunk_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trunk_group_upstreams" ADD CONSTRAINT "trunk_group_upstreams_connection_id_provider_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."provider_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trunk_groups" ADD CONSTRAINT "trunk_groups_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "trunk_groups_account_name_key" ON "trunk_groups" USING btree ("account_id","name");--> statement-breakpoint
CREATE INDEX "trunk_groups_account_idx" ON "trunk_groups" USING btree ("account_id");