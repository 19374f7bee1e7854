//! Storage: the [`Store`] trait and its two backends, embedded SQLite ([`sqlite`]) and PostgreSQL
//! ([`postgres`]). The backend is chosen once, from the URL scheme, by [`connect`]. Connection pools
//! never leave this folder: the rest of the crate sees only `Arc<dyn Store>` and typed rows.
//!
//! Both backends share their SQL text where the dialects allow it (the `shared_store_methods!`
//! macro in [`shared`]); each runs its own migrations from `migrations/<backend>/`.

use std::str::FromStr;
use std::sync::Arc;

use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::config::DatabaseConfig;

#[macro_use]
mod shared;
pub mod postgres;
pub mod sqlite;

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

/// Opens the database named by `config.url`, picking the backend from the scheme. The connection is
/// tried once here, so a wrong URL or a database that is down fails at start-up, not on the first
/// request. Migrations are not applied: call [`Store::migrate`].
pub async fn connect(config: &DatabaseConfig) -> Result<Arc<dyn Store>, ConnectError> {
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
#[derive(Debug, Clone)]
pub struct NewOrganisation {
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
}

/// A new audit event.
#[derive(Debug, Clone)]
pub struct NewAuditEvent {
    pub actor_token_id: Option<Uuid>,
    pub actor_role: String,
    pub action: String,
    pub object_kind: String,
    pub object_id: Uuid,
    pub office_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
}

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

    async fn record_audit_event(&self, new: &NewAuditEvent) -> Result<AuditEventRow, StoreError>;
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
