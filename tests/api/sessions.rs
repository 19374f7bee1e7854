//! People who sign in: the sign-in form, the session cookie, CSRF, limits, disabling, and the
//! same tenant rules as tokens, on SQLite and PostgreSQL.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use placematch::api::router;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::harness::{TestApp, expect, id_of};

const PASSWORD: &str = "correct horse battery staple";

/// A browser: a cookie jar over the in-process router.
struct Browser<'a> {
    app: &'a TestApp,
    cookies: HashMap<String, String>,
}

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl<'a> Browser<'a> {
    fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            cookies: HashMap::new(),
        }
    }

    async fn send(
        &mut self,
        method: Method,
        uri: &str,
        content_type: Option<&str>,
        body: String,
        extra: &[(&str, &str)],
    ) -> Page {
        let mut builder = Request::builder().method(method).uri(uri);
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            builder = builder.header("cookie", jar.join("; "));
        }
        if let Some(ct) = content_type {
            builder = builder.header("content-type", ct);
        }
        for (k, v) in extra {
            builder = builder.header(*k, *v);
        }
        let response = router(self.app.state.clone())
            .oneshot(builder.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        for set in headers.get_all("set-cookie") {
            let set = set.to_str().unwrap();
            let (pair, _) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || set.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        Page {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    async fn get(&mut self, uri: &str) -> Page {
        self.send(Method::GET, uri, None, String::new(), &[]).await
    }

    async fn form(&mut self, uri: &str, fields: &[(&str, &str)]) -> Page {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.send(
            Method::POST,
            uri,
            Some("application/x-www-form-urlencoded"),
            body,
            &[],
        )
        .await
    }

    /// Fills and posts the sign-in form.
    async fn sign_in(&mut self, email: &str, password: &str) -> Page {
        let form = self.get("/sign-in").await;
        assert_eq!(form.status, StatusCode::OK);
        let token = hidden_token(&form.text);
        self.form(
            "/sign-in",
            &[
                ("email", email),
                ("password", password),
                ("csrf_token", &token),
            ],
        )
        .await
    }

    async fn json(&mut self, method: Method, uri: &str, body: Value, csrf: Option<&str>) -> Page {
        let extra: Vec<(&str, &str)> = csrf.map(|t| ("x-csrf-token", t)).into_iter().collect();
        self.send(
            method,
            uri,
            Some("application/json"),
            body.to_string(),
            &extra,
        )
        .await
    }
}

/// The value of the hidden `csrf_token` field of a page.
fn hidden_token(html: &str) -> String {
    let at = html
        .find("name=\"csrf_token\" value=\"")
        .expect("a csrf_token field")
        + 25;
    html[at..at + 64].to_owned()
}

/// An office with a caseworker user, a second office, and the admin token.
async fn territory(app: &TestApp) -> (String, String, String, String) {
    let admin = app.admin().await;
    let office = app
        .create_office(&admin, "Office social d'Esch", "LU", "revis")
        .await;
    let other = app
        .create_office(&admin, "Office social de Dudelange", "LU", "revis")
        .await;
    let user = expect(
        app.post(
            "/v1/users",
            &admin,
            json!({"email": "Anne.Weber@Esch.lu", "display_name": "Anne Weber", "role": "caseworker",
                   "office_id": id_of(&office), "password": PASSWORD}),
        )
        .await,
        201,
    );
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());
    (
        admin,
        id_of(&office).to_owned(),
        id_of(&other).to_owned(),
        id_of(&user).to_owned(),
    )
}

async fn a_user_signs_in_sees_their_office_only_and_signs_out(postgres: bool) {
    let app = TestApp::on(postgres, Default::default()).await;
    let (_, office, other, user) = territory(&app).await;
    let mut browser = Browser::new(&app);
    assert_eq!(
        browser.get("/").await.status,
        StatusCode::SEE_OTHER,
        "home sends to sign-in"
    );
    let signed = browser.sign_in("anne.weber@esch.lu", PASSWORD).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.text);
    assert_eq!(signed.headers["location"], "/");
    let cookie = signed
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with("placematch_session="))
        .expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    let home = browser.get("/").await;
    assert!(
        // Her preference, French by default, whatever the browser asks for.
        home.text.contains("Connecté(e) en tant que Anne Weber"),
        "{}",
        home.text
    );
    // The same tenant rules as a caseworker token.
    let offices: Value = serde_json::from_str(&browser.get("/v1/offices").await.text).unwrap();
    let ids: Vec<&str> = offices["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(ids, vec![office.as_str()]);
    assert_eq!(
        browser.get(&format!("/v1/offices/{other}")).await.status,
        StatusCode::NOT_FOUND
    );
    // Audited under the user's id.
    let session: Value = serde_json::from_str(&browser.get("/v1/session").await.text).unwrap();
    assert_eq!(session["user"]["id"], user.as_str());
    let csrf = session["csrf_token"].as_str().unwrap().to_owned();
    let created = browser
        .json(
            Method::POST,
            "/v1/beneficiaries",
            crate::harness::person_body("S-1"),
            Some(&csrf),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let events = app.store().list_audit_events(None, 100).await.unwrap();
    let by_user: Vec<_> = events
        .iter()
        .filter(|e| e.actor_user_id.map(|u| u.to_string()) == Some(user.clone()))
        .collect();
    assert!(!by_user.is_empty() && by_user.iter().all(|e| e.actor_token_id.is_none()));
    // Signing out ends the session at once.
    let token = hidden_token(&home.text);
    let out = browser.form("/sign-out", &[("csrf_token", &token)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.headers["location"], "/sign-in");
    assert_eq!(
        browser.get("/v1/offices").await.status,
        StatusCode::UNAUTHORIZED
    );
    app.finish().await;
}

#[tokio::test]
async fn a_user_signs_in_sees_their_office_only_and_signs_out_on_sqlite() {
    a_user_signs_in_sees_their_office_only_and_signs_out(false).await;
}

#[tokio::test]
async fn a_user_signs_in_sees_their_office_only_and_signs_out_on_postgres() {
    a_user_signs_in_sees_their_office_only_and_signs_out(true).await;
}

async fn a_cross_site_post_with_the_session_cookie_is_refused(postgres: bool) {
    let app = TestApp::on(postgres, Default::default()).await;
    territory(&app).await;
    let mut browser = Browser::new(&app);
    browser.sign_in("anne.weber@esch.lu", PASSWORD).await;
    let body = crate::harness::person_body("S-1");
    for csrf in [None, Some("0".repeat(64).as_str())] {
        let refused = browser
            .json(Method::POST, "/v1/beneficiaries", body.clone(), csrf)
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
        assert!(
            refused.text.contains("\"code\":\"csrf\""),
            "{}",
            refused.text
        );
    }
    let signed_out = browser.form("/sign-out", &[]).await;
    assert_eq!(
        signed_out.status,
        StatusCode::FORBIDDEN,
        "a forged sign-out is refused too"
    );
    assert_eq!(
        browser.get("/v1/offices").await.status,
        StatusCode::OK,
        "still signed in"
    );
    // A sign-in posted from another site carries no form cookie.
    let mut stranger = Browser::new(&app);
    let forged = stranger
        .form(
            "/sign-in",
            &[
                ("email", "anne.weber@esch.lu"),
                ("password", PASSWORD),
                ("csrf_token", &"a".repeat(64)),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(!stranger.cookies.contains_key("placematch_session"));
    app.finish().await;
}

#[tokio::test]
async fn a_cross_site_post_with_the_session_cookie_is_refused_on_sqlite() {
    a_cross_site_post_with_the_session_cookie_is_refused(false).await;
}

#[tokio::test]
async fn a_cross_site_post_with_the_session_cookie_is_refused_on_postgres() {
    a_cross_site_post_with_the_session_cookie_is_refused(true).await;
}

async fn five_failures_make_sign_in_wait_whether_or_not_the_email_exists(postgres: bool) {
    let app = TestApp::on(postgres, Default::default()).await;
    territory(&app).await;
    for email in ["anne.weber@esch.lu", "nobody@esch.lu"] {
        let mut browser = Browser::new(&app);
        let mut statuses = Vec::new();
        for _ in 0..5 {
            statuses.push(
                browser
                    .sign_in(email, "wrong password, long enough")
                    .await
                    .status,
            );
        }
        assert!(
            statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED),
            "{statuses:?}"
        );
        let waiting = browser.sign_in(email, PASSWORD).await;
        assert_eq!(
            waiting.status,
            StatusCode::TOO_MANY_REQUESTS,
            "even the right password waits"
        );
        let retry: u64 = waiting.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=900).contains(&retry), "{retry}");
        // No session and no Accept-Language: French.
        assert!(
            waiting.text.contains("Trop de tentatives"),
            "{}",
            waiting.text
        );
    }
    app.finish().await;
}

#[tokio::test]
async fn five_failures_make_sign_in_wait_whether_or_not_the_email_exists_on_sqlite() {
    five_failures_make_sign_in_wait_whether_or_not_the_email_exists(false).await;
}

#[tokio::test]
async fn five_failures_make_sign_in_wait_whether_or_not_the_email_exists_on_postgres() {
    five_failures_make_sign_in_wait_whether_or_not_the_email_exists(true).await;
}

async fn disabling_a_user_or_idling_ends_the_session(postgres: bool) {
    let app = TestApp::on(postgres, Default::default()).await;
    let (admin, _, _, user) = territory(&app).await;
    // Idle past the limit: the session ends.
    let mut idle = Browser::new(&app);
    idle.sign_in("anne.weber@esch.lu", PASSWORD).await;
    let secret = idle.cookies["placematch_session"].clone();
    let (session, _) = app
        .store()
        .find_session(&hex_sha256(&secret))
        .await
        .unwrap()
        .unwrap();
    let now = time::OffsetDateTime::now_utc();
    app.store()
        .touch_session(session.id, now - time::Duration::minutes(31))
        .await
        .unwrap();
    assert_eq!(
        idle.get("/v1/offices").await.status,
        StatusCode::UNAUTHORIZED
    );
    // Older than the absolute limit, however used.
    let mut old = Browser::new(&app);
    old.sign_in("anne.weber@esch.lu", PASSWORD).await;
    let secret = old.cookies["placematch_session"].clone();
    let settings = placematch::app::accounts::AccountSettings::default();
    let later = now + time::Duration::hours(12) + time::Duration::seconds(1);
    assert!(
        placematch::app::accounts::session(app.store(), &settings, &secret, later)
            .await
            .unwrap()
            .is_none()
    );
    // Disabled: the live session ends at once, and sign-in is refused.
    let mut live = Browser::new(&app);
    live.sign_in("anne.weber@esch.lu", PASSWORD).await;
    assert_eq!(live.get("/v1/offices").await.status, StatusCode::OK);
    expect(
        app.post(&format!("/v1/users/{user}/disable"), &admin, json!({}))
            .await,
        200,
    );
    assert_eq!(
        live.get("/v1/offices").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        Browser::new(&app)
            .sign_in("anne.weber@esch.lu", PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    app.finish().await;
}

fn hex_sha256(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

#[tokio::test]
async fn disabling_a_user_or_idling_ends_the_session_on_sqlite() {
    disabling_a_user_or_idling_ends_the_session(false).await;
}

#[tokio::test]
async fn disabling_a_user_or_idling_ends_the_session_on_postgres() {
    disabling_a_user_or_idling_ends_the_session(true).await;
}

#[tokio::test]
async fn short_common_or_taken_credentials_are_refused_with_the_field_named() {
    let app = TestApp::new().await;
    let admin = app.admin().await;
    for (email, password, field) in [
        ("a@esch.lu", "short", "password"),
        ("b@esch.lu", "Password1234", "password"),
        ("not an email", PASSWORD, "email"),
    ] {
        let body = expect(
            app.post(
                "/v1/users",
                &admin,
                json!({"email": email, "role": "admin", "password": password}),
            )
            .await,
            422,
        );
        assert_eq!(body["errors"][0]["field"], field, "{body}");
    }
    expect(
        app.post(
            "/v1/users",
            &admin,
            json!({"email": "c@esch.lu", "role": "admin", "password": PASSWORD}),
        )
        .await,
        201,
    );
    let taken = expect(
        app.post(
            "/v1/users",
            &admin,
            json!({"email": "C@Esch.lu", "role": "admin", "password": PASSWORD}),
        )
        .await,
        422,
    );
    assert_eq!(taken["errors"][0]["field"], "email");
    let caseworker_without_office = expect(
        app.post(
            "/v1/users",
            &admin,
            json!({"email": "d@esch.lu", "role": "caseworker", "password": PASSWORD}),
        )
        .await,
        422,
    );
    assert_eq!(caseworker_without_office["errors"][0]["field"], "office_id");
    app.finish().await;
}

/// A user whose preference is German reads German whatever `Accept-Language` says: the
/// explanations of suggestions, a problem's title, the home page.
async fn a_signed_in_user_reads_their_own_language(postgres: bool) {
    let app = TestApp::on(postgres, Default::default()).await;
    let admin = app.admin().await;
    let loaded = placematch::demo::load(
        app.store(),
        placematch::demo::Territory::Luxembourg,
        5,
        0.3,
        time::macros::date!(2026 - 11 - 24),
    )
    .await
    .unwrap();
    expect(
        app.post(
            "/v1/users",
            &admin,
            json!({"email": "jonas@esch.lu", "display_name": "Jonas Hoffmann", "role": "caseworker",
                   "office_id": loaded.office_id, "language": "de", "password": PASSWORD}),
        )
        .await,
        201,
    );
    let mut browser = Browser::new(&app);
    let signed = browser.sign_in("jonas@esch.lu", PASSWORD).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.text);
    let dutch = [("accept-language", "nl-BE, nl;q=0.9")];
    let people = browser
        .send(
            Method::GET,
            "/v1/beneficiaries?limit=30",
            None,
            String::new(),
            &dutch,
        )
        .await;
    let people: Value = serde_json::from_str(&people.text).unwrap();
    let mut explained = 0;
    for person in people["items"].as_array().unwrap() {
        let uri = format!("/v1/beneficiaries/{}/suggestions", id_of(person));
        let page = browser
            .send(Method::GET, &uri, None, String::new(), &dutch)
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert_eq!(page.headers["content-language"], "de");
        let body: Value = serde_json::from_str(&page.text).unwrap();
        for item in body["items"].as_array().unwrap() {
            let waiting = &item["breakdown"][4];
            assert_eq!(waiting["criterion"], "waiting");
            let text = waiting["explanation"].as_str().unwrap();
            assert!(text.starts_with("Wartet seit "), "{text}");
            explained += 1;
        }
    }
    assert!(explained > 0, "some suggestion was explained");
    let missing = browser
        .send(
            Method::GET,
            &format!("/v1/beneficiaries/{}", uuid::Uuid::new_v4()),
            None,
            String::new(),
            &dutch,
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let problem: Value = serde_json::from_str(&missing.text).unwrap();
    assert_eq!(problem["code"], "not_found");
    assert_eq!(problem["title"], "Leistungsbeziehende(r) nicht gefunden");
    let home = browser.get("/").await;
    assert!(home.text.contains("<html lang=\"de\">"), "{}", home.text);
    assert!(
        home.text
            .contains("Angemeldet als Jonas Hoffmann (Fachkraft).")
    );
    app.finish().await;
}

#[tokio::test]
async fn a_signed_in_user_reads_their_own_language_on_sqlite() {
    a_signed_in_user_reads_their_own_language(false).await;
}

#[tokio::test]
async fn a_signed_in_user_reads_their_own_language_on_postgres() {
    a_signed_in_user_reads_their_own_language(true).await;
}

/// A user made without a password (who signs in through the OpenID provider) cannot sign in
/// with the form, whatever password is tried.
#[tokio::test]
async fn a_user_without_a_password_cannot_sign_in_with_the_form() {
    let app = TestApp::new().await;
    let (admin, office, _, _) = territory(&app).await;
    let user = expect(
        app.post(
            "/v1/users",
            &admin,
            json!({"email": "luc@esch.lu", "display_name": "Luc", "role": "caseworker",
                   "office_id": office}),
        )
        .await,
        201,
    );
    assert_eq!(user["email"], "luc@esch.lu");
    let mut browser = Browser::new(&app);
    for password in ["", PASSWORD] {
        let page = browser.sign_in("luc@esch.lu", password).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{}", page.text);
        assert!(page.text.contains("n&#39;est pas correct"), "{}", page.text);
    }
}
