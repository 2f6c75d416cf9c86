-- Hand-edited after drizzle-kit generate: text references are cleaned and cast (USING), and each enum column drops its text default before the cast and gets it back after.
-- References that name no portal row were dangling text; they are cleared rather than kept unenforced.
UPDATE "phone_numbers" SET "trunk_group_ref" = NULL WHERE "trunk_group_ref" IS NOT NULL AND lower("trunk_group_ref") NOT IN (SELECT "id"::text FROM "trunk_groups");--> statement-breakpoint
UPDATE "number_orders" SET "trunk_group_ref" = NULL WHERE "trunk_group_ref" IS NOT NULL AND lower("trunk_group_ref") NOT IN (SELECT "id"::text FROM "trunk_groups");--> statement-breakpoint
UPDATE "number_orders" SET "e911_address_ref" = NULL WHERE "e911_address_ref" IS NOT NULL AND lower("e911_address_ref") NOT IN (SELECT "id"::text FROM "e911_addresses");--> statement-breakpoint
UPDATE "phone_numbers" SET "e911_address_id" = NULL WHERE "e911_address_id" IS NOT NULL AND "e911_address_id" NOT IN (SELECT "id" FROM "e911_addresses");--> statement-breakpoint
UPDATE "audit_events" SET "acting_as_account_id" = NULL WHERE "acting_as_account_id" IS NOT NULL AND "acting_as_account_id" NOT IN (SELECT "id" FROM "accounts");--> statement-breakpoint
-- The services read an unknown registration status as none and only ever wrote these caller-ID policies.
UPDATE "phone_numbers" SET "e911_status" = 'none' WHERE "e911_status" NOT IN ('none', 'pending', 'registered', 'failed', 'unsupported');--> statement-breakpoint
UPDATE "trunk_groups" SET "caller_id_policy" = 'pass_through' WHERE "caller_id_policy" NOT IN ('pass_through', 'account_number', 'fixed');--> statement-breakpoint
CREATE TYPE "public"."e911_registration_status" AS ENUM('none', 'pending', 'registered', 'failed', 'unsupported');--> statement-breakpoint
CREATE TYPE "public"."trunk_caller_id_policy" AS ENUM('pass_through', 'account_number', 'fixed');--> statement-breakpoint
ALTER TABLE "number_orders" ALTER COLUMN "trunk_group_ref" SET DATA TYPE uuid USING "trunk_group_ref"::uuid;--> statement-breakpoint
ALTER TABLE "number_orders" ALTER COLUMN "e911_address_ref" SET DATA TYPE uuid USING "e911_address_ref"::uuid;--> statement-breakpoint
ALTER TABLE "phone_numbers" ALTER COLUMN "trunk_group_ref" SET DATA TYPE uuid USING "trunk_group_ref"::uuid;--> statement-breakpoint
ALTER TABLE "phone_numbers" ALTER COLUMN "e911_status" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "phone_numbers" ALTER COLUMN "e911_status" SET DATA TYPE "public"."e911_registration_status" USING "e911_status"::"public"."e911_registration_status";--> statement-breakpoint
ALTER TABLE "phone_numbers" ALTER COLUMN "e911_status" SET DEFAULT 'none'::"public"."e911_registration_status";--> statement-breakpoint
ALTER TABLE "trunk_groups" ALTER COLUMN "caller_id_policy" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "trunk_groups" ALTER COLUMN "caller_id_policy" SET DATA TYPE "public"."trunk_caller_id_policy" USING "caller_id_policy"::"public"."trunk_caller_id_policy";--> statement-breakpoint
ALTER TABLE "trunk_groups" ALTER COLUMN "caller_id_policy" SET DEFAULT 'pass_through'::"public"."trunk_caller_id_policy";--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_billing_account_id_accounts_id_fk" FOREIGN KEY ("billing_account_id") REFERENCES "public"."accounts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_acting_as_account_id_accounts_id_fk" FOREIGN KEY ("acting_as_account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "number_orders" ADD CONSTRAINT "number_orders_trunk_group_ref_trunk_groups_id_fk" FOREIGN KEY ("trunk_group_ref") REFERENCES "public"."trunk_groups"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "number_orders" ADD CONSTRAINT "number_orders_e911_address_ref_e911_addresses_id_fk" FOREIGN KEY ("e911_address_ref") REFERENCES "public"."e911_addresses"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD CONSTRAINT "phone_numbers_trunk_group_ref_trunk_groups_id_fk" FOREIGN KEY ("trunk_group_ref") REFERENCES "public"."trunk_groups"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD CONSTRAINT "phone_numbers_e911_address_id_e911_addresses_id_fk" FOREIGN KEY ("e911_address_id") REFERENCES "public"."e911_addresses"("id") ON DELETE set null ON UPDATE no action;
