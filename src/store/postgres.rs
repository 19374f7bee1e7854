//! PostgreSQL backend: the production database. Several service replicas may share one server;
//! migrations and, later, rebalancing runs coordinate through advisory locks.

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};

use super::{Backend, ConnectError, StoreError, parse_options, unreachable};
use crate::config::DatabaseConfig;

/// A store on a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `url`; fails when the server cannot be reached or refuses the credentials.
    pub async fn connect(url: &str, config: &DatabaseConfig) -> Result<Self, ConnectError> {
        let options: PgConnectOptions =
            parse_options::<PgConnectOptions>(url)?.application_name("placematch");
        // One direct connection first: the pool would retry until its timeout and report only
        // "timed out", where the operator needs "connection refused" or "password failed".
        let probe = tokio::time::timeout(config.timeout(), PgConnection::connect_with(&options))
            .await
            .map_err(|_| unreachable(url, sqlx::Error::PoolTimedOut))?
            .map_err(|e| unreachable(url, e))?;
        let _ = probe.close().await;
        let pool = PgPoolOptions::new()
            .max_connections(config.max_connections.max(1))
            .acquire_timeout(config.timeout())
            // A server restart breaks pooled connections; checking before use replaces them, so
            // the service recovers without a restart of its own.
            .test_before_acquire(true)
            .connect_with(options)
            .await
            .map_err(|e| unreachable(url, e))?;
        Ok(Self { pool })
    }
}

impl PgStore {
    /// A transaction holding a row lock on the opening: concurrent proposals and transitions on
    /// one opening run one after the other, so seats are counted exactly.
    async fn begin_for_opening(
        &self,
        opening: uuid::Uuid,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT id FROM openings WHERE id = $1 FOR UPDATE")
            .bind(opening)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}

impl_store!(PgStore, {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::migrate!("migrations/postgres")
            .run(&self.pool)
            .await?;
        Ok(())
    }
});
