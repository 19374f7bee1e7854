//! Health and readiness, in-process through the router (no socket), on both databases.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use placematch::api::{ApiSettings, AppState, router};
use tower::ServiceExt;

async fn get(state: &AppState, uri: &str) -> (StatusCode, String, serde_json::Value) {
    let response = router(state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(
        response.headers().contains_key("x-request-id"),
        "every response carries a request id"
    );
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        content_type,
        serde_json::from_slice(&bytes).unwrap(),
    )
}

#[tokio::test]
async fn healthz_answers_ok_without_touching_the_database() {
    let db = common::sqlite_db().await;
    let state = AppState::new(db.store.clone(), ApiSettings::default());
    db.store.close().await;
    let (status, _, body) = get(&state, "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn readyz_is_200_on_sqlite_and_names_the_backend() {
    let db = common::sqlite_db().await;
    let state = AppState::new(db.store.clone(), ApiSettings::default());
    let (status, _, body) = get(&state, "/readyz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["database"], "sqlite");
}

#[tokio::test]
async fn readyz_is_503_problem_json_when_the_database_is_gone() {
    let db = common::sqlite_db().await;
    let state = AppState::new(db.store.clone(), ApiSettings::default());
    db.store.close().await;
    let (status, content_type, body) = get(&state, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(body["code"], "unavailable");
    assert_eq!(body["status"], 503);
}

#[tokio::test]
async fn readyz_is_200_on_postgres() {
    let db = common::postgres_db().await;
    let state = AppState::new(db.store.clone(), ApiSettings::default());
    let (status, _, body) = get(&state, "/readyz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["database"], "postgres");
    db.drop_db().await;
}

#[tokio::test]
async fn an_unknown_path_is_a_404_problem() {
    let db = common::sqlite_db().await;
    let state = AppState::new(db.store.clone(), ApiSettings::default());
    let (status, content_type, body) = get(&state, "/v1/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(body["code"], "not_found");
}
