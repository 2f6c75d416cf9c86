ALTER TABLE "e911_addresses" ADD COLUMN "validation" jsonb;
