CREATE TABLE "e911_address_upstreams" (
	"address_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"upstream_address_id" text,
	"normalized" jsonb,
	"validated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "e911_address_upstreams_address_id_connection_id_pk" PRIMARY KEY("address_id","connection_id")
);
--> statement-breakpoint
CREATE TABLE "e911_addresses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"street" text NOT NULL,
	"unit" text,
	"city" text NOT NULL,
	"state" text NOT NULL,
	"postal_code" text NOT NULL,
	"country" text NOT NULL,
	"caller_name" text,
	"validated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "e911_address_id" uuid;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "e911_detail" text;--> statement-breakpoint
ALTER TABLE "e911_address_upstreams" ADD CONSTRAINT "e911_address_upstreams_address_id_e911_addresses_id_fk" FOREIGN KEY ("address_id") REFERENCES "public"."e911_addresses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "e911_address_upstreams" ADD CONSTRAINT "e911_address_upstreams_connection_id_provider_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."provider_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "e911_addresses" ADD CONSTRAINT "e911_addresses_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "e911_addresses_account_idx" ON "e911_addresses" USING btree ("account_id");