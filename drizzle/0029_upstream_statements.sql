CREATE TYPE "public"."upstream_statement_kind" AS ENUM('usage', 'invoice_usage', 'invoice_total');--> statement-breakpoint
CREATE TABLE "upstream_statement_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"day" date NOT NULL,
	"period_end" date,
	"kind" "upstream_statement_kind" NOT NULL,
	"reference" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"amount" numeric(14, 6) NOT NULL,
	"currency" text NOT NULL,
	"fetched_at" timestamp with time zone NOT NULL,
	CONSTRAINT "upstream_statement_lines_reference_key" UNIQUE("connection_id","reference"),
	CONSTRAINT "upstream_statement_lines_currency_check" CHECK ("upstream_statement_lines"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "upstream_statement_lines_period_check" CHECK (("upstream_statement_lines"."kind" = 'usage') = ("upstream_statement_lines"."period_end" IS NULL) AND ("upstream_statement_lines"."period_end" IS NULL OR "upstream_statement_lines"."period_end" >= "upstream_statement_lines"."day"))
);
--> statement-breakpoint
CREATE TABLE "upstream_statement_fetches" (
	"connection_id" uuid NOT NULL,
	"period" date NOT NULL,
	"basis" text NOT NULL,
	"last_attempt_at" timestamp with time zone NOT NULL,
	"last_success_at" timestamp with time zone,
	"lines" integer DEFAULT 0 NOT NULL,
	"last_error_kind" text,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	CONSTRAINT "upstream_statement_fetches_pkey" PRIMARY KEY("connection_id","period"),
	CONSTRAINT "upstream_statement_fetches_basis_check" CHECK ("upstream_statement_fetches"."basis" IN ('daily_usage', 'invoices'))
);
--> statement-breakpoint
ALTER TABLE "upstream_statement_lines" ADD CONSTRAINT "upstream_statement_lines_connection_id_provider_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."provider_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upstream_statement_fetches" ADD CONSTRAINT "upstream_statement_fetches_connection_id_provider_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."provider_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "upstream_statement_lines_day_idx" ON "upstream_statement_lines" USING btree ("connection_id","day");
