//! Test support shared by the integration binaries: a fresh SQLite file, a fresh PostgreSQL
//! database on the server that `.ci/test` started, and a PostgreSQL cluster a test can stop and
//! start itself.
#![allow(dead_code)] // each test binary uses a different part of this module

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use placematch::store::DatabaseSettings;
use placematch::store::{self, Store};
use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// The store at `url`, migrated; `backend` names it when that fails.
async fn migrated(url: &str, backend: &str) -> Arc<dyn Store> {
    let store = store::connect(&DatabaseSettings::for_url(url))
        .await
        .unwrap_or_else(|e| panic!("open {backend}: {e:?}"));
    store
        .migrate()
        .await
        .unwrap_or_else(|e| panic!("migrate {backend}: {e:?}"));
    store
}

/// A migrated store on a new SQLite file in a temporary folder (removed on drop).
pub struct SqliteDb {
    pub store: Arc<dyn Store>,
    pub url: String,
    _dir: tempfile::TempDir,
}

pub async fn sqlite_db() -> SqliteDb {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite:{}", dir.path().join("placematch.db").display());
    let store = migrated(&url, "SQLite").await;
    SqliteDb {
        store,
        url,
        _dir: dir,
    }
}

/// The server URL `.ci/test` exported. Tests with "postgres" in their name need it; without the
/// script they fail loudly instead of passing without having run.
pub fn postgres_admin_url() -> String {
    std::env::var("PLACEMATCH_TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "PLACEMATCH_TEST_POSTGRES_URL is not set: run the suite with .ci/test, which starts a \
             throwaway PostgreSQL, or skip these tests with `cargo test -- --skip postgres`"
        )
    })
}

/// A migrated store on a brand-new database of the test server; dropped by [`PgDb::drop_db`].
pub struct PgDb {
    pub store: Arc<dyn Store>,
    pub url: String,
    name: String,
    admin_url: String,
}

pub async fn postgres_db() -> PgDb {
    let admin_url = postgres_admin_url();
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&admin_url)
        .await
        .expect("connect to the test PostgreSQL server");
    // The name is generated here from a UUID, not taken from input.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .expect("create test database");
    admin.close().await.ok();
    let url = replace_database(&admin_url, &name);
    let store = migrated(&url, "PostgreSQL").await;
    PgDb {
        store,
        url,
        name,
        admin_url,
    }
}

impl PgDb {
    pub async fn drop_db(self) {
        self.store.close().await;
        if let Ok(mut admin) = PgConnection::connect(&self.admin_url).await {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            )))
            .execute(&mut admin)
            .await;
        }
    }
}

fn replace_database(url: &str, db: &str) -> String {
    let (base, _) = url.rsplit_once('/').expect("URL with a database");
    format!("{base}/{db}")
}

/// A PostgreSQL cluster of the test's own, in a temporary folder, that the test can stop and
/// start. Stopped and removed on drop.
pub struct PgCluster {
    bindir: PathBuf,
    run_as: Option<String>,
    pub dir: tempfile::TempDir,
    pub port: u16,
}

impl PgCluster {
    pub fn init() -> PgCluster {
        let bindir = PathBuf::from(std::env::var("PLACEMATCH_TEST_PG_BINDIR").unwrap_or_else(
            |_| panic!("PLACEMATCH_TEST_PG_BINDIR is not set: run the suite with .ci/test"),
        ));
        let user = std::env::var("PLACEMATCH_TEST_PG_USER").unwrap_or_default();
        let is_root = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        let run_as = is_root.then(|| user.clone());
        let dir = tempfile::tempdir().expect("temporary folder");
        if let Some(user) = &run_as {
            run(Command::new("chown").arg(user).arg(dir.path()));
        }
        let port = free_port();
        let cluster = PgCluster {
            bindir,
            run_as,
            dir,
            port,
        };
        let data = cluster.data_dir();
        cluster.pg(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
            ],
        );
        cluster.start();
        cluster
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    pub fn start(&self) {
        let data = self.data_dir();
        let log = self.dir.path().join("server.log");
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        self.pg(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-w",
                "-o",
                &opts,
                "start",
            ],
        );
    }

    pub fn stop(&self) {
        let data = self.data_dir();
        self.pg(
            "pg_ctl",
            &["-D", data.to_str().unwrap(), "-m", "fast", "-w", "stop"],
        );
    }

    fn pg(&self, tool: &str, args: &[&str]) {
        let exe = self.bindir.join(tool);
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        cmd.args(args);
        run(&mut cmd);
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let data = self.data_dir();
        let exe = self.bindir.join("pg_ctl");
        let args = ["-D", data.to_str().unwrap(), "-m", "immediate", "stop"];
        let _ = match &self.run_as {
            Some(user) => Command::new("runuser")
                .args(["-u", user, "--"])
                .arg(&exe)
                .args(args)
                .output(),
            None => Command::new(&exe).args(args).output(),
        };
    }
}

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("run a PostgreSQL tool");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind port 0")
        .local_addr()
        .unwrap()
        .port()
}

/// Path of the built `placematch` binary.
pub fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_placematch"))
}
