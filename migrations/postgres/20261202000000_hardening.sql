-- Hardening after the adversarial review (issue 20).
--
-- A proposal made despite a rule records which rules and why (never programme or health).
ALTER TABLE placements ADD COLUMN override_reason text
    CHECK (override_reason IS NULL OR length(btrim(override_reason)) BETWEEN 1 AND 1000);
ALTER TABLE placements ADD COLUMN overridden_rules jsonb NOT NULL DEFAULT '[]'
    CHECK (jsonb_typeof(overridden_rules) = 'array');

-- The offices whose people a host organisation may see as candidates: set by an admin, never by
-- the host. Organisations that have hosted someone serve that person's office from the start.
CREATE TABLE organisation_offices (
    organisation_id  uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    office_id        uuid NOT NULL REFERENCES offices (id) ON DELETE CASCADE,
    PRIMARY KEY (organisation_id, office_id)
);
INSERT INTO organisation_offices (organisation_id, office_id)
    SELECT DISTINCT o.organisation_id, b.office_id
    FROM placements p
    JOIN openings o ON o.id = p.opening_id
    JOIN beneficiaries b ON b.id = p.beneficiary_id
    ON CONFLICT DO NOTHING;

-- Candidates are computed against a held version of an opening: a host's change to its
-- programmes, physical demands or place applies to candidates only from `candidates_from` (or
-- an admin's review); until then `candidate_basis` (programmes, physical_demands, lon, lat), or
-- no candidate at all when it is NULL.
ALTER TABLE openings ADD COLUMN candidate_basis jsonb;
ALTER TABLE openings ADD COLUMN candidates_from timestamptz;

-- Candidates are read by office, status and latitude band, not by scanning every person.
CREATE INDEX beneficiaries_waiting_place_idx ON beneficiaries (office_id, status, lat, lon);
