CREATE TYPE "public"."ledger_entry_kind" AS ENUM('payment', 'charge', 'credit');--> statement-breakpoint
CREATE TYPE "public"."number_kind" AS ENUM('local', 'tollfree');--> statement-breakpoint
CREATE TYPE "public"."order_line_status" AS ENUM('pending', 'submitted', 'active', 'failed');--> statement-breakpoint
CREATE TYPE "public"."order_status" AS ENUM('pending', 'in_progress', 'completed', 'partial', 'failed');--> statement-breakpoint
CREATE TYPE "public"."phone_number_status" AS ENUM('active', 'released', 'missing_upstream');--> statement-breakpoint
CREATE TABLE "account_ledger" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"billing_account_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"kind" "ledger_entry_kind" NOT NULL,
	"amount" numeric(12, 4) NOT NULL,
	"description" text NOT NULL,
	"order_line_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cart_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cart_id" uuid NOT NULL,
	"e164" text NOT NULL,
	"kind" "number_kind" NOT NULL,
	"state" text,
	"rate_center" text,
	"connection_id" uuid NOT NULL,
	"provider_ref" text,
	"hold_ref" text,
	"hold_expires_at" timestamp with time zone,
	"monthly" numeric(10, 4) NOT NULL,
	"setup" numeric(10, 4) NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "carts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "number_order_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"e164" text NOT NULL,
	"kind" "number_kind" NOT NULL,
	"state" text,
	"rate_center" text,
	"connection_id" uuid NOT NULL,
	"provider_ref" text,
	"hold_ref" text,
	"status" "order_line_status" DEFAULT 'pending' NOT NULL,
	"reason" text,
	"upstream_order_id" text,
	"monthly" numeric(10, 4) NOT NULL,
	"setup" numeric(10, 4) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "number_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"user_id" uuid,
	"idempotency_key" text NOT NULL,
	"status" "order_status" DEFAULT 'pending' NOT NULL,
	"trunk_group_ref" text,
	"e911_address_ref" text,
	"total_monthly" numeric(12, 4) NOT NULL,
	"total_setup" numeric(12, 4) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "number_prices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "number_kind" NOT NULL,
	"state" text,
	"npa" text,
	"monthly" numeric(10, 4) NOT NULL,
	"setup" numeric(10, 4) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "number_searches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"query_key" text NOT NULL,
	"query" jsonb NOT NULL,
	"results" jsonb NOT NULL,
	"providers" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "phone_numbers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"e164" text NOT NULL,
	"kind" "number_kind" NOT NULL,
	"state" text,
	"npa" text NOT NULL,
	"rate_center" text,
	"connection_id" uuid NOT NULL,
	"status" "phone_number_status" DEFAULT 'active' NOT NULL,
	"trunk_group_ref" text,
	"e911_status" text DEFAULT 'none' NOT NULL,
	"monthly" numeric(10, 4) NOT NULL,
	"order_line_id" uuid,
	"activated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"released_at" timestamp with time zone,
	"billed_until" timestamp with time zone,
	"last_seen_upstream_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "provider_number_costs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"kind" "number_kind" NOT NULL,
	"monthly" numeric(10, 4) NOT NULL,
	"setup" numeric(10, 4) NOT NULL
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "credit_limit" numeric(12, 2) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "account_ledger" ADD CONSTRAINT "account_ledger_billing_account_id_accounts_id_fk" FOREIGN KEY ("billing_account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_ledger" ADD CONSTRAINT "account_ledger_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_ledger" ADD CONSTRAINT "account_ledger_order_line_id_number_order_lines_id_fk" FOREIGN KEY ("order_line_id") REFERENCES "public"."number_order_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cart_items" ADD CONSTRAINT "cart_items_cart_id_carts_id_fk" FOREIGN KEY ("cart_id") REFERENCES "public"."carts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cart_items" ADD CONSTRAINT "cart_items_connection_id_provider_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."provider_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "carts" ADD CONSTRAINT "carts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "carts" ADD CONSTRAINT "carts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "number_order_lines" ADD CONSTRAINT "number_order_lines_order_id_number_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."number_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "number_order_lines" ADD CONSTRAINT "number_order_lines_connection_id_provider_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."provider_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "number_orders" ADD CONSTRAINT "number_orders_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "number_orders" ADD CONSTRAINT "number_orders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "number_searches" ADD CONSTRAINT "number_searches_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD CONSTRAINT "phone_numbers_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD CONSTRAINT "phone_numbers_connection_id_provider_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."provider_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD CONSTRAINT "phone_numbers_order_line_id_number_order_lines_id_fk" FOREIGN KEY ("order_line_id") REFERENCES "public"."number_order_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_number_costs" ADD CONSTRAINT "provider_number_costs_connection_id_provider_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."provider_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "account_ledger_order_line_key" ON "account_ledger" USING btree ("order_line_id");--> statement-breakpoint
CREATE INDEX "account_ledger_billing_idx" ON "account_ledger" USING btree ("billing_account_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "cart_items_cart_number_key" ON "cart_items" USING btree ("cart_id","e164");--> statement-breakpoint
CREATE INDEX "cart_items_hold_expiry_idx" ON "cart_items" USING btree ("hold_expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "carts_account_user_key" ON "carts" USING btree ("account_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "number_order_lines_order_number_key" ON "number_order_lines" USING btree ("order_id","e164");--> statement-breakpoint
CREATE INDEX "number_order_lines_status_idx" ON "number_order_lines" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "number_orders_idempotency_key" ON "number_orders" USING btree ("account_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "number_orders_status_idx" ON "number_orders" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "number_prices_scope_key" ON "number_prices" USING btree ("kind",coalesce("state", ''),coalesce("npa", ''));--> statement-breakpoint
CREATE INDEX "number_searches_lookup_idx" ON "number_searches" USING btree ("account_id","query_key","expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "phone_numbers_live_e164_key" ON "phone_numbers" USING btree ("e164") WHERE "phone_numbers"."status" <> 'released';--> statement-breakpoint
CREATE INDEX "phone_numbers_account_e164_idx" ON "phone_numbers" USING btree ("account_id","e164");--> statement-breakpoint
CREATE INDEX "phone_numbers_account_state_idx" ON "phone_numbers" USING btree ("account_id","state","e164");--> statement-breakpoint
CREATE INDEX "phone_numbers_account_npa_idx" ON "phone_numbers" USING btree ("account_id","npa","e164");--> statement-breakpoint
CREATE INDEX "phone_numbers_connection_idx" ON "phone_numbers" USING btree ("connection_id");--> statement-breakpoint
CREATE UNIQUE INDEX "provider_number_costs_key" ON "provider_number_costs" USING btree ("connection_id","kind");