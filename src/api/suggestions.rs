//! `GET /v1/beneficiaries/{id}/suggestions` (caseworkers): ranked with the matching core, the
//! same costs as the nightly optimiser, on the blocking thread pool with a time limit, over the
//! in-memory index of open openings ([`crate::app::openings_index`]).

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use uuid::Uuid;

use super::AppState;
use super::auth::{Principal, Role};
use super::error::{ApiError, FieldError, Problem};
use super::extract::{ApiQuery, IdPath};
use crate::app::audit::{self, Action, Subject};
use crate::bridge;
use crate::domain::Programme;
use crate::matching::suggest;
use crate::resource::explain;
use crate::resource::opening::Opening as OpeningView;

/// One criterion of a suggestion.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BreakdownPart {
    /// `skills`, `language`, `travel`, `hours` or `waiting`.
    pub criterion: String,
    pub points: i64,
    /// A sentence a caseworker understands.
    pub explanation: String,
}

/// A suggested opening.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SuggestionItem {
    #[schema(value_type = OpeningView)]
    pub opening: Box<RawValue>,
    /// Higher is better; the sum of the breakdown's points.
    pub score: i64,
    pub breakdown: Vec<BreakdownPart>,
    pub seats_left: u32,
}

/// A rule that excluded an opening.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Reason {
    /// Stable: `programme`, `travel_time`, `language_level`, `required_skill`, `hours`, `dates`,
    /// `health`, `refused_sector`, `no_seat_left`, `host_intake_cap`, `kind_not_allowed`.
    pub code: String,
    pub explanation: String,
}

/// An opening within reach that a hard rule excluded.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExcludedItem {
    #[schema(value_type = OpeningView)]
    pub opening: Box<RawValue>,
    pub reasons: Vec<Reason>,
}

/// The answer of the suggestions endpoint.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SuggestionList {
    pub items: Vec<SuggestionItem>,
    pub excluded: Vec<ExcludedItem>,
}

/// Query of the suggestions endpoint.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SuggestionQuery {
    /// Suggestions to return, 1 to 50 (default 10).
    pub limit: Option<u32>,
    /// Excluded openings to explain, 0 to 100 (default 20).
    pub excluded_limit: Option<u32>,
}

pub(super) fn bounded(
    field: &str,
    v: Option<u32>,
    default: u32,
    range: std::ops::RangeInclusive<u32>,
) -> Result<u32, ApiError> {
    let v = v.unwrap_or(default);
    if range.contains(&v) {
        Ok(v)
    } else {
        Err(ApiError::Validation(vec![FieldError::new(
            field,
            format!(
                "must be between {} and {}, got {v}",
                range.start(),
                range.end()
            ),
        )]))
    }
}

pub(super) fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

pub(super) async fn programme_of(state: &AppState, office: Uuid) -> Result<Programme, ApiError> {
    let known = |id: &Uuid| {
        state
            .programmes
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .copied()
    };
    if let Some(programme) = known(&office) {
        return Ok(programme);
    }
    let row = state
        .store
        .get_office(office)
        .await?
        .ok_or(ApiError::NotFound("office"))?;
    let programme: Programme = row
        .programme
        .parse()
        .map_err(|e: crate::domain::ParseError| ApiError::Internal(e.into()))?;
    state
        .programmes
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .insert(office, programme);
    Ok(programme)
}

/// Runs CPU work off the async runtime, within the request's matching time limit.
pub(super) async fn blocking<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::time::timeout(
        state.settings.matching_timeout,
        tokio::task::spawn_blocking(work),
    )
    .await
    {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(ApiError::Internal(e.into())),
        Err(_) => Err(ApiError::Timeout),
    }
}

/// Explained suggestions for one person, and why the other openings within reach are excluded.
#[utoipa::path(
    get, path = "/v1/beneficiaries/{id}/suggestions", tag = "suggestions",
    params(("id" = Uuid, Path, description = "Beneficiary id"), SuggestionQuery),
    responses(
        (status = 200, description = "Ranked suggestions with breakdowns, and exclusions", body = SuggestionList),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not a caseworker or admin", body = Problem),
        (status = 404, description = "Not visible to the caller", body = Problem),
        (status = 422, description = "Invalid query", body = Problem),
        (status = 503, description = "The computation hit its time limit", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn list_suggestions(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<SuggestionQuery>,
) -> Result<Json<SuggestionList>, ApiError> {
    let limit = bounded("limit", q.limit, 10, 1..=50)?;
    let excluded_limit = bounded("excluded_limit", q.excluded_limit, 20, 0..=100)?;
    principal.require(&[Role::Admin, Role::Caseworker])?;
    // The file, its languages and its live placement in one round trip.
    let (row, current) = state
        .store
        .get_beneficiary_with_live_placement(id)
        .await?
        .filter(|(b, _)| principal.sees_office(b.office_id))
        .ok_or(ApiError::NotFound("beneficiary"))?;
    // Stored while the suggestions are computed; confirmed before anything is answered.
    let audited = audit::submit(
        &state.audit,
        &principal,
        Action::Read,
        Subject::beneficiary(id, row.office_id),
    )
    .await?;
    let programme = programme_of(&state, row.office_id).await?;
    let person = bridge::beneficiary_placed(
        &row,
        programme,
        current.as_ref().map(|p| (p.opening_id, p.state.as_str())),
    )
    .map_err(|e| ApiError::Internal(e.into()))?;
    let day = today();
    let cached = state.openings.get(&state.store, day).await?;
    let config = state.settings.matching.clone();
    let index = cached.index.clone();
    let found = blocking(&state, move || {
        suggest(
            &person,
            &index,
            &config,
            day,
            limit as usize,
            excluded_limit as usize,
        )
    })
    .await?;
    let view =
        |opening_id: &Uuid| -> Result<Box<RawValue>, ApiError> {
            cached.views.get(opening_id).cloned().ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("opening missing from the cache"))
            })
        };
    // The matching's codes are written out in words here; the opening views are copied.
    let items = found
        .items
        .into_iter()
        .map(|s| {
            Ok(SuggestionItem {
                opening: view(&s.opening_id)?,
                score: s.score,
                breakdown: s
                    .breakdown
                    .into_iter()
                    .map(|p| BreakdownPart {
                        criterion: p.criterion.as_str().to_owned(),
                        points: p.points,
                        explanation: explain::criterion(&p.facts),
                    })
                    .collect(),
                seats_left: s.seats_left,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let excluded = found
        .excluded
        .into_iter()
        .map(|x| {
            Ok(ExcludedItem {
                opening: view(&x.opening_id)?,
                reasons: x
                    .reasons
                    .into_iter()
                    .map(|r| Reason {
                        code: r.code().to_owned(),
                        explanation: explain::exclusion(&r),
                    })
                    .collect(),
            })
        })
        .collect::<Result<_, ApiError>>()?;
    audited.confirmed().await?;
    Ok(Json(SuggestionList { items, excluded }))
}
