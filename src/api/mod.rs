//! The HTTP API: [`router`] builds the whole axum application from an [`AppState`]. One module per
//! resource; [`error::ApiError`] is the only error type handlers return. Handlers never hold a
//! database pool: they go through [`crate::store::Store`]. CPU-heavy matching runs on the blocking
//! thread pool, never on the async runtime.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, StatusCode};
use axum::response::Response;
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::store::Store;

pub mod error;
pub mod health;

use error::problem_response;

/// Settings the handlers read.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// How long `/readyz` waits for the database.
    pub database_timeout: Duration,
    /// Time limit of one request.
    pub request_timeout: Duration,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            database_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 1024 * 1024,
        }
    }
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub settings: Arc<ApiSettings>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, settings: ApiSettings) -> Self {
        Self {
            store,
            settings: Arc::new(settings),
        }
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application: routes, request ids, request logs, time and size limits.
pub fn router(state: AppState) -> Router {
    let settings = state.settings.clone();
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request| {
            // Route template, not the raw path or query: ids are fine, query strings may carry
            // personal data and are never logged.
            let route = request
                .extensions()
                .get::<MatchedPath>()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|| "unmatched".to_owned());
            let request_id = request
                .headers()
                .get(&REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-")
                .to_owned();
            tracing::info_span!("request", method = %request.method(), route, request_id)
        })
        .on_request(())
        .on_response(
            |response: &axum::http::Response<_>, latency: Duration, _span: &Span| {
                tracing::info!(
                    status = response.status().as_u16(),
                    latency_ms = latency.as_secs_f64() * 1e3,
                    "request done"
                );
            },
        );

    Router::new()
        .route("/healthz", get(health::get_healthz))
        .route("/readyz", get(health::get_readyz))
        .fallback(fallback)
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(trace)
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    settings.request_timeout,
                ))
                .layer(RequestBodyLimitLayer::new(settings.max_body_bytes)),
        )
}

async fn fallback() -> Response {
    problem_response(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint".to_owned(),
        None,
        vec![],
    )
}
