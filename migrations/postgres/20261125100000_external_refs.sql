-- External references for host organisations and openings, as beneficiaries already have: the
-- key that re-importing a file updates by. An organisation's reference is unique across the
-- service, an opening's within its organisation. NULL (no reference) is allowed any number of
-- times.

ALTER TABLE organisations ADD COLUMN external_ref text
    CHECK (external_ref IS NULL OR length(btrim(external_ref)) BETWEEN 1 AND 100);
CREATE UNIQUE INDEX organisations_external_ref_idx ON organisations (external_ref);

ALTER TABLE openings ADD COLUMN external_ref text
    CHECK (external_ref IS NULL OR length(btrim(external_ref)) BETWEEN 1 AND 100);
CREATE UNIQUE INDEX openings_external_ref_idx ON openings (organisation_id, external_ref);
