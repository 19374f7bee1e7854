//! Bad input is always a 4xx problem+json naming what is wrong, never a 500 or a panic.

use serde_json::json;

use crate::harness::{
    Reply, TestApp, World, assert_fields_named, assert_first_field, assert_first_message_contains,
    error_fields, expect, expect_field_error, id_of, office_body, opening_body, person_body,
    post_raw,
};

/// Posts `body` as it is, with the content type given, to the world's caseworker's files.
async fn post_beneficiary_as(
    app: &TestApp,
    w: &World,
    content_type: &str,
    body: impl Into<axum::body::Body>,
) -> Reply {
    let request = post_raw("/v1/beneficiaries", &w.caseworker, content_type, body);
    app.raw(request).await
}

#[tokio::test]
async fn malformed_json_is_a_400_with_the_position() {
    let (app, w) = TestApp::with_world().await;
    let reply = post_beneficiary_as(&app, &w, "application/json", "{\"given_name\": ").await;
    let body = expect(reply, 400);
    assert_eq!(body["code"], "bad_request");
    assert!(body["title"].as_str().unwrap().contains("line 1"), "{body}");
}

#[tokio::test]
async fn a_wrong_content_type_is_a_415() {
    let (app, w) = TestApp::with_world().await;
    let reply = post_beneficiary_as(&app, &w, "text/csv", "a,b\n1,2\n").await;
    assert_eq!(expect(reply, 415)["code"], "unsupported_media_type");
}

#[tokio::test]
async fn an_unknown_field_is_named() {
    let (app, w) = TestApp::with_world().await;
    let mut body = person_body("U-1");
    body["shoe_size"] = json!(42);
    let reply = app
        .post_refused("/v1/beneficiaries", &w.caseworker, body)
        .await;
    assert_first_message_contains(&reply, "shoe_size");
}

#[tokio::test]
async fn a_mistyped_nested_field_is_named_by_its_path() {
    let (app, w) = TestApp::with_world().await;
    let mut body = person_body("U-2");
    body["languages"] = json!([{"language": "fr", "level": 3}]);
    expect_field_error(
        app.post("/v1/beneficiaries", &w.caseworker, body).await,
        "languages[0].level",
    );
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_a_413() {
    let (app, w) = TestApp::with_world().await;
    let big = format!("{{\"given_name\": \"{}\"}}", "x".repeat(1024 * 1024 + 10));
    let reply = post_beneficiary_as(&app, &w, "application/json", big).await;
    assert_eq!(expect(reply, 413)["code"], "payload_too_large");
}

#[tokio::test]
async fn a_page_over_200_or_a_forged_cursor_is_a_422_naming_the_parameter() {
    let (app, w) = TestApp::with_world().await;
    expect_field_error(
        app.get("/v1/beneficiaries?limit=201", &w.caseworker).await,
        "limit",
    );
    expect_field_error(
        app.get("/v1/openings?cursor=not-a-cursor", &w.caseworker)
            .await,
        "cursor",
    );
    let reply = expect(app.get("/v1/openings?limit=abc", &w.caseworker).await, 422);
    assert_first_field(&reply, "limit");
    let reply = expect(app.get("/v1/openings?colour=red", &w.caseworker).await, 422);
    assert_first_message_contains(&reply, "colour");
}

#[tokio::test]
async fn an_id_that_is_not_a_uuid_is_a_404_not_a_500() {
    let (app, w) = TestApp::with_world().await;
    expect(app.get("/v1/beneficiaries/42", &w.caseworker).await, 404);
    expect(
        app.get("/v1/openings/..%2F..%2Fetc", &w.caseworker).await,
        404,
    );
    expect(
        app.post("/v1/placements/xyz/accept", &w.caseworker, json!({}))
            .await,
        404,
    );
}

/// NUL in a name was a 500 on PostgreSQL (which refuses NUL in text) and a CHECK failure on
/// SQLite; other control characters forge log lines and exports. Each is a 422 naming the field.
async fn control_characters_are_refused_with_the_field(app: TestApp) {
    let w = app.world().await;
    for (field, value, code) in [
        ("given_name", "Ana\u{0}", "U+0000"),
        ("family_name", "Fer\u{1b}[31mreira", "U+001B"),
        ("address", "rue\u{7f}", "U+007F"),
    ] {
        let mut body = person_body("NUL-1");
        body[field] = json!(value);
        let reply = expect_field_error(
            app.post("/v1/beneficiaries", &w.caseworker, body).await,
            field,
        );
        assert_first_message_contains(&reply, code);
    }
    // Inside a list, the path names the item.
    let mut body = person_body("NUL-2");
    body["skills"] = json!([{"label": "ok"}, {"label": "bad\u{0}"}]);
    expect_field_error(
        app.post("/v1/beneficiaries", &w.caseworker, body).await,
        "skills[1].label",
    );
    // Tabs and line breaks stay allowed where text is free.
    let mut body = person_body("NUL-3");
    body["address"] = json!("12 rue X\nL-4001 Esch");
    expect(
        app.post("/v1/beneficiaries", &w.caseworker, body).await,
        201,
    );
    expect_field_error(
        app.post(
            "/v1/offices",
            &w.admin,
            office_body("Office\u{0}", "LU", "revis"),
        )
        .await,
        "name",
    );
    app.finish().await;
}

#[tokio::test]
async fn control_characters_are_refused_with_the_field_on_sqlite() {
    control_characters_are_refused_with_the_field(TestApp::new().await).await;
}

#[tokio::test]
async fn control_characters_are_refused_with_the_field_on_postgres() {
    control_characters_are_refused_with_the_field(TestApp::postgres().await).await;
}

/// Finding 4 of issue 20: 30 openings with 1 MB `tasks` made every caseworker's suggestions
/// 31 MB. Every text field has a documented length and every list a count
/// (`placematch::domain::limits`); one character or item more is a 422 naming the field.
#[tokio::test]
async fn every_text_field_and_list_has_a_limit_named_in_the_error() {
    use placematch::domain::limits;
    let (app, w) = TestApp::with_world().await;
    let long = |n: usize| "x".repeat(n + 1);
    let mut opening = opening_body(2);
    opening["tasks"] = json!(long(limits::TASKS));
    opening["tutor"] = json!(long(limits::TUTOR));
    opening["sector"] = json!(long(limits::SECTOR));
    opening["status_reason"] = json!(long(limits::REASON));
    opening["title"] = json!(long(limits::NAME));
    opening["wanted_skills"] = json!(vec![json!({"label": "x"}); limits::SKILLS + 1]);
    let refused = expect(app.post("/v1/openings", &w.host, opening).await, 422);
    let mut fields = error_fields(&refused);
    fields.sort();
    assert_eq!(
        fields,
        [
            "sector",
            "status_reason",
            "tasks",
            "title",
            "tutor",
            "wanted_skills"
        ],
        "{refused}"
    );
    // At the limit, accepted.
    let mut at = opening_body(2);
    at["tasks"] = json!("x".repeat(limits::TASKS));
    expect(app.post("/v1/openings", &w.host, at).await, 201);

    let mut person = person_body("LIM-1");
    person["address"] = json!(long(limits::ADDRESS));
    person["refused_sectors"] = json!(vec!["retail"; limits::REFUSED_SECTORS + 1]);
    person["languages"] = json!(vec![
        json!({"language": "fr", "level": "B1"});
        limits::LANGUAGES + 1
    ]);
    person["health_limits"] = json!(vec!["night_work"; 100]);
    let refused = app
        .post_refused("/v1/beneficiaries", &w.caseworker, person)
        .await;
    assert_fields_named(
        &refused,
        &["address", "refused_sectors", "languages", "health_limits"],
    );
    let mut person = person_body("LIM-2");
    person["refused_sectors"] = json!([long(limits::SECTOR)]);
    expect_field_error(
        app.post("/v1/beneficiaries", &w.caseworker, person).await,
        "refused_sectors[0]",
    );
}

#[tokio::test]
async fn a_decline_reason_over_its_limit_is_refused_and_nothing_changes() {
    use placematch::domain::limits;
    let (app, w) = TestApp::with_world().await;
    let (_, _, placement) = app.proposal(&w, 2, "LIM-3").await;
    let id = id_of(&placement);
    expect_field_error(
        app.post(
            &format!("/v1/placements/{id}/decline"),
            &w.host,
            json!({"reason": "x".repeat(limits::REASON + 1)}),
        )
        .await,
        "reason",
    );
    let still = expect(app.get(&format!("/v1/placements/{id}"), &w.host).await, 200);
    assert_eq!(still["state"], "proposed");
}
