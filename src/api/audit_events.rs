//! `GET /v1/audit-events`: the audit trail, admin only. Events name ids, never personal data.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use uuid::Uuid;

use super::auth::{Principal, Role};
use super::error::{ApiError, Problem};
use super::extract::ApiQuery;
use super::{AppState, Page, PageQuery};
use crate::store::AuditEventRow;

/// One audited action.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditEvent {
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: time::OffsetDateTime,
    /// The token that acted (none for command-line and scheduled work).
    pub actor_token_id: Option<Uuid>,
    pub actor_role: String,
    /// `create`, `read`, `update`, `delete`, `export`, `transition` or `apply`.
    pub action: String,
    /// What was touched: `beneficiary`, `placement`, …
    pub object_kind: String,
    pub object_id: Uuid,
    pub office_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
}

impl From<AuditEventRow> for AuditEvent {
    fn from(r: AuditEventRow) -> Self {
        Self {
            id: r.id,
            occurred_at: r.occurred_at,
            actor_token_id: r.actor_token_id,
            actor_role: r.actor_role,
            action: r.action,
            object_kind: r.object_kind,
            object_id: r.object_id,
            office_id: r.office_id,
            organisation_id: r.organisation_id,
        }
    }
}

/// List audit events, oldest first.
#[utoipa::path(
    get, path = "/v1/audit-events", tag = "audit",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of events", body = Page<AuditEvent>),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not an admin", body = Problem),
        (status = 422, description = "Invalid query", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn list_audit_events(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Page<AuditEvent>>, ApiError> {
    principal.require(&[Role::Admin])?;
    let limit = query.limit()?;
    let after = query.cursor()?;
    let rows = state.store.list_audit_events(after, limit + 1).await?;
    Ok(Json(Page::from_rows(
        rows,
        limit,
        |r| r.id,
        AuditEvent::from,
    )))
}
