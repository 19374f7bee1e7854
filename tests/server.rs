//! The real binary as an operator runs it: a real socket on port 0, real signals, real exit codes.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `placematch serve`; killed on drop if the test did not stop it.
struct Server {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(database_url: Option<&str>) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(common::binary());
        cmd.current_dir(dir.path())
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env_remove("PLACEMATCH_DATABASE_URL")
            .env("PLACEMATCH_DATABASE_TIMEOUT_SECS", "2")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(url) = database_url {
            cmd.env("PLACEMATCH_DATABASE_URL", url);
        }
        let mut child = cmd.spawn().expect("start placematch serve");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let base = line
            .trim()
            .strip_prefix("placematch listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_owned();
        Server {
            child,
            base,
            _dir: dir,
        }
    }

    fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "server did not stop after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn status_of(client: &reqwest::Client, url: &str) -> u16 {
    client
        .get(url)
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

#[tokio::test]
async fn serve_on_the_default_sqlite_answers_health_and_readiness_and_stops_cleanly_on_sigterm() {
    let mut server = Server::start(None);
    let client = reqwest::Client::new();
    assert_eq!(
        status_of(&client, &format!("{}/healthz", server.base)).await,
        200
    );
    let ready: serde_json::Value = client
        .get(format!("{}/readyz", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["database"], "sqlite");
    assert!(
        server._dir.path().join("data/placematch.db").exists(),
        "the default database file is created under ./data/"
    );
    let status = server.terminate();
    assert!(
        status.success(),
        "graceful shutdown exits 0, got {status:?}"
    );
}

fn run_and_capture(args: &[&str], database_url: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(common::binary())
        .current_dir(dir.path())
        .args(args)
        .env("PLACEMATCH_DATABASE_URL", database_url)
        .env("PLACEMATCH_DATABASE_TIMEOUT_SECS", "2")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_bad_database_url_is_a_one_line_error_naming_the_setting() {
    let (code, stderr) = run_and_capture(&["serve", "--listen", "127.0.0.1:0"], "mysql://db/x");
    assert_ne!(code, 0);
    assert_eq!(stderr.trim().lines().count(), 1, "one line, got: {stderr}");
    assert!(stderr.contains("PLACEMATCH_DATABASE_URL"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_unreachable_database_at_start_up_is_a_one_line_error_without_the_password() {
    let port = common::free_port();
    let url = format!("postgres://app:hunter2@127.0.0.1:{port}/placematch");
    let (code, stderr) = run_and_capture(&["migrate"], &url);
    assert_ne!(code, 0);
    assert_eq!(stderr.trim().lines().count(), 1, "one line, got: {stderr}");
    assert!(stderr.contains("PLACEMATCH_DATABASE_URL"), "{stderr}");
    assert!(stderr.contains("refused"), "{stderr}");
    assert!(
        !stderr.contains("hunter2"),
        "the password is never printed: {stderr}"
    );
}

async fn wait_for_status(client: &reqwest::Client, url: &str, want: u16) -> Duration {
    let start = Instant::now();
    loop {
        let got = status_of(client, url).await;
        if got == want {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{url} stayed {got}, expected {want}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn readyz_follows_postgres_going_down_and_coming_back_without_a_restart() {
    let cluster = common::PgCluster::init();
    let mut server = Server::start(Some(&cluster.url()));
    let client = reqwest::Client::new();
    let readyz = format!("{}/readyz", server.base);
    assert_eq!(status_of(&client, &readyz).await, 200);

    cluster.stop();
    wait_for_status(&client, &readyz, 503).await;
    assert_eq!(
        status_of(&client, &format!("{}/healthz", server.base)).await,
        200,
        "liveness does not depend on the database"
    );

    cluster.start();
    wait_for_status(&client, &readyz, 200).await;
    assert!(server.terminate().success());
}
