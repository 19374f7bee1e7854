//! The command line as cron runs it: `placematch demo load` then `placematch rebalance --apply`,
//! killed with SIGKILL at growing delays. Whatever the moment, the database holds either the whole
//! run (its report and every proposal of its plan) or no trace of it, and the office's lock dies
//! with the process, so the next run goes through.

mod common;
#[path = "support/run.rs"]
mod run;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a killed run may have left: stored runs, live proposals, and the report of the run.
#[derive(Debug, PartialEq)]
struct Trace {
    runs: i64,
    proposals: i64,
    planned: Option<usize>,
}

/// Counts what runs left, with the same three queries on either database.
macro_rules! counts {
    ($pool:expr, $report_sql:expr) => {{
        let pool = $pool;
        let t: (i64, i64, Option<String>) = (
            sqlx::query_scalar("SELECT count(*) FROM rebalancing_runs")
                .fetch_one(&pool)
                .await
                .unwrap(),
            sqlx::query_scalar("SELECT count(*) FROM placements WHERE state = 'proposed'")
                .fetch_one(&pool)
                .await
                .unwrap(),
            sqlx::query_scalar($report_sql)
                .fetch_optional(&pool)
                .await
                .unwrap(),
        );
        pool.close().await;
        t
    }};
}

async fn trace(url: &str) -> Trace {
    let (runs, proposals, report) = if url.starts_with("sqlite:") {
        counts!(
            sqlx::SqlitePool::connect(url).await.unwrap(),
            "SELECT report FROM rebalancing_runs LIMIT 1"
        )
    } else {
        counts!(
            sqlx::PgPool::connect(url).await.unwrap(),
            "SELECT report::text FROM rebalancing_runs LIMIT 1"
        )
    };
    let planned = report.map(|r| {
        let v: serde_json::Value = serde_json::from_str(&r).unwrap();
        v["plan"]["propose"].as_array().unwrap().len()
    });
    Trace {
        runs,
        proposals,
        planned,
    }
}

fn placematch(url: &str) -> Command {
    let mut cmd = Command::new(common::binary());
    cmd.env("PLACEMATCH_DATABASE_URL", url)
        .env("PLACEMATCH_LOG_LEVEL", "warn")
        .stdin(Stdio::null());
    cmd
}

fn load_demo(url: &str) -> String {
    let out = placematch(url)
        .args(["demo", "load", "--territory", "luxembourg", "--seed", "3"])
        .output()
        .unwrap();
    run::assert_success(&out);
    let loaded: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    loaded["office_id"].as_str().unwrap().to_owned()
}

async fn a_rebalancing_killed_at_any_moment_leaves_the_whole_run_or_nothing(url: &str) {
    let office = load_demo(url);
    assert_eq!(
        trace(url).await,
        Trace {
            runs: 0,
            proposals: 0,
            planned: None
        }
    );
    let mut delay = Duration::from_millis(20);
    let mut killed_with_nothing_written = 0;
    let finished = loop {
        let mut child = placematch(url)
            .args(["rebalance", "--office", &office, "--apply", "--json"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let mut exited = None;
        while started.elapsed() < delay {
            if let Some(status) = child.try_wait().unwrap() {
                exited = Some(status);
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        if exited.is_none() {
            child.kill().unwrap(); // SIGKILL: no destructor, no rollback by the program
        }
        child.wait().unwrap();
        let t = trace(url).await;
        match t.runs {
            0 => {
                assert_eq!(
                    t.proposals, 0,
                    "a killed run left proposals without its report"
                );
                assert!(
                    exited.is_none(),
                    "a run that exited by itself stored nothing"
                );
                killed_with_nothing_written += 1;
            }
            1 => {
                let planned = t.planned.unwrap() as i64;
                assert!(planned > 0, "the demo office has people to propose");
                assert_eq!(
                    t.proposals, planned,
                    "a stored run has every proposal of its plan"
                );
                break exited;
            }
            n => panic!("{n} runs stored from one attempt"),
        }
        assert!(delay < Duration::from_secs(120), "the run never finished");
        delay = delay.mul_f64(1.2);
    };
    assert!(
        killed_with_nothing_written >= 2,
        "the test should have killed runs before they wrote anything ({killed_with_nothing_written})"
    );
    // The lock died with the killed processes: the next run is not refused, and it moves nobody.
    let out = placematch(url)
        .args(["rebalance", "--office", &office, "--apply", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "after {:?} the next run failed: {}",
        finished,
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["new"], 0);
    assert_eq!(summary["moved"], 0);
    assert_eq!(summary["withdrawn"], 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rebalancing_killed_at_any_moment_leaves_the_whole_run_or_nothing_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("placematch.db").display());
    a_rebalancing_killed_at_any_moment_leaves_the_whole_run_or_nothing(&url).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rebalancing_killed_at_any_moment_leaves_the_whole_run_or_nothing_on_postgres() {
    let db = common::postgres_db().await;
    a_rebalancing_killed_at_any_moment_leaves_the_whole_run_or_nothing(&db.url).await;
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scheduled_rebalancing_inside_serve_stores_dry_run_reports_on_time() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("placematch.db").display());
    load_demo(&url);
    let mut server = placematch(&url)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("PLACEMATCH_REBALANCE_SCHEDULE", "*/2 * * * * *")
        .env("PLACEMATCH_REBALANCE_TIME_ZONE", "Europe/Luxembourg")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = trace(&url).await;
    while seen.runs == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        seen = trace(&url).await;
    }
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(seen.runs >= 1, "no scheduled run within a minute");
    assert!(seen.planned.unwrap() > 0, "the report proposes people");
    assert_eq!(seen.proposals, 0, "a scheduled run is a dry run by default");
}

#[test]
fn a_bad_schedule_stops_serve_at_once_with_the_setting_named() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("placematch.db").display());
    let out = placematch(&url)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("PLACEMATCH_REBALANCE_SCHEDULE", "every night at two")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("PLACEMATCH_REBALANCE_SCHEDULE"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Runs `placematch ARGS` with `password` on standard input, in `language`.
fn with_password(url: &str, args: &[&str], password: &str, language: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = placematch(url)
        .args(args)
        .env("PLACEMATCH_LANGUAGE", language)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// `placematch user create | reset-password | disable`: a caseworker made from the command line
/// signs in, a refused password is named as the option in the operator's language, a disabled
/// user cannot sign in any more.
#[tokio::test]
async fn users_are_created_refused_reset_and_disabled_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("users.db").display());
    let office = load_demo(&url);
    let email = "Marie.Schmit@Esch.lu";
    let create = |password: &str, language: &str| {
        with_password(
            &url,
            &[
                "user",
                "create",
                "--email",
                email,
                "--role",
                "caseworker",
                "--office",
                &office,
                "--name",
                "Marie Schmit",
                "--language",
                "de",
                "--password-stdin",
            ],
            password,
            language,
        )
    };
    let refused = create("short", "fr");
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("--password: doit compter au moins 12 caractères"),
        "{stderr}"
    );
    let made = create("a long walk along the Alzette", "en");
    run::assert_success(&made);
    let id = String::from_utf8_lossy(&made.stdout).trim().to_owned();
    assert!(
        uuid::Uuid::parse_str(&id).is_ok(),
        "the new user's id: {id}"
    );
    assert!(
        String::from_utf8_lossy(&made.stderr)
            .contains("user Marie.Schmit@Esch.lu (caseworker) created")
    );
    let taken = create("another long phrase of hers", "nl");
    assert!(
        String::from_utf8_lossy(&taken.stderr)
            .contains("--email: er bestaat al een gebruiker met dit e-mailadres"),
        "{}",
        String::from_utf8_lossy(&taken.stderr)
    );

    let store = placematch::store::connect(&placematch::store::DatabaseSettings::for_url(&url))
        .await
        .unwrap();
    let settings = placematch::app::accounts::AccountSettings::default();
    let now = time::OffsetDateTime::now_utc();
    let sign_in = |password: &'static str| {
        let store = store.clone();
        let settings = settings.clone();
        async move {
            placematch::app::accounts::sign_in(
                &store,
                &settings,
                "marie.schmit@esch.lu",
                password,
                "127.0.0.1",
                now,
            )
            .await
            .unwrap()
            .is_ok()
        }
    };
    assert!(sign_in("a long walk along the Alzette").await);
    let user = store
        .find_user_by_email("marie.schmit@esch.lu")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            user.language.as_str(),
            user.role.as_str(),
            user.office_id.map(|o| o.to_string())
        ),
        ("de", "caseworker", Some(office.clone())),
        "her own language is German, whatever the operator's"
    );

    let reset = with_password(
        &url,
        &[
            "user",
            "reset-password",
            "marie.schmit@esch.lu",
            "--password-stdin",
        ],
        "the bridge at Schifflange",
        "de",
    );
    run::assert_success(&reset);
    assert!(String::from_utf8_lossy(&reset.stderr).contains("Passwort von"));
    assert!(!sign_in("a long walk along the Alzette").await);
    assert!(sign_in("the bridge at Schifflange").await);

    let disabled = placematch(&url)
        .args(["user", "disable", "marie.schmit@esch.lu"])
        .env("PLACEMATCH_LANGUAGE", "en")
        .output()
        .unwrap();
    run::assert_success(&disabled);
    assert!(!sign_in("the bridge at Schifflange").await);
    // Without --password-stdin: a user who signs in only through the OpenID provider.
    let oidc_only = placematch(&url)
        .args([
            "user",
            "create",
            "--email",
            "luc@esch.lu",
            "--role",
            "caseworker",
            "--office",
            &office,
        ])
        .output()
        .unwrap();
    run::assert_success(&oidc_only);
    let luc = store
        .find_user_by_email("luc@esch.lu")
        .await
        .unwrap()
        .unwrap();
    assert!(luc.password_hash.is_none());
    let unknown = placematch(&url)
        .args(["user", "disable", "nobody@esch.lu"])
        .env("PLACEMATCH_LANGUAGE", "fr")
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr)
            .contains("aucun utilisateur avec l'adresse nobody@esch.lu")
    );
    store.close().await;
}
