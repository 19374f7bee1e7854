//! Embedded SQLite backend: the default, so the service runs with nothing installed. One file,
//! write-ahead logging, foreign keys on, a busy timeout so concurrent writers queue instead of
//! failing.

use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

use super::token_cache::TokenCache;
use super::{Backend, ConnectError, RunLock, StoreError, parse_options, unreachable};
use crate::store::DatabaseSettings;

/// A store on an SQLite file (or `sqlite::memory:` for throwaway use).
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Folder of the database file, for run lock files; `None` in memory.
    lock_dir: Option<std::path::PathBuf>,
    tokens: std::sync::Arc<TokenCache>,
}

/// How long a writer waits for another writer's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

impl SqliteStore {
    /// Opens (and creates, with its folder, when missing) the SQLite database at `url`.
    pub async fn connect(url: &str, config: &DatabaseSettings) -> Result<Self, ConnectError> {
        let options: SqliteConnectOptions = parse_options(url)?;
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let mut lock_dir = None;
        if !in_memory {
            let file = options.get_filename();
            let dir = file.parent().filter(|d| !d.as_os_str().is_empty());
            if let Some(dir) = dir {
                create_dir(dir)?;
            }
            lock_dir = Some(dir.map(Path::to_path_buf).unwrap_or_else(|| ".".into()));
        }
        let options = options
            .create_if_missing(true)
            .foreign_keys(true)
            .journal_mode(if in_memory {
                SqliteJournalMode::Memory
            } else {
                SqliteJournalMode::Wal
            })
            .busy_timeout(BUSY_TIMEOUT)
            // A deleted row's bytes are overwritten, so an erased person's name and address
            // cannot be read back from the file (or its write-ahead log) after a checkpoint.
            .pragma("secure_delete", "ON")
            // With write-ahead logging, NORMAL never corrupts the file; a power cut may lose the
            // last commits only. FULL would fsync every commit (bulk imports 10x slower).
            .synchronous(sqlx::sqlite::SqliteSynchronous::Normal);
        // An in-memory database lives in one connection: a pool of several would see several
        // different empty databases.
        let max = if in_memory {
            1
        } else {
            config.max_connections.max(1)
        };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .acquire_timeout(config.timeout)
            .connect_with(options)
            .await
            .map_err(|e| unreachable(url, e))?;
        Ok(Self {
            pool,
            lock_dir,
            tokens: std::sync::Arc::new(TokenCache::new(config.token_cache_ttl)),
        })
    }
}

#[async_trait::async_trait]
impl super::sql::Dialect for SqliteStore {
    type Db = sqlx::Sqlite;

    const BACKEND: Backend = Backend::Sqlite;

    const LANGUAGES_OF_B_AS_JSON: &'static str = "SELECT json_group_array(json_object('language', \
         language, 'level', level)) FROM (SELECT language, level FROM beneficiary_languages \
         WHERE beneficiary_id = b.id ORDER BY language)";

    fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    fn tokens(&self) -> &TokenCache {
        &self.tokens
    }

    async fn apply_migrations(&self) -> Result<(), StoreError> {
        sqlx::migrate!("migrations/sqlite").run(&self.pool).await?;
        Ok(())
    }

    async fn lock_office_run(&self, office_id: uuid::Uuid) -> Result<Option<RunLock>, StoreError> {
        match &self.lock_dir {
            // A lock file beside the database: other processes on the same file see it, and
            // the operating system releases it when the holder dies.
            Some(dir) => {
                let path = dir.join(format!(".placematch-run-{office_id}.lock"));
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&path)
                    .map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
                match file.try_lock() {
                    Ok(()) => Ok(Some(RunLock::File(file))),
                    Err(std::fs::TryLockError::WouldBlock) => Ok(None),
                    Err(std::fs::TryLockError::Error(e)) => {
                        Err(StoreError::Database(sqlx::Error::Io(e)))
                    }
                }
            }
            // An in-memory database lives in this process only.
            None => {
                static HELD: std::sync::Mutex<Vec<uuid::Uuid>> = std::sync::Mutex::new(Vec::new());
                let mut held = HELD.lock().unwrap_or_else(|p| p.into_inner());
                if held.contains(&office_id) {
                    return Ok(None);
                }
                held.push(office_id);
                Ok(Some(RunLock::Memory(super::MemoryLock(office_id, &HELD))))
            }
        }
    }

    /// A write transaction that takes SQLite's write lock at once (`BEGIN IMMEDIATE`), so two
    /// read-then-write transactions queue on the busy timeout instead of failing on upgrade.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Nothing to do: `BEGIN IMMEDIATE` already serialises writers on the whole database.
    async fn lock_opening(
        _conn: &mut sqlx::SqliteConnection,
        _opening: uuid::Uuid,
    ) -> Result<(), StoreError> {
        Ok(())
    }

    /// Nothing to do, as for [`super::sql::Dialect::lock_opening`].
    async fn lock_openings(
        _conn: &mut sqlx::SqliteConnection,
        _openings: &[uuid::Uuid],
    ) -> Result<(), StoreError> {
        Ok(())
    }
}

fn create_dir(dir: &Path) -> Result<(), ConnectError> {
    std::fs::create_dir_all(dir).map_err(|e| ConnectError::CreateDir {
        path: dir.display().to_string(),
        reason: e.to_string(),
    })
}
