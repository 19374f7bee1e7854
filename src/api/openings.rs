//! `/v1/openings`: posts offered by host organisations. A host manages its own organisation's
//! openings, an admin all of them; caseworkers read them (they are not personal data). Lists
//! filter by kind, status, distance from a point and skill text, with cursor pages.

use crate::i18n::Msg;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use uuid::Uuid;

pub use crate::resource::opening::*;

use super::auth::{Principal, Role};
use super::error::{ApiError, FieldError, Problem};
use super::extract::{ApiJson, ApiQuery, IdPath};
use super::validate::{self};
use super::{AppState, Location, Page, page_cursor, page_limit};
use crate::store::{BasisHold, OpeningFields, OpeningFilter, OpeningRow};

/// Validates every field, collecting one error per bad field.
fn validate_input(input: &OpeningInput) -> Result<OpeningFields, ApiError> {
    check_input(input).map_err(ApiError::Validation)
}

/// Create an opening (a host for its own organisation, or an admin).
#[utoipa::path(
    post, path = "/v1/openings", tag = "openings",
    request_body = OpeningInput,
    responses(
        (status = 201, description = "Created", body = Opening),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not a host or admin", body = Problem),
        (status = 404, description = "Organisation not visible", body = Problem),
        (status = 422, description = "Invalid fields, one entry each", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn create_opening(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(input): ApiJson<OpeningInput>,
) -> Result<(StatusCode, Json<Opening>), ApiError> {
    principal.require(&[Role::Admin, Role::Host])?;
    let organisation_id = match (principal.role, input.organisation_id) {
        (Role::Host, None) => principal
            .organisation_id
            .expect("a host token names its organisation"),
        (_, Some(org)) if principal.manages_organisation(org) => org,
        (Role::Host, Some(_)) => return Err(ApiError::NotFound("organisation")),
        (_, _) => {
            return Err(ApiError::field(
                "organisation_id",
                Msg::new("field-required-for-admin"),
            ));
        }
    };
    if principal.role == Role::Host {
        state.throttle.opening_write(&principal)?;
    }
    let fields = validate_input(&input)?;
    state
        .store
        .get_organisation(organisation_id)
        .await?
        .ok_or(ApiError::NotFound("organisation"))?;
    // A host's new opening shows no candidate until the hold has passed: otherwise openings
    // made and compared would do what changing one may not.
    let hold = match principal.role {
        Role::Host => BasisHold::Hold {
            basis: None,
            until: time::OffsetDateTime::now_utc() + state.settings.candidates.hold,
        },
        _ => BasisHold::Keep,
    };
    let row = state
        .store
        .create_opening(organisation_id, &fields, &hold)
        .await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

async fn visible_opening(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
) -> Result<OpeningRow, ApiError> {
    principal.require(&[Role::Admin, Role::Host, Role::Caseworker])?;
    let row = state
        .store
        .get_opening(id)
        .await?
        .ok_or(ApiError::NotFound("opening"))?;
    if principal.role == Role::Host && !principal.manages_organisation(row.organisation_id) {
        return Err(ApiError::NotFound("opening"));
    }
    Ok(row)
}

/// One opening.
#[utoipa::path(
    get, path = "/v1/openings/{id}", tag = "openings",
    params(("id" = Uuid, Path, description = "Opening id")),
    responses(
        (status = 200, description = "The opening", body = Opening),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 404, description = "Not visible to the caller", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn get_opening(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<Opening>, ApiError> {
    Ok(Json(visible_opening(&state, &principal, id).await?.into()))
}

/// Change some fields of an opening (its host or an admin). The result is validated whole.
#[utoipa::path(
    patch, path = "/v1/openings/{id}", tag = "openings",
    params(("id" = Uuid, Path, description = "Opening id")),
    request_body = OpeningInput,
    responses(
        (status = 200, description = "The opening after the change", body = Opening),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "A caseworker or scheduler", body = Problem),
        (status = 404, description = "Not visible to the caller", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn update_opening(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(patch): ApiJson<OpeningInput>,
) -> Result<Json<Opening>, ApiError> {
    let current = visible_opening(&state, &principal, id).await?;
    principal.require(&[Role::Admin, Role::Host])?;
    if patch
        .organisation_id
        .is_some_and(|o| o != current.organisation_id)
    {
        return Err(ApiError::field(
            "organisation_id",
            Msg::new("opening-cannot-move"),
        ));
    }
    if principal.role == Role::Host {
        state.throttle.opening_write(&principal)?;
    }
    let fields = validate_input(&merge(as_input(&current), patch))?;
    let hold = hold_for(
        &principal,
        &current,
        &fields,
        state.settings.candidates.hold,
    );
    let row = state
        .store
        .update_opening(id, &fields, &hold)
        .await?
        .ok_or(ApiError::NotFound("opening"))?;
    Ok(Json(row.into()))
}

/// What a write does to the version of the opening that candidates are computed against: an
/// admin's change to programmes, demands or place counts at once (and with it the fields as
/// they now are); a host's change to programmes, physical demands or place is
/// held (and each further change starts the hold again), so that changing the opening and
/// reading the candidates again shows nothing new about anyone.
fn hold_for(
    principal: &Principal,
    current: &OpeningRow,
    fields: &OpeningFields,
    hold: std::time::Duration,
) -> BasisHold {
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
    let before = current.basis();
    let changed = sorted(&before.programmes) != sorted(&fields.programmes)
        || sorted(&before.physical_demands) != sorted(&fields.physical_demands)
        || before.lon != fields.lon
        || before.lat != fields.lat;
    if !changed {
        // A host's held change stays held when anyone edits something else (an admin changing
        // the seats has not reviewed it).
        return BasisHold::Keep;
    }
    if principal.role != Role::Host {
        return BasisHold::Clear;
    }
    let now = time::OffsetDateTime::now_utc();
    BasisHold::Hold {
        basis: current.candidate_basis_at(now),
        until: now + hold,
    }
}

/// Let a host's held change reach its candidates now (admin).
#[utoipa::path(
    post, path = "/v1/openings/{id}/review", tag = "openings",
    params(("id" = Uuid, Path, description = "Opening id")),
    responses(
        (status = 200, description = "The opening; its candidates follow its current fields", body = Opening),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not an admin", body = Problem),
        (status = 404, description = "No such opening", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn review_opening(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<Opening>, ApiError> {
    principal.require(&[Role::Admin])?;
    if !state.store.hold_candidates(id, &BasisHold::Clear).await? {
        return Err(ApiError::NotFound("opening"));
    }
    let row = state
        .store
        .get_opening(id)
        .await?
        .ok_or(ApiError::NotFound("opening"))?;
    Ok(Json(row.into()))
}

/// Query of the opening list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OpeningQuery {
    /// `public_utility_work`, `article_60`, `article_61` or `immersion`.
    pub kind: Option<String>,
    /// `open`, `paused` or `closed`.
    pub status: Option<String>,
    /// Only a host's own openings are listed for a host; an admin may narrow to one organisation.
    pub organisation_id: Option<Uuid>,
    /// Longitude of the centre of a search (with `lat` and `radius_km`).
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// Radius around (`lon`, `lat`), in kilometres, more than 0 and at most 200.
    pub radius_km: Option<f64>,
    /// Words in the title, tasks or skills (case-insensitive).
    pub skill: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// List openings with filters.
#[utoipa::path(
    get, path = "/v1/openings", tag = "openings",
    params(OpeningQuery),
    responses(
        (status = 200, description = "A page of openings", body = Page<Opening>),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "A scheduler token", body = Problem),
        (status = 422, description = "Invalid query, one entry per parameter", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn list_openings(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(q): ApiQuery<OpeningQuery>,
) -> Result<Json<Page<Opening>>, ApiError> {
    principal.require(&[Role::Admin, Role::Host, Role::Caseworker])?;
    let limit = page_limit(q.limit)?;
    let after = page_cursor(q.cursor.as_deref())?;
    let mut e = Vec::new();
    if let Some(k) = &q.kind {
        validate::choice("kind", k, validate::OPENING_KINDS, &mut e);
    }
    if let Some(s) = &q.status {
        validate::choice("status", s, &["open", "paused", "closed"], &mut e);
    }
    let near = match (q.lon, q.lat, q.radius_km) {
        (None, None, None) => None,
        (Some(lon), Some(lat), Some(r)) => {
            let centre = validate::point("lon/lat", Location { lon, lat }, &mut e);
            if !(r > 0.0 && r <= 200.0) {
                e.push(FieldError::new("radius_km", Msg::new("field-radius-range")));
            }
            Some((centre, r))
        }
        _ => {
            e.push(FieldError::new(
                "radius_km",
                Msg::new("field-radius-together"),
            ));
            None
        }
    };
    if !e.is_empty() {
        return Err(ApiError::Validation(e));
    }
    let Some(organisation_id) = principal.organisation_filter(q.organisation_id) else {
        return Ok(Json(Page::empty()));
    };
    let filter = OpeningFilter {
        organisation_id,
        kind: q.kind,
        status: q.status,
        bbox: near.map(|(c, r)| validate::bounding_box(c, r)),
        text: q
            .skill
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty()),
    };
    let rows = state.store.list_openings(&filter, after, limit + 1).await?;
    // The cursor follows the rows scanned; the exact circle then trims the box's corners.
    let mut page = Page::from_rows(rows, limit, |r| r.id, |r| r);
    let items = page
        .items
        .drain(..)
        .filter(|r| {
            near.is_none_or(|(c, km)| {
                validate::distance_km(
                    c,
                    Location {
                        lon: r.lon,
                        lat: r.lat,
                    },
                ) <= km
            })
        })
        .map(Opening::from)
        .collect();
    Ok(Json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}
