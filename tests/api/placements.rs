//! Placements over HTTP: every transition, every illegal one, who may do what, and the race for
//! the last seat on both databases.

use serde_json::{Value, json};

use crate::harness::{
    TestApp, assert_first_message_contains, error_fields, expect, expect_field_error, id_of, items,
    opening_body, person_body,
};

fn uri(placement: &Value, transition: &str) -> String {
    format!("/v1/placements/{}/{transition}", id_of(placement))
}

#[tokio::test]
async fn a_placement_goes_through_its_whole_life_and_each_step_is_audited() {
    let (app, w) = TestApp::with_world().await;
    let (_, _, p) = app.proposal(&w, 1, "L-1").await;
    assert_eq!(p["state"], "proposed");
    assert_eq!(p["proposed_by"], "caseworker");
    let p2 = expect(
        app.post(&uri(&p, "accept"), &w.caseworker, json!({})).await,
        200,
    );
    assert_eq!(p2["state"], "accepted");
    let p3 = expect(app.post(&uri(&p, "confirm"), &w.host, json!({})).await, 200);
    assert_eq!(p3["state"], "confirmed");
    assert!(p3["confirmed_on"].is_string());
    let p4 = expect(app.post(&uri(&p, "start"), &w.host, json!({})).await, 200);
    assert_eq!(p4["state"], "active");
    let hours = format!("/v1/placements/{}/hours", id_of(&p));
    expect(app.post(&hours, &w.host, json!({"hours": 7.5})).await, 200);
    let p5 = expect(app.post(&hours, &w.host, json!({"hours": 4})).await, 200);
    assert_eq!(p5["hours_worked"], 11.5);
    let p6 = expect(
        app.post(
            &uri(&p, "end"),
            &w.caseworker,
            json!({"outcome": "job_found"}),
        )
        .await,
        200,
    );
    assert_eq!(p6["state"], "ended");
    assert_eq!(p6["outcome"], "job_found");

    let log = app.audit_log(&w.admin).await;
    let transitions = items(&log)
        .iter()
        .filter(|e| e["object_id"] == p["id"] && e["action"] == "transition")
        .map(|e| e["actor_role"].as_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    assert_eq!(
        transitions,
        vec!["caseworker", "host", "host", "caseworker"]
    );
}

#[tokio::test]
async fn an_illegal_transition_is_a_409_that_names_the_current_state() {
    let (app, w) = TestApp::with_world().await;
    let (_, _, p) = app.proposal(&w, 1, "L-2").await;
    for (transition, token, body) in [
        ("confirm", &w.host, json!({})),
        ("start", &w.host, json!({})),
        ("end", &w.caseworker, json!({"outcome": "completed"})),
    ] {
        let reply = expect(app.post(&uri(&p, transition), token, body).await, 409);
        assert_eq!(reply["code"], "invalid_transition", "{transition}");
        assert!(
            reply["title"].as_str().unwrap().contains("proposed"),
            "{reply}"
        );
    }
    expect(
        app.post(
            &uri(&p, "decline"),
            &w.host,
            json!({"reason": "no tutor available"}),
        )
        .await,
        200,
    );
    let reply = expect(
        app.post(&uri(&p, "accept"), &w.caseworker, json!({})).await,
        409,
    );
    assert!(reply["title"].as_str().unwrap().contains("declined"));
    expect(
        app.post(&uri(&p, "teleport"), &w.caseworker, json!({}))
            .await,
        404,
    );
}

#[tokio::test]
async fn each_side_may_only_make_its_own_decisions() {
    let (app, w) = TestApp::with_world().await;
    let (_, _, p) = app.proposal(&w, 1, "L-3").await;
    assert_eq!(
        expect(app.post(&uri(&p, "accept"), &w.host, json!({})).await, 403)["code"],
        "forbidden"
    );
    expect(
        app.post(&uri(&p, "accept"), &w.caseworker, json!({})).await,
        200,
    );
    expect(
        app.post(&uri(&p, "confirm"), &w.caseworker, json!({}))
            .await,
        403,
    );
    // Other tenants do not see it at all.
    expect(
        app.post(&uri(&p, "confirm"), &w.other_host, json!({}))
            .await,
        404,
    );
    expect(
        app.post(
            &uri(&p, "decline"),
            &w.other_caseworker,
            json!({"reason": "x"}),
        )
        .await,
        404,
    );
    expect(
        app.get(&format!("/v1/placements/{}", id_of(&p)), &w.other_host)
            .await,
        404,
    );
    expect(
        app.get(&format!("/v1/placements/{}", id_of(&p)), &w.scheduler)
            .await,
        403,
    );
}

#[tokio::test]
async fn a_decline_needs_a_reason_and_an_end_needs_an_outcome() {
    let (app, w) = TestApp::with_world().await;
    let (_, _, p) = app.proposal(&w, 1, "L-4").await;
    expect_field_error(
        app.post(&uri(&p, "decline"), &w.caseworker, json!({}))
            .await,
        "reason",
    );
    expect_field_error(
        app.post(&uri(&p, "decline"), &w.caseworker, json!({"reason": "  "}))
            .await,
        "reason",
    );
}

/// The adversarial test's finding: `accept` with an outcome and a health detail as reason
/// stored both, readable by the host, and a host's `confirm` overwrote the outcome.
#[tokio::test]
async fn a_reason_or_an_outcome_on_a_transition_that_takes_none_is_refused_and_not_stored() {
    let (app, w) = TestApp::with_world().await;
    let (_, _, p) = app.proposal(&w, 1, "L-6").await;
    let reply = expect(
        app.post(
            &uri(&p, "accept"),
            &w.caseworker,
            json!({"outcome": "dropped_out", "reason": "hospitalised for depression"}),
        )
        .await,
        422,
    );
    let fields = error_fields(&reply);
    assert_eq!(fields, ["reason", "outcome"]);
    let id = id_of(&p);
    let stored = expect(app.get(&format!("/v1/placements/{id}"), &w.host).await, 200);
    assert_eq!(stored["state"], "proposed", "nothing happened");
    assert!(stored["outcome"].is_null() && stored["decline_reason"].is_null());

    expect(
        app.post(&uri(&p, "accept"), &w.caseworker, json!({})).await,
        200,
    );
    expect_field_error(
        app.post(
            &uri(&p, "confirm"),
            &w.host,
            json!({"outcome": "completed"}),
        )
        .await,
        "outcome",
    );
    expect(app.post(&uri(&p, "confirm"), &w.host, json!({})).await, 200);
    expect(app.post(&uri(&p, "start"), &w.host, json!({})).await, 200);
    // An end takes its outcome and, if given, a reason.
    let ended = expect(
        app.post(
            &uri(&p, "end"),
            &w.caseworker,
            json!({"outcome": "moved_away", "reason": "left the region"}),
        )
        .await,
        200,
    );
    assert_eq!(ended["outcome"], "moved_away");
}

/// The adversarial test's finding: twenty records of 60 hours gave 1,200 hours on a
/// placement that started that day. The total is capped by the opening's weekly hours (20)
/// times the weeks since the start (this one).
#[tokio::test]
async fn hours_recorded_stay_within_the_weekly_hours_since_the_start() {
    let (app, w) = TestApp::with_world().await;
    let (_, _, p) = app.proposal(&w, 1, "L-7").await;
    expect(
        app.post(&uri(&p, "accept"), &w.caseworker, json!({})).await,
        200,
    );
    expect(app.post(&uri(&p, "confirm"), &w.host, json!({})).await, 200);
    expect(app.post(&uri(&p, "start"), &w.host, json!({})).await, 200);
    let hours = format!("/v1/placements/{}/hours", id_of(&p));
    let mut refused = 0;
    for _ in 0..20 {
        let reply = app.post(&hours, &w.host, json!({"hours": 60})).await;
        if reply.status == 422 {
            refused += 1;
            assert_eq!(reply.body["errors"][0]["field"], "hours");
        }
    }
    assert_eq!(refused, 20, "60 hours is three weeks of a 20-hour post");
    expect(app.post(&hours, &w.host, json!({"hours": 12.5})).await, 200);
    let full = expect(app.post(&hours, &w.host, json!({"hours": 7.5})).await, 200);
    assert_eq!(full["hours_worked"], 20.0);
    let reply = expect(app.post(&hours, &w.host, json!({"hours": 0.5})).await, 422);
    assert_first_message_contains(&reply, "at most 20 hours");
    let id = id_of(&p);
    let stored = expect(app.get(&format!("/v1/placements/{id}"), &w.host).await, 200);
    assert_eq!(stored["hours_worked"], 20.0);
}

#[tokio::test]
async fn hours_can_only_be_recorded_on_an_active_placement() {
    let (app, w) = TestApp::with_world().await;
    let (_, _, p) = app.proposal(&w, 1, "L-5").await;
    let hours = format!("/v1/placements/{}/hours", id_of(&p));
    assert_eq!(
        expect(app.post(&hours, &w.host, json!({"hours": 3})).await, 409)["code"],
        "invalid_transition"
    );
    expect(app.post(&hours, &w.host, json!({"hours": -3})).await, 422);
}

#[tokio::test]
async fn a_full_opening_refuses_a_proposal_with_409() {
    let (app, w) = TestApp::with_world().await;
    let (_, opening, _) = app.proposal(&w, 1, "L-6").await;
    let other = app.create_person(&w.caseworker, "L-7").await;
    let reply = expect(
        app.post(
            "/v1/placements",
            &w.caseworker,
            json!({"beneficiary_id": other["id"], "opening_id": opening["id"]}),
        )
        .await,
        409,
    );
    assert_eq!(reply["code"], "no_seat_left");
}

async fn race_for_the_last_seat(app: TestApp) {
    let w = app.world().await;
    let opening = app.create_opening(&w.host, 1).await;
    let mut people = Vec::new();
    for i in 0..50 {
        let p = app.create_person(&w.caseworker, &format!("RACE-{i}")).await;
        people.push(p["id"].clone());
    }
    let app = std::sync::Arc::new(app);
    let token = w.caseworker.clone();
    let mut tasks = Vec::new();
    for person in people {
        let app = app.clone();
        let token = token.clone();
        let body = json!({"beneficiary_id": person, "opening_id": opening["id"]});
        tasks.push(tokio::spawn(async move {
            app.post("/v1/placements", &token, body).await
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap().status.as_u16());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        49,
        "{statuses:?}"
    );
    let after = expect(
        app.get(&format!("/v1/openings/{}", id_of(&opening)), &w.host)
            .await,
        200,
    );
    assert_eq!(after["seats_left"], 0);
    assert_eq!(after["seats_taken"], 1);
    if let Ok(app) = std::sync::Arc::try_unwrap(app) {
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_racing_proposals_for_the_last_seat_give_one_201_and_49_409_on_sqlite() {
    race_for_the_last_seat(TestApp::new().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_racing_proposals_for_the_last_seat_give_one_201_and_49_409_on_postgres() {
    race_for_the_last_seat(TestApp::postgres().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_racing_confirms_of_one_placement_give_one_200_and_49_409_on_postgres() {
    let app = TestApp::postgres().await;
    let w = app.world().await;
    let (_, _, p) = app.proposal(&w, 1, "C-1").await;
    expect(
        app.post(&uri(&p, "accept"), &w.caseworker, json!({})).await,
        200,
    );
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let app = app.clone();
        let (u, t) = (uri(&p, "confirm"), w.host.clone());
        tasks.push(tokio::spawn(async move {
            app.post(&u, &t, json!({})).await.status.as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        49,
        "{statuses:?}"
    );
    if let Ok(app) = std::sync::Arc::try_unwrap(app) {
        app.finish().await;
    }
}

/// Finding 5 of issue 20: a Luxembourg REVIS caseworker proposed a person with a 5-minute
/// walking limit for a Brussels `cpas_ris`-only opening and got a 201. Now the same rules as
/// suggestions apply: programme and health can never be set aside; a soft rule (the trip
/// here) only with a reason, which is recorded and never shown to the host.
async fn a_proposal_by_hand_passes_the_hard_rules_and_overrides_soft_ones_only_with_a_reason(
    app: TestApp,
) {
    let w = app.world().await;
    let mut walker = person_body("R-1");
    walker["mobility"] = json!("walk");
    walker["max_trip_minutes"] = json!(5);
    let walker = expect(
        app.post("/v1/beneficiaries", &w.caseworker, walker).await,
        201,
    );
    let mut brussels = opening_body(3);
    brussels["programmes"] = json!(["cpas_ris"]);
    brussels["location"] = json!({"lon": 4.3517, "lat": 50.8503});
    brussels["physical_demands"] = json!(["night_work"]);
    let brussels = expect(app.post("/v1/openings", &w.host, brussels).await, 201);
    let propose = |person: &Value, opening: &Value, reason: Option<&str>| {
        let mut body = json!({"beneficiary_id": person["id"], "opening_id": opening["id"]});
        if let Some(r) = reason {
            body["override_reason"] = json!(r);
        }
        body
    };
    for reason in [None, Some("the person moves to Brussels next month")] {
        let refused = expect(
            app.post(
                "/v1/placements",
                &w.caseworker,
                propose(&walker, &brussels, reason),
            )
            .await,
            422,
        );
        let text = refused["errors"].to_string();
        assert!(text.contains("(programme)"), "{text}");
        assert!(text.contains("(health)"), "{text}");
        assert!(text.contains("no reason can set this rule aside"), "{text}");
    }
    let opening = expect(
        app.get(&format!("/v1/openings/{}", id_of(&brussels)), &w.host)
            .await,
        200,
    );
    assert_eq!(opening["seats_taken"], 0, "no seat was taken");

    // Near home, the right programme, but 30 minutes away on foot: a soft rule.
    let near = app.create_opening(&w.host, 3).await;
    let soft = expect_field_error(
        app.post(
            "/v1/placements",
            &w.caseworker,
            propose(&walker, &near, None),
        )
        .await,
        "override_reason",
    );
    assert_first_message_contains(&soft, "(travel_time)");
    let made = expect(
        app.post(
            "/v1/placements",
            &w.caseworker,
            propose(&walker, &near, Some("a colleague drives her there")),
        )
        .await,
        201,
    );
    assert_eq!(made["overridden_rules"], json!(["travel_time"]));
    assert_eq!(made["override_reason"], "a colleague drives her there");
    let id = id_of(&made);
    let seen_by_host = expect(app.get(&format!("/v1/placements/{id}"), &w.host).await, 200);
    assert_eq!(seen_by_host["overridden_rules"], json!([]));
    assert!(seen_by_host["override_reason"].is_null());
    let seen_by_caseworker = expect(
        app.get(&format!("/v1/placements/{id}"), &w.caseworker)
            .await,
        200,
    );
    assert_eq!(
        seen_by_caseworker["override_reason"],
        "a colleague drives her there"
    );

    // A reason where nothing needs setting aside is a mistake worth saying.
    let fits = app.create_person(&w.caseworker, "R-2").await;
    expect_field_error(
        app.post(
            "/v1/placements",
            &w.caseworker,
            propose(&fits, &near, Some("just in case")),
        )
        .await,
        "override_reason",
    );
    app.finish().await;
}

#[tokio::test]
async fn a_proposal_by_hand_passes_the_hard_rules_and_overrides_soft_ones_only_with_a_reason_on_sqlite()
 {
    a_proposal_by_hand_passes_the_hard_rules_and_overrides_soft_ones_only_with_a_reason(
        TestApp::new().await,
    )
    .await;
}

#[tokio::test]
async fn a_proposal_by_hand_passes_the_hard_rules_and_overrides_soft_ones_only_with_a_reason_on_postgres()
 {
    a_proposal_by_hand_passes_the_hard_rules_and_overrides_soft_ones_only_with_a_reason(
        TestApp::postgres().await,
    )
    .await;
}

/// Finding 8 of issue 20: placement lists wrote no audit event. Each placement a list shows is
/// now a read in the trail, with the reader's role.
#[tokio::test]
async fn each_placement_a_list_shows_is_an_audited_read() {
    let (app, w) = TestApp::with_world().await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let (_, _, placement) = app.proposal(&w, 1, &format!("AU-{i}")).await;
        ids.push(id_of(&placement).to_owned());
    }
    let page = expect(app.get("/v1/placements?limit=2", &w.host).await, 200);
    let shown: Vec<String> = items(&page).iter().map(|p| id_of(p).to_owned()).collect();
    assert_eq!(shown.len(), 2);
    let log = app.audit_log(&w.admin).await;
    let mut read: Vec<String> = items(&log)
        .iter()
        .filter(|e| e["action"] == "read" && e["object_kind"] == "placement")
        .map(|e| {
            assert_eq!(e["actor_role"], "host");
            e["object_id"].as_str().unwrap().to_owned()
        })
        .collect();
    read.sort();
    let mut expected = shown.clone();
    expected.sort();
    assert_eq!(
        read, expected,
        "exactly the placements shown, not the third"
    );
}
