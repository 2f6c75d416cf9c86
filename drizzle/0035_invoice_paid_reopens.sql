-- A paid invoice goes back to issued when the payment that settled it is reversed (a bounced wire):
-- (issued, paid) joins the moves an invoice past draft may make; nothing else about it may change.
CREATE OR REPLACE FUNCTION "invoices_issued_are_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		IF OLD.status <> 'draft' THEN
			RAISE EXCEPTION 'invoice % is %: an issued invoice is never deleted', OLD.number, OLD.status USING ERRCODE = 'check_violation';
		END IF;
		RETURN OLD;
	END IF;
	IF OLD.status = 'draft' THEN
		RETURN NEW;
	END IF;
	IF (NEW.status, OLD.status) NOT IN (('issued', 'issued'), ('paid', 'issued'), ('issued', 'paid'), ('void', 'issued'), ('void', 'paid'), ('paid', 'paid'), ('void', 'void'))
		OR (to_jsonb(NEW) - ARRAY['status', 'paid_at', 'voided_at', 'void_reason', 'pdf_storage_key'])
			IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['status', 'paid_at', 'voided_at', 'void_reason', 'pdf_storage_key'])
		OR (OLD.pdf_storage_key IS NOT NULL AND NEW.pdf_storage_key IS DISTINCT FROM OLD.pdf_storage_key) THEN
		RAISE EXCEPTION 'invoice % is %: an issued invoice never changes (void it and reissue)', OLD.number, OLD.status USING ERRCODE = 'check_violation';
	END IF;
	RETURN NEW;
END $$;
