CREATE INDEX "phone_numbers_account_status_idx" ON "phone_numbers" USING btree ("account_id","status","e164");--> statement-breakpoint
CREATE INDEX "phone_numbers_account_activated_idx" ON "phone_numbers" USING btree ("account_id","activated_at");--> statement-breakpoint
CREATE INDEX "phone_numbers_account_monthly_idx" ON "phone_numbers" USING btree ("account_id","monthly","e164");