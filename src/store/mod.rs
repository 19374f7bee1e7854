//! Storage: the [`Store`] trait and its two backends, embedded SQLite ([`sqlite`]) and PostgreSQL
//! ([`postgres`]). The backend is chosen once, from the URL scheme, by [`connect`]. Connection pools
//! never leave this folder: the rest of the crate sees only `Arc<dyn Store>` and typed rows.
//!
//! The SQL is written once, in `sql.rs`, as ordinary generic methods: a backend implements the
//! `Dialect` trait there (its pool, write transaction, locks and migrations, and the few
//! statements whose text differs) and gets [`Store`] from that one implementation. Each runs its
//! own migrations from `migrations/<backend>/`.

use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// The states in which a placement holds a seat and keeps its person from a second one, as an
/// SQL list: the same as `domain::placement::PlacementState::is_live` (a test checks).
macro_rules! live_states {
    () => {
        "('proposed', 'accepted', 'confirmed', 'active')"
    };
}

pub mod postgres;
mod sql;
pub mod sqlite;
mod token_cache;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A storage failure, typed so that callers can answer 409 for a conflict and 503 for an outage
/// without reading driver messages.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached right now (connection refused, pool timed out, closed).
    #[error("database unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// A uniqueness rule was broken (the same external reference twice, a second live placement).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A row broke a schema rule (a check or a foreign key). Validation should catch these first.
    #[error("constraint violated: {0}")]
    Constraint(String),
    /// Applying migrations failed.
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A placement is not in a state that allows this change.
    #[error("the placement is {current}")]
    WrongState { current: String },
    /// The opening has no free seat (or is not open).
    #[error("no seat left on this opening")]
    NoSeatLeft,
    /// The host has taken as many new people this month as its cap allows.
    #[error("the host's monthly intake cap of {cap} is reached")]
    IntakeCapReached { cap: i32 },
    /// Recording these hours would take a placement past the most it can have worked so far.
    #[error("the hours would exceed the {max_total} that the placement can have worked so far")]
    HoursOverCap { worked: f64, max_total: f64 },
    /// Another run of the same office holds the lock.
    #[error("a rebalancing run of this office is already in progress")]
    RunInProgress,
    /// The data changed since the report was computed.
    #[error("the data changed since this report was computed")]
    Stale,
    /// Any other database error.
    #[error("database error")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        use sqlx::error::ErrorKind;
        match err {
            sqlx::Error::Database(db) => {
                let message = db.message().to_owned();
                match db.kind() {
                    ErrorKind::UniqueViolation => StoreError::Conflict(message),
                    ErrorKind::ForeignKeyViolation
                    | ErrorKind::CheckViolation
                    | ErrorKind::NotNullViolation => StoreError::Constraint(message),
                    _ => StoreError::Database(sqlx::Error::Database(db)),
                }
            }
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Tls(_) => StoreError::Unavailable(err),
            other => StoreError::Database(other),
        }
    }
}

/// Start-up failure: which setting is wrong and why, in one line.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "PLACEMATCH_DATABASE_URL (--database-url): unsupported URL '{url}': expected sqlite:PATH or postgres://USER@HOST/DB"
    )]
    UnsupportedScheme { url: String },
    #[error("PLACEMATCH_DATABASE_URL (--database-url): invalid URL '{url}': {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error(
        "PLACEMATCH_DATABASE_URL (--database-url): cannot create folder {path} for the SQLite file: {reason}"
    )]
    CreateDir { path: String, reason: String },
    #[error("PLACEMATCH_DATABASE_URL (--database-url): cannot connect to {url}: {reason}")]
    Unreachable { url: String, reason: String },
}

/// The database URL without its password, safe to print.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            let masked = if userinfo.contains(':') {
                format!("{user}:***")
            } else {
                user.to_owned()
            };
            format!("{scheme}://{masked}@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

/// How to reach the database: the store's own settings (the command line fills them from flags
/// and `PLACEMATCH_DATABASE_*` variables, see `config.rs`).
#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    /// `sqlite:PATH`, `sqlite::memory:` or `postgres://USER:PASSWORD@HOST:PORT/DB`.
    pub url: String,
    /// Pool size.
    pub max_connections: u32,
    /// Wait for a connection (start-up, readiness, requests).
    pub timeout: std::time::Duration,
    /// How long a token read from the database is reused without reading it again.
    pub token_cache_ttl: std::time::Duration,
}

impl DatabaseSettings {
    /// `url` with the defaults: 10 connections, 5 s, tokens reused for 2 s.
    pub fn for_url(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 10,
            timeout: std::time::Duration::from_secs(5),
            token_cache_ttl: std::time::Duration::from_secs(2),
        }
    }
}

/// Opens the database named by `config.url`, picking the backend from the scheme. The connection is
/// tried once here, so a wrong URL or a database that is down fails at start-up, not on the first
/// request. Migrations are not applied: call [`Store::migrate`].
pub async fn connect(config: &DatabaseSettings) -> Result<Arc<dyn Store>, ConnectError> {
    let url = config.url.trim();
    if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::connect(url, config).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::PgStore::connect(url, config).await?))
    } else {
        Err(ConnectError::UnsupportedScheme {
            url: redact_url(url),
        })
    }
}

fn unreachable(url: &str, err: sqlx::Error) -> ConnectError {
    // The driver's own text says why (refused, unknown host, authentication failed) without
    // echoing the password.
    let reason = match &err {
        sqlx::Error::PoolTimedOut => "timed out waiting for a connection".to_owned(),
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::Database(db) => db.message().to_owned(),
        other => other.to_string(),
    };
    ConnectError::Unreachable {
        url: redact_url(url),
        reason,
    }
}

// ---------------------------------------------------------------------------------------------
// Rows and inserts. Field types are the database's view; the API maps them to its own shapes.
// ---------------------------------------------------------------------------------------------

/// A territory: the social office, CPAS or département team that follows people.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct OfficeRow {
    pub id: Uuid,
    pub name: String,
    /// `LU`, `BE` or `FR`.
    pub country: String,
    /// `revis`, `cpas_ris` or `rsa`.
    pub programme: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// A new office.
#[derive(Debug, Clone)]
pub struct NewOffice {
    pub name: String,
    pub country: String,
    pub programme: String,
}

/// A host organisation: commune, non-profit, foundation, public body, CPAS, social-economy firm or
/// private employer.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct OrganisationRow {
    pub id: Uuid,
    /// The organisation's reference in the office's own records, unique across the service.
    pub external_ref: Option<String>,
    pub name: String,
    pub kind: String,
    pub address: Option<String>,
    /// # Units
    /// Degrees, WGS84.
    pub lon: f64,
    /// # Units
    /// Degrees, WGS84.
    pub lat: f64,
    /// New people the host takes per calendar month; `None` means no cap.
    pub monthly_intake_cap: Option<i32>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// A new host organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOrganisation {
    pub external_ref: Option<String>,
    pub name: String,
    pub kind: String,
    pub address: Option<String>,
    pub lon: f64,
    pub lat: f64,
    pub monthly_intake_cap: Option<i32>,
}

/// An API token as stored: only the SHA-256 of the secret is kept.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TokenRow {
    pub id: Uuid,
    pub token_hash: String,
    pub role: String,
    pub office_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub label: String,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

/// A new API token (its hash; the secret itself is never stored).
#[derive(Debug, Clone)]
pub struct NewToken {
    pub token_hash: String,
    pub role: String,
    pub office_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub label: String,
    pub expires_at: Option<OffsetDateTime>,
}

/// A person who signs in: an admin, a caseworker of one office or a host of one organisation.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct UserRow {
    pub id: Uuid,
    /// As typed; compared in lower case.
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub office_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    /// `fr`, `nl`, `de` or `en`.
    pub language: String,
    /// Argon2id, PHC string; `None` for a user who signs in through an identity provider only.
    pub password_hash: Option<String>,
    pub disabled_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub last_sign_in_at: Option<OffsetDateTime>,
}

/// A new user.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub office_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub language: String,
    pub password_hash: Option<String>,
}

/// Failed sign-ins counted over a window ([`Store::sign_in_failures`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SignInFailures {
    pub for_email: i64,
    pub oldest_for_email: Option<OffsetDateTime>,
    pub from_address: i64,
    pub oldest_from_address: Option<OffsetDateTime>,
}

/// A signed-in user's session: only the SHA-256 of the cookie's secret is kept.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SessionRow {
    pub id: Uuid,
    pub secret_hash: String,
    pub user_id: Uuid,
    /// The token every state-changing request of the session must carry.
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
}

/// One line of the audit trail: who did what to which object, when. Ids only.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct AuditEventRow {
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    pub actor_token_id: Option<Uuid>,
    pub actor_role: String,
    pub action: String,
    pub object_kind: String,
    pub object_id: Uuid,
    pub office_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    /// The signed-in user who acted (`None` for a token).
    pub actor_user_id: Option<Uuid>,
}

/// Most audit events written by one statement: 10 values each stays far below both databases'
/// limits on bound values (32,766 for SQLite, 65,535 for PostgreSQL).
pub const AUDIT_BATCH_MAX: usize = 256;

/// A new audit event.
#[derive(Debug, Clone)]
pub struct NewAuditEvent {
    pub actor_user_id: Option<Uuid>,
    pub actor_token_id: Option<Uuid>,
    pub actor_role: String,
    pub action: String,
    pub object_kind: String,
    pub object_id: Uuid,
    pub office_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
}

/// Hears how many rows of a bulk write are done (a progress bar; `&|_| {}` for none).
pub type Progress<'a> = &'a (dyn Fn(usize) + Send + Sync);

/// One row of a bulk write: its id, and whether it was created (else rewritten in place).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Upserted {
    pub id: Uuid,
    pub created: bool,
}

/// How often, in rows, a bulk write reports progress.
pub(crate) const PROGRESS_EVERY: usize = 512;

/// A new row id. Version 7 UUIDs grow with time, so ordering by id is ordering by creation: keyset
/// pagination needs nothing else, and both databases compare them bytewise.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// The operations the service needs from a database. Both backends pass the same conformance
/// suite (`tests/store_conformance.rs`).
#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// Which database this is.
    fn backend(&self) -> Backend;
    /// Applies pending migrations from `migrations/<backend>/`.
    async fn migrate(&self) -> Result<(), StoreError>;
    /// A round trip to the database (readiness).
    async fn ping(&self) -> Result<(), StoreError>;
    /// Closes the pool; later calls answer [`StoreError::Unavailable`].
    async fn close(&self);

    async fn create_office(&self, new: &NewOffice) -> Result<OfficeRow, StoreError>;
    async fn get_office(&self, id: Uuid) -> Result<Option<OfficeRow>, StoreError>;
    async fn list_offices(&self) -> Result<Vec<OfficeRow>, StoreError>;

    async fn create_organisation(
        &self,
        new: &NewOrganisation,
    ) -> Result<OrganisationRow, StoreError>;
    async fn get_organisation(&self, id: Uuid) -> Result<Option<OrganisationRow>, StoreError>;
    async fn list_organisations(&self) -> Result<Vec<OrganisationRow>, StoreError>;

    async fn create_token(&self, new: &NewToken) -> Result<TokenRow, StoreError>;
    async fn find_token_by_hash(&self, hash: &str) -> Result<Option<TokenRow>, StoreError>;
    /// Marks a token revoked; `false` when no such live token exists.
    async fn revoke_token(&self, id: Uuid, at: OffsetDateTime) -> Result<bool, StoreError>;

    /// Creates a user; `Conflict` when the email (in lower case) is taken.
    async fn create_user(&self, new: &NewUser) -> Result<UserRow, StoreError>;
    async fn get_user(&self, id: Uuid) -> Result<Option<UserRow>, StoreError>;
    /// The user with this email, compared in lower case.
    async fn find_user_by_email(&self, email: &str) -> Result<Option<UserRow>, StoreError>;
    /// Every user, in id order.
    async fn list_users(&self) -> Result<Vec<UserRow>, StoreError>;
    /// The caseworker users of one office (disabled ones too), in id order.
    async fn list_office_caseworkers(&self, office_id: Uuid) -> Result<Vec<UserRow>, StoreError>;
    /// Disables a user and ends their sessions at once; `false` when there is no such user.
    async fn disable_user(&self, id: Uuid, at: OffsetDateTime) -> Result<bool, StoreError>;
    /// Sets a user's password hash and ends their sessions; `false` when there is no such user.
    async fn set_user_password(&self, id: Uuid, hash: &str) -> Result<bool, StoreError>;
    /// Stores a new session and the user's sign-in time.
    async fn create_session(&self, session: &SessionRow) -> Result<(), StoreError>;
    /// The session whose secret has this hash, with its user.
    async fn find_session(
        &self,
        secret_hash: &str,
    ) -> Result<Option<(SessionRow, UserRow)>, StoreError>;
    /// Marks a session used at `at` (idle expiry counts from there).
    async fn touch_session(&self, id: Uuid, at: OffsetDateTime) -> Result<(), StoreError>;
    /// Ends a session.
    async fn delete_session(&self, id: Uuid) -> Result<(), StoreError>;
    /// Deletes sessions idle since before `idle_cutoff` or created before `absolute_cutoff`,
    /// and sign-in failures older than `absolute_cutoff`; how many sessions.
    async fn delete_expired_sessions(
        &self,
        idle_cutoff: OffsetDateTime,
        absolute_cutoff: OffsetDateTime,
    ) -> Result<u64, StoreError>;
    /// Records a failed sign-in for an email (its hash) from an address.
    async fn record_sign_in_failure(
        &self,
        email_hash: &str,
        address: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Failed sign-ins since `since`: for the email (its hash), and from the address, each with
    /// the time of the oldest counted.
    async fn sign_in_failures(
        &self,
        email_hash: &str,
        address: &str,
        since: OffsetDateTime,
    ) -> Result<SignInFailures, StoreError>;

    /// Creates an opening, with `hold` on its candidates in the same transaction.
    async fn create_opening(
        &self,
        organisation_id: Uuid,
        fields: &OpeningFields,
        hold: &BasisHold,
    ) -> Result<OpeningRow, StoreError>;
    async fn get_opening(&self, id: Uuid) -> Result<Option<OpeningRow>, StoreError>;
    /// Replaces the writable fields and applies `hold`, in one transaction; `None` when there is
    /// no such opening.
    async fn update_opening(
        &self,
        id: Uuid,
        fields: &OpeningFields,
        hold: &BasisHold,
    ) -> Result<Option<OpeningRow>, StoreError>;
    /// Sets an opening's hold alone (an admin's review); `false` when there is no such opening.
    async fn hold_candidates(&self, id: Uuid, hold: &BasisHold) -> Result<bool, StoreError>;
    /// The offices whose people an organisation may see as candidates.
    async fn served_offices(&self, organisation_id: Uuid) -> Result<Vec<Uuid>, StoreError>;
    /// Replaces the offices an organisation serves.
    async fn set_served_offices(
        &self,
        organisation_id: Uuid,
        offices: &[Uuid],
    ) -> Result<(), StoreError>;
    /// Waiting people of `offices` whose home lies in the box `(min_lon, min_lat, max_lon,
    /// max_lat)`, read through the index on office, status and place, with their languages.
    async fn waiting_in_box(
        &self,
        offices: &[Uuid],
        bbox: (f64, f64, f64, f64),
    ) -> Result<Vec<BeneficiaryRow>, StoreError>;
    /// Openings in id order after `after`, at most `limit`.
    async fn list_openings(
        &self,
        filter: &OpeningFilter,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<OpeningRow>, StoreError>;

    async fn create_beneficiary(
        &self,
        office_id: Uuid,
        fields: &BeneficiaryFields,
    ) -> Result<BeneficiaryRow, StoreError>;
    async fn get_beneficiary(&self, id: Uuid) -> Result<Option<BeneficiaryRow>, StoreError>;
    /// A file with its languages and its live placement, if any, in one round trip: what a
    /// suggestion needs.
    async fn get_beneficiary_with_live_placement(
        &self,
        id: Uuid,
    ) -> Result<Option<(BeneficiaryRow, Option<LivePlacement>)>, StoreError>;
    /// Creates many files in one transaction (all or nothing); returns their ids in order.
    async fn create_beneficiaries(
        &self,
        office_id: Uuid,
        all: &[BeneficiaryFields],
    ) -> Result<Vec<Uuid>, StoreError>;
    /// Creates many openings in one transaction (all or nothing); returns their ids in order.
    async fn create_openings(&self, all: &[(Uuid, OpeningFields)])
    -> Result<Vec<Uuid>, StoreError>;
    async fn update_beneficiary(
        &self,
        id: Uuid,
        fields: &BeneficiaryFields,
    ) -> Result<Option<BeneficiaryRow>, StoreError>;
    /// Writes a whole import in one transaction (all or nothing): a file whose office already
    /// holds its `external_ref` is rewritten in place, any other is created; a référent given
    /// is set as [`Store::set_referent`] does, under `by`. Returns each row's id and whether it
    /// was created, in order; `progress` hears how many rows are written.
    async fn upsert_beneficiaries(
        &self,
        all: &[BeneficiaryUpsert],
        by: &Actor,
        progress: Progress<'_>,
    ) -> Result<Vec<Upserted>, StoreError>;
    /// As [`Store::upsert_beneficiaries`], for openings keyed by `(organisation, external_ref)`.
    async fn upsert_openings(
        &self,
        all: &[(Uuid, OpeningFields)],
        progress: Progress<'_>,
    ) -> Result<Vec<Upserted>, StoreError>;
    /// As [`Store::upsert_beneficiaries`], for organisations keyed by their `external_ref`.
    async fn upsert_organisations(
        &self,
        all: &[NewOrganisation],
        progress: Progress<'_>,
    ) -> Result<Vec<Upserted>, StoreError>;
    async fn list_beneficiaries(
        &self,
        filter: &BeneficiaryFilter,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<BeneficiaryRow>, StoreError>;
    /// Sets (or, with `None`, clears) a person's référent under `by`: the current period of the
    /// history ends and a new one starts, in one transaction. Nothing changes when the référent
    /// is already that one. `None` when there is no such file. The caller checks who may be
    /// référent (an enabled caseworker of the person's office).
    async fn set_referent(
        &self,
        id: Uuid,
        referent: Option<Uuid>,
        by: &Actor,
    ) -> Result<Option<BeneficiaryRow>, StoreError>;
    /// A person's référent history, oldest period first.
    async fn referent_history(
        &self,
        beneficiary_id: Uuid,
    ) -> Result<Vec<ReferentAssignmentRow>, StoreError>;
    /// The office's people per référent (one row per référent who follows someone, and one
    /// with `referent_user_id` `None` when someone has none), in no particular order.
    async fn office_caseloads(&self, office_id: Uuid) -> Result<Vec<CaseloadRow>, StoreError>;
    /// Erases a person's file with its languages and placements, and scrubs the person's line
    /// from every stored rebalancing report, in one transaction; `false` when there was none.
    async fn delete_beneficiary(&self, id: Uuid) -> Result<bool, StoreError>;

    /// Proposes a person for an opening. Atomic against concurrent proposals: the opening is
    /// locked, its live placements counted against its seats, and the person's other live
    /// placement (if any) refused by a unique index.
    async fn create_placement(&self, new: &NewPlacement) -> Result<PlacementRow, StoreError>;
    async fn get_placement(&self, id: Uuid) -> Result<Option<PlacementRow>, StoreError>;
    /// Applies `transition` if the placement is in an allowed state; `None` when there is no
    /// such placement. Exactly one of several concurrent identical transitions succeeds.
    async fn transition_placement(
        &self,
        id: Uuid,
        transition: &Transition,
    ) -> Result<Option<PlacementRow>, StoreError>;
    /// Adds hours worked to an active placement.
    /// Adds `hours` to an active placement's total, unless the total would then exceed
    /// `max_total` ([`StoreError::HoursOverCap`]); checked in the same statement, so racing
    /// records cannot pass the cap together.
    async fn add_placement_hours(
        &self,
        id: Uuid,
        hours: f64,
        max_total: f64,
    ) -> Result<Option<PlacementRow>, StoreError>;
    async fn list_placements(
        &self,
        filter: &PlacementFilter,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<PlacementRow>, StoreError>;
    /// Marks proposals created before `cutoff` and still unanswered as expired; returns how many.
    async fn expire_proposals(&self, cutoff: OffsetDateTime) -> Result<u64, StoreError>;
    /// Pauses open openings not updated since `cutoff`, with `reason`; returns how many.
    async fn pause_stale_openings(
        &self,
        cutoff: OffsetDateTime,
        reason: &str,
    ) -> Result<u64, StoreError>;

    /// Organisations with a monthly cap: (id, cap, people confirmed in the month of `today`).
    async fn intake_this_month(
        &self,
        today: time::Date,
    ) -> Result<Vec<(Uuid, i32, i64)>, StoreError>;
    /// Takes the single-runner lock of an office, or `None` when another run holds it (in this
    /// process or any other sharing the database).
    async fn try_lock_office(&self, office_id: Uuid) -> Result<Option<RunLock>, StoreError>;
    /// Reads what a rebalancing run of the office needs, in one consistent read.
    async fn load_office_snapshot(
        &self,
        office_id: Uuid,
        today: time::Date,
    ) -> Result<OfficeSnapshot, StoreError>;
    /// Stores a finished run; with `plan`, applies it in the same transaction after checking
    /// that the office's data still has `run.data_digest` ([`StoreError::Stale`] otherwise).
    async fn save_rebalancing_run(
        &self,
        run: &NewRebalancingRun,
        plan: Option<&ApplyPlan>,
    ) -> Result<RebalancingRunRow, StoreError>;
    /// Applies a stored dry run, refused as [`StoreError::Stale`] if the data changed since.
    async fn apply_rebalancing_run(
        &self,
        id: Uuid,
        plan: &ApplyPlan,
    ) -> Result<Option<RebalancingRunRow>, StoreError>;
    async fn get_rebalancing_run(&self, id: Uuid) -> Result<Option<RebalancingRunRow>, StoreError>;

    async fn record_audit_event(&self, new: &NewAuditEvent) -> Result<AuditEventRow, StoreError>;
    /// Writes events whose id and time the caller chose, all or none, in one round trip per
    /// [`AUDIT_BATCH_MAX`] events.
    async fn record_audit_events(&self, events: &[AuditEventRow]) -> Result<(), StoreError>;
    /// Audit events in time order, after the event `after` (exclusive), at most `limit`.
    async fn list_audit_events(
        &self,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<AuditEventRow>, StoreError>;
}

/// Current time truncated to microseconds, the precision both databases keep, so a row read back
/// equals the row written.
pub fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1_000 * 1_000)
        .unwrap_or(t)
}

/// Parses a URL's options, mapping the driver's error into a start-up message.
fn parse_options<O: FromStr<Err = sqlx::Error>>(url: &str) -> Result<O, ConnectError> {
    O::from_str(url).map_err(|e| ConnectError::InvalidUrl {
        url: redact_url(url),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_url_hides_the_password_but_keeps_user_host_and_database() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db.example:5432/placematch"),
            "postgres://app:***@db.example:5432/placematch"
        );
        assert_eq!(redact_url("postgres://app@db/x"), "postgres://app@db/x");
        assert_eq!(redact_url("sqlite:data/x.db"), "sqlite:data/x.db");
    }

    #[test]
    fn now_has_microsecond_precision() {
        assert_eq!(now().nanosecond() % 1_000, 0);
    }
}

// ---------------------------------------------------------------------------------------------
// Openings and beneficiaries.
// ---------------------------------------------------------------------------------------------

/// A skill as stored: free text plus an optional ROME/ESCO code.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SkillRecord {
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// A language with a CEFR level (`A1`..`C2`) as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct LanguageRecord {
    /// ISO 639-1 code.
    pub language: String,
    pub level: String,
}

/// An opening as stored, with its language requirements and how many seats live placements hold.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OpeningRow {
    pub id: Uuid,
    pub organisation_id: Uuid,
    /// The host's own reference for the post, unique within the organisation.
    pub external_ref: Option<String>,
    pub title: String,
    pub tasks: String,
    pub kind: String,
    pub sector: String,
    pub programmes: sqlx::types::Json<Vec<String>>,
    pub lon: f64,
    pub lat: f64,
    pub seats: i32,
    /// Live placements (proposed, accepted, confirmed, active) on this opening.
    pub seats_taken: i64,
    pub hours_per_week: f64,
    pub start_date: time::Date,
    pub end_date: Option<time::Date>,
    pub required_skills: sqlx::types::Json<Vec<SkillRecord>>,
    pub wanted_skills: sqlx::types::Json<Vec<SkillRecord>>,
    pub physical_demands: sqlx::types::Json<Vec<String>>,
    pub tutor: Option<String>,
    pub status: String,
    pub status_reason: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// While a host's change is held ([`OpeningRow::candidate_basis_at`]): what candidates are
    /// computed against, or none at all.
    pub candidate_basis: Option<sqlx::types::Json<CandidateBasis>>,
    /// When the current fields become what candidates are computed against.
    pub candidates_from: Option<OffsetDateTime>,
    /// Minimum levels: `level` holds the minimum CEFR level.
    #[sqlx(skip)]
    pub languages: Vec<LanguageRecord>,
}

/// The fields of an opening that decide who its candidates are: a host who could change them
/// at will and read the candidates again would learn people's health, programme and home.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateBasis {
    pub programmes: Vec<String>,
    pub physical_demands: Vec<String>,
    pub lon: f64,
    pub lat: f64,
}

/// What a write does to an opening's held candidate basis.
#[derive(Debug, Clone, PartialEq)]
pub enum BasisHold {
    /// Leaves it as it is (a change that does not touch the basis).
    Keep,
    /// The current fields count at once (an admin's write or review).
    Clear,
    /// Candidates use `basis` (none at all when `None`) until `until`.
    Hold {
        basis: Option<CandidateBasis>,
        until: OffsetDateTime,
    },
}

/// The writable fields of an opening (create and full update).
#[derive(Debug, Clone, PartialEq)]
pub struct OpeningFields {
    pub external_ref: Option<String>,
    pub title: String,
    pub tasks: String,
    pub kind: String,
    pub sector: String,
    pub programmes: Vec<String>,
    pub lon: f64,
    pub lat: f64,
    pub seats: i32,
    pub hours_per_week: f64,
    pub start_date: time::Date,
    pub end_date: Option<time::Date>,
    pub required_skills: Vec<SkillRecord>,
    pub wanted_skills: Vec<SkillRecord>,
    pub languages: Vec<LanguageRecord>,
    pub physical_demands: Vec<String>,
    pub tutor: Option<String>,
    pub status: String,
    pub status_reason: Option<String>,
}

impl OpeningRow {
    /// The current fields that decide candidates.
    pub fn basis(&self) -> CandidateBasis {
        CandidateBasis {
            programmes: self.programmes.0.clone(),
            physical_demands: self.physical_demands.0.clone(),
            lon: self.lon,
            lat: self.lat,
        }
    }

    /// What candidates are computed against at `now`: the held basis while a hold lasts (none
    /// for a new opening still under hold), the current fields otherwise.
    pub fn candidate_basis_at(&self, now: OffsetDateTime) -> Option<CandidateBasis> {
        match self.candidates_from {
            Some(from) if from > now => self.candidate_basis.as_ref().map(|b| b.0.clone()),
            _ => Some(self.basis()),
        }
    }

    /// The writable fields, as an update would give them back (languages in language order).
    pub fn fields(&self) -> OpeningFields {
        let mut languages = self.languages.clone();
        languages.sort_by(|a, b| a.language.cmp(&b.language));
        OpeningFields {
            external_ref: self.external_ref.clone(),
            title: self.title.clone(),
            tasks: self.tasks.clone(),
            kind: self.kind.clone(),
            sector: self.sector.clone(),
            programmes: self.programmes.0.clone(),
            lon: self.lon,
            lat: self.lat,
            seats: self.seats,
            hours_per_week: self.hours_per_week,
            start_date: self.start_date,
            end_date: self.end_date,
            required_skills: self.required_skills.0.clone(),
            wanted_skills: self.wanted_skills.0.clone(),
            languages,
            physical_demands: self.physical_demands.0.clone(),
            tutor: self.tutor.clone(),
            status: self.status.clone(),
            status_reason: self.status_reason.clone(),
        }
    }
}

/// Filters of an opening list. `None` means any.
#[derive(Debug, Clone, Default)]
pub struct OpeningFilter {
    pub organisation_id: Option<Uuid>,
    pub kind: Option<String>,
    pub status: Option<String>,
    /// Bounding box `(min_lon, min_lat, max_lon, max_lat)`; the caller refines by exact distance.
    pub bbox: Option<(f64, f64, f64, f64)>,
    /// Case-insensitive substring of the title, tasks or skills.
    pub text: Option<String>,
}

/// A beneficiary file as stored. Personal data: never logged, shown per role.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct BeneficiaryRow {
    pub id: Uuid,
    pub office_id: Uuid,
    pub external_ref: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Option<time::Date>,
    pub address: Option<String>,
    pub lon: f64,
    pub lat: f64,
    pub mobility: String,
    pub max_trip_minutes: i32,
    pub hours_per_week: f64,
    pub earliest_start: time::Date,
    pub waiting_since: time::Date,
    pub skills: sqlx::types::Json<Vec<SkillRecord>>,
    pub health_limits: sqlx::types::Json<Vec<String>>,
    pub refused_sectors: sqlx::types::Json<Vec<String>>,
    pub status: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// The caseworker user who follows the person (their référent), if any: changed only by
    /// [`Store::set_referent`] or an import, each change kept in the history.
    pub referent_user_id: Option<Uuid>,
    /// The référent's name (display name, else email), where the query reads it.
    #[sqlx(default)]
    pub referent_name: Option<String>,
    #[sqlx(skip)]
    pub languages: Vec<LanguageRecord>,
}

/// The writable fields of a beneficiary (create and full update).
#[derive(Debug, Clone, PartialEq)]
pub struct BeneficiaryFields {
    pub external_ref: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Option<time::Date>,
    pub address: Option<String>,
    pub lon: f64,
    pub lat: f64,
    pub mobility: String,
    pub max_trip_minutes: i32,
    pub hours_per_week: f64,
    pub earliest_start: time::Date,
    pub waiting_since: time::Date,
    pub skills: Vec<SkillRecord>,
    pub languages: Vec<LanguageRecord>,
    pub health_limits: Vec<String>,
    pub refused_sectors: Vec<String>,
    pub status: String,
}

impl BeneficiaryRow {
    /// The writable fields, as an update would give them back (languages in language order).
    pub fn fields(&self) -> BeneficiaryFields {
        let mut languages = self.languages.clone();
        languages.sort_by(|a, b| a.language.cmp(&b.language));
        BeneficiaryFields {
            external_ref: self.external_ref.clone(),
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            birth_date: self.birth_date,
            address: self.address.clone(),
            lon: self.lon,
            lat: self.lat,
            mobility: self.mobility.clone(),
            max_trip_minutes: self.max_trip_minutes,
            hours_per_week: self.hours_per_week,
            earliest_start: self.earliest_start,
            waiting_since: self.waiting_since,
            skills: self.skills.0.clone(),
            languages,
            health_limits: self.health_limits.0.clone(),
            refused_sectors: self.refused_sectors.0.clone(),
            status: self.status.clone(),
        }
    }
}

impl OrganisationRow {
    /// The writable fields.
    pub fn fields(&self) -> NewOrganisation {
        NewOrganisation {
            external_ref: self.external_ref.clone(),
            name: self.name.clone(),
            kind: self.kind.clone(),
            address: self.address.clone(),
            lon: self.lon,
            lat: self.lat,
            monthly_intake_cap: self.monthly_intake_cap,
        }
    }
}

/// Filters of a beneficiary list.
#[derive(Debug, Clone, Default)]
pub struct BeneficiaryFilter {
    /// Set for caseworkers (their office); `None` for admins (every office).
    pub office_id: Option<Uuid>,
    pub status: Option<String>,
    pub external_ref: Option<String>,
    /// Whose people: `None` for anyone's and no one's.
    pub referent: Option<ReferentFilter>,
}

/// The référent a beneficiary list asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferentFilter {
    /// People followed by this user.
    User(Uuid),
    /// People with no référent.
    Nobody,
}

/// Who changes a référent, named as the audit trail names an actor: the signed-in user or the
/// token, and the role (`command_line` for `placematch import`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub token_id: Option<Uuid>,
    pub role: String,
}

impl Actor {
    /// Whoever runs the command line: no user, no token.
    pub fn command_line() -> Self {
        Self {
            user_id: None,
            token_id: None,
            role: "command_line".to_owned(),
        }
    }
}

/// One period of a person's référent history: `user_id` followed them (nobody when `None`)
/// from `assigned_at` until `ended_at` (`None` while it lasts).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ReferentAssignmentRow {
    pub id: Uuid,
    pub beneficiary_id: Uuid,
    pub user_id: Option<Uuid>,
    pub assigned_at: OffsetDateTime,
    pub ended_at: Option<OffsetDateTime>,
    pub assigned_by_user_id: Option<Uuid>,
    pub assigned_by_token_id: Option<Uuid>,
    pub assigned_by_role: String,
    /// The référent's name (display name, else email).
    #[sqlx(default)]
    pub user_name: Option<String>,
    /// The name of the user who made the change, when a signed-in user did.
    #[sqlx(default)]
    pub assigned_by_name: Option<String>,
}

/// One file an import writes: its office, its fields and, when the file has the column, its
/// référent (`Some(None)`: none).
#[derive(Debug, Clone, PartialEq)]
pub struct BeneficiaryUpsert {
    pub office_id: Uuid,
    pub fields: BeneficiaryFields,
    pub referent: Option<Option<Uuid>>,
}

/// The people of an office that one référent (or, with `referent_user_id` `None`, nobody)
/// follows, counted by where they stand. People whose file is `exited` are not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct CaseloadRow {
    pub referent_user_id: Option<Uuid>,
    /// Every file not exited.
    pub people: i64,
    /// Status `waiting` and no live placement.
    pub waiting: i64,
    /// A live placement not started yet: proposed, accepted or confirmed.
    pub proposed: i64,
    /// A placement in progress (`active`).
    pub active: i64,
}

/// Removes `person` from a stored rebalancing report: their line (`results[].beneficiary_id`)
/// and their proposal in the plan (`plan.propose[][0]`); whether anything was removed.
pub fn scrub_report(report: &mut serde_json::Value, person: Uuid) -> bool {
    let id = person.to_string();
    let mut removed = false;
    let mut drop_from = |list: Option<&mut serde_json::Value>,
                         key: &dyn Fn(&serde_json::Value) -> Option<&str>| {
        if let Some(items) = list.and_then(serde_json::Value::as_array_mut) {
            let before = items.len();
            items.retain(|item| key(item) != Some(id.as_str()));
            removed |= before != items.len();
        }
    };
    drop_from(report.get_mut("results"), &|line| {
        line.get("beneficiary_id").and_then(|v| v.as_str())
    });
    drop_from(report.pointer_mut("/plan/propose"), &|pair| {
        pair.get(0).and_then(|v| v.as_str())
    });
    removed
}

/// Groups language rows by owner id, for rows fetched in owner order.
fn attach_languages<T>(
    rows: &mut [T],
    mut languages: Vec<(Uuid, String, String)>,
    id: impl Fn(&T) -> Uuid,
    slot: impl Fn(&mut T) -> &mut Vec<LanguageRecord>,
) {
    languages.sort();
    let mut by_owner: std::collections::HashMap<Uuid, Vec<LanguageRecord>> =
        std::collections::HashMap::new();
    for (owner, language, level) in languages {
        by_owner
            .entry(owner)
            .or_default()
            .push(LanguageRecord { language, level });
    }
    for row in rows {
        if let Some(langs) = by_owner.remove(&id(row)) {
            *slot(row) = langs;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Placements.
// ---------------------------------------------------------------------------------------------

/// The opening and state of a person's live placement (proposed, accepted, confirmed, active).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LivePlacement {
    pub opening_id: Uuid,
    pub state: String,
}

/// A file with its languages and live placement, as one query returns them.
#[derive(sqlx::FromRow)]
struct BeneficiaryWithLiveRow {
    #[sqlx(flatten)]
    file: BeneficiaryRow,
    language_list: sqlx::types::Json<Vec<LanguageRecord>>,
    live_opening_id: Option<Uuid>,
    live_state: Option<String>,
}

/// A file with its languages, as one query returns them.
#[derive(sqlx::FromRow)]
struct BeneficiaryWithLanguagesRow {
    #[sqlx(flatten)]
    file: BeneficiaryRow,
    language_list: sqlx::types::Json<Vec<LanguageRecord>>,
}

impl BeneficiaryWithLanguagesRow {
    fn file(self) -> BeneficiaryRow {
        let mut file = self.file;
        file.languages = self.language_list.0;
        file
    }
}

impl BeneficiaryWithLiveRow {
    fn split(self) -> (BeneficiaryRow, Option<LivePlacement>) {
        let mut file = self.file;
        file.languages = self.language_list.0;
        let live = self
            .live_opening_id
            .zip(self.live_state)
            .map(|(opening_id, state)| LivePlacement { opening_id, state });
        (file, live)
    }
}

/// A placement: the link between one person and one opening.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub struct PlacementRow {
    pub id: Uuid,
    pub beneficiary_id: Uuid,
    pub opening_id: Uuid,
    pub state: String,
    pub outcome: Option<String>,
    pub decline_reason: Option<String>,
    pub proposed_by: String,
    pub confirmed_on: Option<time::Date>,
    pub hours_worked: f64,
    /// Why the caseworker proposed despite `overridden_rules`.
    pub override_reason: Option<String>,
    /// Codes of the soft rules the proposal did not meet.
    pub overridden_rules: sqlx::types::Json<Vec<String>>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// A new proposal.
#[derive(Debug, Clone, Default)]
pub struct NewPlacement {
    pub beneficiary_id: Uuid,
    pub opening_id: Uuid,
    /// `caseworker`, `admin` or `rebalancing`.
    pub proposed_by: String,
    /// Why it is made despite `overridden_rules` (soft rules only).
    pub override_reason: Option<String>,
    pub overridden_rules: Vec<String>,
}

/// A state change, applied only if the placement is in one of `from`.
#[derive(Debug, Clone)]
pub struct Transition {
    pub to: &'static str,
    pub from: &'static [&'static str],
    pub outcome: Option<String>,
    pub decline_reason: Option<String>,
    /// Today, for the intake month and `confirmed_on`.
    pub today: time::Date,
    /// Enforce the host's monthly intake cap (on confirmation).
    pub check_intake: bool,
}

/// Filters of a placement list.
#[derive(Debug, Clone, Default)]
pub struct PlacementFilter {
    pub beneficiary_id: Option<Uuid>,
    pub opening_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub office_id: Option<Uuid>,
    pub state: Option<String>,
}

/// First day of the month of `day`, and of the next month: the intake-cap window.
pub fn month_window(day: time::Date) -> (time::Date, time::Date) {
    let first = day.replace_day(1).expect("day 1 exists");
    let next = if first.month() == time::Month::December {
        time::Date::from_calendar_date(first.year() + 1, time::Month::January, 1)
    } else {
        time::Date::from_calendar_date(first.year(), first.month().next(), 1)
    }
    .expect("valid date");
    (first, next)
}

// ---------------------------------------------------------------------------------------------
// Rebalancing runs.
// ---------------------------------------------------------------------------------------------

/// A finished rebalancing run with its report.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RebalancingRunRow {
    pub id: Uuid,
    pub office_id: Uuid,
    /// `dry_run` or `apply`.
    pub mode: String,
    pub data_digest: String,
    pub report: sqlx::types::Json<serde_json::Value>,
    pub started_at: OffsetDateTime,
    pub finished_at: OffsetDateTime,
    pub applied_at: Option<OffsetDateTime>,
}

/// A run to store.
#[derive(Debug, Clone)]
pub struct NewRebalancingRun {
    pub id: Uuid,
    pub office_id: Uuid,
    pub mode: String,
    pub data_digest: String,
    pub report: serde_json::Value,
    pub started_at: OffsetDateTime,
}

/// Openings whose seats one statement of an applied plan checks (one bound parameter each).
pub(crate) const PLAN_OPENINGS_PER_STATEMENT: usize = 500;

/// Proposals one statement of an applied plan inserts (three bound parameters each, well under
/// SQLite's 32,766 and PostgreSQL's 65,535).
pub(crate) const PLAN_ROWS_PER_STATEMENT: usize = 1_000;

/// `$from, $from+1, ...`: `n` numbered parameters for an `IN (...)` list.
pub(crate) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|k| format!("${k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What applying a run changes: proposals withdrawn (declined with a reason) and made.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApplyPlan {
    /// Live proposals to withdraw, with the reason recorded on them.
    pub withdraw: Vec<(Uuid, String)>,
    /// New proposals: (beneficiary, opening).
    pub propose: Vec<(Uuid, Uuid)>,
}

/// Everything a rebalancing run of one office reads, taken in one consistent read.
#[derive(Debug, Clone, Default)]
pub struct OfficeSnapshot {
    /// People of the office who are waiting (with or without a live placement).
    pub beneficiaries: Vec<BeneficiaryRow>,
    /// Open openings (all organisations; the caller filters by programme).
    pub openings: Vec<OpeningRow>,
    /// Live placements of the office's people.
    pub placements: Vec<PlacementRow>,
    /// Organisations with a monthly cap: (id, cap, people confirmed this month).
    pub intake: Vec<(Uuid, i32, i64)>,
    /// SHA-256 over the ids and update times of everything above.
    pub digest: String,
}

/// Held while a run of one office is in progress. [`RunLock::release`] gives it back at once;
/// dropping it also releases it, when the process dies too: a PostgreSQL session lock ends with
/// its connection, a file lock with its file.
pub enum RunLock {
    Postgres(sqlx::postgres::PgConnection),
    File(std::fs::File),
    Memory(MemoryLock),
}

/// An in-process lock for in-memory databases; released on drop.
pub struct MemoryLock(
    pub(crate) Uuid,
    pub(crate) &'static std::sync::Mutex<Vec<Uuid>>,
);

impl Drop for MemoryLock {
    fn drop(&mut self) {
        self.1
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|o| *o != self.0);
    }
}

impl RunLock {
    /// Releases the lock now (waits for PostgreSQL to confirm).
    pub async fn release(self) {
        if let RunLock::Postgres(mut conn) = self {
            use sqlx::Connection;
            let _ = sqlx::query("SELECT pg_advisory_unlock_all()")
                .execute(&mut conn)
                .await;
            let _ = conn.close().await;
        }
    }
}

impl std::fmt::Debug for RunLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RunLock")
    }
}

/// The digest of a snapshot: changes whenever a person, an opening or a placement changes.
pub(crate) fn snapshot_digest(
    beneficiaries: &[(Uuid, OffsetDateTime)],
    openings: &[(Uuid, OffsetDateTime)],
    placements: &[(Uuid, String, OffsetDateTime)],
) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for (id, at) in beneficiaries {
        h.update(id.as_bytes());
        h.update(at.unix_timestamp_nanos().to_le_bytes());
    }
    h.update(b"|openings|");
    for (id, at) in openings {
        h.update(id.as_bytes());
        h.update(at.unix_timestamp_nanos().to_le_bytes());
    }
    h.update(b"|placements|");
    for (id, state, at) in placements {
        h.update(id.as_bytes());
        h.update(state.as_bytes());
        h.update(at.unix_timestamp_nanos().to_le_bytes());
    }
    hex::encode(h.finalize())
}

#[cfg(test)]
mod live_states_tests {
    use crate::domain::placement::PlacementState;

    #[test]
    fn the_sql_list_of_live_states_is_the_domain_rule() {
        let rule: Vec<String> = PlacementState::ALL
            .iter()
            .filter(|s| s.is_live())
            .map(|s| format!("'{s}'"))
            .collect();
        assert_eq!(live_states!(), format!("({})", rule.join(", ")));
    }
}
