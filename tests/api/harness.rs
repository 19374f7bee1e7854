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
        let state = AppState::new(db.store.clone(), settings);
        TestApp {
            store: db.store.clone(),
            state,
            _sqlite: Some(db),
            postgres: None,
        }
    }

    /// On a fresh PostgreSQL database of the test server.
    pub async fn postgres() -> TestApp {
        Self::postgres_with(ApiSettings::default()).await
    }

    /// On a fresh PostgreSQL database of the test server, with `settings`.
    pub async fn postgres_with(settings: ApiSettings) -> TestApp {
        let db = crate::common::postgres_db().await;
        let state = AppState::new(db.store.clone(), settings);
        TestApp {
            store: db.store.clone(),
            state,
            _sqlite: None,
            postgres: Some(db),
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

    pub async fn raw(&self, request: Request<Body>) -> Reply {
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
    pub async fn world(&self) -> World {
        let admin = self.admin().await;
        let mut offices = Vec::new();
        for name in [
            "Office social d'Esch-sur-Alzette",
            "Office social de Dudelange",
        ] {
            let body = expect(
                self.post(
                    "/v1/offices",
                    &admin,
                    serde_json::json!({"name": name, "country": "LU", "programme": "revis"}),
                )
                .await,
                201,
            );
            offices.push(body["id"].as_str().unwrap().to_owned());
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
