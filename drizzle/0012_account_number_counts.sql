CREATE TABLE "account_number_counts" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"live" integer DEFAULT 0 NOT NULL,
	"live_without_e911" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "account_number_counts" ADD CONSTRAINT "account_number_counts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Hand-written after drizzle-kit generate: the counters are kept by statement-level triggers (one
-- aggregate upsert per statement, however many rows it touched), then filled from what is there.
-- A number is live unless released; it counts as without E911 unless its registration is 'registered'.
-- Rows are upserted in account order so two statements never lock the same counters the other way
-- round; an account deleted in the same statement (cascade) is skipped.
CREATE FUNCTION "account_number_counts_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "account_number_counts" AS c ("account_id", "live", "live_without_e911")
    SELECT d."account_id", sum(d."live"), sum(d."uncovered")
    FROM (SELECT "account_id", 1 AS "live", ("e911_status" <> 'registered')::int AS "uncovered" FROM "new_rows" WHERE "status" <> 'released') d
    JOIN "accounts" a ON a."id" = d."account_id"
    GROUP BY d."account_id" ORDER BY d."account_id"
    ON CONFLICT ("account_id") DO UPDATE SET "live" = c."live" + excluded."live", "live_without_e911" = c."live_without_e911" + excluded."live_without_e911";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "account_number_counts" AS c ("account_id", "live", "live_without_e911")
    SELECT d."account_id", sum(d."live"), sum(d."uncovered")
    FROM (SELECT "account_id", -1 AS "live", -("e911_status" <> 'registered')::int AS "uncovered" FROM "old_rows" WHERE "status" <> 'released') d
    JOIN "accounts" a ON a."id" = d."account_id"
    GROUP BY d."account_id" ORDER BY d."account_id"
    ON CONFLICT ("account_id") DO UPDATE SET "live" = c."live" + excluded."live", "live_without_e911" = c."live_without_e911" + excluded."live_without_e911";
  ELSE
    INSERT INTO "account_number_counts" AS c ("account_id", "live", "live_without_e911")
    SELECT d."account_id", sum(d."live"), sum(d."uncovered")
    FROM (
      SELECT "account_id", -1 AS "live", -("e911_status" <> 'registered')::int AS "uncovered" FROM "old_rows" WHERE "status" <> 'released'
      UNION ALL
      SELECT "account_id", 1, ("e911_status" <> 'registered')::int FROM "new_rows" WHERE "status" <> 'released'
    ) d
    JOIN "accounts" a ON a."id" = d."account_id"
    GROUP BY d."account_id"
    HAVING sum(d."live") <> 0 OR sum(d."uncovered") <> 0
    ORDER BY d."account_id"
    ON CONFLICT ("account_id") DO UPDATE SET "live" = c."live" + excluded."live", "live_without_e911" = c."live_without_e911" + excluded."live_without_e911";
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "phone_numbers_counts_insert" AFTER INSERT ON "phone_numbers" REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "account_number_counts_apply"();
--> statement-breakpoint
CREATE TRIGGER "phone_numbers_counts_update" AFTER UPDATE ON "phone_numbers" REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "account_number_counts_apply"();
--> statement-breakpoint
CREATE TRIGGER "phone_numbers_counts_delete" AFTER DELETE ON "phone_numbers" REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "account_number_counts_apply"();
--> statement-breakpoint
INSERT INTO "account_number_counts" ("account_id", "live", "live_without_e911")
SELECT "account_id", count(*), count(*) FILTER (WHERE "e911_status" <> 'registered')
FROM "phone_numbers" WHERE "status" <> 'released'
GROUP BY "account_id";
