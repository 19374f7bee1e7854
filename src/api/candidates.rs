//! `GET /v1/openings/{id}/candidates`: the best waiting people for one opening, pseudonymised,
//! for its host ([`crate::app::candidates`] computes them).

use axum::Json;
use axum::extract::State;

use super::AppState;
use super::auth::Principal;
use super::error::{ApiError, Problem};
use super::extract::{ApiQuery, IdPath};
use super::suggestions::{SuggestionQuery, bounded};
use crate::app::candidates::for_opening;
use crate::resource::candidate::CandidateList;

/// The best waiting candidates for one opening, pseudonymised, for its host.
#[utoipa::path(
    get, path = "/v1/openings/{id}/candidates", tag = "suggestions",
    params(("id" = Uuid, Path, description = "Opening id"), SuggestionQuery),
    responses(
        (status = 200, description = "Pseudonymised candidates, best first; empty with `withheld` when held or too few", body = CandidateList),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not a host or admin", body = Problem),
        (status = 404, description = "Not visible to the caller", body = Problem),
        (status = 429, description = "Too many candidate lists read by this token this hour", body = Problem),
        (status = 503, description = "Busy, or the computation hit its time limit", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn list_candidates(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<SuggestionQuery>,
) -> Result<Json<CandidateList>, ApiError> {
    principal.require(&[
        crate::app::policy::Role::Admin,
        crate::app::policy::Role::Host,
    ])?;
    let limit = bounded("limit", q.limit, 10, 1..=50)? as usize;
    let found = for_opening(
        state.matching(),
        &state.settings.candidates,
        &state.candidate_gate,
        &state.throttle,
        &principal,
        id,
        limit,
    )
    .await?;
    Ok(Json(found))
}
