//! A test application: a migrated SQLite store, the router, and helpers to call it as a client.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use placematch::api::auth::{Role, issue_token};
use placematch::api::{ApiSettings, AppState, router};
use placematch::store::Store;
use serde_json::Value;
use tower::ServiceExt;
use uuid::Uuid;

pub struct TestApp {
    pub store: Arc<dyn Store>,
    pub state: AppState,
    _sqlite: Option<crate::common::SqliteDb>,
    postgres: Option<crate::common::PgDb>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub content_type: String,
    pub body: Value,
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.body)
    }
}

impl TestApp {
    /// On a fresh SQLite file.
    pub async fn new() -> TestApp {
        Self::sqlite_with(ApiSettings::default()).await
    }

    /// On a fresh SQLite file, with `settings`.
    pub async fn sqlite_with(settings: ApiSettings) -> TestApp {
        let db = crate::common::sqlite_db().await;
        Self::on_store(db.store.clone(), settings, Some(db), None)
    }

    /// On a fresh PostgreSQL database of the test server.
    pub async fn postgres() -> TestApp {
        Self::postgres_with(ApiSettings::default()).await
    }

    /// On a fresh PostgreSQL database of the test server, with `settings`.
    pub async fn postgres_with(settings: ApiSettings) -> TestApp {
        let db = crate::common::postgres_db().await;
        Self::on_store(db.store.clone(), settings, None, Some(db))
    }

    fn on_store(
        store: Arc<dyn Store>,
        settings: ApiSettings,
        sqlite: Option<crate::common::SqliteDb>,
        postgres: Option<crate::common::PgDb>,
    ) -> TestApp {
        TestApp {
            state: AppState::new(store.clone(), settings),
            store,
            _sqlite: sqlite,
            postgres,
        }
    }

    /// On SQLite or PostgreSQL, with `settings`.
    pub async fn on(postgres: bool, settings: ApiSettings) -> TestApp {
        if postgres {
            Self::postgres_with(settings).await
        } else {
            Self::sqlite_with(settings).await
        }
    }

    pub async fn put(&self, uri: &str, token: &str, body: Value) -> Reply {
        self.call(Method::PUT, uri, Some(token), Some(body)).await
    }

    /// Drops the PostgreSQL database, if any.
    pub async fn finish(self) {
        if let Some(db) = self.postgres {
            db.drop_db().await;
        }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub async fn token(&self, role: Role, office: Option<Uuid>, org: Option<Uuid>) -> String {
        issue_token(self.store(), role, office, org, None, "test")
            .await
            .unwrap()
            .0
    }

    pub async fn admin(&self) -> String {
        self.token(Role::Admin, None, None).await
    }

    /// Sends `request`, read in English unless it names its own `Accept-Language` (the tests
    /// were written against the English texts; `tests/api/languages.rs` covers the others).
    pub async fn raw(&self, mut request: Request<Body>) -> Reply {
        if !request.headers().contains_key("accept-language") {
            request
                .headers_mut()
                .insert("accept-language", "en".parse().unwrap());
        }
        self.exact(request).await
    }

    /// Sends `request` exactly as it is.
    pub async fn exact(&self, request: Request<Body>) -> Reply {
        let response = router(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
            .await
            .unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        if status.is_client_error() || status.is_server_error() {
            assert_eq!(
                content_type, "application/problem+json",
                "every error is problem+json: {status} {body}"
            );
        }
        Reply {
            status,
            headers,
            content_type,
            body,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            builder = builder.header("authorization", format!("Bearer {t}"));
        }
        let request = match body {
            Some(b) => builder
                .header("content-type", "application/json")
                .body(Body::from(b.to_string()))
                .unwrap(),
            None => builder.body(Body::empty()).unwrap(),
        };
        self.raw(request).await
    }

    pub async fn get(&self, uri: &str, token: &str) -> Reply {
        self.call(Method::GET, uri, Some(token), None).await
    }

    pub async fn post(&self, uri: &str, token: &str, body: Value) -> Reply {
        self.call(Method::POST, uri, Some(token), Some(body)).await
    }

    pub async fn patch(&self, uri: &str, token: &str, body: Value) -> Reply {
        self.call(Method::PATCH, uri, Some(token), Some(body)).await
    }

    pub async fn delete(&self, uri: &str, token: &str) -> Reply {
        self.call(Method::DELETE, uri, Some(token), None).await
    }
}

/// Asserts a status and returns the body.
#[track_caller]
pub fn expect(reply: Reply, status: u16) -> Value {
    assert_eq!(reply.status.as_u16(), status, "{reply:?}");
    reply.body
}

/// A small territory: one office, two host organisations, tokens for every role.
pub struct World {
    pub office: String,
    pub org: String,
    pub admin: String,
    pub caseworker: String,
    pub other_caseworker: String,
    pub host: String,
    pub other_host: String,
    pub scheduler: String,
}

impl TestApp {
    /// On a fresh SQLite file, with its small territory.
    pub async fn with_world() -> (TestApp, World) {
        let app = TestApp::new().await;
        let world = app.world().await;
        (app, world)
    }

    pub async fn world(&self) -> World {
        let admin = self.admin().await;
        let mut offices = Vec::new();
        for name in [
            "Office social d'Esch-sur-Alzette",
            "Office social de Dudelange",
        ] {
            let body = self.create_office(&admin, name, "LU", "revis").await;
            offices.push(id_of(&body).to_owned());
        }
        let mut orgs = Vec::new();
        for (name, lon, lat) in [
            ("Commune de Differdange", 5.8914, 49.5242),
            ("Caritas Luxembourg", 6.1296, 49.6116),
        ] {
            let body = expect(
                self.post(
                    "/v1/organisations",
                    &admin,
                    serde_json::json!({"name": name, "kind": "commune", "location": {"lon": lon, "lat": lat}, "monthly_intake_cap": 10}),
                )
                .await,
                201,
            );
            orgs.push(body["id"].as_str().unwrap().to_owned());
        }
        let id = |s: &String| -> Uuid { s.parse().unwrap() };
        World {
            caseworker: self
                .token(Role::Caseworker, Some(id(&offices[0])), None)
                .await,
            other_caseworker: self
                .token(Role::Caseworker, Some(id(&offices[1])), None)
                .await,
            host: self.token(Role::Host, None, Some(id(&orgs[0]))).await,
            other_host: self.token(Role::Host, None, Some(id(&orgs[1]))).await,
            scheduler: self.token(Role::Scheduler, None, None).await,
            office: offices[0].clone(),
            org: orgs[0].clone(),
            admin,
        }
    }
}

/// An office body.
pub fn office_body(name: &str, country: &str, programme: &str) -> Value {
    serde_json::json!({"name": name, "country": country, "programme": programme})
}

/// A valid opening body near Differdange.
pub fn opening_body(seats: i32) -> serde_json::Value {
    serde_json::json!({
        "title": "Entretien des espaces verts",
        "tasks": "Tonte, désherbage, plantations",
        "kind": "public_utility_work",
        "sector": "environment",
        "programmes": ["revis"],
        "location": {"lon": 5.8914, "lat": 49.5242},
        "seats": seats,
        "hours_per_week": 20,
        "start_date": "2026-12-01",
        "end_date": "2027-05-31",
        "required_skills": [{"label": "jardinage", "code": "A1203"}],
        "wanted_skills": [{"label": "permis B"}],
        "languages": [{"language": "fr", "min_level": "A2"}],
        "physical_demands": ["outdoor_work"]
    })
}

/// A valid beneficiary body living in Esch-sur-Alzette.
pub fn person_body(external_ref: &str) -> serde_json::Value {
    serde_json::json!({
        "external_ref": external_ref,
        "given_name": "Ana",
        "family_name": "Ferreira",
        "birth_date": "1984-03-12",
        "address": "12 rue de l'Alzette, Esch-sur-Alzette",
        "location": {"lon": 5.9806, "lat": 49.4958},
        "mobility": "public_transport",
        "max_trip_minutes": 45,
        "hours_per_week": 20,
        "earliest_start": "2026-12-01",
        "waiting_since": "2026-06-15",
        "skills": [{"label": "entretien espaces verts"}, {"label": "jardinage", "code": "A1203"}],
        "languages": [{"language": "pt", "level": "C2"}, {"language": "fr", "level": "B1"}],
        "health_limits": ["night_work"]
    })
}

impl TestApp {
    /// Opens the file `person_body(external_ref)` with `token` and returns it (201).
    pub async fn create_person(&self, token: &str, external_ref: &str) -> Value {
        expect(
            self.post("/v1/beneficiaries", token, person_body(external_ref))
                .await,
            201,
        )
    }

    /// Posts `opening_body(seats)` with `token` and returns the opening (201).
    pub async fn create_opening(&self, token: &str, seats: i32) -> Value {
        expect(
            self.post("/v1/openings", token, opening_body(seats)).await,
            201,
        )
    }

    /// Opens the file `person_body(external_ref)` with `token` and returns its URI.
    pub async fn new_person_uri(&self, token: &str, external_ref: &str) -> String {
        let person = self.create_person(token, external_ref).await;
        format!("/v1/beneficiaries/{}", id_of(&person))
    }

    /// Posts `opening_body(seats)` with `token` and returns the opening's URI.
    pub async fn new_opening_uri(&self, token: &str, seats: i32) -> String {
        let opening = self.create_opening(token, seats).await;
        format!("/v1/openings/{}", id_of(&opening))
    }

    /// Creates an office (201) with `admin` and returns it.
    pub async fn create_office(
        &self,
        admin: &str,
        name: &str,
        country: &str,
        programme: &str,
    ) -> Value {
        expect(
            self.post("/v1/offices", admin, office_body(name, country, programme))
                .await,
            201,
        )
    }

    /// Proposes `person` for `opening` with `token` and returns the placement (201).
    pub async fn propose(&self, token: &str, person: &Value, opening: &Value) -> Value {
        expect(
            self.post(
                "/v1/placements",
                token,
                serde_json::json!({"beneficiary_id": person["id"], "opening_id": opening["id"]}),
            )
            .await,
            201,
        )
    }

    /// A person of the world's office proposed for a new opening of its host with `seats`:
    /// (person, opening, placement).
    pub async fn proposal(&self, w: &World, seats: i32, reference: &str) -> (Value, Value, Value) {
        let person = self.create_person(&w.caseworker, reference).await;
        let opening = self.create_opening(&w.host, seats).await;
        let placement = self.propose(&w.caseworker, &person, &opening).await;
        (person, opening, placement)
    }

    /// The first page of the audit log (up to 200 events), read by `admin`.
    pub async fn audit_log(&self, admin: &str) -> Value {
        expect(self.get("/v1/audit-events?limit=200", admin).await, 200)
    }

    /// Every event of the audit log, page by page, read by `admin`.
    pub async fn all_audit_events(&self, admin: &str) -> Vec<Value> {
        let mut events = Vec::new();
        let mut cursor = String::new();
        loop {
            let page = expect(
                self.get(&format!("/v1/audit-events?limit=200{cursor}"), admin)
                    .await,
                200,
            );
            events.extend(items(&page).iter().cloned());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = format!("&cursor={next}"),
                None => return events,
            }
        }
    }
}

/// The `id` of `value` as a string.
pub fn id_of(value: &Value) -> &str {
    value["id"].as_str().unwrap()
}

/// The items of a page.
pub fn items(page: &Value) -> &Vec<Value> {
    page["items"].as_array().unwrap()
}

/// The fields a problem+json body names, in its order.
pub fn error_fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}

/// Asserts that each of `expected` is among the fields a problem+json body names.
#[track_caller]
pub fn assert_fields_named(problem: &Value, expected: &[&str]) {
    let fields = error_fields(problem);
    for expected in expected {
        assert!(
            fields.contains(expected),
            "{expected} missing from {fields:?}"
        );
    }
}

/// Asserts a 422 whose first error names `field` and returns the problem.
#[track_caller]
pub fn expect_field_error(reply: Reply, field: &str) -> Value {
    let problem = expect(reply, 422);
    assert_first_field(&problem, field);
    problem
}

/// Asserts that the first error of a problem+json body names `field`.
#[track_caller]
pub fn assert_first_field(problem: &Value, field: &str) {
    assert_eq!(problem["errors"][0]["field"], field, "{problem}");
}

/// Asserts that the first error's message of a problem+json body contains `text`.
#[track_caller]
pub fn assert_first_message_contains(problem: &Value, text: &str) {
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains(text),
        "{problem}"
    );
}

/// A POST of `body` as `content_type`, with a bearer token.
pub fn post_raw(
    uri: &str,
    token: &str,
    content_type: &str,
    body: impl Into<Body>,
) -> Request<Body> {
    Request::post(uri)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", content_type)
        .body(body.into())
        .unwrap()
}

impl TestApp {
    /// Posts `body` to `uri` with `token`, asserts a 422 and returns the problem.
    pub async fn post_refused(&self, uri: &str, token: &str, body: Value) -> Value {
        expect(self.post(uri, token, body).await, 422)
    }
}
