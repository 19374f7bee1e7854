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
    pub db: crate::common::SqliteDb,
    pub state: AppState,
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
    pub async fn new() -> TestApp {
        let db = crate::common::sqlite_db().await;
        let state = AppState::new(db.store.clone(), ApiSettings::default());
        TestApp { db, state }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.db.store
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
