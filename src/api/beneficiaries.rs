//! `/v1/beneficiaries`: the files of the people an office follows. A caseworker works on their
//! own office's files only, an admin on all. Every read and write is audited; `export` gives
//! everything held on a person and `DELETE` erases it.

use crate::i18n::Msg;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use crate::resource::beneficiary::*;

use super::auth::{Principal, Role};
use super::error::{ApiError, FieldError, Problem};
use super::extract::{ApiJson, ApiQuery, IdPath};
use super::placements::Placement;
use super::validate::{self};
use super::{AppState, Page, page_cursor, page_limit};
use crate::app::audit::{self, Action, Subject};
use crate::app::referents;
use crate::store::{
    BeneficiaryFields, BeneficiaryFilter, BeneficiaryRow, PlacementFilter, ReferentAssignmentRow,
};

/// Validates every field of a file, one error per bad field. `country` is the office's: a
/// location given by place name is looked up there unless it names its own.
pub fn validate_input(
    input: &BeneficiaryInput,
    today: time::Date,
    country: Option<&str>,
) -> Result<BeneficiaryFields, ApiError> {
    check_input(input, today, country).map_err(ApiError::Validation)
}

/// Loads a file the caller may see, or 404 exactly as if it did not exist.
pub async fn visible_beneficiary(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
) -> Result<BeneficiaryRow, ApiError> {
    principal.require(&[Role::Admin, Role::Caseworker])?;
    state
        .store
        .get_beneficiary(id)
        .await?
        .filter(|b| principal.sees_office(b.office_id))
        .ok_or(ApiError::NotFound("beneficiary"))
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// Open a file (caseworker of the office, or admin).
#[utoipa::path(
    post, path = "/v1/beneficiaries", tag = "beneficiaries",
    request_body = BeneficiaryInput,
    responses(
        (status = 201, description = "Created", body = Beneficiary),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not a caseworker or admin", body = Problem),
        (status = 404, description = "Office not visible", body = Problem),
        (status = 409, description = "The external reference is already used in this office", body = Problem),
        (status = 422, description = "Invalid fields, one entry each", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn create_beneficiary(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(input): ApiJson<BeneficiaryInput>,
) -> Result<(StatusCode, Json<Beneficiary>), ApiError> {
    principal.require(&[Role::Admin, Role::Caseworker])?;
    let office_id = match (principal.role, input.office_id) {
        (Role::Caseworker, None) => principal
            .office_id
            .expect("a caseworker token names its office"),
        (_, Some(o)) if principal.sees_office(o) => o,
        (Role::Caseworker, Some(_)) => return Err(ApiError::NotFound("office")),
        _ => {
            return Err(ApiError::field(
                "office_id",
                Msg::new("field-required-for-admin"),
            ));
        }
    };
    let office = state
        .store
        .get_office(office_id)
        .await?
        .ok_or(ApiError::NotFound("office"))?;
    let fields = validate_input(&input, today(), Some(&office.country))?;
    let row = state.store.create_beneficiary(office_id, &fields).await?;
    audit::record(
        &state.audit,
        &principal,
        Action::Create,
        Subject::beneficiary(row.id, office_id),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// Read a file.
#[utoipa::path(
    get, path = "/v1/beneficiaries/{id}", tag = "beneficiaries",
    params(("id" = Uuid, Path, description = "Beneficiary id")),
    responses(
        (status = 200, description = "The file", body = Beneficiary),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not a caseworker or admin", body = Problem),
        (status = 404, description = "Not visible to the caller", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn get_beneficiary(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<Beneficiary>, ApiError> {
    let row = visible_beneficiary(&state, &principal, id).await?;
    audit::record(
        &state.audit,
        &principal,
        Action::Read,
        Subject::beneficiary(id, row.office_id),
    )
    .await?;
    Ok(Json(row.into()))
}

/// Change some fields of a file; the result is validated whole. An absent field is left as it
/// is; `null` clears an optional one (`birth_date`, `address`).
#[utoipa::path(
    patch, path = "/v1/beneficiaries/{id}", tag = "beneficiaries",
    params(("id" = Uuid, Path, description = "Beneficiary id")),
    request_body = BeneficiaryInput,
    responses(
        (status = 200, description = "The file after the change", body = Beneficiary),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 404, description = "Not visible to the caller", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn update_beneficiary(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Json<Beneficiary>, ApiError> {
    // Read twice: typed, with the usual field errors, and as JSON to tell `null` from absent.
    let patch: BeneficiaryInput = super::extract::parse_json(body.to_string().as_bytes())?;
    let cleared = |field: &str| body.get(field).is_some_and(serde_json::Value::is_null);
    let current = visible_beneficiary(&state, &principal, id).await?;
    if patch.office_id.is_some_and(|o| o != current.office_id) {
        return Err(ApiError::field(
            "office_id",
            Msg::new("beneficiary-cannot-move"),
        ));
    }
    let country = state
        .store
        .get_office(current.office_id)
        .await?
        .map(|o| o.country);
    let mut base = as_input(&current);
    if cleared("birth_date") {
        base.birth_date = None;
    }
    if cleared("address") {
        base.address = None;
    }
    let fields = validate_input(&merge(base, patch), today(), country.as_deref())?;
    let row = state
        .store
        .update_beneficiary(id, &fields)
        .await?
        .ok_or(ApiError::NotFound("beneficiary"))?;
    audit::record(
        &state.audit,
        &principal,
        Action::Update,
        Subject::beneficiary(id, row.office_id),
    )
    .await?;
    Ok(Json(row.into()))
}

/// Query of the beneficiary list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BeneficiaryQuery {
    /// `waiting`, `placed`, `paused` or `exited`.
    pub status: Option<String>,
    /// The office's file number.
    pub external_ref: Option<String>,
    /// An admin may narrow to one office; a caseworker always sees their own.
    pub office_id: Option<Uuid>,
    /// Whose people: `me` (the signed-in user's; a token has no user, so it gives the id),
    /// `none` (people nobody follows) or a user's id.
    pub referent: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// List files of the caller's office (all offices for an admin).
#[utoipa::path(
    get, path = "/v1/beneficiaries", tag = "beneficiaries",
    params(BeneficiaryQuery),
    responses(
        (status = 200, description = "A page of files", body = Page<Beneficiary>),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not a caseworker or admin", body = Problem),
        (status = 422, description = "Invalid query", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn list_beneficiaries(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(q): ApiQuery<BeneficiaryQuery>,
) -> Result<Json<Page<Beneficiary>>, ApiError> {
    principal.require(&[Role::Admin, Role::Caseworker])?;
    let limit = page_limit(q.limit)?;
    let after = page_cursor(q.cursor.as_deref())?;
    if let Some(s) = &q.status {
        let mut e = Vec::new();
        if !validate::choice("status", s, BENEFICIARY_STATUSES, &mut e) {
            return Err(ApiError::Validation(e));
        }
    }
    let referent = q
        .referent
        .as_deref()
        .map(|r| referents::referent_filter(&principal, r))
        .transpose()?;
    let Some(office_id) = principal.office_filter(q.office_id) else {
        return Ok(Json(Page::empty()));
    };
    let filter = BeneficiaryFilter {
        office_id,
        status: q.status,
        external_ref: q.external_ref,
        referent,
    };
    let rows = state
        .store
        .list_beneficiaries(&filter, after, limit + 1)
        .await?;
    let page = Page::from_rows(rows, limit, |r| r.id, Beneficiary::from);
    for b in &page.items {
        audit::record(
            &state.audit,
            &principal,
            Action::Read,
            Subject::beneficiary(b.id, b.office_id),
        )
        .await?;
    }
    Ok(Json(page))
}

/// Body of `PUT /v1/beneficiaries/{id}/referent`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetReferent {
    /// The caseworker user who follows the person from now on (an enabled caseworker of the
    /// person's office), or `null` for nobody.
    pub user_id: Option<Uuid>,
}

/// Set or clear a person's référent (caseworker of the office, or admin). The current period of
/// the history ends and a new one starts; giving the current référent again changes nothing.
#[utoipa::path(
    put, path = "/v1/beneficiaries/{id}/referent", tag = "beneficiaries",
    params(("id" = Uuid, Path, description = "Beneficiary id")),
    request_body = SetReferent,
    responses(
        (status = 200, description = "The file with its référent", body = Beneficiary),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not a caseworker or admin", body = Problem),
        (status = 404, description = "Not visible to the caller", body = Problem),
        (status = 422, description = "`user_id` is not an enabled caseworker of the person's office", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn set_referent(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<SetReferent>,
) -> Result<Json<Beneficiary>, ApiError> {
    let row = referents::set_referent(
        &state.store,
        &state.audit,
        &principal,
        id,
        body.user_id,
        "user_id",
    )
    .await?;
    Ok(Json(row.into()))
}

/// One period of a person's référent history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReferentPeriod {
    /// Who followed the person; `null` for a period with no référent.
    pub referent: Option<Referent>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub assigned_at: time::OffsetDateTime,
    /// `null` while the period lasts.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ended_at: Option<time::OffsetDateTime>,
    /// The signed-in user who made the change; `null` for a token or the command line.
    pub assigned_by: Option<Referent>,
    /// The role that made the change: `admin`, `caseworker`, or `command_line` for an import
    /// run on the server.
    pub assigned_by_role: String,
}

impl From<ReferentAssignmentRow> for ReferentPeriod {
    fn from(r: ReferentAssignmentRow) -> Self {
        Self {
            referent: r.user_id.map(|id| Referent {
                id,
                name: r.user_name.unwrap_or_default(),
            }),
            assigned_at: r.assigned_at,
            ended_at: r.ended_at,
            assigned_by: r.assigned_by_user_id.map(|id| Referent {
                id,
                name: r.assigned_by_name.unwrap_or_default(),
            }),
            assigned_by_role: r.assigned_by_role,
        }
    }
}

/// A person's référents over time, oldest first (caseworker of the office, or admin).
#[utoipa::path(
    get, path = "/v1/beneficiaries/{id}/referents", tag = "beneficiaries",
    params(("id" = Uuid, Path, description = "Beneficiary id")),
    responses(
        (status = 200, description = "Every period, the current one last", body = Page<ReferentPeriod>),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not a caseworker or admin", body = Problem),
        (status = 404, description = "Not visible to the caller", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn list_referents(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<Page<ReferentPeriod>>, ApiError> {
    let history = referents::referent_history(&state.store, &state.audit, &principal, id).await?;
    Ok(Json(Page {
        items: history.into_iter().map(ReferentPeriod::from).collect(),
        next_cursor: None,
    }))
}

/// Everything held on one person.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BeneficiaryExport {
    pub beneficiary: Beneficiary,
    pub placements: Vec<Placement>,
    /// Who followed the person, and when.
    pub referents: Vec<ReferentPeriod>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub exported_at: time::OffsetDateTime,
}

/// Export everything held on a person (right of access), as JSON.
#[utoipa::path(
    get, path = "/v1/beneficiaries/{id}/export", tag = "beneficiaries",
    params(("id" = Uuid, Path, description = "Beneficiary id")),
    responses(
        (status = 200, description = "The file, its placements and its référents", body = BeneficiaryExport),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 404, description = "Not visible to the caller", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn export_beneficiary(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<BeneficiaryExport>, ApiError> {
    let row = visible_beneficiary(&state, &principal, id).await?;
    let mut placements = Vec::new();
    let mut after = None;
    loop {
        let filter = PlacementFilter {
            beneficiary_id: Some(id),
            ..Default::default()
        };
        let page = state.store.list_placements(&filter, after, 200).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        placements.extend(page.into_iter().map(Placement::from));
    }
    audit::record(
        &state.audit,
        &principal,
        Action::Export,
        Subject::beneficiary(id, row.office_id),
    )
    .await?;
    let referents = state.store.referent_history(id).await?;
    Ok(Json(BeneficiaryExport {
        beneficiary: row.into(),
        placements,
        referents: referents.into_iter().map(ReferentPeriod::from).collect(),
        exported_at: time::OffsetDateTime::now_utc(),
    }))
}

/// Erase a person's file with its placements (right to erasure). The audit trail keeps only the
/// random id and the fact of the erasure.
#[utoipa::path(
    delete, path = "/v1/beneficiaries/{id}", tag = "beneficiaries",
    params(("id" = Uuid, Path, description = "Beneficiary id")),
    responses(
        (status = 204, description = "Erased"),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 404, description = "Not visible to the caller", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn delete_beneficiary(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    let row = visible_beneficiary(&state, &principal, id).await?;
    if !state.store.delete_beneficiary(id).await? {
        return Err(ApiError::NotFound("beneficiary"));
    }
    audit::record(
        &state.audit,
        &principal,
        Action::Delete,
        Subject::beneficiary(id, row.office_id),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::Validation(vec![e])
    }
}
