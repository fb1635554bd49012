-- 0005_project_milestones: the milestones of project plans (advance and final invoices, billing/plan.hpp).
--
--   * billed_milestones: one row per billed milestone of a plan, written with the document that bills it,
--     in its transaction.  UNIQUE(plan_id, milestone_key) makes a milestone billable once, whatever process
--     wrote the first document (as billed_periods does for periods); deleting a draft deletes its rows
--     (ON DELETE CASCADE) and so releases the milestone, and a finalized cancellation of the document
--     deletes them too (invoice_store.cpp).
-- Never edit this file once released; add 0006_... instead.

CREATE TABLE billed_milestones (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER NOT NULL REFERENCES billing_plans (id),
    milestone_key TEXT NOT NULL CHECK (length(milestone_key) > 0),
    invoice_id    INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '+0 days') IS created_at),
    UNIQUE (plan_id, milestone_key)
) STRICT;
CREATE INDEX billed_milestones_invoice ON billed_milestones (invoice_id);
