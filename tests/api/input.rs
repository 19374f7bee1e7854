//! Bad input is always a 4xx problem+json naming what is wrong, never a 500 or a panic.

use axum::body::Body;
use axum::http::Request;
use serde_json::json;

use crate::harness::{TestApp, expect, person_body};

fn post_raw(uri: &str, token: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", content_type)
        .body(body.into())
        .unwrap()
}

#[tokio::test]
async fn malformed_json_is_a_400_with_the_position() {
    let app = TestApp::new().await;
    let w = app.world().await;
    let reply = app
        .raw(post_raw(
            "/v1/beneficiaries",
            &w.caseworker,
            "application/json",
            "{\"given_name\": ",
        ))
        .await;
    let body = expect(reply, 400);
    assert_eq!(body["code"], "bad_request");
    assert!(body["title"].as_str().unwrap().contains("line 1"), "{body}");
}

#[tokio::test]
async fn a_wrong_content_type_is_a_415() {
    let app = TestApp::new().await;
    let w = app.world().await;
    let reply = app
        .raw(post_raw(
            "/v1/beneficiaries",
            &w.caseworker,
            "text/csv",
            "a,b\n1,2\n",
        ))
        .await;
    assert_eq!(expect(reply, 415)["code"], "unsupported_media_type");
}

#[tokio::test]
async fn an_unknown_field_is_named() {
    let app = TestApp::new().await;
    let w = app.world().await;
    let mut body = person_body("U-1");
    body["shoe_size"] = json!(42);
    let reply = expect(
        app.post("/v1/beneficiaries", &w.caseworker, body).await,
        422,
    );
    assert!(
        reply["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("shoe_size"),
        "{reply}"
    );
}

#[tokio::test]
async fn a_mistyped_nested_field_is_named_by_its_path() {
    let app = TestApp::new().await;
    let w = app.world().await;
    let mut body = person_body("U-2");
    body["languages"] = json!([{"language": "fr", "level": 3}]);
    let reply = expect(
        app.post("/v1/beneficiaries", &w.caseworker, body).await,
        422,
    );
    assert_eq!(reply["errors"][0]["field"], "languages[0].level");
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_a_413() {
    let app = TestApp::new().await;
    let w = app.world().await;
    let big = format!("{{\"given_name\": \"{}\"}}", "x".repeat(1024 * 1024 + 10));
    let reply = app
        .raw(post_raw(
            "/v1/beneficiaries",
            &w.caseworker,
            "application/json",
            big,
        ))
        .await;
    assert_eq!(expect(reply, 413)["code"], "payload_too_large");
}

#[tokio::test]
async fn a_page_over_200_or_a_forged_cursor_is_a_422_naming_the_parameter() {
    let app = TestApp::new().await;
    let w = app.world().await;
    let reply = expect(
        app.get("/v1/beneficiaries?limit=201", &w.caseworker).await,
        422,
    );
    assert_eq!(reply["errors"][0]["field"], "limit");
    let reply = expect(
        app.get("/v1/openings?cursor=not-a-cursor", &w.caseworker)
            .await,
        422,
    );
    assert_eq!(reply["errors"][0]["field"], "cursor");
    let reply = expect(app.get("/v1/openings?limit=abc", &w.caseworker).await, 422);
    assert_eq!(reply["errors"][0]["field"], "limit");
    let reply = expect(app.get("/v1/openings?colour=red", &w.caseworker).await, 422);
    assert!(
        reply["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("colour")
    );
}

#[tokio::test]
async fn an_id_that_is_not_a_uuid_is_a_404_not_a_500() {
    let app = TestApp::new().await;
    let w = app.world().await;
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
        let reply = expect(
            app.post("/v1/beneficiaries", &w.caseworker, body).await,
            422,
        );
        assert_eq!(reply["errors"][0]["field"], field, "{reply}");
        assert!(
            reply["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(code),
            "{reply}"
        );
    }
    // Inside a list, the path names the item.
    let mut body = person_body("NUL-2");
    body["skills"] = json!([{"label": "ok"}, {"label": "bad\u{0}"}]);
    let reply = expect(
        app.post("/v1/beneficiaries", &w.caseworker, body).await,
        422,
    );
    assert_eq!(reply["errors"][0]["field"], "skills[1].label", "{reply}");
    // Tabs and line breaks stay allowed where text is free.
    let mut body = person_body("NUL-3");
    body["address"] = json!("12 rue X\nL-4001 Esch");
    expect(
        app.post("/v1/beneficiaries", &w.caseworker, body).await,
        201,
    );
    let office = expect(
        app.post(
            "/v1/offices",
            &w.admin,
            json!({"name": "Office\u{0}", "country": "LU", "programme": "revis"}),
        )
        .await,
        422,
    );
    assert_eq!(office["errors"][0]["field"], "name", "{office}");
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
