-- 0006_credit_reports: SCHUFA credit reports (connectors/schufa/README.md): the audit log of every request
-- (who, when, which account, which product, which legitimate interest, result reference), the structured
-- reports, the B2C personal data kept until its retention date, and the follow-up monitoring
-- subscriptions with the events already handled.
-- Never edit this file once released; add 0007_... instead.

-- Written before a request leaves (outcome 'pending'), completed once with the result: a crash between
-- the two leaves a pending row, never a request without an entry.  Holds no personal data: a B2C subject
-- appears only as the SHA-256 of its normalised data.
CREATE TABLE credit_audit (
    id               INTEGER PRIMARY KEY,
    requested_at     TEXT NOT NULL
        CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', requested_at, '+0 days') IS requested_at),
    requested_by     TEXT NOT NULL CHECK (length(requested_by) BETWEEN 1 AND 200),
    account_sf_id    TEXT NOT NULL,
    action           TEXT NOT NULL CHECK (action IN ('report', 'subscribe', 'unsubscribe')),
    product          TEXT NOT NULL,  -- b2b-short, b2b-compact, b2b-full, b2c, identity
    interest         TEXT NOT NULL,  -- the legitimate-interest code
    subject_hash     TEXT,
    outcome          TEXT NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'ok', 'failed')),
    result_reference TEXT,  -- SCHUFA's requestId or subscriptionId
    result_code      TEXT,  -- HIT, NO_HIT, AMBIGUOUS, SUBSCRIBED, UNSUBSCRIBED or the error code
    completed_at     TEXT
) STRICT;
CREATE INDEX credit_audit_account ON credit_audit (account_sf_id, id);

CREATE TRIGGER credit_audit_completed_once BEFORE UPDATE ON credit_audit
WHEN OLD.outcome <> 'pending' OR NEW.requested_at IS NOT OLD.requested_at
    OR NEW.requested_by IS NOT OLD.requested_by OR NEW.account_sf_id IS NOT OLD.account_sf_id
    OR NEW.action IS NOT OLD.action OR NEW.product IS NOT OLD.product OR NEW.interest IS NOT OLD.interest
BEGIN
    SELECT RAISE(ABORT, 'a credit audit entry is completed once and never changed otherwise');
END;

CREATE TRIGGER credit_audit_kept BEFORE DELETE ON credit_audit
BEGIN
    SELECT RAISE(ABORT, 'a credit audit entry is never deleted');
END;

CREATE TABLE credit_reports (
    id                     INTEGER PRIMARY KEY,
    audit_id               INTEGER NOT NULL UNIQUE REFERENCES credit_audit (id),
    account_sf_id          TEXT NOT NULL,
    product                TEXT NOT NULL,
    subject_kind           TEXT NOT NULL CHECK (subject_kind IN ('company', 'person', 'identity')),
    status                 TEXT NOT NULL CHECK (status IN ('HIT', 'NO_HIT', 'AMBIGUOUS')),
    request_reference      TEXT NOT NULL,
    subject_id             TEXT,  -- SCHUFA's company id (B2B)
    score                  INTEGER,
    risk_class             INTEGER,
    probability_of_default TEXT,  -- percent, plain decimal text
    traffic_light          TEXT,
    negative_count         INTEGER NOT NULL,
    worsened               INTEGER NOT NULL CHECK (worsened IN (0, 1)),
    comparison             TEXT NOT NULL,  -- one line: the change against the previous report
    report_json            TEXT NOT NULL,  -- the structured result, without personal data
    received_at            TEXT NOT NULL
        CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', received_at, '+0 days') IS received_at)
) STRICT;
CREATE INDEX credit_reports_account ON credit_reports (account_sf_id, subject_kind, id);

-- B2C personal data of a report (what was sent: name, birth date, address), deleted at delete_after.
CREATE TABLE credit_personal_data (
    report_id    INTEGER PRIMARY KEY REFERENCES credit_reports (id),
    data         TEXT NOT NULL,
    delete_after TEXT NOT NULL
        CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', delete_after, '+0 days') IS delete_after)
) STRICT;
CREATE INDEX credit_personal_data_due ON credit_personal_data (delete_after);

CREATE TABLE credit_monitoring (
    account_sf_id   TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL,
    subject_type    TEXT NOT NULL CHECK (subject_type IN ('COMPANY', 'PERSON')),
    subject_id      TEXT NOT NULL,
    product         TEXT NOT NULL,  -- the report a monitoring event asks for again
    active          INTEGER NOT NULL CHECK (active IN (0, 1)),
    changed_at      TEXT NOT NULL
) STRICT;
CREATE INDEX credit_monitoring_subscription ON credit_monitoring (subscription_id);

-- Events are delivered at least once: one row per event handled, committed with its report.
CREATE TABLE credit_monitoring_events (
    event_id        TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL,
    report_id       INTEGER REFERENCES credit_reports (id),
    handled_at      TEXT NOT NULL
) STRICT;
