-- 0004_sync_and_runs: what the Salesforce sync (plan_store) and invoice runs (invoice_run_store) need.
--
--   * billing_plans: the whole plan as JSON (plan_document: what the engine bills from; the columns stay the
--     query surface), the mapping that made it, and why and on which day end_plan ended it.
--   * plan_items is rebuilt: its pricing_model CHECK lacked 'stairstep', a model the engine bills.  The rows
--     keep their ids (billed periods, invoice lines and usage refer to them); PRAGMA defer_foreign_keys
--     lets the references dangle between the DROP and the re-insert within this transaction.
--   * usage_records.date: the civil date in the org calendar that billing uses; rows written before take the
--     UTC date of occurred_at.
--   * invoice_runs: flags of the request (dry run, finalize) and progress counters for resuming after a crash.
--   * quarantine: the mapping and every problem (reason stays the first one).
--   * invoices.finalized_seq: the order of finalization (ids are the order of drafting), so that "finalized
--     since" never skips a draft finalized after a younger one.
-- Never edit this file once released; add 0005_... instead.

PRAGMA defer_foreign_keys = ON;

ALTER TABLE billing_plans ADD COLUMN plan_document TEXT
    CHECK (plan_document IS NULL OR json_valid(plan_document));
ALTER TABLE billing_plans ADD COLUMN mapping_name TEXT CHECK (mapping_name IS NULL OR length(mapping_name) > 0);
ALTER TABLE billing_plans ADD COLUMN ended_reason TEXT;
-- the day end_plan was given (for a cancelled plan it lies before start_date, which end_date cannot)
ALTER TABLE billing_plans ADD COLUMN ended_on TEXT CHECK (date(ended_on, '+0 days') IS ended_on);
-- invoice_store and plan_store find a plan by its Salesforce Id alone
CREATE INDEX billing_plans_record ON billing_plans (source_record_id);
CREATE INDEX billing_plans_mapping ON billing_plans (source_object, mapping_name);

CREATE TEMP TABLE plan_items_saved AS SELECT * FROM plan_items;
DROP TABLE plan_items;
CREATE TABLE plan_items (
    id                INTEGER PRIMARY KEY,
    plan_id           INTEGER NOT NULL REFERENCES billing_plans (id),
    -- stable key from the mapping, e.g. a line item Id
    source_item_key   TEXT NOT NULL CHECK (length(source_item_key) > 0),
    product_code      TEXT,
    description       TEXT NOT NULL,
    charge_type       TEXT NOT NULL CHECK (charge_type IN ('recurring', 'one_time', 'usage')),
    pricing_model     TEXT NOT NULL
        CHECK (pricing_model IN ('flat_fee', 'per_unit', 'tiered', 'volume', 'stairstep', 'package',
                                 'percentage')),
    -- tiers, prices per currency: decimals as JSON strings
    pricing_data      TEXT NOT NULL CHECK (json_valid(pricing_data)),
    -- NULL for usage items
    quantity          TEXT
        CHECK (quantity NOT GLOB '*[^0-9.-]*' AND quantity GLOB '*[0-9]'
               AND (quantity GLOB '[0-9]*' OR quantity GLOB '-[0-9]*') AND quantity NOT GLOB '?*-*'
               AND quantity NOT GLOB '*.*.*' AND quantity NOT GLOB '0[0-9]*'
               AND quantity NOT GLOB '-0[0-9]*' AND quantity NOT GLOB '*.*0'
               AND quantity <> '-0' AND length(quantity) <= 40),
    usage_aggregation TEXT CHECK (usage_aggregation IN ('sum', 'count', 'max', 'last', 'unique_count')),
    start_date        TEXT NOT NULL CHECK (date(start_date, '+0 days') IS start_date),
    end_date          TEXT CHECK (date(end_date, '+0 days') IS end_date),
    -- NULL: the plan's
    billing_period    TEXT
        CHECK (billing_period GLOB 'P[1-9]*[DWMY]'
               AND substr(billing_period, 2, length(billing_period) - 2) NOT GLOB '*[^0-9]*'),
    timing            TEXT NOT NULL CHECK (timing IN ('in_advance', 'in_arrears')),
    created_at        TEXT NOT NULL
        CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '+0 days') IS created_at),
    updated_at        TEXT NOT NULL
        CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', updated_at, '+0 days') IS updated_at),
    UNIQUE (plan_id, source_item_key),
    CHECK (end_date IS NULL OR end_date >= start_date),
    CHECK ((charge_type = 'usage') = (usage_aggregation IS NOT NULL))
) STRICT;
INSERT INTO plan_items (id, plan_id, source_item_key, product_code, description, charge_type, pricing_model,
                        pricing_data, quantity, usage_aggregation, start_date, end_date, billing_period, timing,
                        created_at, updated_at)
    SELECT id, plan_id, source_item_key, product_code, description, charge_type, pricing_model, pricing_data,
           quantity, usage_aggregation, start_date, end_date, billing_period, timing, created_at, updated_at
    FROM temp.plan_items_saved;
DROP TABLE temp.plan_items_saved;

ALTER TABLE usage_records ADD COLUMN date TEXT CHECK (date(date, '+0 days') IS date);
UPDATE usage_records SET date = substr(occurred_at, 1, 10);
CREATE INDEX usage_records_item_date ON usage_records (item_id, date);

ALTER TABLE invoice_runs ADD COLUMN progress_done INTEGER NOT NULL DEFAULT 0 CHECK (progress_done >= 0);
ALTER TABLE invoice_runs ADD COLUMN dry_run INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1));
ALTER TABLE invoice_runs ADD COLUMN finalize INTEGER NOT NULL DEFAULT 0 CHECK (finalize IN (0, 1));
ALTER TABLE invoice_runs ADD COLUMN drafts_created INTEGER NOT NULL DEFAULT 0 CHECK (drafts_created >= 0);
ALTER TABLE invoice_runs ADD COLUMN invoices_finalized INTEGER NOT NULL DEFAULT 0
    CHECK (invoices_finalized >= 0);
UPDATE invoice_runs SET drafts_created = invoices_created;
CREATE INDEX invoice_runs_running ON invoice_runs (state) WHERE state = 'running';
CREATE INDEX invoice_runs_scheduled ON invoice_runs (cutoff_date) WHERE started_by = 'schedule';

ALTER TABLE quarantine ADD COLUMN mapping_name TEXT;
-- a JSON array of texts; reason holds the first
ALTER TABLE quarantine ADD COLUMN problems TEXT
    CHECK (problems IS NULL OR (json_valid(problems) AND json_type(problems) = 'array'));
UPDATE quarantine SET problems = json_array(reason);
CREATE INDEX quarantine_last_seen ON quarantine (last_seen);

ALTER TABLE invoices ADD COLUMN finalized_seq INTEGER CHECK (finalized_seq >= 1);
UPDATE invoices SET finalized_seq = (
    SELECT count(*) FROM invoices f
    WHERE f.finalized_at IS NOT NULL
      AND (f.finalized_at < invoices.finalized_at OR (f.finalized_at = invoices.finalized_at AND f.id <= invoices.id)))
WHERE finalized_at IS NOT NULL;
CREATE UNIQUE INDEX invoices_finalized_seq ON invoices (finalized_seq) WHERE finalized_seq IS NOT NULL;

CREATE TRIGGER invoices_finalized_seq_kept BEFORE UPDATE OF finalized_seq ON invoices
WHEN OLD.finalized_seq IS NOT NULL AND NEW.finalized_seq IS NOT OLD.finalized_seq
BEGIN
    SELECT RAISE(ABORT, 'a finalized invoice is immutable; its finalization order never changes');
END;
