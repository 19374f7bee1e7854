-- One person's placements are read on every suggestion and file export: index them by person
-- (the unique index on live placements covers live states only).
CREATE INDEX placements_beneficiary_idx ON placements (beneficiary_id);
