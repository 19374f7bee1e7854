//! Openings: hosts manage their own, admins all, caseworkers read; another host's opening is 404.

use serde_json::json;
use uuid::Uuid;

use crate::harness::{
    TestApp, assert_fields_named, assert_first_message_contains, expect, expect_field_error, id_of,
    items, opening_body,
};

#[tokio::test]
async fn a_host_posts_an_opening_for_its_own_organisation_and_reads_it_back() {
    let (app, w) = TestApp::with_world().await;
    let created = app.create_opening(&w.host, 2).await;
    assert_eq!(created["organisation_id"], w.org.as_str());
    assert_eq!(created["seats_left"], 2);
    assert_eq!(created["status"], "open");
    assert_eq!(created["languages"][0]["min_level"], "A2");
    assert_eq!(
        created["start_date"], "2026-12-01",
        "dates are ISO 8601 strings"
    );
    let id = id_of(&created);
    let read = expect(app.get(&format!("/v1/openings/{id}"), &w.host).await, 200);
    assert_eq!(read, created);
    expect(
        app.get(&format!("/v1/openings/{id}"), &w.caseworker).await,
        200,
    );
}

#[tokio::test]
async fn another_hosts_opening_is_404_to_read_and_to_change() {
    let (app, w) = TestApp::with_world().await;
    let uri = app.new_opening_uri(&w.host, 2).await;
    let missing = expect(
        app.get(&format!("/v1/openings/{}", Uuid::new_v4()), &w.other_host)
            .await,
        404,
    );
    assert_eq!(expect(app.get(&uri, &w.other_host).await, 404), missing);
    expect(
        app.patch(&uri, &w.other_host, json!({"seats": 9})).await,
        404,
    );
    let mut body = opening_body(1);
    body["organisation_id"] = json!(w.org);
    expect(app.post("/v1/openings", &w.other_host, body).await, 404);
    let list = expect(app.get("/v1/openings", &w.other_host).await, 200);
    assert!(items(&list).is_empty());
}

#[tokio::test]
async fn caseworkers_and_schedulers_may_not_post_or_patch_openings() {
    let (app, w) = TestApp::with_world().await;
    let mut body = opening_body(1);
    body["organisation_id"] = json!(w.org);
    expect(
        app.post("/v1/openings", &w.caseworker, body.clone()).await,
        403,
    );
    expect(app.post("/v1/openings", &w.scheduler, body).await, 403);
    let uri = app.new_opening_uri(&w.host, 2).await;
    expect(
        app.patch(&uri, &w.caseworker, json!({"seats": 9})).await,
        403,
    );
    expect(app.get(&uri, &w.scheduler).await, 403);
}

#[tokio::test]
async fn a_patch_changes_only_the_given_fields_and_is_validated_whole() {
    let (app, w) = TestApp::with_world().await;
    let created = app.create_opening(&w.host, 2).await;
    let uri = format!("/v1/openings/{}", id_of(&created));
    let patched = expect(
        app.patch(&uri, &w.host, json!({"seats": 4, "status": "paused"}))
            .await,
        200,
    );
    assert_eq!(patched["seats"], 4);
    assert_eq!(patched["status"], "paused");
    assert_eq!(patched["title"], created["title"]);
    let body = expect_field_error(
        app.patch(&uri, &w.host, json!({"end_date": "2026-01-01"}))
            .await,
        "end_date",
    );
    assert_first_message_contains(&body, "before its start");
}

#[tokio::test]
async fn every_bad_field_of_an_opening_is_named_in_one_answer() {
    let (app, w) = TestApp::with_world().await;
    let mut body = opening_body(-1);
    body["languages"] =
        json!([{"language": "fr", "min_level": "A3"}, {"language": "xx", "min_level": "B1"}]);
    body["location"] = json!({"lon": 200.0, "lat": 49.5});
    body["kind"] = json!("volunteering");
    body["start_date"] = json!("2026-02-30");
    let reply = expect(app.post("/v1/openings", &w.host, body).await, 422);
    assert_fields_named(
        &reply,
        &[
            "kind",
            "location.lon",
            "seats",
            "start_date",
            "languages[0].min_level",
            "languages[1].language",
        ],
    );
}

#[tokio::test]
async fn openings_list_by_kind_distance_and_skill_in_pages() {
    let (app, w) = TestApp::with_world().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let mut body = opening_body(1);
        // Every 0.1 degree of longitude is about 7 km at this latitude.
        body["location"] = json!({"lon": 5.8914 + 0.1 * f64::from(i), "lat": 49.5242});
        if i == 4 {
            body["kind"] = json!("immersion");
            body["title"] = json!("Aide en cuisine collective");
        }
        let created = expect(app.post("/v1/openings", &w.host, body).await, 201);
        ids.push(id_of(&created).to_owned());
    }
    let ids_of = |v: &serde_json::Value| -> Vec<String> {
        items(v).iter().map(|o| id_of(o).to_owned()).collect()
    };
    let near = expect(
        app.get(
            "/v1/openings?lon=5.8914&lat=49.5242&radius_km=10",
            &w.caseworker,
        )
        .await,
        200,
    );
    assert_eq!(ids_of(&near), ids[..2].to_vec());
    let kind = expect(
        app.get("/v1/openings?kind=immersion", &w.caseworker).await,
        200,
    );
    assert_eq!(ids_of(&kind), vec![ids[4].clone()]);
    let skill = expect(
        app.get("/v1/openings?skill=Cuisine", &w.caseworker).await,
        200,
    );
    assert_eq!(ids_of(&skill), vec![ids[4].clone()]);

    let first = expect(app.get("/v1/openings?limit=3", &w.caseworker).await, 200);
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let second = expect(
        app.get(
            &format!("/v1/openings?limit=3&cursor={cursor}"),
            &w.caseworker,
        )
        .await,
        200,
    );
    assert!(second["next_cursor"].is_null());
    let mut all = ids_of(&first);
    all.extend(ids_of(&second));
    assert_eq!(all, ids);
}
