//! Offices: admins manage them, a caseworker sees only their own, others are refused.

use placematch::api::auth::Role;
use serde_json::json;
use uuid::Uuid;

use crate::harness::{
    TestApp, assert_first_message_contains, expect, expect_field_error, id_of, items, office_body,
};

#[tokio::test]
async fn an_admin_creates_an_office_and_reads_it_back() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let created = app
        .create_office(&admin, "CPAS de Molenbeek-Saint-Jean", "BE", "cpas_ris")
        .await;
    assert_eq!(created["country"], "BE");
    let id = id_of(&created);
    let read = expect(app.get(&format!("/v1/offices/{id}"), &admin).await, 200);
    assert_eq!(read, created);
    let list = expect(app.get("/v1/offices", &admin).await, 200);
    assert_eq!(items(&list).len(), 1);
    assert!(list["next_cursor"].is_null());
}

#[tokio::test]
async fn a_caseworker_sees_only_their_own_office_and_another_answers_404() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    let mut ids = Vec::new();
    for name in ["Office social de Differdange", "Office social de Dudelange"] {
        let body = app.create_office(&admin, name, "LU", "revis").await;
        ids.push(id_of(&body).to_owned());
    }
    let own: Uuid = ids[0].parse().unwrap();
    let caseworker = app.token(Role::Caseworker, Some(own), None).await;
    let list = expect(app.get("/v1/offices", &caseworker).await, 200);
    let listed: Vec<&str> = items(&list).iter().map(id_of).collect();
    assert_eq!(listed, vec![ids[0].as_str()]);
    expect(
        app.get(&format!("/v1/offices/{}", ids[0]), &caseworker)
            .await,
        200,
    );
    let other = expect(
        app.get(&format!("/v1/offices/{}", ids[1]), &caseworker)
            .await,
        404,
    );
    let missing = expect(
        app.get(&format!("/v1/offices/{}", Uuid::new_v4()), &caseworker)
            .await,
        404,
    );
    assert_eq!(
        other, missing,
        "another tenant's office looks exactly like a missing one"
    );
    expect(
        app.post("/v1/offices", &caseworker, office_body("X", "LU", "revis"))
            .await,
        403,
    );
}

#[tokio::test]
async fn an_office_with_bad_fields_is_refused_field_by_field() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    expect_field_error(
        app.post("/v1/offices", &admin, office_body("X", "DE", "revis"))
            .await,
        "country",
    );
    expect_field_error(
        app.post("/v1/offices", &admin, office_body("  ", "LU", "revis"))
            .await,
        "name",
    );
    let mut colourful = office_body("X", "LU", "revis");
    colourful["colour"] = json!("red");
    let body = expect(app.post("/v1/offices", &admin, colourful).await, 422);
    assert_first_message_contains(&body, "colour");
}
