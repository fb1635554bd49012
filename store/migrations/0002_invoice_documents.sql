-- 0002_invoice_documents: what the invoice repository (store/src/invoice_store.cpp) needs beyond 0001.
--
--   * invoices.document: the whole document as the billing engine made it (parties with their addresses at
--     the time, lines with kind, proration and credit references, VAT breakdown, deductions), as JSON
--     (store/README.md, "Document snapshots").  Frozen with the row once finalized (GoBD), like the columns.
--   * billed_periods gets the snapshot a later credit reverses (quantity and net as billed, Lago #1776), the
--     revision of a re-billed segment start, and whether the row is a regular period; its exactly-once key
--     becomes UNIQUE(item_id, period_start, revision).  SQLite cannot change a table constraint, so the
--     table is rebuilt; the links from usage_records are kept (saved before, restored after the rebuild,
--     because dropping the old table runs their ON DELETE SET NULL).
--   * billed_period_credits: what later documents credited against a billed period (credits for unused
--     days, credit note lines; Lago #1778: never more than billed minus credited so far), written with the
--     document that carries the credit line.
-- Never edit this file once released; add 0003_... instead.

ALTER TABLE invoices ADD COLUMN document TEXT CHECK (document IS NULL OR json_valid(document));

CREATE TRIGGER invoices_document_frozen BEFORE UPDATE OF document ON invoices
WHEN OLD.status <> 'draft' AND NEW.document IS NOT OLD.document
BEGIN
    SELECT RAISE(ABORT, 'a finalized invoice is immutable; correct it with a cancellation or credit note');
END;

CREATE TEMP TABLE usage_billed_links AS
    SELECT id, billed_period_id FROM usage_records WHERE billed_period_id IS NOT NULL;

CREATE TABLE billed_periods_rebuilt (
    id              INTEGER PRIMARY KEY,
    item_id         INTEGER NOT NULL REFERENCES plan_items (id),
    period_start    TEXT NOT NULL CHECK (date(period_start, '+0 days') IS period_start),
    period_end      TEXT NOT NULL CHECK (date(period_end, '+0 days') IS period_end),  -- inclusive
    revision        INTEGER NOT NULL DEFAULT 0 CHECK (revision >= 0),
    -- a regular period of the item's grid (advances billed_through) or an adjustment segment
    regular         INTEGER NOT NULL DEFAULT 1 CHECK (regular IN (0, 1)),
    -- snapshot as billed; NULL only in rows written before this migration
    quantity        TEXT
        CHECK (quantity NOT GLOB '*[^0-9.-]*' AND quantity GLOB '*[0-9]'
               AND (quantity GLOB '[0-9]*' OR quantity GLOB '-[0-9]*') AND quantity NOT GLOB '?*-*'
               AND quantity NOT GLOB '*.*.*' AND quantity NOT GLOB '0[0-9]*'
               AND quantity NOT GLOB '-0[0-9]*' AND quantity NOT GLOB '*.*0'
               AND quantity <> '-0' AND length(quantity) <= 40),
    billed_net      TEXT
        CHECK (billed_net NOT GLOB '*[^0-9.-]*' AND billed_net GLOB '*[0-9]'
               AND (billed_net GLOB '[0-9]*' OR billed_net GLOB '-[0-9]*') AND billed_net NOT GLOB '?*-*'
               AND billed_net NOT GLOB '*.*.*' AND billed_net NOT GLOB '0[0-9]*'
               AND billed_net NOT GLOB '-0[0-9]*' AND billed_net NOT GLOB '*.*0'
               AND billed_net <> '-0' AND length(billed_net) <= 40),
    invoice_id      INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    invoice_line_id INTEGER REFERENCES invoice_lines (id) ON DELETE CASCADE,
    created_at      TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '+0 days') IS created_at),
    UNIQUE (item_id, period_start, revision),
    CHECK (period_end >= period_start)
) STRICT;

INSERT INTO billed_periods_rebuilt (id, item_id, period_start, period_end, invoice_id, invoice_line_id, created_at)
    SELECT id, item_id, period_start, period_end, invoice_id, invoice_line_id, created_at FROM billed_periods;

DROP TABLE billed_periods;
ALTER TABLE billed_periods_rebuilt RENAME TO billed_periods;
CREATE INDEX billed_periods_invoice ON billed_periods (invoice_id);
CREATE INDEX billed_periods_line ON billed_periods (invoice_line_id);

UPDATE usage_records
    SET billed_period_id = (SELECT billed_period_id FROM temp.usage_billed_links l WHERE l.id = usage_records.id)
    WHERE id IN (SELECT id FROM temp.usage_billed_links);
DROP TABLE temp.usage_billed_links;

CREATE TRIGGER billed_periods_unchanged BEFORE UPDATE ON billed_periods
BEGIN
    SELECT RAISE(ABORT, 'a billed period is never changed');
END;

-- A cancelled invoice's periods are released by deleting their rows when its cancellation is finalized.
CREATE TRIGGER billed_periods_kept BEFORE DELETE ON billed_periods
WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) = 'finalized'
BEGIN
    SELECT RAISE(ABORT, 'the billed periods of a finalized invoice stay billed');
END;

CREATE TABLE billed_period_credits (
    id               INTEGER PRIMARY KEY,
    billed_period_id INTEGER NOT NULL REFERENCES billed_periods (id) ON DELETE CASCADE,
    invoice_id       INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    -- first day of the credited tail (credits for unused days); NULL for a credit note's amount credit
    credited_from    TEXT CHECK (date(credited_from, '+0 days') IS credited_from),
    amount           TEXT NOT NULL
        CHECK (amount NOT GLOB '*[^0-9.-]*' AND amount GLOB '*[0-9]'
               AND (amount GLOB '[0-9]*' OR amount GLOB '-[0-9]*') AND amount NOT GLOB '?*-*'
               AND amount NOT GLOB '*.*.*' AND amount NOT GLOB '0[0-9]*'
               AND amount NOT GLOB '-0[0-9]*' AND amount NOT GLOB '*.*0'
               AND amount <> '-0' AND length(amount) <= 40),
    created_at       TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '+0 days') IS created_at)
) STRICT;
CREATE INDEX billed_period_credits_period ON billed_period_credits (billed_period_id);
CREATE INDEX billed_period_credits_invoice ON billed_period_credits (invoice_id);

CREATE TRIGGER billed_period_credits_unchanged BEFORE UPDATE ON billed_period_credits
BEGIN
    SELECT RAISE(ABORT, 'a recorded credit is never changed');
END;

CREATE TRIGGER billed_period_credits_kept BEFORE DELETE ON billed_period_credits
WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) = 'finalized'
BEGIN
    SELECT RAISE(ABORT, 'the credits of a finalized invoice stay recorded');
END;
