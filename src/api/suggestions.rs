//! `GET /v1/beneficiaries/{id}/suggestions` (caseworkers): the query checked here, the
//! suggestions computed by [`crate::app::suggestions`], their explanations written out by
//! [`crate::resource::explain`].

use crate::i18n::Msg;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::AppState;
use super::auth::Principal;
use super::error::{ApiError, FieldError, Problem};
use super::extract::{ApiQuery, IdPath};
use super::locale::Lang;
use crate::app::{self, AppError};
use crate::resource::explain;
use crate::resource::opening::Opening as OpeningView;

/// One criterion of a suggestion.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BreakdownPart {
    /// `skills`, `language`, `travel`, `hours` or `waiting`.
    pub criterion: String,
    pub points: i64,
    /// A sentence a caseworker understands, in the request's language.
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
    /// The rule's figures, stable like the code: `minutes` and `limit` for `travel_time`,
    /// `language`, `needed` and `has` for `language_level`, and so on.
    #[schema(value_type = Object)]
    pub params: serde_json::Map<String, serde_json::Value>,
    /// A sentence a caseworker understands, in the request's language.
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
            Msg::new("field-between")
                .int("min", *range.start())
                .int("max", *range.end())
                .int("given", v),
        )]))
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
    Lang(lang): Lang,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<SuggestionQuery>,
) -> Result<Json<SuggestionList>, ApiError> {
    let limit = bounded("limit", q.limit, 10, 1..=50)?;
    let excluded_limit = bounded("excluded_limit", q.excluded_limit, 20, 0..=100)?;
    let found = app::suggestions::for_person(
        state.matching(),
        &principal,
        id,
        limit as usize,
        excluded_limit as usize,
        app::today(),
    )
    .await?;
    // The matching's codes are written out in words here; the opening views are copied.
    let items = found
        .suggestions
        .items
        .iter()
        .map(|s| {
            Ok(SuggestionItem {
                opening: found.view(&s.opening_id)?,
                score: s.score,
                breakdown: s
                    .breakdown
                    .iter()
                    .map(|p| BreakdownPart {
                        criterion: p.criterion.as_str().to_owned(),
                        points: p.points,
                        explanation: explain::criterion(&p.facts).render(lang),
                    })
                    .collect(),
                seats_left: s.seats_left,
            })
        })
        .collect::<Result<_, AppError>>()?;
    let excluded = found
        .suggestions
        .excluded
        .iter()
        .map(|x| {
            Ok(ExcludedItem {
                opening: found.view(&x.opening_id)?,
                reasons: x
                    .reasons
                    .iter()
                    .map(|r| {
                        let view = explain::ReasonView::new(r, lang);
                        Reason {
                            code: view.code.to_owned(),
                            params: view.params,
                            explanation: view.explanation,
                        }
                    })
                    .collect(),
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(Json(SuggestionList { items, excluded }))
}
