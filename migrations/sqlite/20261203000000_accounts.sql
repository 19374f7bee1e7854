-- People who sign in (issue 13). Tokens stay for machines.
--
-- A user is an admin, a caseworker of one office or a host of one organisation, like a token.
-- Emails are stored as typed but compared in lower case (unique in lower case). The password is
-- an Argon2id PHC string; NULL for a user who signs in only through an identity provider.
CREATE TABLE users (
    id               BLOB PRIMARY KEY CHECK (length(id) = 16),
    email            TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%'),
    display_name     TEXT NOT NULL DEFAULT '' CHECK (length(display_name) <= 200),
    role             TEXT NOT NULL CHECK (role IN ('admin', 'caseworker', 'host')),
    office_id        BLOB REFERENCES offices (id) ON DELETE RESTRICT,
    organisation_id  BLOB REFERENCES organisations (id) ON DELETE RESTRICT,
    language         TEXT NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'nl', 'de', 'en')),
    password_hash    TEXT CHECK (password_hash IS NULL OR password_hash LIKE '$argon2id$%'),
    disabled_at      TEXT,
    created_at       TEXT NOT NULL,
    last_sign_in_at  TEXT,
    CHECK ((role = 'caseworker') = (office_id IS NOT NULL)),
    CHECK ((role = 'host') = (organisation_id IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX users_email_idx ON users (lower(email));

-- Server-side sessions: the cookie carries a random secret, the table its SHA-256, so a copy of
-- the database signs no one in. Idle and absolute expiry are read from `last_seen_at` and
-- `created_at`; signing out or disabling the user deletes the row.
CREATE TABLE sessions (
    id               BLOB PRIMARY KEY CHECK (length(id) = 16),
    secret_hash      TEXT NOT NULL UNIQUE CHECK (length(secret_hash) = 64),
    user_id          BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token       TEXT NOT NULL CHECK (length(csrf_token) = 64),
    created_at       TEXT NOT NULL,
    last_seen_at     TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Failed sign-ins, for the brute-force limits (per email, per address, over 15 minutes). The
-- email is kept as its SHA-256 only: the table never says who was tried.
CREATE TABLE sign_in_failures (
    id               BLOB PRIMARY KEY CHECK (length(id) = 16),
    email_hash       TEXT NOT NULL CHECK (length(email_hash) = 64),
    address          TEXT NOT NULL,
    at               TEXT NOT NULL
) STRICT;
CREATE INDEX sign_in_failures_email_idx ON sign_in_failures (email_hash, at);
CREATE INDEX sign_in_failures_address_idx ON sign_in_failures (address, at);

-- A user's actions are audited under the user's id.
ALTER TABLE audit_events ADD COLUMN actor_user_id BLOB;
