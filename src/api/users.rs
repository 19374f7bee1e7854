//! `/v1/users` (admins): the people who sign in. The same rules as `placematch user …`
//! ([`crate::app::accounts`]); a password is never shown back, and each change is audited.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::auth::{Principal, Role};
use super::error::{ApiError, Problem};
use super::extract::{ApiJson, IdPath};
use super::{AppState, Page};
use crate::app::accounts::{self, UserInput};
use crate::app::audit::{self, Action, Subject};
use crate::store::UserRow;

/// A user as the API shows it: no password, no hash.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    /// `admin`, `caseworker` or `host`.
    pub role: String,
    pub office_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    /// `fr`, `nl`, `de` or `en`.
    pub language: String,
    pub disabled: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_sign_in_at: Option<time::OffsetDateTime>,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        Self {
            id: r.id,
            email: r.email,
            display_name: r.display_name,
            role: r.role,
            office_id: r.office_id,
            organisation_id: r.organisation_id,
            language: r.language,
            disabled: r.disabled_at.is_some(),
            created_at: r.created_at,
            last_sign_in_at: r.last_sign_in_at,
        }
    }
}

/// Body of `POST /v1/users`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub email: String,
    #[serde(default)]
    pub display_name: String,
    /// `admin`, `caseworker` (with `office_id`) or `host` (with `organisation_id`).
    pub role: String,
    pub office_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    /// `fr` (the default), `nl`, `de` or `en`.
    pub language: Option<String>,
    /// At least 12 characters, not a common password. Left out, the user has no password
    /// and signs in only through the organisation's OpenID provider (same email).
    #[serde(default)]
    pub password: Option<String>,
}

/// Body of `PUT /v1/users/{id}/password`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPassword {
    /// At least 12 characters, not a common password.
    pub password: String,
}

fn subject(id: Uuid) -> Subject {
    Subject {
        kind: "user",
        id,
        office_id: None,
        organisation_id: None,
    }
}

/// Create a user (admin) who signs in with a password, or, without one, only through the
/// organisation's OpenID provider.
#[utoipa::path(
    post, path = "/v1/users", tag = "users",
    request_body = CreateUser,
    responses(
        (status = 201, description = "Created", body = User),
        (status = 400, description = "Malformed JSON", body = Problem),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not an admin", body = Problem),
        (status = 422, description = "Invalid fields (a taken email among them)", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn create_user(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<CreateUser>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    principal.require(&[Role::Admin])?;
    let row = accounts::create_user(
        &state.store,
        &UserInput {
            email: body.email,
            display_name: body.display_name,
            role: body.role,
            office_id: body.office_id,
            organisation_id: body.organisation_id,
            language: body.language,
            password: body.password,
        },
    )
    .await?;
    audit::record(&state.audit, &principal, Action::Create, subject(row.id)).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// List users (admin).
#[utoipa::path(
    get, path = "/v1/users", tag = "users",
    responses(
        (status = 200, description = "Users", body = Page<User>),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not an admin", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn list_users(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Page<User>>, ApiError> {
    principal.require(&[Role::Admin])?;
    let items = state
        .store
        .list_users()
        .await?
        .into_iter()
        .map(User::from)
        .collect();
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

/// Disable a user (admin): their sessions end at once and they can no longer sign in.
#[utoipa::path(
    post, path = "/v1/users/{id}/disable", tag = "users",
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 200, description = "The user, disabled", body = User),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not an admin", body = Problem),
        (status = 404, description = "No such user", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn disable_user(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<User>, ApiError> {
    principal.require(&[Role::Admin])?;
    if !state
        .store
        .disable_user(id, time::OffsetDateTime::now_utc())
        .await?
    {
        return Err(ApiError::NotFound("user"));
    }
    audit::record(&state.audit, &principal, Action::Update, subject(id)).await?;
    let row = state
        .store
        .get_user(id)
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    Ok(Json(row.into()))
}

/// Set a user's password (admin): their sessions end.
#[utoipa::path(
    put, path = "/v1/users/{id}/password", tag = "users",
    params(("id" = Uuid, Path, description = "User id")),
    request_body = SetPassword,
    responses(
        (status = 204, description = "Set"),
        (status = 400, description = "Malformed JSON", body = Problem),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not an admin", body = Problem),
        (status = 404, description = "No such user", body = Problem),
        (status = 422, description = "Refused password", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn set_password(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<SetPassword>,
) -> Result<StatusCode, ApiError> {
    principal.require(&[Role::Admin])?;
    let user = state
        .store
        .get_user(id)
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    accounts::reset_password(&state.store, &user, &body.password).await?;
    audit::record(&state.audit, &principal, Action::Update, subject(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
