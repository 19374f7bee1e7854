//! Embedded SQLite backend: the default, so the service runs with nothing installed. One file,
//! write-ahead logging, foreign keys on, a busy timeout so concurrent writers queue instead of
//! failing.

use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

use super::{Backend, ConnectError, StoreError, parse_options, unreachable};
use crate::config::DatabaseConfig;

/// A store on an SQLite file (or `sqlite::memory:` for throwaway use).
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

/// How long a writer waits for another writer's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

impl SqliteStore {
    /// Opens (and creates, with its folder, when missing) the SQLite database at `url`.
    pub async fn connect(url: &str, config: &DatabaseConfig) -> Result<Self, ConnectError> {
        let options: SqliteConnectOptions = parse_options(url)?;
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if !in_memory {
            let file = options.get_filename();
            if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
                create_dir(dir)?;
            }
        }
        let options = options
            .create_if_missing(true)
            .foreign_keys(true)
            .journal_mode(if in_memory {
                SqliteJournalMode::Memory
            } else {
                SqliteJournalMode::Wal
            })
            .busy_timeout(BUSY_TIMEOUT);
        // An in-memory database lives in one connection: a pool of several would see several
        // different empty databases.
        let max = if in_memory {
            1
        } else {
            config.max_connections.max(1)
        };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .acquire_timeout(config.timeout())
            .connect_with(options)
            .await
            .map_err(|e| unreachable(url, e))?;
        Ok(Self { pool })
    }
}

impl SqliteStore {
    /// A write transaction that takes SQLite's write lock at once (`BEGIN IMMEDIATE`), so two
    /// read-then-write transactions queue on the busy timeout instead of failing on upgrade.
    async fn begin_for_opening(
        &self,
        _opening: uuid::Uuid,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

fn create_dir(dir: &Path) -> Result<(), ConnectError> {
    std::fs::create_dir_all(dir).map_err(|e| ConnectError::CreateDir {
        path: dir.display().to_string(),
        reason: e.to_string(),
    })
}

impl_store!(SqliteStore, {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::migrate!("migrations/sqlite").run(&self.pool).await?;
        Ok(())
    }
});
