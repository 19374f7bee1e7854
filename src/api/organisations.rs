//! `/v1/organisations`: host organisations (communes, non-profits, foundations, public bodies,
//! CPAS, social-economy firms, private employers). Admins manage them; a host sees its own.

use crate::domain::limits;
use crate::i18n::Msg;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use crate::resource::organisation::*;

use super::auth::{Principal, Role};
use super::error::{ApiError, FieldError, Problem};
use super::extract::{ApiJson, IdPath};
use super::{AppState, LocationInput, Page};

/// Body of `POST /v1/organisations`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrganisation {
    /// Unique across the service; imports update by it.
    #[serde(default)]
    pub external_ref: Option<String>,
    pub name: String,
    pub kind: OrganisationKind,
    #[serde(default)]
    pub address: Option<String>,
    /// `{"lon", "lat"}` or `{"postcode", "locality", "country"}`.
    pub location: LocationInput,
    /// 0 or more; omit for no cap.
    #[serde(default)]
    pub monthly_intake_cap: Option<i32>,
}

/// Create a host organisation (admin).
#[utoipa::path(
    post, path = "/v1/organisations", tag = "organisations",
    request_body = CreateOrganisation,
    responses(
        (status = 201, description = "Created", body = Organisation),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not an admin", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn create_organisation(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<CreateOrganisation>,
) -> Result<(StatusCode, Json<Organisation>), ApiError> {
    principal.require(&[Role::Admin])?;
    let new = check_input(&OrganisationInput {
        external_ref: body.external_ref,
        name: Some(body.name),
        kind: Some(body.kind.as_str().to_owned()),
        address: body.address,
        location: Some(body.location),
        monthly_intake_cap: body.monthly_intake_cap,
    })
    .map_err(ApiError::Validation)?;
    let row = state.store.create_organisation(&new).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// List organisations: all for an admin or caseworker, its own for a host.
#[utoipa::path(
    get, path = "/v1/organisations", tag = "organisations",
    responses(
        (status = 200, description = "Organisations", body = Page<Organisation>),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "A scheduler token", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn list_organisations(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Page<Organisation>>, ApiError> {
    principal.require(&[Role::Admin, Role::Caseworker, Role::Host])?;
    let items = state
        .store
        .list_organisations()
        .await?
        .into_iter()
        .filter(|o| principal.role != Role::Host || principal.manages_organisation(o.id))
        .map(Organisation::from)
        .collect();
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

/// One organisation.
#[utoipa::path(
    get, path = "/v1/organisations/{id}", tag = "organisations",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The organisation", body = Organisation),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 404, description = "No such organisation visible to the caller", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn get_organisation(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<Organisation>, ApiError> {
    principal.require(&[Role::Admin, Role::Caseworker, Role::Host])?;
    if principal.role == Role::Host && !principal.manages_organisation(id) {
        return Err(ApiError::NotFound("organisation"));
    }
    let row = state
        .store
        .get_organisation(id)
        .await?
        .ok_or(ApiError::NotFound("organisation"))?;
    Ok(Json(row.into()))
}

/// The offices whose people an organisation may see among its openings' candidates.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServedOffices {
    /// At most 50 offices.
    pub office_ids: Vec<Uuid>,
}

/// Most offices one organisation may serve.
const MAX_SERVED_OFFICES: usize = 50;

/// The offices an organisation serves (admin, or the organisation's host).
#[utoipa::path(
    get, path = "/v1/organisations/{id}/offices", tag = "organisations",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The offices served", body = ServedOffices),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 404, description = "No such organisation visible to the caller", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn get_served_offices(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<ServedOffices>, ApiError> {
    principal.require(&[Role::Admin, Role::Host])?;
    if principal.role == Role::Host && !principal.manages_organisation(id) {
        return Err(ApiError::NotFound("organisation"));
    }
    state
        .store
        .get_organisation(id)
        .await?
        .ok_or(ApiError::NotFound("organisation"))?;
    Ok(Json(ServedOffices {
        office_ids: state.store.served_offices(id).await?,
    }))
}

/// Say which offices' people an organisation may see as candidates (admin only: a host that
/// chose would choose whom to look at).
#[utoipa::path(
    put, path = "/v1/organisations/{id}/offices", tag = "organisations",
    params(("id" = Uuid, Path, description = "Organisation id")),
    request_body = ServedOffices,
    responses(
        (status = 200, description = "The offices now served", body = ServedOffices),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not an admin", body = Problem),
        (status = 404, description = "No such organisation", body = Problem),
        (status = 422, description = "An unknown office, or too many", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn set_served_offices(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<ServedOffices>,
) -> Result<Json<ServedOffices>, ApiError> {
    principal.require(&[Role::Admin])?;
    state
        .store
        .get_organisation(id)
        .await?
        .ok_or(ApiError::NotFound("organisation"))?;
    let mut errors = Vec::new();
    if let Some(m) = limits::count(body.office_ids.len(), MAX_SERVED_OFFICES) {
        errors.push(FieldError::new("office_ids", m));
    } else {
        for (i, office) in body.office_ids.iter().enumerate() {
            if state.store.get_office(*office).await?.is_none() {
                errors.push(FieldError::new(
                    format!("office_ids[{i}]"),
                    Msg::new("field-no-such-office"),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut offices = body.office_ids;
    offices.sort();
    offices.dedup();
    state.store.set_served_offices(id, &offices).await?;
    Ok(Json(ServedOffices {
        office_ids: offices,
    }))
}
