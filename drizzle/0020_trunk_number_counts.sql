CREATE TABLE "trunk_number_counts" (
	"account_id" uuid NOT NULL,
	"trunk_group_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"live" integer DEFAULT 0 NOT NULL,
	"refused" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "trunk_number_counts_account_id_trunk_group_id_connection_id_pk" PRIMARY KEY("account_id","trunk_group_id","connection_id")
);
--> statement-breakpoint
ALTER TABLE "trunk_number_counts" ADD CONSTRAINT "trunk_number_counts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Hand-written after drizzle-kit generate, in the manner of 0012's account_number_counts: one
-- aggregate upsert per statement on phone_numbers, in key order (no two statements lock the same
-- counters the other way round), skipping accounts deleted in the same statement. A number counts
-- while it is live (not released) and on a trunk group; `refused` while its upstream refused to route it.
CREATE FUNCTION "trunk_number_counts_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Each branch names only the transition tables its trigger has.
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "trunk_number_counts" AS c ("account_id", "trunk_group_id", "connection_id", "live", "refused")
    SELECT d."account_id", d."trunk_group_ref", d."connection_id", count(*), count(*) FILTER (WHERE d."routing_refused_at" IS NOT NULL)
    FROM "new_rows" d JOIN "accounts" a ON a."id" = d."account_id"
    WHERE d."status" <> 'released' AND d."trunk_group_ref" IS NOT NULL
    GROUP BY d."account_id", d."trunk_group_ref", d."connection_id"
    ORDER BY d."account_id", d."trunk_group_ref", d."connection_id"
    ON CONFLICT ("account_id", "trunk_group_id", "connection_id") DO UPDATE SET "live" = c."live" + excluded."live", "refused" = c."refused" + excluded."refused";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "trunk_number_counts" AS c ("account_id", "trunk_group_id", "connection_id", "live", "refused")
    SELECT d."account_id", d."trunk_group_ref", d."connection_id", -count(*), -count(*) FILTER (WHERE d."routing_refused_at" IS NOT NULL)
    FROM "old_rows" d JOIN "accounts" a ON a."id" = d."account_id"
    WHERE d."status" <> 'released' AND d."trunk_group_ref" IS NOT NULL
    GROUP BY d."account_id", d."trunk_group_ref", d."connection_id"
    ORDER BY d."account_id", d."trunk_group_ref", d."connection_id"
    ON CONFLICT ("account_id", "trunk_group_id", "connection_id") DO UPDATE SET "live" = c."live" + excluded."live", "refused" = c."refused" + excluded."refused";
  ELSE
    INSERT INTO "trunk_number_counts" AS c ("account_id", "trunk_group_id", "connection_id", "live", "refused")
    SELECT d."account_id", d."trunk_group_ref", d."connection_id", sum(d."live"), sum(d."refused")
    FROM (
      SELECT "account_id", "trunk_group_ref", "connection_id", -1 AS "live", -("routing_refused_at" IS NOT NULL)::int AS "refused"
      FROM "old_rows" WHERE "status" <> 'released' AND "trunk_group_ref" IS NOT NULL
      UNION ALL
      SELECT "account_id", "trunk_group_ref", "connection_id", 1, ("routing_refused_at" IS NOT NULL)::int
      FROM "new_rows" WHERE "status" <> 'released' AND "trunk_group_ref" IS NOT NULL
    ) d
    JOIN "accounts" a ON a."id" = d."account_id"
    GROUP BY d."account_id", d."trunk_group_ref", d."connection_id"
    HAVING sum(d."live") <> 0 OR sum(d."refused") <> 0
    ORDER BY d."account_id", d."trunk_group_ref", d."connection_id"
    ON CONFLICT ("account_id", "trunk_group_id", "connection_id") DO UPDATE SET "live" = c."live" + excluded."live", "refused" = c."refused" + excluded."refused";
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "phone_numbers_trunk_counts_insert" AFTER INSERT ON "phone_numbers" REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "trunk_number_counts_apply"();
--> statement-breakpoint
CREATE TRIGGER "phone_numbers_trunk_counts_update" AFTER UPDATE ON "phone_numbers" REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "trunk_number_counts_apply"();
--> statement-breakpoint
CREATE TRIGGER "phone_numbers_trunk_counts_delete" AFTER DELETE ON "phone_numbers" REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "trunk_number_counts_apply"();
--> statement-breakpoint
INSERT INTO "trunk_number_counts" ("account_id", "trunk_group_id", "connection_id", "live", "refused")
SELECT "account_id", "trunk_group_ref", "connection_id", count(*), count(*) FILTER (WHERE "routing_refused_at" IS NOT NULL)
FROM "phone_numbers" WHERE "status" <> 'released' AND "trunk_group_ref" IS NOT NULL
GROUP BY "account_id", "trunk_group_ref", "connection_id";
