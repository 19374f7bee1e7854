//! Liveness and readiness probes: the only endpoints without authentication.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::AppState;
use super::error::ApiError;
use crate::store::Backend;

#[derive(Serialize)]
struct Health {
    status: &'static str,
}

#[derive(Serialize)]
struct Ready {
    status: &'static str,
    database: Backend,
}

/// `GET /healthz`: the process is up and answering. Never touches the database.
pub async fn get_healthz() -> Response {
    Json(Health { status: "ok" }).into_response()
}

/// `GET /readyz`: the database answers a round trip within the configured timeout; 503 otherwise,
/// so a load balancer stops sending traffic until it is back.
pub async fn get_readyz(State(state): State<AppState>) -> Result<Response, ApiError> {
    match tokio::time::timeout(state.settings.database_timeout, state.store.ping()).await {
        Ok(Ok(())) => Ok(Json(Ready {
            status: "ready",
            database: state.store.backend(),
        })
        .into_response()),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness check failed");
            Err(ApiError::Unavailable)
        }
        Err(_) => {
            tracing::warn!("readiness check timed out");
            Err(ApiError::Unavailable)
        }
    }
}
