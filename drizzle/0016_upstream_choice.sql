-- Why each cart and order line came from the upstream it did (the ranking's criteria at search time),
-- kept so the cart, checkout and the order page can say so after the search has expired.
ALTER TABLE "cart_items" ADD COLUMN "choice" jsonb;--> statement-breakpoint
ALTER TABLE "number_order_lines" ADD COLUMN "choice" jsonb;
