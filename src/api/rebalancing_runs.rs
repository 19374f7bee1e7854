//! `/v1/rebalancing-runs`: start a run (scheduler, admin), read its report, apply a dry run.

use super::locale::Lang;
use crate::i18n::Language;
use crate::i18n::Msg;
use crate::resource::explain;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::AppState;
use super::auth::{Principal, Role};
use super::error::{ApiError, Problem};
use super::extract::{ApiJson, IdPath};
use crate::app::audit::{self, Action, Subject};
use crate::jobs::rebalancing::{self, RunError};
use crate::store::RebalancingRunRow;

/// Body of `POST /v1/rebalancing-runs`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartRun {
    pub office_id: Uuid,
    /// `dry_run` (default: store the report, change nothing) or `apply`.
    #[serde(default)]
    pub mode: Option<String>,
}

/// A stored run.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Run {
    pub id: Uuid,
    pub office_id: Uuid,
    pub mode: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub started_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub finished_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub applied_at: Option<time::OffsetDateTime>,
    /// `summary` (counts, objective, certified_optimal, timings), `results` (one line per
    /// person: new, kept, moved with why, withdrawn, unassigned with the reason) and `plan`.
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
}

impl From<RebalancingRunRow> for Run {
    fn from(r: RebalancingRunRow) -> Self {
        Self {
            id: r.id,
            office_id: r.office_id,
            mode: r.mode,
            started_at: r.started_at,
            finished_at: r.finished_at,
            applied_at: r.applied_at,
            report: r.report.0,
        }
    }
}

impl Run {
    /// The run as `principal` may see it, its lines' sentences in `lang`: a scheduler ("starts
    /// runs, nothing else") gets the summary only, never the per-person lines or the plan,
    /// which name people and give reasons.
    fn for_role(mut self, principal: &Principal, lang: Language) -> Self {
        if principal.role == Role::Scheduler {
            let summary = self.report.get("summary").cloned();
            self.report = serde_json::json!({ "summary": summary });
        }
        if let Some(lines) = self
            .report
            .get_mut("results")
            .and_then(|r| r.as_array_mut())
        {
            for line in lines {
                explain::report_line_in(line, lang);
            }
        }
        self
    }
}

impl From<RunError> for ApiError {
    fn from(e: RunError) -> Self {
        match e {
            RunError::UnknownOffice(_) => ApiError::NotFound("office"),
            RunError::InProgress => {
                ApiError::conflict("run_in_progress", Msg::new("conflict-run-in-progress"))
            }
            RunError::Stale => {
                ApiError::conflict("stale_report", Msg::new("conflict-stale-report"))
            }
            RunError::AlreadyApplied => {
                ApiError::conflict("already_applied", Msg::new("conflict-already-applied"))
            }
            RunError::Store(s) => s.into(),
            other => ApiError::Internal(other.into()),
        }
    }
}

/// Start a rebalancing run of one office (scheduler or admin).
#[utoipa::path(
    post, path = "/v1/rebalancing-runs", tag = "rebalancing",
    request_body = StartRun,
    responses(
        (status = 201, description = "The finished run with its report", body = Run),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not a scheduler or admin", body = Problem),
        (status = 404, description = "No such office", body = Problem),
        (status = 409, description = "A run of this office is in progress", body = Problem),
        (status = 422, description = "Invalid mode", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn create_rebalancing_run(
    State(state): State<AppState>,
    principal: Principal,
    Lang(lang): Lang,
    ApiJson(body): ApiJson<StartRun>,
) -> Result<(StatusCode, Json<Run>), ApiError> {
    principal.require(&[Role::Admin, Role::Scheduler])?;
    let apply = match body.mode.as_deref() {
        None | Some("dry_run") => false,
        Some("apply") => true,
        Some(other) => {
            return Err(ApiError::field(
                "mode",
                Msg::new("field-not-one-of")
                    .text("value", other)
                    .text("allowed", "dry_run, apply"),
            ));
        }
    };
    let today = time::OffsetDateTime::now_utc().date();
    let summary = rebalancing::run_office(
        &state.store,
        body.office_id,
        apply,
        &state.settings.matching,
        today,
    )
    .await?;
    let row = state
        .store
        .get_rebalancing_run(summary.run_id)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("stored run not found")))?;
    audit::record(
        &state.audit,
        &principal,
        if apply { Action::Apply } else { Action::Create },
        Subject::rebalancing_run(row.id, row.office_id),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(Run::from(row).for_role(&principal, lang)),
    ))
}

/// A run and its report (admin, or a caseworker of the office, each read audited); a scheduler
/// sees the summary only.
#[utoipa::path(
    get, path = "/v1/rebalancing-runs/{id}", tag = "rebalancing",
    params(("id" = Uuid, Path, description = "Run id")),
    responses(
        (status = 200, description = "The run", body = Run),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 404, description = "Not visible to the caller", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn get_rebalancing_run(
    State(state): State<AppState>,
    principal: Principal,
    Lang(lang): Lang,
    IdPath(id): IdPath,
) -> Result<Json<Run>, ApiError> {
    principal.require(&[Role::Admin, Role::Scheduler, Role::Caseworker])?;
    let row = state
        .store
        .get_rebalancing_run(id)
        .await?
        .filter(|r| principal.role != Role::Caseworker || principal.sees_office(r.office_id))
        .ok_or(ApiError::NotFound("rebalancing run"))?;
    if principal.role != Role::Scheduler {
        // The per-person lines are personal data: who read them is on record.
        audit::record(
            &state.audit,
            &principal,
            Action::Read,
            Subject::rebalancing_run(id, row.office_id),
        )
        .await?;
    }
    Ok(Json(Run::from(row).for_role(&principal, lang)))
}

/// Apply a stored dry run; refused if the office's data changed since.
#[utoipa::path(
    post, path = "/v1/rebalancing-runs/{id}/apply", tag = "rebalancing",
    params(("id" = Uuid, Path, description = "Run id")),
    responses(
        (status = 200, description = "Applied", body = Run),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not an admin", body = Problem),
        (status = 404, description = "No such run", body = Problem),
        (status = 409, description = "Out of date, already applied, or a run is in progress", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn apply_rebalancing_run(
    State(state): State<AppState>,
    principal: Principal,
    Lang(lang): Lang,
    IdPath(id): IdPath,
) -> Result<Json<Run>, ApiError> {
    principal.require(&[Role::Admin])?;
    let row = rebalancing::apply_stored(&state.store, id)
        .await?
        .ok_or(ApiError::NotFound("rebalancing run"))?;
    audit::record(
        &state.audit,
        &principal,
        Action::Apply,
        Subject::rebalancing_run(id, row.office_id),
    )
    .await?;
    Ok(Json(Run::from(row).for_role(&principal, lang)))
}
