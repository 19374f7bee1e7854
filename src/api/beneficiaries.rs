//! `/v1/beneficiaries`: the files of the people an office follows. A caseworker works on their
//! own office's files only, an admin on all. Every read and write is audited; `export` gives
//! everything held on a person and `DELETE` erases it.

use crate::domain::limits;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::audit::{self, Action};
use super::auth::{Principal, Role};
use super::error::{ApiError, FieldError, Problem};
use super::extract::{ApiJson, ApiQuery, IdPath};
use super::offices::validate_name;
use super::placements::Placement;
use super::validate::{self, LanguageSkill, SkillInput};
use super::{AppState, Location, LocationInput, Page, page_cursor, page_limit};
use crate::store::{
    BeneficiaryFields, BeneficiaryFilter, BeneficiaryRow, LanguageRecord, PlacementFilter,
};

/// Statuses of a file.
/// The longest trip a person may accept, in minutes (the schema's CHECK says the same).
pub const MAX_TRIP_MINUTES: i32 = 240;

pub const BENEFICIARY_STATUSES: &[&str] = &["waiting", "placed", "paused", "exited"];
/// Health limits a person may declare; each excludes openings with the physical demand of the
/// same name (see `validate::PHYSICAL_DEMANDS`).
pub const HEALTH_LIMITS: &[&str] = validate::PHYSICAL_DEMANDS;

/// A beneficiary's file as a caseworker sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Beneficiary {
    pub id: Uuid,
    pub office_id: Uuid,
    /// The office's own reference (file number), unique within the office.
    pub external_ref: Option<String>,
    pub given_name: String,
    pub family_name: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub birth_date: Option<time::Date>,
    pub address: Option<String>,
    pub location: Location,
    /// `walk`, `bike`, `public_transport` or `car`.
    pub mobility: String,
    /// Longest one-way trip the person accepts, in minutes.
    pub max_trip_minutes: i32,
    pub hours_per_week: f64,
    #[schema(value_type = String, format = Date)]
    pub earliest_start: time::Date,
    #[schema(value_type = String, format = Date)]
    pub waiting_since: time::Date,
    pub skills: Vec<SkillInput>,
    pub languages: Vec<LanguageSkill>,
    /// e.g. `heavy_lifting`: openings with that physical demand are excluded.
    pub health_limits: Vec<String>,
    /// Sectors the person refuses.
    pub refused_sectors: Vec<String>,
    /// `waiting`, `placed`, `paused` or `exited`.
    pub status: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: time::OffsetDateTime,
}

impl From<BeneficiaryRow> for Beneficiary {
    fn from(r: BeneficiaryRow) -> Self {
        Self {
            id: r.id,
            office_id: r.office_id,
            external_ref: r.external_ref,
            given_name: r.given_name,
            family_name: r.family_name,
            birth_date: r.birth_date,
            address: r.address,
            location: Location {
                lon: r.lon,
                lat: r.lat,
            },
            mobility: r.mobility,
            max_trip_minutes: r.max_trip_minutes,
            hours_per_week: r.hours_per_week,
            earliest_start: r.earliest_start,
            waiting_since: r.waiting_since,
            skills: r.skills.0.into_iter().map(SkillInput::from).collect(),
            languages: r
                .languages
                .into_iter()
                .map(|l| LanguageSkill {
                    language: l.language,
                    level: l.level,
                })
                .collect(),
            health_limits: r.health_limits.0,
            refused_sectors: r.refused_sectors.0,
            status: r.status,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Body of `POST /v1/beneficiaries`, and (every field optional) of `PATCH`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BeneficiaryInput {
    /// Required for an admin; a caseworker's token decides it.
    pub office_id: Option<Uuid>,
    pub external_ref: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub birth_date: Option<String>,
    pub address: Option<String>,
    /// `{"lon", "lat"}` or `{"postcode", "locality", "country"}` (country defaults to the
    /// office's).
    pub location: Option<LocationInput>,
    pub mobility: Option<String>,
    /// 1 to 240 minutes.
    pub max_trip_minutes: Option<i32>,
    /// More than 0, at most 60.
    pub hours_per_week: Option<f64>,
    #[schema(value_type = Option<String>, format = Date)]
    pub earliest_start: Option<String>,
    /// Defaults to today.
    #[schema(value_type = Option<String>, format = Date)]
    pub waiting_since: Option<String>,
    pub skills: Option<Vec<SkillInput>>,
    pub languages: Option<Vec<LanguageSkill>>,
    pub health_limits: Option<Vec<String>>,
    pub refused_sectors: Option<Vec<String>>,
    /// `waiting` (default), `placed`, `paused` or `exited`.
    pub status: Option<String>,
}

fn as_input(r: &BeneficiaryRow) -> BeneficiaryInput {
    BeneficiaryInput {
        office_id: Some(r.office_id),
        external_ref: r.external_ref.clone(),
        given_name: Some(r.given_name.clone()),
        family_name: Some(r.family_name.clone()),
        birth_date: r.birth_date.map(|d| d.to_string()),
        address: r.address.clone(),
        location: Some(
            Location {
                lon: r.lon,
                lat: r.lat,
            }
            .into(),
        ),
        mobility: Some(r.mobility.clone()),
        max_trip_minutes: Some(r.max_trip_minutes),
        hours_per_week: Some(r.hours_per_week),
        earliest_start: Some(r.earliest_start.to_string()),
        waiting_since: Some(r.waiting_since.to_string()),
        skills: Some(r.skills.0.iter().cloned().map(SkillInput::from).collect()),
        languages: Some(
            r.languages
                .iter()
                .map(|l| LanguageSkill {
                    language: l.language.clone(),
                    level: l.level.clone(),
                })
                .collect(),
        ),
        health_limits: Some(r.health_limits.0.clone()),
        refused_sectors: Some(r.refused_sectors.0.clone()),
        status: Some(r.status.clone()),
    }
}

fn merge(base: BeneficiaryInput, patch: BeneficiaryInput) -> BeneficiaryInput {
    BeneficiaryInput {
        office_id: patch.office_id.or(base.office_id),
        external_ref: patch.external_ref.or(base.external_ref),
        given_name: patch.given_name.or(base.given_name),
        family_name: patch.family_name.or(base.family_name),
        birth_date: patch.birth_date.or(base.birth_date),
        address: patch.address.or(base.address),
        location: patch.location.or(base.location),
        mobility: patch.mobility.or(base.mobility),
        max_trip_minutes: patch.max_trip_minutes.or(base.max_trip_minutes),
        hours_per_week: patch.hours_per_week.or(base.hours_per_week),
        earliest_start: patch.earliest_start.or(base.earliest_start),
        waiting_since: patch.waiting_since.or(base.waiting_since),
        skills: patch.skills.or(base.skills),
        languages: patch.languages.or(base.languages),
        health_limits: patch.health_limits.or(base.health_limits),
        refused_sectors: patch.refused_sectors.or(base.refused_sectors),
        status: patch.status.or(base.status),
    }
}

/// Validates every field of a file, one error per bad field. `country` is the office's: a
/// location given by place name is looked up there unless it names its own.
pub fn validate_input(
    input: &BeneficiaryInput,
    today: time::Date,
    country: Option<&str>,
) -> Result<BeneficiaryFields, ApiError> {
    check_input(input, today, country).map_err(ApiError::Validation)
}

/// The rules of [`validate_input`], as the list of everything wrong (the API and file imports).
pub fn check_input(
    input: &BeneficiaryInput,
    today: time::Date,
    country: Option<&str>,
) -> Result<BeneficiaryFields, Vec<FieldError>> {
    let mut e = Vec::new();
    let given_name = match &input.given_name {
        Some(n) => validate_name("given_name", n, &mut e),
        None => validate::missing("given_name", &mut e),
    };
    let family_name = match &input.family_name {
        Some(n) => validate_name("family_name", n, &mut e),
        None => validate::missing("family_name", &mut e),
    };
    let external_ref =
        validate::external_ref("external_ref", input.external_ref.as_deref(), &mut e);
    let birth_date = validate::optional_date("birth_date", input.birth_date.as_deref(), &mut e);
    if birth_date.is_some_and(|b| b > today) {
        e.push(FieldError::new("birth_date", "is in the future"));
    }
    let location = validate::location("location", input.location.as_ref(), country, &mut e);
    let mobility = validate::required_choice(
        "mobility",
        input.mobility.as_deref(),
        validate::MOBILITIES,
        &mut e,
    );
    let max_trip_minutes = match input.max_trip_minutes {
        Some(m) if (1..=MAX_TRIP_MINUTES).contains(&m) => m,
        Some(m) => {
            e.push(FieldError::new(
                "max_trip_minutes",
                format!("must be 1 to {MAX_TRIP_MINUTES} minutes, got {m}"),
            ));
            1
        }
        None => validate::missing::<i32>("max_trip_minutes", &mut e),
    };
    let hours_per_week = validate::hours("hours_per_week", input.hours_per_week, &mut e);
    let earliest_start =
        validate::optional_date("earliest_start", input.earliest_start.as_deref(), &mut e);
    let waiting_since =
        validate::optional_date("waiting_since", input.waiting_since.as_deref(), &mut e);
    if waiting_since.is_some_and(|w| w > today) {
        e.push(FieldError::new("waiting_since", "is in the future"));
    }
    let skills = validate::skills("skills", input.skills.as_deref(), &mut e);
    let languages = validate::languages(
        "languages",
        input
            .languages
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|l| (l.language.as_str(), l.level.as_str())),
        "level",
        &mut e,
    );
    let health_limits = validate::choices(
        "health_limits",
        input.health_limits.as_deref().unwrap_or_default(),
        HEALTH_LIMITS,
        &mut e,
    );
    let refused_sectors = validate::sectors(
        "refused_sectors",
        input.refused_sectors.as_deref().unwrap_or_default(),
        &mut e,
    );
    let address =
        validate::optional_text("address", input.address.as_deref(), limits::ADDRESS, &mut e);
    let status = input.status.clone().unwrap_or_else(|| "waiting".to_owned());
    validate::choice("status", &status, BENEFICIARY_STATUSES, &mut e);
    if !e.is_empty() {
        return Err(e);
    }
    Ok(BeneficiaryFields {
        external_ref,
        given_name,
        family_name,
        birth_date,
        address,
        lon: location.lon,
        lat: location.lat,
        mobility,
        max_trip_minutes,
        hours_per_week,
        earliest_start: earliest_start.unwrap_or(today),
        waiting_since: waiting_since.unwrap_or(today),
        skills,
        languages: languages
            .into_iter()
            .map(|(language, level)| LanguageRecord { language, level })
            .collect(),
        health_limits,
        refused_sectors,
        status,
    })
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
        _ => return Err(ApiError::field("office_id", "required for an admin")),
    };
    let office = state
        .store
        .get_office(office_id)
        .await?
        .ok_or(ApiError::NotFound("office"))?;
    let fields = validate_input(&input, today(), Some(&office.country))?;
    let row = state.store.create_beneficiary(office_id, &fields).await?;
    audit::record(
        &state,
        &principal,
        Action::Create,
        "beneficiary",
        row.id,
        Some(office_id),
        None,
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
        &state,
        &principal,
        Action::Read,
        "beneficiary",
        id,
        Some(row.office_id),
        None,
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
            "a file cannot move to another office here",
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
        &state,
        &principal,
        Action::Update,
        "beneficiary",
        id,
        Some(row.office_id),
        None,
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
    let office_id = match principal.role {
        Role::Caseworker => {
            if q.office_id.is_some_and(|o| Some(o) != principal.office_id) {
                return Ok(Json(Page {
                    items: vec![],
                    next_cursor: None,
                }));
            }
            principal.office_id
        }
        _ => q.office_id,
    };
    let filter = BeneficiaryFilter {
        office_id,
        status: q.status,
        external_ref: q.external_ref,
    };
    let rows = state
        .store
        .list_beneficiaries(&filter, after, limit + 1)
        .await?;
    let page = Page::from_rows(rows, limit, |r| r.id, Beneficiary::from);
    for b in &page.items {
        audit::record(
            &state,
            &principal,
            Action::Read,
            "beneficiary",
            b.id,
            Some(b.office_id),
            None,
        )
        .await?;
    }
    Ok(Json(page))
}

/// Everything held on one person.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BeneficiaryExport {
    pub beneficiary: Beneficiary,
    pub placements: Vec<Placement>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub exported_at: time::OffsetDateTime,
}

/// Export everything held on a person (right of access), as JSON.
#[utoipa::path(
    get, path = "/v1/beneficiaries/{id}/export", tag = "beneficiaries",
    params(("id" = Uuid, Path, description = "Beneficiary id")),
    responses(
        (status = 200, description = "The file and its placements", body = BeneficiaryExport),
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
        &state,
        &principal,
        Action::Export,
        "beneficiary",
        id,
        Some(row.office_id),
        None,
    )
    .await?;
    Ok(Json(BeneficiaryExport {
        beneficiary: row.into(),
        placements,
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
    state.invalidate_openings();
    audit::record(
        &state,
        &principal,
        Action::Delete,
        "beneficiary",
        id,
        Some(row.office_id),
        None,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::Validation(vec![e])
    }
}
