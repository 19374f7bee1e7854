//! Tokens: missing, malformed, unknown, expired and revoked tokens are 401; a role acting outside
//! its rights is 403.

use axum::http::Method;
use placematch::api::auth::{Role, issue_token};

use crate::harness::{TestApp, expect, id_of, office_body};

#[tokio::test]
async fn a_request_without_a_token_is_401_with_a_bearer_challenge() {
    let app = TestApp::new().await;
    let reply = app.call(Method::GET, "/v1/offices", None, None).await;
    let challenge = reply.headers.get("www-authenticate").cloned();
    let body = expect(reply, 401);
    assert!(challenge.unwrap().to_str().unwrap().starts_with("Bearer"));
    assert_eq!(body["code"], "unauthorized");
}

#[tokio::test]
async fn a_wrong_or_malformed_token_is_401() {
    let app = TestApp::new().await;
    let _real = app.admin().await;
    for header in ["Bearer pm_0000", "Basic dXNlcjpwYXNz", "Bearer ", "pm_abc"] {
        let request = axum::http::Request::get("/v1/offices")
            .header("authorization", header)
            .body(axum::body::Body::empty())
            .unwrap();
        let body = expect(app.raw(request).await, 401);
        assert_eq!(body["code"], "unauthorized", "{header}");
    }
}

#[tokio::test]
async fn an_expired_token_is_401() {
    let app = TestApp::new().await;
    let past = time::OffsetDateTime::now_utc() - time::Duration::minutes(1);
    let (secret, _) = issue_token(app.store(), Role::Admin, None, None, Some(past), "old")
        .await
        .unwrap();
    expect(app.get("/v1/offices", &secret).await, 401);
    let future = time::OffsetDateTime::now_utc() + time::Duration::days(1);
    let (secret, _) = issue_token(app.store(), Role::Admin, None, None, Some(future), "new")
        .await
        .unwrap();
    expect(app.get("/v1/offices", &secret).await, 200);
}

/// Revokes the token `id` now, asserting that it was live.
async fn revoke(app: &TestApp, id: uuid::Uuid) {
    assert!(
        app.store()
            .revoke_token(id, placematch::store::now())
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn a_revoked_token_stops_working_at_once() {
    let app = TestApp::new().await;
    let (secret, row) = issue_token(app.store(), Role::Admin, None, None, None, "x")
        .await
        .unwrap();
    expect(app.get("/v1/offices", &secret).await, 200);
    revoke(&app, row.id).await;
    expect(app.get("/v1/offices", &secret).await, 401);
}

#[tokio::test]
async fn a_token_kept_by_the_token_cache_is_refused_right_after_its_revocation_and_others_still_work()
 {
    let app = TestApp::new().await;
    let (secret, row) = issue_token(app.store(), Role::Admin, None, None, None, "x")
        .await
        .unwrap();
    let other = app.admin().await;
    for _ in 0..5 {
        expect(app.get("/v1/offices", &secret).await, 200);
        expect(app.get("/v1/offices", &other).await, 200);
    }
    revoke(&app, row.id).await;
    for _ in 0..3 {
        expect(app.get("/v1/offices", &secret).await, 401);
        expect(app.get("/v1/offices", &other).await, 200);
    }
}

#[tokio::test]
async fn a_scheduler_may_not_read_offices_or_audit_events() {
    let app = TestApp::new().await;
    let scheduler = app.token(Role::Scheduler, None, None).await;
    assert_eq!(
        expect(app.get("/v1/offices", &scheduler).await, 403)["code"],
        "forbidden"
    );
    expect(app.get("/v1/audit-events", &scheduler).await, 403);
    expect(
        app.post("/v1/offices", &scheduler, office_body("X", "LU", "revis"))
            .await,
        403,
    );
}

#[tokio::test]
async fn health_readiness_and_the_api_description_need_no_token() {
    let app = TestApp::new().await;
    for uri in ["/healthz", "/readyz", "/openapi.json"] {
        let reply = app.call(Method::GET, uri, None, None).await;
        assert_eq!(reply.status.as_u16(), 200, "{uri}: {reply:?}");
    }
    let docs = app.call(Method::GET, "/docs/", None, None).await;
    assert_eq!(docs.status.as_u16(), 200);
    assert!(
        docs.content_type.starts_with("text/html"),
        "{}",
        docs.content_type
    );
}

/// The adversarial test's low findings: responses with personal data could be cached or
/// sniffed, `/docs` could be framed, and a client's request id was echoed and logged unchecked
/// (15 KB values and forged log text went in).
#[tokio::test]
async fn every_response_forbids_caching_sniffing_and_framing_and_request_ids_are_checked() {
    use axum::body::Body;
    use axum::http::Request;
    let (app, w) = TestApp::with_world().await;
    let person = app.create_person(&w.caseworker, "H-1").await;
    let id = id_of(&person);
    for reply in [
        app.get(&format!("/v1/beneficiaries/{id}"), &w.caseworker)
            .await,
        app.get("/v1/beneficiaries/not-an-id", &w.caseworker).await,
        app.get("/healthz", "").await,
    ] {
        let h = &reply.headers;
        assert_eq!(h["cache-control"], "no-store", "{reply:?}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["x-frame-options"], "DENY");
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'")
        );
    }
    let docs = app
        .raw(Request::get("/docs/").body(Body::empty()).unwrap())
        .await;
    assert!(
        docs.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'"),
        "{docs:?}"
    );

    let with_id = |value: &str| {
        Request::get("/healthz")
            .header("x-request-id", value)
            .body(Body::empty())
            .unwrap()
    };
    // A short id of a safe alphabet is kept (the caseworker tool correlates its logs with ours)…
    let kept = app.raw(with_id("tool-42.a_b")).await;
    assert_eq!(kept.headers["x-request-id"], "tool-42.a_b");
    // …a long one, or one with spaces, quotes or equals signs (forged log fields), is replaced.
    for bad in [
        "x".repeat(15_000),
        "ok\" status=200 user=admin".to_owned(),
        "a b".to_owned(),
    ] {
        let reply = app.raw(with_id(&bad)).await;
        let echoed = reply.headers["x-request-id"].to_str().unwrap();
        assert_ne!(echoed, bad);
        assert!(
            uuid::Uuid::parse_str(echoed).is_ok(),
            "a fresh id instead: {echoed}"
        );
    }
}
