//! Rebalancing runs over HTTP and through the store: dry run vs apply, the stale-report refusal,
//! the single-runner lock, a second run that moves nobody, and who may start a run.

use placematch::api::auth::Role;
use placematch::demo::{Territory, load};
use placematch::jobs::rebalancing::{RunError, run_office};
use placematch::matching::MatchingConfig;
use serde_json::json;

use crate::harness::{Reply, TestApp, expect, expect_field_error, id_of, items};

const TODAY: time::Date = time::macros::date!(2026 - 11 - 24);

async fn demo_office(app: &TestApp) -> String {
    let loaded = load(app.store(), Territory::Luxembourg, 3, 0.3, TODAY)
        .await
        .unwrap();
    loaded.office_id.to_string()
}

/// Runs `office` without applying the result; returns the run (201).
async fn dry_run(app: &TestApp, admin: &str, office: &str) -> serde_json::Value {
    let body = json!({"office_id": office});
    expect(app.post("/v1/rebalancing-runs", admin, body).await, 201)
}

/// Applies the stored run `id`.
async fn apply(app: &TestApp, admin: &str, id: &str) -> Reply {
    let uri = format!("/v1/rebalancing-runs/{id}/apply");
    app.post(&uri, admin, json!({})).await
}

/// Runs `office` and applies the result at once; returns the run (201).
async fn run_and_apply(app: &TestApp, admin: &str, office: &str) -> serde_json::Value {
    let body = json!({"office_id": office, "mode": "apply"});
    expect(app.post("/v1/rebalancing-runs", admin, body).await, 201)
}

async fn live_placements(app: &TestApp, admin: &str) -> usize {
    let page = expect(app.get("/v1/placements?limit=200", admin).await, 200);
    items(&page).len()
}

#[tokio::test]
async fn a_dry_run_stores_a_report_and_changes_nothing_and_applying_it_proposes() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let scheduler = app.token(Role::Scheduler, None, None).await;
    let office = demo_office(&app).await;
    let run = expect(
        app.post(
            "/v1/rebalancing-runs",
            &scheduler,
            json!({"office_id": office}),
        )
        .await,
        201,
    );
    assert_eq!(run["mode"], "dry_run");
    assert!(run["applied_at"].is_null());
    let summary = &run["report"]["summary"];
    assert_eq!(summary["certified_optimal"], true);
    let new = summary["new"].as_u64().unwrap();
    assert!(new > 0, "{summary}");
    assert_eq!(
        live_placements(&app, &admin).await,
        0,
        "a dry run proposes nothing"
    );

    let id = id_of(&run);
    let read = expect(
        app.get(&format!("/v1/rebalancing-runs/{id}"), &scheduler)
            .await,
        200,
    );
    assert_eq!(read["report"], run["report"]);
    // The scheduler starts runs and sees their summary, never a line per person.
    assert!(read["report"].get("results").is_none() && read["report"].get("plan").is_none());
    let full = expect(
        app.get(&format!("/v1/rebalancing-runs/{id}"), &admin).await,
        200,
    );
    assert_eq!(full["report"]["summary"], run["report"]["summary"]);
    assert!(!full["report"]["results"].as_array().unwrap().is_empty());
    let log = app.audit_log(&admin).await;
    let reads: Vec<&serde_json::Value> = items(&log)
        .iter()
        .filter(|e| e["object_id"] == id && e["action"] == "read")
        .collect();
    assert_eq!(
        reads.len(),
        1,
        "the admin's read of the lines is audited: {log}"
    );
    assert_eq!(reads[0]["actor_role"], "admin");
    let applied = expect(apply(&app, &admin, id).await, 200);
    assert!(applied["applied_at"].is_string());
    assert_eq!(live_placements(&app, &admin).await as u64, new);
    let again = expect(apply(&app, &admin, id).await, 409);
    assert_eq!(again["code"], "already_applied");
}

#[tokio::test]
async fn applying_a_report_after_the_data_changed_is_refused() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let office = demo_office(&app).await;
    let run = dry_run(&app, &admin, &office).await;
    // A caseworker edits one of the people after the dry run.
    let first_person = format!("/v1/beneficiaries?limit=1&office_id={office}");
    let people = expect(app.get(&first_person, &admin).await, 200);
    let person = people["items"][0]["id"].as_str().unwrap().to_owned();
    expect(
        app.patch(
            &format!("/v1/beneficiaries/{person}"),
            &admin,
            json!({"max_trip_minutes": 10}),
        )
        .await,
        200,
    );
    let id = id_of(&run);
    let refused = expect(apply(&app, &admin, id).await, 409);
    assert_eq!(refused["code"], "stale_report");
    assert_eq!(live_placements(&app, &admin).await, 0);
}

#[tokio::test]
async fn an_applied_run_then_a_second_run_on_the_same_data_moves_nobody() {
    let app = TestApp::new().await;
    let office = demo_office(&app).await;
    let admin = app.admin().await;
    let first = run_and_apply(&app, &admin, &office).await;
    let placed = first["report"]["summary"]["new"].as_u64().unwrap();
    assert!(placed > 0);
    let second = run_and_apply(&app, &admin, &office).await;
    let s = &second["report"]["summary"];
    assert_eq!(
        (
            s["new"].as_u64(),
            s["moved"].as_u64(),
            s["withdrawn"].as_u64()
        ),
        (Some(0), Some(0), Some(0)),
        "{s}"
    );
    assert_eq!(s["kept"].as_u64(), Some(placed));
}

#[tokio::test]
async fn a_second_run_of_the_same_office_is_refused_while_one_holds_the_lock() {
    let app = TestApp::new().await;
    let office = demo_office(&app).await;
    let id = office.parse().unwrap();
    let held = app.store().try_lock_office(id).await.unwrap().unwrap();
    let admin = app.admin().await;
    let refused = expect(
        app.post("/v1/rebalancing-runs", &admin, json!({"office_id": office}))
            .await,
        409,
    );
    assert_eq!(refused["code"], "run_in_progress");
    let direct = run_office(app.store(), id, false, &MatchingConfig::default(), TODAY).await;
    assert!(matches!(direct, Err(RunError::InProgress)));
    held.release().await;
    dry_run(&app, &admin, &office).await;
}

#[tokio::test]
async fn only_schedulers_and_admins_start_runs_and_a_bad_mode_is_named() {
    let (app, w) = TestApp::with_world().await;
    for token in [&w.caseworker, &w.host] {
        expect(
            app.post(
                "/v1/rebalancing-runs",
                token,
                json!({"office_id": w.office}),
            )
            .await,
            403,
        );
    }
    expect_field_error(
        app.post(
            "/v1/rebalancing-runs",
            &w.admin,
            json!({"office_id": w.office, "mode": "yolo"}),
        )
        .await,
        "mode",
    );
    expect(
        app.post(
            "/v1/rebalancing-runs",
            &w.admin,
            json!({"office_id": uuid::Uuid::new_v4()}),
        )
        .await,
        404,
    );
}

/// Finding 2 of issue 20: after `DELETE /v1/beneficiaries/{id}` the person's line stayed in
/// stored reports. Erasure now scrubs the line and the plan's proposal, in the same
/// transaction, and the other lines stay.
async fn erasure_scrubs_the_person_from_stored_reports(app: TestApp) {
    let admin = app.admin().await;
    let office = demo_office(&app).await;
    let run = dry_run(&app, &admin, &office).await;
    let id = id_of(&run);
    let lines = run["report"]["results"].as_array().unwrap().clone();
    let proposed: Vec<String> = run["report"]["plan"]["propose"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[0].as_str().unwrap().to_owned())
        .collect();
    let person = proposed[0].clone();
    assert!(lines.iter().any(|l| l["beneficiary_id"] == person.as_str()));
    expect(
        app.delete(&format!("/v1/beneficiaries/{person}"), &admin)
            .await,
        204,
    );
    let after = expect(
        app.get(&format!("/v1/rebalancing-runs/{id}"), &admin).await,
        200,
    );
    let text = after["report"].to_string();
    assert!(!text.contains(&person), "the erased person is gone: {text}");
    assert_eq!(
        after["report"]["results"].as_array().unwrap().len(),
        lines.len() - 1,
        "the others stay"
    );
    assert_eq!(
        after["report"]["plan"]["propose"].as_array().unwrap().len(),
        proposed.len() - 1
    );
    app.finish().await;
}

#[tokio::test]
async fn erasure_scrubs_the_person_from_stored_reports_on_sqlite() {
    erasure_scrubs_the_person_from_stored_reports(TestApp::new().await).await;
}

#[tokio::test]
async fn erasure_scrubs_the_person_from_stored_reports_on_postgres() {
    erasure_scrubs_the_person_from_stored_reports(TestApp::postgres().await).await;
}
