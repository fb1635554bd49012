-- 0003_vat_checks: the evidence of every VAT-ID check (§ 18e UStG: a qualified confirmation is the proof
-- that reverse charge was right), and what the daemon re-checks when (store/README.md, "VAT-ID checks").
-- Append-only: a check is never changed or deleted; a later check is a new row.
-- Never edit this file once released; add 0004_... instead.

CREATE TABLE vat_checks (
    id                  INTEGER PRIMARY KEY,
    -- normalised as far as the input allowed ("DE136695976"); an offline-invalid input as it was normalised
    vat_id              TEXT NOT NULL CHECK (length(vat_id) BETWEEN 1 AND 64),
    account_id          INTEGER REFERENCES accounts (id),  -- NULL: an ad-hoc check
    verdict             TEXT NOT NULL CHECK (verdict IN ('valid', 'invalid', 'unconfirmed')),
    source              TEXT NOT NULL CHECK (source IN ('offline', 'vies')),
    trader_name         TEXT,  -- as VIES returned it; NULL when withheld ("---") or absent
    trader_address      TEXT,
    request_date        TEXT,  -- VIES's requestDate as sent
    consultation_number TEXT,  -- VIES's requestIdentifier (checkVatApprox with our requester)
    detail              TEXT NOT NULL,  -- one line for people: fault code, offline problem, ...
    checked_at          TEXT NOT NULL
        CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', checked_at, '+0 days') IS checked_at)
) STRICT;
CREATE INDEX vat_checks_vat_time ON vat_checks (vat_id, checked_at);
CREATE INDEX vat_checks_account ON vat_checks (account_id);

CREATE TRIGGER vat_checks_unchanged BEFORE UPDATE ON vat_checks
BEGIN
    SELECT RAISE(ABORT, 'a VAT-ID check is evidence and is never changed');
END;

CREATE TRIGGER vat_checks_kept BEFORE DELETE ON vat_checks
BEGIN
    SELECT RAISE(ABORT, 'a VAT-ID check is evidence and is never deleted');
END;
