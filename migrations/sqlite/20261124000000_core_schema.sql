-- Core schema: territories (offices), host organisations, openings, beneficiaries, placements,
-- API tokens and the audit trail. SQLite dialect; the PostgreSQL file of the same name holds the
-- same tables, columns and rules. UUIDs are 16-byte blobs, timestamps RFC 3339 text with offset,
-- dates ISO 8601 text, lists JSON text: each checked, so a bad value cannot be stored.

CREATE TABLE offices (
    id          BLOB PRIMARY KEY CHECK (typeof(id) = 'blob' AND length(id) = 16),
    name        TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
    country     TEXT NOT NULL CHECK (country IN ('LU', 'BE', 'FR')),
    programme   TEXT NOT NULL CHECK (programme IN ('revis', 'cpas_ris', 'rsa')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE organisations (
    id                  BLOB PRIMARY KEY CHECK (length(id) = 16),
    name                TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
    kind                TEXT NOT NULL CHECK (kind IN ('commune', 'non_profit', 'foundation',
                            'public_body', 'cpas', 'social_economy', 'private_employer')),
    address             TEXT,
    lon                 REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    lat                 REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    monthly_intake_cap  INTEGER CHECK (monthly_intake_cap >= 0),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
) STRICT;

CREATE TABLE openings (
    id                BLOB PRIMARY KEY CHECK (length(id) = 16),
    organisation_id   BLOB NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    title             TEXT NOT NULL CHECK (length(trim(title)) BETWEEN 1 AND 200),
    tasks             TEXT NOT NULL DEFAULT '',
    kind              TEXT NOT NULL CHECK (kind IN ('public_utility_work', 'article_60',
                          'article_61', 'immersion')),
    sector            TEXT NOT NULL DEFAULT '',
    programmes        TEXT NOT NULL CHECK (json_valid(programmes) AND json_type(programmes) = 'array'),
    lon               REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    lat               REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    seats             INTEGER NOT NULL CHECK (seats >= 0),
    hours_per_week    REAL NOT NULL CHECK (hours_per_week > 0 AND hours_per_week <= 60),
    start_date        TEXT NOT NULL CHECK (date(start_date) = start_date),
    end_date          TEXT CHECK (end_date IS NULL OR (date(end_date) = end_date AND end_date >= start_date)),
    required_skills   TEXT NOT NULL CHECK (json_valid(required_skills) AND json_type(required_skills) = 'array'),
    wanted_skills     TEXT NOT NULL CHECK (json_valid(wanted_skills) AND json_type(wanted_skills) = 'array'),
    physical_demands  TEXT NOT NULL CHECK (json_valid(physical_demands) AND json_type(physical_demands) = 'array'),
    tutor             TEXT,
    status            TEXT NOT NULL CHECK (status IN ('open', 'paused', 'closed')),
    status_reason     TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;
CREATE INDEX openings_organisation_idx ON openings (organisation_id);
CREATE INDEX openings_status_idx ON openings (status, updated_at);

CREATE TABLE opening_languages (
    opening_id  BLOB NOT NULL REFERENCES openings (id) ON DELETE CASCADE,
    language    TEXT NOT NULL CHECK (language GLOB '[a-z][a-z]'),
    min_level   TEXT NOT NULL CHECK (min_level IN ('A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
    PRIMARY KEY (opening_id, language)
) STRICT;

CREATE TABLE beneficiaries (
    id                BLOB PRIMARY KEY CHECK (length(id) = 16),
    office_id         BLOB NOT NULL REFERENCES offices (id) ON DELETE CASCADE,
    external_ref      TEXT CHECK (external_ref IS NULL OR length(trim(external_ref)) BETWEEN 1 AND 100),
    given_name        TEXT NOT NULL,
    family_name       TEXT NOT NULL,
    birth_date        TEXT CHECK (birth_date IS NULL OR date(birth_date) = birth_date),
    address           TEXT,
    lon               REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    lat               REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    mobility          TEXT NOT NULL CHECK (mobility IN ('walk', 'bike', 'public_transport', 'car')),
    max_trip_minutes  INTEGER NOT NULL CHECK (max_trip_minutes BETWEEN 1 AND 240),
    hours_per_week    REAL NOT NULL CHECK (hours_per_week > 0 AND hours_per_week <= 60),
    earliest_start    TEXT NOT NULL CHECK (date(earliest_start) = earliest_start),
    waiting_since     TEXT NOT NULL CHECK (date(waiting_since) = waiting_since),
    skills            TEXT NOT NULL CHECK (json_valid(skills) AND json_type(skills) = 'array'),
    health_limits     TEXT NOT NULL CHECK (json_valid(health_limits) AND json_type(health_limits) = 'array'),
    refused_sectors   TEXT NOT NULL CHECK (json_valid(refused_sectors) AND json_type(refused_sectors) = 'array'),
    status            TEXT NOT NULL CHECK (status IN ('waiting', 'placed', 'paused', 'exited')),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (office_id, external_ref)
) STRICT;
CREATE INDEX beneficiaries_office_idx ON beneficiaries (office_id, status);

CREATE TABLE beneficiary_languages (
    beneficiary_id  BLOB NOT NULL REFERENCES beneficiaries (id) ON DELETE CASCADE,
    language        TEXT NOT NULL CHECK (language GLOB '[a-z][a-z]'),
    level           TEXT NOT NULL CHECK (level IN ('A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
    PRIMARY KEY (beneficiary_id, language)
) STRICT;

CREATE TABLE placements (
    id              BLOB PRIMARY KEY CHECK (length(id) = 16),
    beneficiary_id  BLOB NOT NULL REFERENCES beneficiaries (id) ON DELETE CASCADE,
    opening_id      BLOB NOT NULL REFERENCES openings (id) ON DELETE CASCADE,
    state           TEXT NOT NULL CHECK (state IN ('proposed', 'accepted', 'confirmed', 'active',
                        'ended', 'declined', 'expired')),
    outcome         TEXT CHECK (outcome IS NULL OR outcome IN ('completed', 'job_found', 'training',
                        'dropped_out', 'health', 'moved_away', 'other')),
    decline_reason  TEXT,
    -- Who proposed: a caseworker by hand or the rebalancing optimiser.
    proposed_by     TEXT NOT NULL CHECK (proposed_by IN ('caseworker', 'admin', 'rebalancing')),
    -- Day the host confirmed: the monthly intake cap counts these.
    confirmed_on    TEXT CHECK (confirmed_on IS NULL OR date(confirmed_on) = confirmed_on),
    hours_worked    REAL NOT NULL DEFAULT 0 CHECK (hours_worked >= 0),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
-- Never a double booking: at most one live placement per person.
CREATE UNIQUE INDEX placements_one_live_per_beneficiary ON placements (beneficiary_id)
    WHERE state IN ('proposed', 'accepted', 'confirmed', 'active');
CREATE INDEX placements_opening_idx ON placements (opening_id, state);

CREATE TABLE api_tokens (
    id               BLOB PRIMARY KEY CHECK (length(id) = 16),
    token_hash       TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    role             TEXT NOT NULL CHECK (role IN ('admin', 'caseworker', 'host', 'scheduler')),
    office_id        BLOB REFERENCES offices (id) ON DELETE CASCADE,
    organisation_id  BLOB REFERENCES organisations (id) ON DELETE CASCADE,
    label            TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    expires_at       TEXT,
    revoked_at       TEXT,
    -- A caseworker is bound to exactly one office, a host to exactly one organisation, others to none.
    CHECK ((role = 'caseworker') = (office_id IS NOT NULL)),
    CHECK ((role = 'host') = (organisation_id IS NOT NULL))
) STRICT;

-- Who read or changed what, and when. Ids only: no personal data in the trail itself.
CREATE TABLE audit_events (
    id               BLOB PRIMARY KEY CHECK (length(id) = 16),
    occurred_at      TEXT NOT NULL,
    actor_token_id   BLOB,
    actor_role       TEXT NOT NULL,
    action           TEXT NOT NULL CHECK (action IN ('create', 'read', 'update', 'delete', 'export',
                         'transition', 'apply')),
    object_kind      TEXT NOT NULL,
    object_id        BLOB NOT NULL CHECK (length(object_id) = 16),
    office_id        BLOB,
    organisation_id  BLOB
) STRICT;
CREATE INDEX audit_events_time_idx ON audit_events (occurred_at, id);
CREATE INDEX audit_events_object_idx ON audit_events (object_kind, object_id);

-- Nightly rebalancing runs. A row is written only when a run finishes, in the same transaction as
-- its proposals when applied: a run killed midway leaves no trace.
CREATE TABLE rebalancing_runs (
    id               BLOB PRIMARY KEY CHECK (length(id) = 16),
    office_id        BLOB NOT NULL REFERENCES offices (id) ON DELETE CASCADE,
    mode             TEXT NOT NULL CHECK (mode IN ('dry_run', 'apply')),
    -- Digest of the data the run read: applying a dry run later is refused if it changed.
    data_digest      TEXT NOT NULL,
    report           TEXT NOT NULL CHECK (json_valid(report)),
    started_at       TEXT NOT NULL,
    finished_at      TEXT NOT NULL,
    applied_at       TEXT
) STRICT;
CREATE INDEX rebalancing_runs_office_idx ON rebalancing_runs (office_id, id);
