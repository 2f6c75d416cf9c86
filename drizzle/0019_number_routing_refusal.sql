ALTER TABLE "phone_numbers" ADD COLUMN "routing_refused_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "routing_refusal" text;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "routing_refusal_detail" text;
