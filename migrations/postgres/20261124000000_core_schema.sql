-- Core schema: territories (offices), host organisations, openings, beneficiaries, placements,
-- API tokens and the audit trail. PostgreSQL dialect; the SQLite file of the same name holds the
-- same tables, columns and rules.

CREATE TABLE offices (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    country     text NOT NULL CHECK (country IN ('LU', 'BE', 'FR')),
    programme   text NOT NULL CHECK (programme IN ('revis', 'cpas_ris', 'rsa')),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE organisations (
    id                  uuid PRIMARY KEY,
    name                text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    kind                text NOT NULL CHECK (kind IN ('commune', 'non_profit', 'foundation',
                            'public_body', 'cpas', 'social_economy', 'private_employer')),
    address             text,
    lon                 double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    lat                 double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    monthly_intake_cap  integer CHECK (monthly_intake_cap >= 0),
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);

CREATE TABLE openings (
    id                uuid PRIMARY KEY,
    organisation_id   uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    title             text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    tasks             text NOT NULL DEFAULT '',
    kind              text NOT NULL CHECK (kind IN ('public_utility_work', 'article_60',
                          'article_61', 'immersion')),
    sector            text NOT NULL DEFAULT '',
    programmes        jsonb NOT NULL CHECK (jsonb_typeof(programmes) = 'array'),
    lon               double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    lat               double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    seats             integer NOT NULL CHECK (seats >= 0),
    hours_per_week    double precision NOT NULL CHECK (hours_per_week > 0 AND hours_per_week <= 60),
    start_date        date NOT NULL,
    end_date          date CHECK (end_date IS NULL OR end_date >= start_date),
    required_skills   jsonb NOT NULL CHECK (jsonb_typeof(required_skills) = 'array'),
    wanted_skills     jsonb NOT NULL CHECK (jsonb_typeof(wanted_skills) = 'array'),
    physical_demands  jsonb NOT NULL CHECK (jsonb_typeof(physical_demands) = 'array'),
    tutor             text,
    status            text NOT NULL CHECK (status IN ('open', 'paused', 'closed')),
    status_reason     text,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX openings_organisation_idx ON openings (organisation_id);
CREATE INDEX openings_status_idx ON openings (status, updated_at);

CREATE TABLE opening_languages (
    opening_id  uuid NOT NULL REFERENCES openings (id) ON DELETE CASCADE,
    language    text NOT NULL CHECK (language ~ '^[a-z]{2}$'),
    min_level   text NOT NULL CHECK (min_level IN ('A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
    PRIMARY KEY (opening_id, language)
);

CREATE TABLE beneficiaries (
    id                uuid PRIMARY KEY,
    office_id         uuid NOT NULL REFERENCES offices (id) ON DELETE CASCADE,
    external_ref      text CHECK (external_ref IS NULL OR length(btrim(external_ref)) BETWEEN 1 AND 100),
    given_name        text NOT NULL,
    family_name       text NOT NULL,
    birth_date        date,
    address           text,
    lon               double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    lat               double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    mobility          text NOT NULL CHECK (mobility IN ('walk', 'bike', 'public_transport', 'car')),
    max_trip_minutes  integer NOT NULL CHECK (max_trip_minutes BETWEEN 1 AND 240),
    hours_per_week    double precision NOT NULL CHECK (hours_per_week > 0 AND hours_per_week <= 60),
    earliest_start    date NOT NULL,
    waiting_since     date NOT NULL,
    skills            jsonb NOT NULL CHECK (jsonb_typeof(skills) = 'array'),
    health_limits     jsonb NOT NULL CHECK (jsonb_typeof(health_limits) = 'array'),
    refused_sectors   jsonb NOT NULL CHECK (jsonb_typeof(refused_sectors) = 'array'),
    status            text NOT NULL CHECK (status IN ('waiting', 'placed', 'paused', 'exited')),
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    UNIQUE (office_id, external_ref)
);
CREATE INDEX beneficiaries_office_idx ON beneficiaries (office_id, status);

CREATE TABLE beneficiary_languages (
    beneficiary_id  uuid NOT NULL REFERENCES beneficiaries (id) ON DELETE CASCADE,
    language        text NOT NULL CHECK (language ~ '^[a-z]{2}$'),
    level           text NOT NULL CHECK (level IN ('A1', 'A2', 'B1', 'B2', 'C1', 'C2')),
    PRIMARY KEY (beneficiary_id, language)
);

CREATE TABLE placements (
    id              uuid PRIMARY KEY,
    beneficiary_id  uuid NOT NULL REFERENCES beneficiaries (id) ON DELETE CASCADE,
    opening_id      uuid NOT NULL REFERENCES openings (id) ON DELETE CASCADE,
    state           text NOT NULL CHECK (state IN ('proposed', 'accepted', 'confirmed', 'active',
                        'ended', 'declined', 'expired')),
    outcome         text CHECK (outcome IS NULL OR outcome IN ('completed', 'job_found', 'training',
                        'dropped_out', 'health', 'moved_away', 'other')),
    decline_reason  text,
    -- Who proposed: a caseworker by hand or the rebalancing optimiser.
    proposed_by     text NOT NULL CHECK (proposed_by IN ('caseworker', 'admin', 'rebalancing')),
    -- Day the host confirmed: the monthly intake cap counts these.
    confirmed_on    date,
    hours_worked    double precision NOT NULL DEFAULT 0 CHECK (hours_worked >= 0),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
-- Never a double booking: at most one live placement per person.
CREATE UNIQUE INDEX placements_one_live_per_beneficiary ON placements (beneficiary_id)
    WHERE state IN ('proposed', 'accepted', 'confirmed', 'active');
CREATE INDEX placements_opening_idx ON placements (opening_id, state);

CREATE TABLE api_tokens (
    id               uuid PRIMARY KEY,
    token_hash       text NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    role             text NOT NULL CHECK (role IN ('admin', 'caseworker', 'host', 'scheduler')),
    office_id        uuid REFERENCES offices (id) ON DELETE CASCADE,
    organisation_id  uuid REFERENCES organisations (id) ON DELETE CASCADE,
    label            text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL,
    expires_at       timestamptz,
    revoked_at       timestamptz,
    -- A caseworker is bound to exactly one office, a host to exactly one organisation, others to none.
    CHECK ((role = 'caseworker') = (office_id IS NOT NULL)),
    CHECK ((role = 'host') = (organisation_id IS NOT NULL))
);

-- Who read or changed what, and when. Ids only: no personal data in the trail itself.
CREATE TABLE audit_events (
    id               uuid PRIMARY KEY,
    occurred_at      timestamptz NOT NULL,
    actor_token_id   uuid,
    actor_role       text NOT NULL,
    action           text NOT NULL CHECK (action IN ('create', 'read', 'update', 'delete', 'export',
                         'transition', 'apply')),
    object_kind      text NOT NULL,
    object_id        uuid NOT NULL,
    office_id        uuid,
    organisation_id  uuid
);
CREATE INDEX audit_events_time_idx ON audit_events (occurred_at, id);
CREATE INDEX audit_events_object_idx ON audit_events (object_kind, object_id);

-- Nightly rebalancing runs. A row is written only when a run finishes, in the same transaction as
-- its proposals when applied: a run killed midway leaves no trace.
CREATE TABLE rebalancing_runs (
    id               uuid PRIMARY KEY,
    office_id        uuid NOT NULL REFERENCES offices (id) ON DELETE CASCADE,
    mode             text NOT NULL CHECK (mode IN ('dry_run', 'apply')),
    -- Digest of the data the run read: applying a dry run later is refused if it changed.
    data_digest      text NOT NULL,
    report           jsonb NOT NULL,
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz NOT NULL,
    applied_at       timestamptz
);
CREATE INDEX rebalancing_runs_office_idx ON rebalancing_runs (office_id, id);
