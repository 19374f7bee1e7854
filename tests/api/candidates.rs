//! A host's candidate list, attacked as issue 20 did: it must not be an oracle on people's
//! health, programme or home. Each test reproduces one attack and checks that it now learns
//! nothing; the storage-backed ones run on SQLite and PostgreSQL.

use std::time::Duration;

use placematch::api::ApiSettings;
use placematch::api::auth::Role;
use placematch::app::candidates::CandidateSettings;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::harness::{TestApp, World, expect, expect_field_error, id_of, items, person_body};

fn settings(reads_per_hour: u32, opening_writes_per_hour: u32) -> ApiSettings {
    ApiSettings {
        candidates: CandidateSettings {
            hold: Duration::from_secs(3600),
            min_count: 5,
            reads_per_hour,
            opening_writes_per_hour,
            ..CandidateSettings::default()
        },
        ..ApiSettings::default()
    }
}

/// `n` waiting people of the world's first office (ids returned), the organisation serving it.
async fn people(app: &TestApp, n: usize, token: &str, prefix: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        let mut body = person_body(&format!("{prefix}-{i}"));
        // Homes spread along the Alzette valley, so that bands and scores differ.
        body["location"] = json!({"lon": 5.9806 - 0.01 * i as f64, "lat": 49.4958});
        let person = expect(app.post("/v1/beneficiaries", token, body).await, 201);
        ids.push(id_of(&person).to_owned());
    }
    ids
}

async fn serve(app: &TestApp, w: &World, offices: &[&str]) {
    expect(
        app.put(
            &format!("/v1/organisations/{}/offices", w.org),
            &w.admin,
            json!({ "office_ids": offices }),
        )
        .await,
        200,
    );
}

/// An opening of the world's host whose candidates follow its fields (reviewed by an admin).
async fn reviewed_opening(app: &TestApp, w: &World) -> Value {
    let opening = app.create_opening(&w.host, 2).await;
    let id = id_of(&opening);
    expect(
        app.post(&format!("/v1/openings/{id}/review"), &w.admin, json!({}))
            .await,
        200,
    )
}

fn candidates_uri(opening: &Value) -> String {
    format!("/v1/openings/{}/candidates?limit=50", id_of(opening))
}

/// `candidate` read events in the audit log: (person, office).
async fn candidate_reads(app: &TestApp, admin: &str) -> Vec<(String, String)> {
    app.all_audit_events(admin)
        .await
        .iter()
        .filter(|e| e["object_kind"] == "candidate" && e["action"] == "read")
        .map(|e| {
            (
                e["object_id"].as_str().unwrap().to_owned(),
                e["office_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_host_sees_pseudonymised_candidates_with_unguessable_refs_and_each_read_is_audited() {
    let app = TestApp::sqlite_with(settings(60, 30)).await;
    let w = app.world().await;
    let ids = people(&app, 6, &w.caseworker, "C").await;
    serve(&app, &w, &[&w.office]).await;
    let opening = reviewed_opening(&app, &w).await;
    let uri = candidates_uri(&opening);
    let body = expect(app.get(&uri, &w.host).await, 200);
    let items = items(&body);
    assert_eq!(items.len(), 6, "{body}");
    let text = body.to_string();
    for personal in [
        "Ferreira",
        "Ana",
        "Alzette",
        "1984",
        "night_work",
        "waiting",
    ] {
        assert!(
            !text.contains(personal),
            "a host must not see {personal}: {text}"
        );
    }
    // The old reference, sha256(opening, person), could be computed by a host who knew a
    // person's id from a placement: no reference is that any more.
    let opening_id: Uuid = id_of(&opening).parse().unwrap();
    for person in &ids {
        let person: Uuid = person.parse().unwrap();
        let mut h = Sha256::new();
        h.update(opening_id.as_bytes());
        h.update(person.as_bytes());
        let guess = hex::encode(&h.finalize()[..8]);
        assert!(items.iter().all(|c| c["candidate_ref"] != guess.as_str()));
    }
    assert!(
        items
            .iter()
            .all(|c| c["candidate_ref"].as_str().unwrap().len() == 16)
    );
    let reads = candidate_reads(&app, &w.admin).await;
    assert_eq!(reads.len(), 6, "one audit event per person shown");
    let mut read: Vec<&String> = reads.iter().map(|(p, _)| p).collect();
    read.sort();
    let mut all: Vec<&String> = ids.iter().collect();
    all.sort();
    assert_eq!(read, all);
    expect(app.get(&uri, &w.other_host).await, 404);
    expect(app.get(&uri, &w.caseworker).await, 403);
}

/// The attack of finding 1: toggle the physical demands, move the opening, switch its
/// programme, and diff the candidates. With the hold, every list is the first one; after an
/// admin's review the change applies (so the hold is what kept it).
async fn changing_the_opening_reveals_nothing_until_reviewed(postgres: bool) {
    let app = TestApp::on(postgres, settings(60, 30)).await;
    let w = app.world().await;
    people(&app, 6, &w.caseworker, "T").await;
    serve(&app, &w, &[&w.office]).await;
    let opening = reviewed_opening(&app, &w).await;
    let id = id_of(&opening).to_owned();
    let uri = candidates_uri(&opening);
    let first = expect(app.get(&uri, &w.host).await, 200);
    assert_eq!(items(&first).len(), 6);
    assert!(first.get("held_until").is_none());

    // Every person has a night-work limit: this would exclude all of them.
    let changed = expect(
        app.patch(
            &format!("/v1/openings/{id}"),
            &w.host,
            json!({"physical_demands": ["outdoor_work", "night_work"]}),
        )
        .await,
        200,
    );
    assert!(
        changed["candidates_from"].is_string(),
        "the host is told when: {changed}"
    );
    let toggled = expect(app.get(&uri, &w.host).await, 200);
    assert_eq!(toggled["items"], first["items"], "demands toggled");
    assert!(toggled["held_until"].is_string());

    // Back, then far away (Brussels), then another programme: still the first list.
    for patch in [
        json!({"physical_demands": ["outdoor_work"]}),
        json!({"location": {"lon": 4.3517, "lat": 50.8503}}),
        json!({"location": {"lon": 5.99, "lat": 49.50}}),
        json!({"programmes": ["cpas_ris"]}),
    ] {
        expect(
            app.patch(&format!("/v1/openings/{id}"), &w.host, patch.clone())
                .await,
            200,
        );
        let again = expect(app.get(&uri, &w.host).await, 200);
        assert_eq!(again["items"], first["items"], "after {patch}");
    }

    // An admin changing something else (the seats) has not reviewed the held change.
    expect(
        app.patch(&format!("/v1/openings/{id}"), &w.admin, json!({"seats": 3}))
            .await,
        200,
    );
    let still = expect(app.get(&uri, &w.host).await, 200);
    assert_eq!(
        still["items"], first["items"],
        "after an admin's other edit"
    );

    // An admin's review lets the change through: a cpas_ris opening has no candidate among
    // Luxembourg REVIS people, so the list empties.
    expect(
        app.post(&format!("/v1/openings/{id}/review"), &w.admin, json!({}))
            .await,
        200,
    );
    let reviewed = expect(app.get(&uri, &w.host).await, 200);
    assert_eq!(items(&reviewed).len(), 0);
    assert_eq!(reviewed["withheld"], "too_few");
    app.finish().await;
}

#[tokio::test]
async fn changing_the_opening_reveals_nothing_until_reviewed_on_sqlite() {
    changing_the_opening_reveals_nothing_until_reviewed(false).await;
}

#[tokio::test]
async fn changing_the_opening_reveals_nothing_until_reviewed_on_postgres() {
    changing_the_opening_reveals_nothing_until_reviewed(true).await;
}

/// New openings compared side by side would do what changing one may not: a host's new
/// opening shows nobody until its hold passes or an admin reviews it.
async fn a_hosts_new_opening_shows_no_candidate_until_reviewed(postgres: bool) {
    let app = TestApp::on(postgres, settings(60, 30)).await;
    let w = app.world().await;
    people(&app, 6, &w.caseworker, "N").await;
    serve(&app, &w, &[&w.office]).await;
    let opening = app.create_opening(&w.host, 2).await;
    let uri = candidates_uri(&opening);
    let held = expect(app.get(&uri, &w.host).await, 200);
    assert_eq!(items(&held).len(), 0);
    assert_eq!(held["withheld"], "held");
    assert!(held["held_until"].is_string());
    expect(
        app.post(
            &format!("/v1/openings/{}/review", id_of(&opening)),
            &w.host,
            json!({}),
        )
        .await,
        403,
    );
    expect(
        app.post(
            &format!("/v1/openings/{}/review", id_of(&opening)),
            &w.admin,
            json!({}),
        )
        .await,
        200,
    );
    let shown = expect(app.get(&uri, &w.host).await, 200);
    assert_eq!(items(&shown).len(), 6);
    app.finish().await;
}

#[tokio::test]
async fn a_hosts_new_opening_shows_no_candidate_until_reviewed_on_sqlite() {
    a_hosts_new_opening_shows_no_candidate_until_reviewed(false).await;
}

#[tokio::test]
async fn a_hosts_new_opening_shows_no_candidate_until_reviewed_on_postgres() {
    a_hosts_new_opening_shows_no_candidate_until_reviewed(true).await;
}

/// People of offices the organisation does not serve are never candidates, wherever the
/// opening is; an organisation that serves none sees none; only an admin says which.
async fn only_people_of_the_offices_served_are_candidates(postgres: bool) {
    let app = TestApp::on(postgres, settings(60, 30)).await;
    let w = app.world().await;
    let other_office: String = {
        let offices = expect(app.get("/v1/offices", &w.admin).await, 200);
        items(&offices)
            .iter()
            .map(|o| id_of(o).to_owned())
            .find(|o| *o != w.office)
            .unwrap()
    };
    people(&app, 6, &w.caseworker, "S").await;
    people(&app, 6, &w.other_caseworker, "O").await;
    let opening = reviewed_opening(&app, &w).await;
    let uri = candidates_uri(&opening);
    let none = expect(app.get(&uri, &w.host).await, 200);
    assert_eq!(items(&none).len(), 0);
    assert_eq!(none["withheld"], "no_office_served");

    expect(
        app.put(
            &format!("/v1/organisations/{}/offices", w.org),
            &w.host,
            json!({ "office_ids": [&other_office] }),
        )
        .await,
        403,
    );
    expect_field_error(
        app.put(
            &format!("/v1/organisations/{}/offices", w.org),
            &w.admin,
            json!({ "office_ids": [Uuid::new_v4()] }),
        )
        .await,
        "office_ids[0]",
    );
    serve(&app, &w, &[&w.office]).await;
    let served = expect(
        app.get(&format!("/v1/organisations/{}/offices", w.org), &w.host)
            .await,
        200,
    );
    assert_eq!(served["office_ids"], json!([w.office]));
    let body = expect(app.get(&uri, &w.host).await, 200);
    assert_eq!(items(&body).len(), 6);
    let reads = candidate_reads(&app, &w.admin).await;
    assert_eq!(reads.len(), 6);
    assert!(
        reads.iter().all(|(_, office)| *office == w.office),
        "{reads:?}"
    );
    app.finish().await;
}

#[tokio::test]
async fn only_people_of_the_offices_served_are_candidates_on_sqlite() {
    only_people_of_the_offices_served_are_candidates(false).await;
}

#[tokio::test]
async fn only_people_of_the_offices_served_are_candidates_on_postgres() {
    only_people_of_the_offices_served_are_candidates(true).await;
}

#[tokio::test]
async fn fewer_eligible_people_than_the_threshold_show_none() {
    let app = TestApp::sqlite_with(settings(60, 30)).await;
    let w = app.world().await;
    people(&app, 4, &w.caseworker, "F").await;
    serve(&app, &w, &[&w.office]).await;
    let opening = reviewed_opening(&app, &w).await;
    let uri = candidates_uri(&opening);
    let few = expect(app.get(&uri, &w.host).await, 200);
    assert_eq!(items(&few).len(), 0);
    assert_eq!(few["withheld"], "too_few");
    assert!(candidate_reads(&app, &w.admin).await.is_empty());
    people(&app, 1, &w.caseworker, "G").await;
    let enough = expect(app.get(&uri, &w.host).await, 200);
    assert_eq!(items(&enough).len(), 5);
}

#[tokio::test]
async fn candidate_reads_and_opening_changes_are_rate_limited_per_token() {
    let app = TestApp::sqlite_with(settings(3, 2)).await;
    let w = app.world().await;
    serve(&app, &w, &[&w.office]).await;
    let opening = reviewed_opening(&app, &w).await; // the host's first write
    let uri = candidates_uri(&opening);
    for _ in 0..3 {
        expect(app.get(&uri, &w.host).await, 200);
    }
    let refused = app.get(&uri, &w.host).await;
    assert_eq!(refused.status, 429, "{refused:?}");
    assert_eq!(refused.body["code"], "rate_limited");
    let wait: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((3000..=3600).contains(&wait), "{wait}");
    // Another token of the same host has its own count.
    let second = app
        .token(Role::Host, None, Some(w.org.parse().unwrap()))
        .await;
    expect(app.get(&uri, &second).await, 200);

    let id = id_of(&opening);
    expect(
        app.patch(&format!("/v1/openings/{id}"), &w.host, json!({"seats": 3}))
            .await,
        200,
    );
    let too_many = app
        .patch(&format!("/v1/openings/{id}"), &w.host, json!({"seats": 4}))
        .await;
    assert_eq!(too_many.status, 429, "{too_many:?}");
    // Admins are not limited.
    expect(
        app.patch(&format!("/v1/openings/{id}"), &w.admin, json!({"seats": 4}))
            .await,
        200,
    );
}

/// 32 concurrent host calls once took the service to 1 GB: at most `concurrent` lists are
/// computed at once, and a call that finds no place within a second gets a 503 `busy` with
/// `Retry-After`, not a queue that grows.
#[tokio::test]
async fn a_list_that_finds_every_place_taken_is_a_503_busy_and_the_next_one_is_served() {
    let app = TestApp::sqlite_with(ApiSettings {
        candidates: CandidateSettings {
            concurrent: 1,
            ..settings(60, 30).candidates
        },
        ..ApiSettings::default()
    })
    .await;
    let w = app.world().await;
    people(&app, 6, &w.caseworker, "B").await;
    serve(&app, &w, &[&w.office]).await;
    let opening = reviewed_opening(&app, &w).await;
    let uri = candidates_uri(&opening);
    let held = app.state.candidate_gate.enter().await.unwrap();
    let busy = app.get(&uri, &w.host).await;
    assert_eq!(busy.status, 503, "{busy:?}");
    assert_eq!(busy.body["code"], "busy");
    assert_eq!(busy.headers["retry-after"], "1");
    drop(held);
    let served = expect(app.get(&uri, &w.host).await, 200);
    assert_eq!(items(&served).len(), 6);
}
