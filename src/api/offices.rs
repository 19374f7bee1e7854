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
use crate::domain::{Country, Programme};
use crate::store::{NewOffice, OfficeRow};

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
