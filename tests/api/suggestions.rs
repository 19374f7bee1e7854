//! Suggestions over HTTP: explained, ranked, within the caseworker's tenant (a host's candidates
//! are in `candidates.rs`).

use placematch::api::auth::Role;
use placematch::demo::{Territory, load};

use crate::harness::{TestApp, expect, expect_field_error, id_of, items};

const TODAY: time::Date = time::macros::date!(2026 - 11 - 24);

/// A caseworker of the Luxembourg demo office (seed 5, at half its size).
async fn demo_caseworker(app: &TestApp) -> String {
    let loaded = load(app.store(), Territory::Luxembourg, 5, 0.5, TODAY)
        .await
        .unwrap();
    app.token(Role::Caseworker, Some(loaded.office_id), None)
        .await
}

#[tokio::test]
async fn a_caseworker_gets_ranked_suggestions_whose_parts_add_up_and_reasons_for_the_rest() {
    let app = TestApp::new().await;
    let caseworker = demo_caseworker(&app).await;
    let people = expect(
        app.get("/v1/beneficiaries?limit=20", &caseworker).await,
        200,
    );
    let mut seen_excluded = false;
    for person in items(&people) {
        let id = id_of(person);
        let suggestions = format!("/v1/beneficiaries/{id}/suggestions?limit=5");
        let body = expect(app.get(&suggestions, &caseworker).await, 200);
        let items = items(&body);
        assert!(items.len() <= 5);
        let mut last = i64::MAX;
        for item in items {
            let score = item["score"].as_i64().unwrap();
            assert!(score <= last, "best first");
            last = score;
            let parts = item["breakdown"].as_array().unwrap();
            assert_eq!(parts.len(), 5);
            assert_eq!(
                parts
                    .iter()
                    .map(|p| p["points"].as_i64().unwrap())
                    .sum::<i64>(),
                score
            );
            assert!(
                parts
                    .iter()
                    .all(|p| p["explanation"].as_str().unwrap().ends_with('.')
                        || p["explanation"].as_str().unwrap().ends_with(')'))
            );
            assert!(item["opening"]["title"].is_string());
        }
        for x in body["excluded"].as_array().unwrap() {
            seen_excluded = true;
            assert!(!x["reasons"].as_array().unwrap().is_empty());
            assert!(x["reasons"][0]["code"].is_string());
        }
    }
    assert!(
        seen_excluded,
        "some openings within reach are excluded, with reasons"
    );
    expect_field_error(
        app.get(
            &format!(
                "/v1/beneficiaries/{}/suggestions?limit=0",
                people["items"][0]["id"].as_str().unwrap()
            ),
            &caseworker,
        )
        .await,
        "limit",
    );
}

#[tokio::test]
async fn suggestions_for_another_offices_person_are_404_and_hosts_may_not_ask() {
    let (app, w) = TestApp::with_world().await;
    let person = app.create_person(&w.caseworker, "S-1").await;
    let uri = format!("/v1/beneficiaries/{}/suggestions", id_of(&person));
    expect(app.get(&uri, &w.caseworker).await, 200);
    expect(app.get(&uri, &w.other_caseworker).await, 404);
    expect(app.get(&uri, &w.host).await, 403);
}

/// Read events of `id` in the whole audit log, page by page.
async fn reads_of(app: &TestApp, admin: &str) -> std::collections::HashMap<String, usize> {
    let mut reads = std::collections::HashMap::new();
    for event in app.all_audit_events(admin).await {
        if event["action"] == "read" && event["object_kind"] == "beneficiary" {
            *reads
                .entry(event["object_id"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
    }
    reads
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_suggestion_answered_in_a_burst_of_concurrent_reads_is_in_the_audit_log() {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    let app = TestApp::new().await;
    let caseworker = demo_caseworker(&app).await;
    let admin = app.admin().await;
    let people = expect(
        app.get("/v1/beneficiaries?limit=20", &caseworker).await,
        200,
    );
    let ids: Vec<String> = items(&people).iter().map(|p| id_of(p).to_owned()).collect();
    let before = reads_of(&app, &admin).await;

    let mut burst = tokio::task::JoinSet::new();
    let mut asked = std::collections::HashMap::<String, usize>::new();
    for k in 0..120 {
        let id = ids[k * 7 % ids.len()].clone();
        *asked.entry(id.clone()).or_default() += 1;
        let app = placematch::api::router(app.state.clone());
        let token = caseworker.clone();
        burst.spawn(async move {
            let request = Request::get(format!("/v1/beneficiaries/{id}/suggestions?limit=3"))
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap();
            app.oneshot(request).await.unwrap().status()
        });
    }
    while let Some(status) = burst.join_next().await {
        assert_eq!(status.unwrap(), 200);
    }

    // Answered means stored: no flush needed before reading the log.
    let after = reads_of(&app, &admin).await;
    for (id, n) in &asked {
        assert_eq!(
            after.get(id).copied().unwrap_or(0) - before.get(id).copied().unwrap_or(0),
            *n,
            "reads of {id}"
        );
    }
}

#[tokio::test]
async fn audit_events_queued_by_requests_cut_short_are_stored_by_the_flush_on_shutdown() {
    let app = TestApp::new().await;
    let object = uuid::Uuid::new_v4();
    let principal = placematch::api::auth::Principal {
        token_id: uuid::Uuid::new_v4(),
        user_id: None,
        role: Role::Caseworker,
        office_id: None,
        organisation_id: None,
    };
    for _ in 0..10 {
        // Queued, never awaited: like a request dropped after queuing its event.
        let _ = placematch::app::audit::submit(
            &app.state.audit,
            &principal,
            placematch::app::audit::Action::Read,
            placematch::app::audit::Subject::beneficiary_in(object, None),
        )
        .await
        .unwrap();
    }
    app.state.audit.flush().await;
    let stored = app.store().list_audit_events(None, 100).await.unwrap();
    assert_eq!(stored.len(), 10);
    assert!(stored.iter().all(|e| e.object_id == object));
}

#[tokio::test]
async fn an_audit_event_the_database_refuses_fails_only_its_own_request() {
    let app = TestApp::new().await;
    let event = |action: &str| placematch::store::AuditEventRow {
        id: placematch::store::new_id(),
        occurred_at: placematch::store::now(),
        actor_token_id: None,
        actor_role: "caseworker".into(),
        action: action.into(),
        object_kind: "beneficiary".into(),
        object_id: uuid::Uuid::new_v4(),
        office_id: None,
        organisation_id: None,
        actor_user_id: None,
    };
    // Queued together, so that they are likely written as one batch.
    let mut queued = Vec::new();
    for action in ["read", "read", "peek", "read", "update"] {
        queued.push((action, app.state.audit.submit(event(action)).await.unwrap()));
    }
    for (action, audited) in queued {
        assert_eq!(
            audited.confirmed().await.is_ok(),
            action != "peek",
            "{action}"
        );
    }
    assert_eq!(
        app.store()
            .list_audit_events(None, 100)
            .await
            .unwrap()
            .len(),
        4
    );
}
