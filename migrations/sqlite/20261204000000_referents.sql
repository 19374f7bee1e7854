-- Caseworkers' portfolios (issue 13): a person's référent is the caseworker user who follows
-- them, at most one at a time. Only a caseworker of the person's office may be one (checked by
-- the application, which also refuses a disabled user as a new référent).
--
-- Every change is kept: one row per period, from `assigned_at` until `ended_at` (NULL while it
-- lasts), `user_id` NULL for a period without référent. Who made the change is recorded as in
-- the audit trail: the signed-in user, or the token, with its role. A file's history goes with
-- the file when it is erased.
ALTER TABLE beneficiaries ADD COLUMN referent_user_id BLOB REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX beneficiaries_referent_idx ON beneficiaries (office_id, referent_user_id);

CREATE TABLE referent_assignments (
    id                    BLOB PRIMARY KEY CHECK (length(id) = 16),
    beneficiary_id        BLOB NOT NULL REFERENCES beneficiaries (id) ON DELETE CASCADE,
    user_id               BLOB REFERENCES users (id) ON DELETE SET NULL,
    assigned_at           TEXT NOT NULL,
    ended_at              TEXT,
    assigned_by_user_id   BLOB,
    assigned_by_token_id  BLOB,
    assigned_by_role      TEXT NOT NULL CHECK (length(assigned_by_role) BETWEEN 1 AND 40)
) STRICT;
CREATE INDEX referent_assignments_beneficiary_idx ON referent_assignments (beneficiary_id, id);
-- At most one period lasting per person.
CREATE UNIQUE INDEX referent_assignments_one_open ON referent_assignments (beneficiary_id)
    WHERE ended_at IS NULL;
