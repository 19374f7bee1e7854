//! PostgreSQL backend: the production database. Several service replicas may share one server;
//! migrations and, later, rebalancing runs coordinate through advisory locks.

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};

use super::token_cache::TokenCache;
use super::{Backend, ConnectError, RunLock, StoreError, parse_options, unreachable};
use crate::store::DatabaseSettings;

/// A store on a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    tokens: std::sync::Arc<TokenCache>,
}

impl PgStore {
    /// Connects to `url`; fails when the server cannot be reached or refuses the credentials.
    pub async fn connect(url: &str, config: &DatabaseSettings) -> Result<Self, ConnectError> {
        let options: PgConnectOptions =
            parse_options::<PgConnectOptions>(url)?.application_name("placematch");
        // One direct connection first: the pool would retry until its timeout and report only
        // "timed out", where the operator needs "connection refused" or "password failed".
        let probe = tokio::time::timeout(config.timeout, PgConnection::connect_with(&options))
            .await
            .map_err(|_| unreachable(url, sqlx::Error::PoolTimedOut))?
            .map_err(|e| unreachable(url, e))?;
        let _ = probe.close().await;
        let pool = PgPoolOptions::new()
            .max_connections(config.max_connections.max(1))
            .acquire_timeout(config.timeout)
            // A server restart breaks pooled connections; checking before use replaces them, so
            // the service recovers without a restart of its own.
            .test_before_acquire(true)
            .connect_with(options)
            .await
            .map_err(|e| unreachable(url, e))?;
        Ok(Self {
            pool,
            tokens: std::sync::Arc::new(TokenCache::new(config.token_cache_ttl)),
        })
    }
}

#[async_trait::async_trait]
impl super::sql::Dialect for PgStore {
    type Db = sqlx::Postgres;

    const BACKEND: Backend = Backend::Postgres;

    const LANGUAGES_OF_B_AS_JSON: &'static str = "SELECT coalesce(json_agg(json_build_object('language', \
         language, 'level', level) ORDER BY language), '[]'::json) FROM beneficiary_languages \
         WHERE beneficiary_id = b.id";

    fn pool(&self) -> &PgPool {
        &self.pool
    }

    fn tokens(&self) -> &TokenCache {
        &self.tokens
    }

    async fn apply_migrations(&self) -> Result<(), StoreError> {
        sqlx::migrate!("migrations/postgres")
            .run(&self.pool)
            .await?;
        Ok(())
    }

    async fn lock_office_run(&self, office_id: uuid::Uuid) -> Result<Option<RunLock>, StoreError> {
        // A session-level advisory lock on a connection taken out of the pool: it is held as
        // long as that connection lives, across replicas, and released by the server when the
        // connection closes, even if this process is killed.
        let mut conn = self.pool.acquire().await?.detach();
        let (got,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1)")
            .bind(advisory_key(office_id))
            .fetch_one(&mut conn)
            .await?;
        if got {
            Ok(Some(RunLock::Postgres(conn)))
        } else {
            let _ = conn.close().await;
            Ok(None)
        }
    }

    /// A transaction holding a row lock on the opening: concurrent proposals and transitions on
    /// one opening run one after the other, so seats are counted exactly.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StoreError> {
        Ok(self.pool.begin().await?)
    }

    /// A row lock on the opening until the transaction ends: concurrent proposals and
    /// transitions on one opening run one after the other, so seats are counted exactly.
    async fn lock_opening(
        conn: &mut sqlx::PgConnection,
        opening: uuid::Uuid,
    ) -> Result<(), StoreError> {
        Self::lock_openings(conn, std::slice::from_ref(&opening)).await
    }

    /// [`super::sql::Dialect::lock_opening`] for many openings in one statement, taken in id order (as every
    /// caller that locks several does) so that two such transactions cannot deadlock.
    async fn lock_openings(
        conn: &mut sqlx::PgConnection,
        openings: &[uuid::Uuid],
    ) -> Result<(), StoreError> {
        sqlx::query("SELECT id FROM openings WHERE id = ANY($1) ORDER BY id FOR UPDATE")
            .bind(openings)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }
}

/// The advisory lock key of an office: a fixed namespace in the high bits, the office in the low.
fn advisory_key(office_id: uuid::Uuid) -> i64 {
    const NAMESPACE: i64 = 0x504d_0000_0000_0000; // "PM"
    let bytes = office_id.as_u128().to_le_bytes();
    let low = i64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")) & 0x0000_ffff_ffff_ffff;
    NAMESPACE | low
}
