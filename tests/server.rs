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
        Self::start_with(database_url, &[])
    }

    fn start_with(database_url: Option<&str>, env: &[(&str, &str)]) -> Server {
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
        for (k, v) in env {
            cmd.env(k, v);
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

/// Finding 3 of issue 20: 50 trickling connections stayed open 77 s, and 1,100 of them made
/// `/healthz` time out ("Too many open files"). Now a client that has not sent a whole request
/// head within the header-read timeout is disconnected, a kept-alive connection left idle as
/// long is closed, connections over the cap get an immediate 503, and `/healthz` answers while
/// the slow clients are still trickling. The open-file limit is raised to its hard maximum.
#[tokio::test]
async fn slow_clients_are_cut_off_and_over_the_cap_refused_while_healthz_still_answers() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    let server = Server::start_with(
        None,
        &[
            ("PLACEMATCH_HEADER_READ_TIMEOUT_SECS", "1"),
            ("PLACEMATCH_MAX_CONNECTIONS", "40"),
        ],
    );
    let addr = server.base.strip_prefix("http://").unwrap().to_owned();
    #[cfg(target_os = "linux")]
    {
        let limits =
            std::fs::read_to_string(format!("/proc/{}/limits", server.child.id())).unwrap();
        let line = limits
            .lines()
            .find(|l| l.starts_with("Max open files"))
            .unwrap();
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            fields[3], fields[4],
            "soft limit raised to the hard one: {line}"
        );
    }

    // 60 slowloris clients: a request line, then one header byte every 200 ms.
    let started = Instant::now();
    let mut slow = Vec::new();
    for _ in 0..60 {
        let mut s = TcpStream::connect(&addr).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n")
            .await
            .unwrap();
        slow.push(s);
    }
    let trickle = tokio::spawn(async move {
        let mut closed_after = Vec::new();
        let mut refused = 0;
        let mut open: Vec<Option<TcpStream>> = slow.into_iter().map(Some).collect();
        for _ in 0..40 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            for slot in open.iter_mut() {
                let Some(s) = slot else { continue };
                let mut buf = [0u8; 512];
                // Anything to read? A refusal, or the end of a connection the server closed.
                match tokio::time::timeout(Duration::from_millis(1), s.read(&mut buf)).await {
                    Ok(Ok(0)) | Ok(Err(_)) => {
                        closed_after.push(started.elapsed());
                        *slot = None;
                        continue;
                    }
                    Ok(Ok(n)) => {
                        let text = String::from_utf8_lossy(&buf[..n]).into_owned();
                        if text.contains("503") && text.contains("server_busy") {
                            refused += 1;
                        }
                        *slot = None;
                        continue;
                    }
                    Err(_) => {}
                }
                if s.write_all(b"x").await.is_err() {
                    closed_after.push(started.elapsed());
                    *slot = None;
                }
            }
        }
        let still_open = open.iter().filter(|s| s.is_some()).count();
        (closed_after, refused, still_open)
    });

    // While they trickle, health answers (after the timeout has freed the slots at the latest).
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let healthz = format!("{}/healthz", server.base);
    let waited = wait_for_status(&client, &healthz, 200).await;
    assert!(
        waited < Duration::from_secs(5),
        "healthz answered after {waited:?}"
    );

    let (closed_after, refused, still_open) = trickle.await.unwrap();
    assert_eq!(
        refused, 20,
        "the 20 connections over the cap of 40 get a 503"
    );
    assert_eq!(closed_after.len(), 40, "every slow client is disconnected");
    assert_eq!(still_open, 0);
    assert!(
        closed_after.iter().all(|t| *t < Duration::from_secs(4)),
        "cut off after about the 1 s timeout, not 77 s: {closed_after:?}"
    );

    // A kept-alive connection left idle is closed too.
    let mut idle = TcpStream::connect(&addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = idle.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let t = Instant::now();
    let end = tokio::time::timeout(Duration::from_secs(5), idle.read(&mut buf))
        .await
        .expect("the idle connection is closed within 5 s");
    assert!(
        matches!(end, Ok(0) | Err(_)),
        "closed, not answered: {end:?}"
    );
    assert!(
        t.elapsed() >= Duration::from_millis(500),
        "not before the timeout"
    );
}
