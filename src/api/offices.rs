//! `/v1/offices`: the social office, CPAS or département team that follows people. Managed by
//! admins; a caseworker sees only their own office.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::auth::{Principal, Role};
use super::error::{ApiError, Problem};
use super::extract::{ApiJson, IdPath};
use super::validate::validate_name;
use super::{AppState, Page};
use crate::app::referents;
use crate::domain::{Country, Programme};
use crate::resource::beneficiary::user_name;
use crate::store::{CaseloadRow, NewOffice, OfficeRow};

/// An office as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Office {
    pub id: Uuid,
    pub name: String,
    /// `LU`, `BE` or `FR`.
    pub country: String,
    /// `revis`, `cpas_ris` or `rsa`.
    pub programme: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: time::OffsetDateTime,
}

impl From<OfficeRow> for Office {
    fn from(r: OfficeRow) -> Self {
        Self {
            id: r.id,
            name: r.name,
            country: r.country,
            programme: r.programme,
            created_at: r.created_at,
        }
    }
}

/// Body of `POST /v1/offices`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOffice {
    /// 1 to 200 characters.
    pub name: String,
    pub country: Country,
    pub programme: Programme,
}

/// Create an office (admin).
#[utoipa::path(
    post, path = "/v1/offices", tag = "offices",
    request_body = CreateOffice,
    responses(
        (status = 201, description = "Created", body = Office),
        (status = 400, description = "Malformed JSON", body = Problem),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not an admin", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn create_office(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<CreateOffice>,
) -> Result<(StatusCode, Json<Office>), ApiError> {
    principal.require(&[Role::Admin])?;
    let mut errors = Vec::new();
    let name = validate_name("name", &body.name, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let row = state
        .store
        .create_office(&NewOffice {
            name,
            country: body.country.as_str().to_owned(),
            programme: body.programme.as_str().to_owned(),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// List offices: all for an admin, their own for a caseworker.
#[utoipa::path(
    get, path = "/v1/offices", tag = "offices",
    responses(
        (status = 200, description = "Offices", body = Page<Office>),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not an admin or caseworker", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn list_offices(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Page<Office>>, ApiError> {
    principal.require(&[Role::Admin, Role::Caseworker])?;
    let items = state
        .store
        .list_offices()
        .await?
        .into_iter()
        .filter(|o| principal.sees_office(o.id))
        .map(Office::from)
        .collect();
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

/// One office.
#[utoipa::path(
    get, path = "/v1/offices/{id}", tag = "offices",
    params(("id" = Uuid, Path, description = "Office id")),
    responses(
        (status = 200, description = "The office", body = Office),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 404, description = "No such office visible to the caller", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn get_office(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<Office>, ApiError> {
    principal.require(&[Role::Admin, Role::Caseworker])?;
    if !principal.sees_office(id) {
        return Err(ApiError::NotFound("office"));
    }
    let row = state
        .store
        .get_office(id)
        .await?
        .ok_or(ApiError::NotFound("office"))?;
    Ok(Json(row.into()))
}

/// How many people a référent follows, by where they stand. A file that is `exited` is not
/// counted; `people` also counts files `placed` or `paused` with no live placement, so it may be
/// more than `waiting + proposed + active`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Counts {
    /// Every file followed, except `exited` ones.
    pub people: i64,
    /// Status `waiting`, with no proposal or placement in progress.
    pub waiting: i64,
    /// A proposal not started yet: a placement `proposed`, `accepted` or `confirmed`.
    pub proposed: i64,
    /// A placement in progress (`active`).
    pub active: i64,
}

impl From<CaseloadRow> for Counts {
    fn from(r: CaseloadRow) -> Self {
        Self {
            people: r.people,
            waiting: r.waiting,
            proposed: r.proposed,
            active: r.active,
        }
    }
}

/// One caseworker's caseload.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Caseload {
    /// The caseworker user.
    pub id: Uuid,
    /// Display name, or email when there is none.
    pub name: String,
    /// A disabled user keeps their people until someone else takes them.
    pub disabled: bool,
    #[serde(flatten)]
    pub counts: Counts,
}

/// An office's caseloads: every caseworker user of the office (those who follow nobody
/// included), in name order, and the people no one follows.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Caseloads {
    pub office_id: Uuid,
    pub caseworkers: Vec<Caseload>,
    /// People with no référent.
    pub unassigned: Counts,
}

/// Caseloads of an office: people per référent (caseworker of the office, or admin).
///
/// For each caseworker user of the office, and for the people with no référent: `people` (files
/// not `exited`), `waiting` (status `waiting`, no proposal or placement in progress), `proposed`
/// (a placement `proposed`, `accepted` or `confirmed`, not started yet) and `active` (a
/// placement in progress). Counts only: no file is read, nothing is audited.
#[utoipa::path(
    get, path = "/v1/offices/{id}/caseloads", tag = "offices",
    params(("id" = Uuid, Path, description = "Office id")),
    responses(
        (status = 200, description = "The office's caseloads", body = Caseloads),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not an admin or caseworker", body = Problem),
        (status = 404, description = "No such office visible to the caller", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn list_caseloads(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<Caseloads>, ApiError> {
    let loads = referents::caseloads(&state.store, &principal, id).await?;
    Ok(Json(Caseloads {
        office_id: loads.office_id,
        caseworkers: loads
            .caseworkers
            .into_iter()
            .map(|(user, load)| Caseload {
                id: user.id,
                name: user_name(&user.display_name, &user.email),
                disabled: user.disabled_at.is_some(),
                counts: load.into(),
            })
            .collect(),
        unassigned: loads.unassigned.into(),
    }))
}
