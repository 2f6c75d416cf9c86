ALTER TABLE "user_sessions" ADD COLUMN "acting_as_account_id" uuid;
--> statement-breakpoint
ALTER TABLE "user_sessions" ADD CONSTRAINT "user_sessions_acting_as_account_id_accounts_id_fk" FOREIGN KEY ("acting_as_account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;
