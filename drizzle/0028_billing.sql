-- Billing (issue 15), hand-written. Decks, versions and entries are never deleted (restrict): a rated
-- call names its version and prefix, and invoices are summed through them.
-- Money: invoice amounts in integer cents, rates and per-call
-- amounts numeric with six places; never floats. Ledger entries and issued invoices are immutable
-- (triggers below): corrections are reversals, a wrong invoice is voided and reissued.
CREATE TYPE "public"."rate_deck_purpose" AS ENUM('sell', 'cost');--> statement-breakpoint
CREATE TYPE "public"."rate_kind" AS ENUM('termination', 'origination');--> statement-breakpoint
CREATE TYPE "public"."invoice_status" AS ENUM('draft', 'issued', 'paid', 'void');--> statement-breakpoint
CREATE TYPE "public"."invoice_line_kind" AS ENUM('termination', 'origination', 'did', 'one_time', 'discount', 'tax', 'credit_note', 'adjustment');--> statement-breakpoint
CREATE TYPE "public"."dispute_status" AS ENUM('open', 'accepted', 'partially_accepted', 'rejected');--> statement-breakpoint
ALTER TYPE "public"."ledger_entry_kind" ADD VALUE IF NOT EXISTS 'invoice';--> statement-breakpoint
ALTER TYPE "public"."ledger_entry_kind" ADD VALUE IF NOT EXISTS 'adjustment';--> statement-breakpoint
ALTER TYPE "public"."ledger_entry_kind" ADD VALUE IF NOT EXISTS 'credit_note';--> statement-breakpoint
ALTER TYPE "public"."ledger_entry_kind" ADD VALUE IF NOT EXISTS 'reversal';--> statement-breakpoint
CREATE TABLE "billing_profiles" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"currency" text DEFAULT 'USD' NOT NULL,
	"tax_name" text DEFAULT 'Tax' NOT NULL,
	"tax_rate_percent" numeric(7, 4) DEFAULT '0' NOT NULL,
	"payment_terms_days" integer DEFAULT 15 NOT NULL,
	"prepay_discount_percent" numeric(7, 4) DEFAULT '0' NOT NULL,
	"prepay_since" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billing_profiles_currency_check" CHECK ("billing_profiles"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "billing_profiles_tax_check" CHECK ("billing_profiles"."tax_rate_percent" >= 0 AND "billing_profiles"."tax_rate_percent" < 100),
	CONSTRAINT "billing_profiles_prepay_check" CHECK ("billing_profiles"."prepay_discount_percent" >= 0 AND "billing_profiles"."prepay_discount_percent" < 100)
);
--> statement-breakpoint
ALTER TABLE "billing_profiles" ADD CONSTRAINT "billing_profiles_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE TABLE "rate_decks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"purpose" "rate_deck_purpose" NOT NULL,
	"currency" text DEFAULT 'USD' NOT NULL,
	"connection_id" uuid,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rate_decks_cost_connection_check" CHECK (("rate_decks"."purpose" = 'cost') = ("rate_decks"."connection_id" IS NOT NULL)),
	CONSTRAINT "rate_decks_default_check" CHECK (NOT "rate_decks"."is_default" OR "rate_decks"."purpose" = 'sell')
);
--> statement-breakpoint
ALTER TABLE "rate_decks" ADD CONSTRAINT "rate_decks_connection_id_provider_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."provider_connections"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "rate_decks_name_key" ON "rate_decks" USING btree (lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "rate_decks_connection_key" ON "rate_decks" USING btree ("connection_id") WHERE "rate_decks"."connection_id" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "rate_decks_default_key" ON "rate_decks" USING btree ("is_default") WHERE "rate_decks"."is_default";--> statement-breakpoint
CREATE TABLE "rate_deck_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"deck_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"effective_from" timestamp with time zone NOT NULL,
	"note" text,
	"entry_count" integer DEFAULT 0 NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rate_deck_versions_deck_version_key" UNIQUE("deck_id","version")
);
--> statement-breakpoint
ALTER TABLE "rate_deck_versions" ADD CONSTRAINT "rate_deck_versions_deck_id_rate_decks_id_fk" FOREIGN KEY ("deck_id") REFERENCES "public"."rate_decks"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rate_deck_versions" ADD CONSTRAINT "rate_deck_versions_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rate_deck_versions_effective_idx" ON "rate_deck_versions" USING btree ("deck_id","effective_from");--> statement-breakpoint
CREATE TABLE "rate_deck_entries" (
	"version_id" uuid NOT NULL,
	"kind" "rate_kind" NOT NULL,
	"prefix" text NOT NULL,
	"destination" text NOT NULL,
	"rate" numeric(12, 6) NOT NULL,
	"connection_fee" numeric(12, 6) DEFAULT '0' NOT NULL,
	"first_increment" integer DEFAULT 60 NOT NULL,
	"next_increment" integer DEFAULT 60 NOT NULL,
	"minimum_duration" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "rate_deck_entries_pkey" PRIMARY KEY("version_id","kind","prefix"),
	CONSTRAINT "rate_deck_entries_prefix_check" CHECK ("rate_deck_entries"."prefix" ~ '^[0-9]{1,15}$'),
	CONSTRAINT "rate_deck_entries_amounts_check" CHECK ("rate_deck_entries"."rate" >= 0 AND "rate_deck_entries"."connection_fee" >= 0),
	CONSTRAINT "rate_deck_entries_increments_check" CHECK ("rate_deck_entries"."first_increment" > 0 AND "rate_deck_entries"."next_increment" > 0 AND "rate_deck_entries"."minimum_duration" >= 0)
);
--> statement-breakpoint
ALTER TABLE "rate_deck_entries" ADD CONSTRAINT "rate_deck_entries_version_id_rate_deck_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."rate_deck_versions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE TABLE "rate_deck_did_tiers" (
	"version_id" uuid NOT NULL,
	"tier" text NOT NULL,
	"label" text NOT NULL,
	"countries" text[] NOT NULL,
	"monthly" numeric(12, 4) NOT NULL,
	"one_time" numeric(12, 4) DEFAULT '0' NOT NULL,
	CONSTRAINT "rate_deck_did_tiers_pkey" PRIMARY KEY("version_id","tier"),
	CONSTRAINT "rate_deck_did_tiers_amounts_check" CHECK ("rate_deck_did_tiers"."monthly" >= 0 AND "rate_deck_did_tiers"."one_time" >= 0)
);
--> statement-breakpoint
ALTER TABLE "rate_deck_did_tiers" ADD CONSTRAINT "rate_deck_did_tiers_version_id_rate_deck_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."rate_deck_versions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE TABLE "rate_deck_assignments" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"deck_id" uuid NOT NULL,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"assigned_by_user_id" uuid
);
--> statement-breakpoint
ALTER TABLE "rate_deck_assignments" ADD CONSTRAINT "rate_deck_assignments_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rate_deck_assignments" ADD CONSTRAINT "rate_deck_assignments_deck_id_rate_decks_id_fk" FOREIGN KEY ("deck_id") REFERENCES "public"."rate_decks"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rate_deck_assignments" ADD CONSTRAINT "rate_deck_assignments_assigned_by_user_id_users_id_fk" FOREIGN KEY ("assigned_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rate_deck_assignments_deck_idx" ON "rate_deck_assignments" USING btree ("deck_id");--> statement-breakpoint
ALTER TABLE "cdrs" ADD COLUMN "billed_seconds" integer;--> statement-breakpoint
ALTER TABLE "cdrs" ADD COLUMN "rate_version_id" uuid;--> statement-breakpoint
ALTER TABLE "cdrs" ADD COLUMN "rate_prefix" text;--> statement-breakpoint
ALTER TABLE "cdrs" ADD COLUMN "rate_destination" text;--> statement-breakpoint
ALTER TABLE "cdrs" ADD COLUMN "rate" numeric(12, 6);--> statement-breakpoint
ALTER TABLE "cdrs" ADD COLUMN "connection_fee" numeric(12, 6);--> statement-breakpoint
ALTER TABLE "cdrs" ADD COLUMN "charge" numeric(14, 6);--> statement-breakpoint
ALTER TABLE "cdrs" ADD COLUMN "cost_version_id" uuid;--> statement-breakpoint
ALTER TABLE "cdrs" ADD COLUMN "cost_rate" numeric(12, 6);--> statement-breakpoint
ALTER TABLE "cdrs" ADD COLUMN "cost" numeric(14, 6);--> statement-breakpoint
ALTER TABLE "cdrs" ADD COLUMN "rating_error" text;--> statement-breakpoint
ALTER TABLE "cdr_rollups" ADD COLUMN "billed_seconds" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cdr_rollups" ADD COLUMN "charge" numeric(16, 6) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "cdr_rollups" ADD COLUMN "cost" numeric(16, 6) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "cdr_rollups" ADD COLUMN "unrated" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE TABLE "invoices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"billing_account_id" uuid NOT NULL,
	"number" text NOT NULL,
	"status" "invoice_status" DEFAULT 'draft' NOT NULL,
	"currency" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"subtotal_cents" bigint DEFAULT 0 NOT NULL,
	"discount_cents" bigint DEFAULT 0 NOT NULL,
	"tax_cents" bigint DEFAULT 0 NOT NULL,
	"credit_cents" bigint DEFAULT 0 NOT NULL,
	"charges_cents" bigint DEFAULT 0 NOT NULL,
	"previous_balance_cents" bigint DEFAULT 0 NOT NULL,
	"payments_cents" bigint DEFAULT 0 NOT NULL,
	"total_due_cents" bigint DEFAULT 0 NOT NULL,
	"tax_name" text DEFAULT 'Tax' NOT NULL,
	"tax_rate_percent" numeric(7, 4) DEFAULT '0' NOT NULL,
	"due_at" timestamp with time zone,
	"generated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"issued_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"voided_at" timestamp with time zone,
	"void_reason" text,
	"replaces_invoice_id" uuid,
	"ledger_entry_id" uuid,
	"pdf_storage_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoices_number_key" UNIQUE("number"),
	CONSTRAINT "invoices_period_check" CHECK ("invoices"."period_end" > "invoices"."period_start"),
	CONSTRAINT "invoices_number_check" CHECK ("invoices"."number" ~ '^INV-[0-9]{4}-[0-9]{2}-[0-9A-F]{5}$')
);
--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_billing_account_id_accounts_id_fk" FOREIGN KEY ("billing_account_id") REFERENCES "public"."accounts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_replaces_invoice_id_invoices_id_fk" FOREIGN KEY ("replaces_invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_ledger_entry_id_account_ledger_id_fk" FOREIGN KEY ("ledger_entry_id") REFERENCES "public"."account_ledger"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Periods never overlap: periods are calendar months, so one live invoice per billing account and month.
CREATE UNIQUE INDEX "invoices_period_key" ON "invoices" USING btree ("billing_account_id","period_start") WHERE "invoices"."status" <> 'void';--> statement-breakpoint
CREATE INDEX "invoices_billing_idx" ON "invoices" USING btree ("billing_account_id","period_start");--> statement-breakpoint
CREATE TABLE "invoice_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"invoice_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"kind" "invoice_line_kind" NOT NULL,
	"description" text NOT NULL,
	"detail" text,
	"destination" text,
	"direction" "cdr_direction",
	"rate_version_id" uuid,
	"rate" numeric(12, 6),
	"quantity" numeric(18, 4),
	"unit" text,
	"unit_price" numeric(12, 6),
	"calls" bigint,
	"billed_seconds" bigint,
	"amount_cents" bigint NOT NULL,
	"base_cents" bigint,
	"percent" numeric(9, 4),
	"dispute_id" uuid,
	"manual" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invoice_lines_invoice_idx" ON "invoice_lines" USING btree ("invoice_id","position");--> statement-breakpoint
ALTER TABLE "account_ledger" ADD COLUMN "reverses_id" uuid;--> statement-breakpoint
ALTER TABLE "account_ledger" ADD COLUMN "invoice_id" uuid;--> statement-breakpoint
ALTER TABLE "account_ledger" ADD COLUMN "dispute_id" uuid;--> statement-breakpoint
ALTER TABLE "account_ledger" ADD COLUMN "reference" text;--> statement-breakpoint
ALTER TABLE "account_ledger" ADD COLUMN "created_by_user_id" uuid;--> statement-breakpoint
ALTER TABLE "account_ledger" ADD CONSTRAINT "account_ledger_reverses_id_account_ledger_id_fk" FOREIGN KEY ("reverses_id") REFERENCES "public"."account_ledger"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_ledger" ADD CONSTRAINT "account_ledger_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- An entry is reversed at most once.
CREATE UNIQUE INDEX "account_ledger_reverses_key" ON "account_ledger" USING btree ("reverses_id") WHERE "account_ledger"."reverses_id" IS NOT NULL;--> statement-breakpoint
CREATE TABLE "disputes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"billing_account_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"invoice_line_id" uuid NOT NULL,
	"status" "dispute_status" DEFAULT 'open' NOT NULL,
	"reason" text NOT NULL,
	"disputed_cents" bigint NOT NULL,
	"credited_cents" bigint,
	"decision_note" text,
	"raised_by_user_id" uuid,
	"raised_by" text NOT NULL,
	"decided_by_user_id" uuid,
	"due_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"credit_entry_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_billing_account_id_accounts_id_fk" FOREIGN KEY ("billing_account_id") REFERENCES "public"."accounts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_invoice_line_id_invoice_lines_id_fk" FOREIGN KEY ("invoice_line_id") REFERENCES "public"."invoice_lines"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_raised_by_user_id_users_id_fk" FOREIGN KEY ("raised_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_decided_by_user_id_users_id_fk" FOREIGN KEY ("decided_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_credit_entry_id_account_ledger_id_fk" FOREIGN KEY ("credit_entry_id") REFERENCES "public"."account_ledger"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "disputes_billing_idx" ON "disputes" USING btree ("billing_account_id","created_at");--> statement-breakpoint
CREATE INDEX "disputes_open_idx" ON "disputes" USING btree ("status","due_at");--> statement-breakpoint
CREATE TABLE "dispute_calls" (
	"dispute_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"invite_at" timestamp (3) with time zone NOT NULL,
	"cdr_id" bigint NOT NULL,
	"charge" numeric(14, 6) NOT NULL,
	CONSTRAINT "dispute_calls_pkey" PRIMARY KEY("dispute_id","cdr_id")
);
--> statement-breakpoint
ALTER TABLE "dispute_calls" ADD CONSTRAINT "dispute_calls_dispute_id_disputes_id_fk" FOREIGN KEY ("dispute_id") REFERENCES "public"."disputes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dispute_calls_cdr_idx" ON "dispute_calls" USING btree ("account_id","cdr_id");--> statement-breakpoint
CREATE TABLE "spend_alerts" (
	"account_id" uuid NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"limit_kind" text NOT NULL,
	"threshold_percent" smallint NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "spend_alerts_pkey" PRIMARY KEY("account_id","period_start","limit_kind","threshold_percent"),
	CONSTRAINT "spend_alerts_kind_check" CHECK ("spend_alerts"."limit_kind" IN ('spend_cap', 'credit_limit'))
);
--> statement-breakpoint
ALTER TABLE "spend_alerts" ADD CONSTRAINT "spend_alerts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE FUNCTION "ledger_entries_are_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'ledger entries are immutable: post a reversal' USING ERRCODE = 'check_violation';
END $$;--> statement-breakpoint
CREATE TRIGGER "account_ledger_immutable" BEFORE UPDATE OR DELETE ON "account_ledger" FOR EACH ROW EXECUTE FUNCTION "ledger_entries_are_immutable"();--> statement-breakpoint
-- A draft may change freely; past draft only the status moves on (issued → paid or void, paid → void)
-- with its time, the void reason and the PDF's storage key (written once at issue).
CREATE FUNCTION "invoices_issued_are_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		IF OLD.status <> 'draft' THEN
			RAISE EXCEPTION 'invoice % is %: an issued invoice is never deleted', OLD.number, OLD.status USING ERRCODE = 'check_violation';
		END IF;
		RETURN OLD;
	END IF;
	IF OLD.status = 'draft' THEN
		RETURN NEW;
	END IF;
	IF (NEW.status, OLD.status) NOT IN (('issued', 'issued'), ('paid', 'issued'), ('void', 'issued'), ('void', 'paid'), ('paid', 'paid'), ('void', 'void'))
		OR (to_jsonb(NEW) - ARRAY['status', 'paid_at', 'voided_at', 'void_reason', 'pdf_storage_key'])
			IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['status', 'paid_at', 'voided_at', 'void_reason', 'pdf_storage_key'])
		OR (OLD.pdf_storage_key IS NOT NULL AND NEW.pdf_storage_key IS DISTINCT FROM OLD.pdf_storage_key) THEN
		RAISE EXCEPTION 'invoice % is %: an issued invoice never changes (void it and reissue)', OLD.number, OLD.status USING ERRCODE = 'check_violation';
	END IF;
	RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "invoices_immutable" BEFORE UPDATE OR DELETE ON "invoices" FOR EACH ROW EXECUTE FUNCTION "invoices_issued_are_immutable"();--> statement-breakpoint
CREATE FUNCTION "invoice_lines_of_drafts_only"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	invoice_status text;
BEGIN
	SELECT status INTO invoice_status FROM invoices WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.invoice_id ELSE NEW.invoice_id END;
	IF invoice_status IS NOT NULL AND invoice_status <> 'draft' THEN
		RAISE EXCEPTION 'the lines of an issued invoice never change' USING ERRCODE = 'check_violation';
	END IF;
	IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
	RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "invoice_lines_immutable" BEFORE INSERT OR UPDATE OR DELETE ON "invoice_lines" FOR EACH ROW EXECUTE FUNCTION "invoice_lines_of_drafts_only"();
