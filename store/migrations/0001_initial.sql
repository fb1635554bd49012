-- 0001_initial: the first fakturad schema.
--
-- Conventions (store/README.md):
--   * money, prices, quantities and rates: TEXT decimals in canonical form: optional '-', no leading
--     zeros, no trailing fractional zeros, no '.' without digits after it, no exponent, no '-0'
--     ("12.3", "0", "-0.05").
--     Never REAL.  Amounts carry the currency of their row.  Never aggregate them in SQL (SUM would go
--     through floating point); totals are computed in C++ with the exact decimal and stored.
--   * instants: TEXT 'YYYY-MM-DDTHH:MM:SS.mmmZ' in UTC; civil dates: TEXT 'YYYY-MM-DD'.  Fixed width, so text
--     order is time order.
--   * Salesforce record Ids: the 18-character form.
--   * every table is STRICT: a value of the wrong type is refused, not converted.
-- Never edit this file once released; add 0002_... instead.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL CHECK (length(key) > 0),
    value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- The companies that issue invoices; each has its own number ranges.
CREATE TABLE legal_entities (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE CHECK (length(code) > 0),  -- the key used in fakturad.yaml
    name       TEXT NOT NULL CHECK (length(name) > 0),
    country    TEXT NOT NULL CHECK (country GLOB '[A-Z][A-Z]'),
    vat_id     TEXT,
    tax_number TEXT,
    created_at TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '+0 days') IS created_at),
    updated_at TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', updated_at, '+0 days') IS updated_at)
) STRICT;

CREATE TABLE accounts (
    id                 INTEGER PRIMARY KEY,
    sf_id              TEXT NOT NULL UNIQUE CHECK (length(sf_id) = 18 AND sf_id NOT GLOB '*[^0-9A-Za-z]*'),
    name               TEXT NOT NULL,
    billing_country    TEXT CHECK (billing_country GLOB '[A-Z][A-Z]'),
    vat_id             TEXT,
    raw_data           TEXT NOT NULL CHECK (json_valid(raw_data)),  -- the record as last fetched
    sf_system_modstamp TEXT NOT NULL
        CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', sf_system_modstamp, '+0 days') IS sf_system_modstamp),
    is_deleted         INTEGER NOT NULL DEFAULT 0 CHECK (is_deleted IN (0, 1)),
    synced_at          TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', synced_at, '+0 days') IS synced_at)
) STRICT;

CREATE TABLE contacts (
    id                 INTEGER PRIMARY KEY,
    sf_id              TEXT NOT NULL UNIQUE CHECK (length(sf_id) = 18 AND sf_id NOT GLOB '*[^0-9A-Za-z]*'),
    account_id         INTEGER REFERENCES accounts (id),
    first_name         TEXT,
    last_name          TEXT NOT NULL,
    email              TEXT,
    language           TEXT
        CHECK (language GLOB '[a-z][a-z]*' AND length(language) <= 35
               AND language NOT GLOB '*[^A-Za-z0-9-]*'),
    raw_data           TEXT NOT NULL CHECK (json_valid(raw_data)),
    sf_system_modstamp TEXT NOT NULL
        CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', sf_system_modstamp, '+0 days') IS sf_system_modstamp),
    is_deleted         INTEGER NOT NULL DEFAULT 0 CHECK (is_deleted IN (0, 1)),
    synced_at          TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', synced_at, '+0 days') IS synced_at)
) STRICT;
CREATE INDEX contacts_account ON contacts (account_id);

-- A billing plan is what the mapping makes of one Salesforce record (Opportunity, Contract, Order, ...).
CREATE TABLE billing_plans (
    id                 INTEGER PRIMARY KEY,
    source_object      TEXT NOT NULL CHECK (length(source_object) > 0),  -- API name, e.g. 'Contract'
    source_record_id   TEXT NOT NULL
        CHECK (length(source_record_id) = 18 AND source_record_id NOT GLOB '*[^0-9A-Za-z]*'),
    account_id         INTEGER NOT NULL REFERENCES accounts (id),
    bill_to_account_id INTEGER REFERENCES accounts (id),  -- NULL: the account itself
    bill_to_contact_id INTEGER REFERENCES contacts (id),
    legal_entity_id    INTEGER NOT NULL REFERENCES legal_entities (id),
    currency           TEXT NOT NULL CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
    language           TEXT NOT NULL
        CHECK (language GLOB '[a-z][a-z]*' AND length(language) <= 35
               AND language NOT GLOB '*[^A-Za-z0-9-]*'),
    start_date         TEXT NOT NULL CHECK (date(start_date, '+0 days') IS start_date),
    end_date           TEXT CHECK (date(end_date, '+0 days') IS end_date),  -- inclusive; NULL: open-ended
    -- ISO 8601: 'P1M', 'P3M', 'P1Y', 'P14D'
    billing_period     TEXT NOT NULL
        CHECK (billing_period GLOB 'P[1-9]*[DWMY]'
               AND substr(billing_period, 2, length(billing_period) - 2) NOT GLOB '*[^0-9]*'),
    alignment          TEXT NOT NULL CHECK (alignment IN ('anniversary', 'calendar')),
    -- last day covered by an invoice; NULL: none
    billed_through     TEXT CHECK (date(billed_through, '+0 days') IS billed_through),
    status             TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'ended', 'cancelled')),
    -- the mapped record, for reproducibility
    source_data        TEXT NOT NULL CHECK (json_valid(source_data)),
    sf_system_modstamp TEXT NOT NULL
        CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', sf_system_modstamp, '+0 days') IS sf_system_modstamp),
    created_at         TEXT NOT NULL
        CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '+0 days') IS created_at),
    updated_at         TEXT NOT NULL
        CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', updated_at, '+0 days') IS updated_at),
    UNIQUE (source_object, source_record_id),
    CHECK (end_date IS NULL OR end_date >= start_date)
) STRICT;
CREATE INDEX billing_plans_account ON billing_plans (account_id);

CREATE TABLE plan_items (
    id                INTEGER PRIMARY KEY,
    plan_id           INTEGER NOT NULL REFERENCES billing_plans (id),
    -- stable key from the mapping, e.g. a line item Id
    source_item_key   TEXT NOT NULL CHECK (length(source_item_key) > 0),
    product_code      TEXT,
    description       TEXT NOT NULL,
    charge_type       TEXT NOT NULL CHECK (charge_type IN ('recurring', 'one_time', 'usage')),
    pricing_model     TEXT NOT NULL
        CHECK (pricing_model IN ('flat_fee', 'per_unit', 'tiered', 'volume', 'package', 'percentage')),
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

CREATE TABLE invoice_runs (
    id               INTEGER PRIMARY KEY,
    cutoff_date      TEXT NOT NULL CHECK (date(cutoff_date, '+0 days') IS cutoff_date),
    selection        TEXT NOT NULL CHECK (json_valid(selection)),  -- the filter the run was started with
    started_by       TEXT NOT NULL CHECK (started_by IN ('schedule', 'manual')),
    state            TEXT NOT NULL CHECK (state IN ('running', 'finished', 'failed', 'cancelled')),
    started_at       TEXT NOT NULL
        CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', started_at, '+0 days') IS started_at),
    finished_at      TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', finished_at, '+0 days') IS finished_at),
    plans_selected   INTEGER NOT NULL DEFAULT 0 CHECK (plans_selected >= 0),
    invoices_created INTEGER NOT NULL DEFAULT 0 CHECK (invoices_created >= 0),
    plans_failed     INTEGER NOT NULL DEFAULT 0 CHECK (plans_failed >= 0),
    error            TEXT,
    CHECK ((state = 'running') = (finished_at IS NULL)),
    CHECK (finished_at IS NULL OR finished_at >= started_at)
) STRICT;
CREATE INDEX invoice_runs_started ON invoice_runs (started_at);

-- Number ranges per legal entity, document type and period (e.g. the year for yearly resets).  A number
-- is drawn by incrementing next_value in the transaction that finalizes the document; the counter never
-- goes back, so a number is never issued twice; a drawn number that is not used is logged in number_voids.
CREATE TABLE number_ranges (
    id              INTEGER PRIMARY KEY,
    legal_entity_id INTEGER NOT NULL REFERENCES legal_entities (id),
    document_type   TEXT NOT NULL CHECK (document_type GLOB '[a-z]*' AND document_type NOT GLOB '*[^a-z_]*'),
    period_key      TEXT NOT NULL,  -- '2026' for a yearly reset, '' for a range that never resets
    pattern         TEXT NOT NULL CHECK (length(pattern) > 0),  -- e.g. 'RE-{yyyy}-{seq:05}'
    next_value      INTEGER NOT NULL CHECK (next_value >= 1),
    UNIQUE (legal_entity_id, document_type, period_key)
) STRICT;

CREATE TRIGGER number_ranges_never_back BEFORE UPDATE ON number_ranges
WHEN NEW.next_value < OLD.next_value OR NEW.legal_entity_id IS NOT OLD.legal_entity_id
    OR NEW.document_type IS NOT OLD.document_type OR NEW.period_key IS NOT OLD.period_key
BEGIN
    SELECT RAISE(ABORT, 'a number range only moves forward: numbers are never reused');
END;

CREATE TRIGGER number_ranges_kept BEFORE DELETE ON number_ranges
BEGIN
    SELECT RAISE(ABORT, 'number ranges are never deleted: numbers are never reused');
END;

CREATE TABLE number_voids (
    id              INTEGER PRIMARY KEY,
    number_range_id INTEGER NOT NULL REFERENCES number_ranges (id),
    value           INTEGER NOT NULL CHECK (value >= 1),
    number          TEXT NOT NULL CHECK (length(number) > 0),
    reason          TEXT NOT NULL CHECK (length(reason) > 0),
    voided_at       TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', voided_at, '+0 days') IS voided_at),
    UNIQUE (number_range_id, value)
) STRICT;

CREATE TRIGGER number_voids_drawn_only BEFORE INSERT ON number_voids
WHEN NEW.value >= (SELECT next_value FROM number_ranges WHERE id = NEW.number_range_id)
BEGIN
    SELECT RAISE(ABORT, 'only a number that was drawn can be voided');
END;

CREATE TRIGGER number_voids_append_only_update BEFORE UPDATE ON number_voids
BEGIN
    SELECT RAISE(ABORT, 'the void log is append-only');
END;

CREATE TRIGGER number_voids_append_only_delete BEFORE DELETE ON number_voids
BEGIN
    SELECT RAISE(ABORT, 'the void log is append-only');
END;

-- Invoices and every other billing document.  A draft is freely edited or deleted; finalization assigns
-- the number and freezes the row and its lines (GoBD); a finalized invoice is only ever cancelled, by a
-- cancellation document that points at it.
CREATE TABLE invoices (
    id                  INTEGER PRIMARY KEY,
    legal_entity_id     INTEGER NOT NULL REFERENCES legal_entities (id),
    account_id          INTEGER NOT NULL REFERENCES accounts (id),
    bill_to_account_id  INTEGER REFERENCES accounts (id),
    bill_to_contact_id  INTEGER REFERENCES contacts (id),
    plan_id             INTEGER REFERENCES billing_plans (id),  -- NULL for a manual draft
    run_id              INTEGER REFERENCES invoice_runs (id),   -- NULL for a manual draft
    status              TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'finalized', 'cancelled')),
    type_code           TEXT NOT NULL
        CHECK (type_code IN ('invoice', 'pro_forma', 'advance', 'progress', 'partial',
                                                           'final', 'cancellation', 'credit_note')),
    corrects_invoice_id INTEGER REFERENCES invoices (id),  -- what a cancellation or credit note corrects
    number_range_id     INTEGER REFERENCES number_ranges (id),
    number_value        INTEGER CHECK (number_value >= 1),
    number              TEXT,
    issue_date          TEXT CHECK (date(issue_date, '+0 days') IS issue_date),
    due_date            TEXT CHECK (date(due_date, '+0 days') IS due_date),
    service_start       TEXT CHECK (date(service_start, '+0 days') IS service_start),
    service_end         TEXT CHECK (date(service_end, '+0 days') IS service_end),
    currency            TEXT NOT NULL CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
    language            TEXT NOT NULL
        CHECK (language GLOB '[a-z][a-z]*' AND length(language) <= 35
               AND language NOT GLOB '*[^A-Za-z0-9-]*'),
    total_net           TEXT NOT NULL
        CHECK (total_net NOT GLOB '*[^0-9.-]*' AND total_net GLOB '*[0-9]'
               AND (total_net GLOB '[0-9]*' OR total_net GLOB '-[0-9]*') AND total_net NOT GLOB '?*-*'
               AND total_net NOT GLOB '*.*.*' AND total_net NOT GLOB '0[0-9]*'
               AND total_net NOT GLOB '-0[0-9]*' AND total_net NOT GLOB '*.*0'
               AND total_net <> '-0' AND length(total_net) <= 40),
    total_tax           TEXT NOT NULL
        CHECK (total_tax NOT GLOB '*[^0-9.-]*' AND total_tax GLOB '*[0-9]'
               AND (total_tax GLOB '[0-9]*' OR total_tax GLOB '-[0-9]*') AND total_tax NOT GLOB '?*-*'
               AND total_tax NOT GLOB '*.*.*' AND total_tax NOT GLOB '0[0-9]*'
               AND total_tax NOT GLOB '-0[0-9]*' AND total_tax NOT GLOB '*.*0'
               AND total_tax <> '-0' AND length(total_tax) <= 40),
    total_gross         TEXT NOT NULL
        CHECK (total_gross NOT GLOB '*[^0-9.-]*' AND total_gross GLOB '*[0-9]'
               AND (total_gross GLOB '[0-9]*' OR total_gross GLOB '-[0-9]*') AND total_gross NOT GLOB '?*-*'
               AND total_gross NOT GLOB '*.*.*' AND total_gross NOT GLOB '0[0-9]*'
               AND total_gross NOT GLOB '-0[0-9]*' AND total_gross NOT GLOB '*.*0'
               AND total_gross <> '-0' AND length(total_gross) <= 40),
    created_at          TEXT NOT NULL
        CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '+0 days') IS created_at),
    updated_at          TEXT NOT NULL
        CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', updated_at, '+0 days') IS updated_at),
    finalized_at        TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', finalized_at, '+0 days') IS finalized_at),
    cancelled_at        TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', cancelled_at, '+0 days') IS cancelled_at),
    UNIQUE (legal_entity_id, number),
    UNIQUE (number_range_id, number_value),
    CHECK (status <> 'draft' OR (number IS NULL AND finalized_at IS NULL)),
    CHECK (status = 'draft' OR (issue_date IS NOT NULL AND finalized_at IS NOT NULL
                                AND (number IS NOT NULL OR type_code = 'pro_forma'))),
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
    CHECK ((number IS NULL) = (number_value IS NULL) AND (number IS NULL) = (number_range_id IS NULL)),
    CHECK (type_code <> 'cancellation' OR corrects_invoice_id IS NOT NULL),
    CHECK (service_end IS NULL OR service_start IS NULL OR service_end >= service_start)
) STRICT;
CREATE INDEX invoices_account ON invoices (account_id);
CREATE INDEX invoices_plan ON invoices (plan_id);
CREATE INDEX invoices_run ON invoices (run_id);
CREATE INDEX invoices_status ON invoices (status);

CREATE TRIGGER invoices_status_forward BEFORE UPDATE OF status ON invoices
WHEN NOT (NEW.status = OLD.status OR (OLD.status = 'draft' AND NEW.status = 'finalized')
          OR (OLD.status = 'finalized' AND NEW.status = 'cancelled'))
BEGIN
    SELECT RAISE(ABORT, 'an invoice only goes draft -> finalized -> cancelled');
END;

CREATE TRIGGER invoices_finalized_immutable BEFORE UPDATE ON invoices
WHEN OLD.status <> 'draft' AND (
    NEW.legal_entity_id IS NOT OLD.legal_entity_id OR NEW.account_id IS NOT OLD.account_id
    OR NEW.bill_to_account_id IS NOT OLD.bill_to_account_id
    OR NEW.bill_to_contact_id IS NOT OLD.bill_to_contact_id
    OR NEW.plan_id IS NOT OLD.plan_id OR NEW.run_id IS NOT OLD.run_id OR NEW.type_code IS NOT OLD.type_code
    OR NEW.corrects_invoice_id IS NOT OLD.corrects_invoice_id
    OR NEW.number_range_id IS NOT OLD.number_range_id
    OR NEW.number_value IS NOT OLD.number_value OR NEW.number IS NOT OLD.number
    OR NEW.issue_date IS NOT OLD.issue_date OR NEW.due_date IS NOT OLD.due_date
    OR NEW.service_start IS NOT OLD.service_start OR NEW.service_end IS NOT OLD.service_end
    OR NEW.currency IS NOT OLD.currency OR NEW.language IS NOT OLD.language
    OR NEW.total_net IS NOT OLD.total_net OR NEW.total_tax IS NOT OLD.total_tax
    OR NEW.total_gross IS NOT OLD.total_gross OR NEW.created_at IS NOT OLD.created_at
    OR NEW.finalized_at IS NOT OLD.finalized_at)
BEGIN
    SELECT RAISE(ABORT, 'a finalized invoice is immutable; correct it with a cancellation or credit note');
END;

CREATE TRIGGER invoices_delete_drafts_only BEFORE DELETE ON invoices
WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'only a draft invoice can be deleted');
END;

CREATE TABLE invoice_lines (
    id            INTEGER PRIMARY KEY,
    invoice_id    INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL CHECK (position >= 1),
    item_id       INTEGER REFERENCES plan_items (id),  -- NULL for a manual line
    description   TEXT NOT NULL,
    quantity      TEXT NOT NULL
        CHECK (quantity NOT GLOB '*[^0-9.-]*' AND quantity GLOB '*[0-9]'
               AND (quantity GLOB '[0-9]*' OR quantity GLOB '-[0-9]*') AND quantity NOT GLOB '?*-*'
               AND quantity NOT GLOB '*.*.*' AND quantity NOT GLOB '0[0-9]*'
               AND quantity NOT GLOB '-0[0-9]*' AND quantity NOT GLOB '*.*0'
               AND quantity <> '-0' AND length(quantity) <= 40),
    unit_code     TEXT NOT NULL DEFAULT 'C62' CHECK (length(unit_code) > 0),  -- UN/ECE Recommendation 20
    unit_price    TEXT NOT NULL
        CHECK (unit_price NOT GLOB '*[^0-9.-]*' AND unit_price GLOB '*[0-9]'
               AND (unit_price GLOB '[0-9]*' OR unit_price GLOB '-[0-9]*') AND unit_price NOT GLOB '?*-*'
               AND unit_price NOT GLOB '*.*.*' AND unit_price NOT GLOB '0[0-9]*'
               AND unit_price NOT GLOB '-0[0-9]*' AND unit_price NOT GLOB '*.*0'
               AND unit_price <> '-0' AND length(unit_price) <= 40),
    net_amount    TEXT NOT NULL
        CHECK (net_amount NOT GLOB '*[^0-9.-]*' AND net_amount GLOB '*[0-9]'
               AND (net_amount GLOB '[0-9]*' OR net_amount GLOB '-[0-9]*') AND net_amount NOT GLOB '?*-*'
               AND net_amount NOT GLOB '*.*.*' AND net_amount NOT GLOB '0[0-9]*'
               AND net_amount NOT GLOB '-0[0-9]*' AND net_amount NOT GLOB '*.*0'
               AND net_amount <> '-0' AND length(net_amount) <= 40),
    -- UNCL5305
    tax_category  TEXT NOT NULL CHECK (tax_category IN ('S', 'Z', 'E', 'AE', 'K', 'G', 'O', 'L', 'M')),
    -- percent, e.g. '19'
    tax_rate      TEXT NOT NULL
        CHECK (tax_rate NOT GLOB '*[^0-9.-]*' AND tax_rate GLOB '*[0-9]'
               AND (tax_rate GLOB '[0-9]*' OR tax_rate GLOB '-[0-9]*') AND tax_rate NOT GLOB '?*-*'
               AND tax_rate NOT GLOB '*.*.*' AND tax_rate NOT GLOB '0[0-9]*'
               AND tax_rate NOT GLOB '-0[0-9]*' AND tax_rate NOT GLOB '*.*0'
               AND tax_rate <> '-0' AND length(tax_rate) <= 40 AND tax_rate NOT GLOB '-*'),
    period_start  TEXT CHECK (date(period_start, '+0 days') IS period_start),
    period_end    TEXT CHECK (date(period_end, '+0 days') IS period_end),
    UNIQUE (invoice_id, position),
    CHECK (period_end IS NULL OR (period_start IS NOT NULL AND period_end >= period_start))
) STRICT;

-- The lines of a document are frozen with it.  (During a cascade from a deleted draft the parent row is
-- already gone, the subquery yields NULL and the triggers let the delete through.)
CREATE TRIGGER invoice_lines_frozen_insert BEFORE INSERT ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = NEW.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'the lines of a finalized invoice are immutable');
END;

CREATE TRIGGER invoice_lines_frozen_update BEFORE UPDATE ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) <> 'draft'
    OR (SELECT status FROM invoices WHERE id = NEW.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'the lines of a finalized invoice are immutable');
END;

CREATE TRIGGER invoice_lines_frozen_delete BEFORE DELETE ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'the lines of a finalized invoice are immutable');
END;

-- Exactly-once billing: a period of an item is billed by at most one invoice, enforced by the UNIQUE
-- constraint, inside the transaction that writes the invoice.  Deleting a draft releases its periods
-- (cascade); the periods of a finalized invoice stay taken.
CREATE TABLE billed_periods (
    id              INTEGER PRIMARY KEY,
    item_id         INTEGER NOT NULL REFERENCES plan_items (id),
    period_start    TEXT NOT NULL CHECK (date(period_start, '+0 days') IS period_start),
    period_end      TEXT NOT NULL CHECK (date(period_end, '+0 days') IS period_end),  -- inclusive
    invoice_id      INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    invoice_line_id INTEGER REFERENCES invoice_lines (id) ON DELETE CASCADE,
    created_at      TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '+0 days') IS created_at),
    UNIQUE (item_id, period_start),
    CHECK (period_end >= period_start)
) STRICT;
CREATE INDEX billed_periods_invoice ON billed_periods (invoice_id);
CREATE INDEX billed_periods_line ON billed_periods (invoice_line_id);

CREATE TRIGGER billed_periods_unchanged BEFORE UPDATE ON billed_periods
BEGIN
    SELECT RAISE(ABORT, 'a billed period is never changed');
END;

CREATE TRIGGER billed_periods_kept BEFORE DELETE ON billed_periods
WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) = 'finalized'
BEGIN
    SELECT RAISE(ABORT, 'the billed periods of a finalized invoice stay billed');
END;

CREATE TABLE usage_records (
    id               INTEGER PRIMARY KEY,
    external_id      TEXT NOT NULL UNIQUE CHECK (length(external_id) > 0),
    item_id          INTEGER NOT NULL REFERENCES plan_items (id),
    quantity         TEXT NOT NULL
        CHECK (quantity NOT GLOB '*[^0-9.-]*' AND quantity GLOB '*[0-9]'
               AND (quantity GLOB '[0-9]*' OR quantity GLOB '-[0-9]*') AND quantity NOT GLOB '?*-*'
               AND quantity NOT GLOB '*.*.*' AND quantity NOT GLOB '0[0-9]*'
               AND quantity NOT GLOB '-0[0-9]*' AND quantity NOT GLOB '*.*0'
               AND quantity <> '-0' AND length(quantity) <= 40),
    occurred_at      TEXT NOT NULL
        CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', occurred_at, '+0 days') IS occurred_at),
    unique_key       TEXT,  -- what unique_count counts, e.g. a user id
    billed_period_id INTEGER REFERENCES billed_periods (id) ON DELETE SET NULL,
    received_at      TEXT NOT NULL
        CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', received_at, '+0 days') IS received_at)
) STRICT;
CREATE INDEX usage_records_item_time ON usage_records (item_id, occurred_at);
CREATE INDEX usage_records_billed ON usage_records (billed_period_id);

CREATE TABLE sync_cursors (
    object_name          TEXT PRIMARY KEY NOT NULL CHECK (length(object_name) > 0),
    last_system_modstamp TEXT
        CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', last_system_modstamp, '+0 days') IS last_system_modstamp),
    last_record_id       TEXT
        CHECK (length(last_record_id) = 18 AND last_record_id NOT GLOB '*[^0-9A-Za-z]*'),
    last_replay_id       TEXT,
    updated_at           TEXT NOT NULL
        CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', updated_at, '+0 days') IS updated_at)
) STRICT, WITHOUT ROWID;
CREATE INDEX sync_cursors_updated ON sync_cursors (updated_at);

-- Records the mapping could not use; retried when they change, shown to the admin until then.
CREATE TABLE quarantine (
    id          INTEGER PRIMARY KEY,
    object_name TEXT NOT NULL CHECK (length(object_name) > 0),
    record_id   TEXT NOT NULL CHECK (length(record_id) > 0),
    reason      TEXT NOT NULL CHECK (length(reason) > 0),
    details     TEXT,
    first_seen  TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', first_seen, '+0 days') IS first_seen),
    last_seen   TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', last_seen, '+0 days') IS last_seen),
    occurrences INTEGER NOT NULL DEFAULT 1 CHECK (occurrences >= 1),
    UNIQUE (object_name, record_id),
    CHECK (last_seen >= first_seen)
) STRICT;

-- Every call that leaves the machine: committed here with the data it belongs to, then performed by a
-- worker with the idempotency key (DESIGN.md).
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (length(kind) > 0),
    idempotency_key TEXT NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'in_flight', 'done', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT NOT NULL
        CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', next_attempt_at, '+0 days') IS next_attempt_at),
    last_error      TEXT,
    created_at      TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '+0 days') IS created_at),
    done_at         TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', done_at, '+0 days') IS done_at),
    CHECK ((state = 'done') = (done_at IS NOT NULL)),
    CHECK (state <> 'in_flight' OR attempts >= 1)
) STRICT;
CREATE INDEX outbox_state_due ON outbox (state, next_attempt_at);
