//! `/v1/openings`: posts offered by host organisations. A host manages its own organisation's
//! openings, an admin all of them; caseworkers read them (they are not personal data). Lists
//! filter by kind, status, distance from a point and skill text, with cursor pages.

use crate::domain::limits;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::auth::{Principal, Role};
use super::error::{ApiError, FieldError, Problem};
use super::extract::{ApiJson, ApiQuery, IdPath};
use super::offices::validate_name;
use super::validate::{self, LanguageRequirement, SkillInput};
use super::{AppState, Location, LocationInput, Page, page_cursor, page_limit};
use crate::store::{
    BasisHold, LanguageRecord, OpeningFields, OpeningFilter, OpeningRow, SkillRecord,
};

/// An opening as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Opening {
    pub id: Uuid,
    pub organisation_id: Uuid,
    /// The host's own reference for the post, unique within the organisation.
    pub external_ref: Option<String>,
    pub title: String,
    pub tasks: String,
    /// `public_utility_work`, `article_60`, `article_61` or `immersion`.
    pub kind: String,
    pub sector: String,
    /// Programmes whose people may take it: `revis`, `cpas_ris`, `rsa`.
    pub programmes: Vec<String>,
    pub location: Location,
    pub seats: i32,
    /// Seats held by live placements (proposed, accepted, confirmed, active).
    pub seats_taken: i64,
    pub seats_left: i64,
    pub hours_per_week: f64,
    #[schema(value_type = String, format = Date)]
    pub start_date: time::Date,
    #[schema(value_type = Option<String>, format = Date)]
    pub end_date: Option<time::Date>,
    pub required_skills: Vec<SkillInput>,
    pub wanted_skills: Vec<SkillInput>,
    pub languages: Vec<LanguageRequirement>,
    pub physical_demands: Vec<String>,
    pub tutor: Option<String>,
    /// `open`, `paused` or `closed`.
    pub status: String,
    /// Why it is paused or closed (e.g. not updated for 90 days).
    pub status_reason: Option<String>,
    /// Set while a host's change to programmes, physical demands or place is held: candidates
    /// follow the change from then on (or from an admin's review).
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub candidates_from: Option<time::OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: time::OffsetDateTime,
}

impl From<OpeningRow> for Opening {
    fn from(r: OpeningRow) -> Self {
        Self {
            id: r.id,
            organisation_id: r.organisation_id,
            external_ref: r.external_ref,
            title: r.title,
            tasks: r.tasks,
            kind: r.kind,
            sector: r.sector,
            programmes: r.programmes.0,
            location: Location {
                lon: r.lon,
                lat: r.lat,
            },
            seats: r.seats,
            seats_taken: r.seats_taken,
            seats_left: (i64::from(r.seats) - r.seats_taken).max(0),
            hours_per_week: r.hours_per_week,
            start_date: r.start_date,
            end_date: r.end_date,
            required_skills: r
                .required_skills
                .0
                .into_iter()
                .map(SkillInput::from)
                .collect(),
            wanted_skills: r
                .wanted_skills
                .0
                .into_iter()
                .map(SkillInput::from)
                .collect(),
            languages: r
                .languages
                .into_iter()
                .map(|l| LanguageRequirement {
                    language: l.language,
                    min_level: l.level,
                })
                .collect(),
            physical_demands: r.physical_demands.0,
            tutor: r.tutor,
            status: r.status,
            status_reason: r.status_reason,
            candidates_from: r
                .candidates_from
                .filter(|&from| from > time::OffsetDateTime::now_utc()),
            updated_at: r.updated_at,
        }
    }
}

/// Body of `POST /v1/openings`, and (every field optional) of `PATCH /v1/openings/{id}`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpeningInput {
    /// Required for an admin; a host's token decides it (and may not name another).
    pub organisation_id: Option<Uuid>,
    /// The host's own reference, unique within the organisation; imports update by it.
    pub external_ref: Option<String>,
    pub title: Option<String>,
    pub tasks: Option<String>,
    /// `public_utility_work`, `article_60`, `article_61` or `immersion`.
    pub kind: Option<String>,
    pub sector: Option<String>,
    /// At least one of `revis`, `cpas_ris`, `rsa`.
    pub programmes: Option<Vec<String>>,
    /// `{"lon", "lat"}` or `{"postcode", "locality", "country"}`.
    pub location: Option<LocationInput>,
    /// 0 or more.
    pub seats: Option<i32>,
    /// More than 0, at most 60.
    pub hours_per_week: Option<f64>,
    #[schema(value_type = Option<String>, format = Date)]
    pub start_date: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub end_date: Option<String>,
    pub required_skills: Option<Vec<SkillInput>>,
    pub wanted_skills: Option<Vec<SkillInput>>,
    /// Minimum CEFR level per language.
    pub languages: Option<Vec<LanguageRequirement>>,
    pub physical_demands: Option<Vec<String>>,
    pub tutor: Option<String>,
    /// `open` (default), `paused` or `closed`.
    pub status: Option<String>,
    pub status_reason: Option<String>,
}

/// Current fields as an input, so a PATCH merges into them and the result is validated whole.
fn as_input(r: &OpeningRow) -> OpeningInput {
    OpeningInput {
        organisation_id: Some(r.organisation_id),
        external_ref: r.external_ref.clone(),
        title: Some(r.title.clone()),
        tasks: Some(r.tasks.clone()),
        kind: Some(r.kind.clone()),
        sector: Some(r.sector.clone()),
        programmes: Some(r.programmes.0.clone()),
        location: Some(
            Location {
                lon: r.lon,
                lat: r.lat,
            }
            .into(),
        ),
        seats: Some(r.seats),
        hours_per_week: Some(r.hours_per_week),
        start_date: Some(r.start_date.to_string()),
        end_date: r.end_date.map(|d| d.to_string()),
        required_skills: Some(
            r.required_skills
                .0
                .iter()
                .cloned()
                .map(SkillInput::from)
                .collect(),
        ),
        wanted_skills: Some(
            r.wanted_skills
                .0
                .iter()
                .cloned()
                .map(SkillInput::from)
                .collect(),
        ),
        languages: Some(
            r.languages
                .iter()
                .map(|l| LanguageRequirement {
                    language: l.language.clone(),
                    min_level: l.level.clone(),
                })
                .collect(),
        ),
        physical_demands: Some(r.physical_demands.0.clone()),
        tutor: r.tutor.clone(),
        status: Some(r.status.clone()),
        status_reason: r.status_reason.clone(),
    }
}

fn merge(base: OpeningInput, patch: OpeningInput) -> OpeningInput {
    OpeningInput {
        organisation_id: patch.organisation_id.or(base.organisation_id),
        external_ref: patch.external_ref.or(base.external_ref),
        title: patch.title.or(base.title),
        tasks: patch.tasks.or(base.tasks),
        kind: patch.kind.or(base.kind),
        sector: patch.sector.or(base.sector),
        programmes: patch.programmes.or(base.programmes),
        location: patch.location.or(base.location),
        seats: patch.seats.or(base.seats),
        hours_per_week: patch.hours_per_week.or(base.hours_per_week),
        start_date: patch.start_date.or(base.start_date),
        end_date: patch.end_date.or(base.end_date),
        required_skills: patch.required_skills.or(base.required_skills),
        wanted_skills: patch.wanted_skills.or(base.wanted_skills),
        languages: patch.languages.or(base.languages),
        physical_demands: patch.physical_demands.or(base.physical_demands),
        tutor: patch.tutor.or(base.tutor),
        status: patch.status.or(base.status),
        status_reason: patch.status_reason.or(base.status_reason),
    }
}

/// Validates every field, collecting one error per bad field.
fn validate_input(input: &OpeningInput) -> Result<OpeningFields, ApiError> {
    check_input(input).map_err(ApiError::Validation)
}

/// Validates every field of an opening, one error per bad field (the API and file imports).
pub fn check_input(input: &OpeningInput) -> Result<OpeningFields, Vec<FieldError>> {
    let mut e = Vec::new();
    let external_ref =
        validate::external_ref("external_ref", input.external_ref.as_deref(), &mut e);
    let title = match &input.title {
        Some(t) => validate_name("title", t, &mut e),
        None => validate::missing("title", &mut e),
    };
    let kind = validate::required_choice(
        "kind",
        input.kind.as_deref(),
        validate::OPENING_KINDS,
        &mut e,
    );
    let programmes = validate::choices(
        "programmes",
        input.programmes.as_deref().unwrap_or_default(),
        validate::PROGRAMMES,
        &mut e,
    );
    if input.programmes.as_ref().is_none_or(Vec::is_empty) {
        e.push(FieldError::new(
            "programmes",
            "name at least one programme: revis, cpas_ris or rsa",
        ));
    }
    let location = validate::location("location", input.location.as_ref(), None, &mut e);
    let seats = match input.seats {
        Some(s) if s >= 0 => s,
        Some(s) => {
            e.push(FieldError::new(
                "seats",
                format!("must be 0 or more, got {s}"),
            ));
            0
        }
        None => validate::missing::<i32>("seats", &mut e),
    };
    let hours_per_week = validate::hours("hours_per_week", input.hours_per_week, &mut e);
    let start_date = validate::required_date("start_date", input.start_date.as_deref(), &mut e);
    let end_date = validate::optional_date("end_date", input.end_date.as_deref(), &mut e);
    if let (Some(start), Some(end)) = (start_date, end_date)
        && end < start
    {
        e.push(FieldError::new(
            "end_date",
            format!("ends on {end}, before its start date {start}"),
        ));
    }
    let required_skills =
        validate::skills("required_skills", input.required_skills.as_deref(), &mut e);
    let wanted_skills = validate::skills("wanted_skills", input.wanted_skills.as_deref(), &mut e);
    let languages = validate::languages(
        "languages",
        input
            .languages
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|l| (l.language.as_str(), l.min_level.as_str())),
        "min_level",
        &mut e,
    );
    let physical_demands = validate::choices(
        "physical_demands",
        input.physical_demands.as_deref().unwrap_or_default(),
        validate::PHYSICAL_DEMANDS,
        &mut e,
    );
    let tasks = validate::text("tasks", input.tasks.as_deref(), limits::TASKS, &mut e);
    let sector = validate::text("sector", input.sector.as_deref(), limits::SECTOR, &mut e);
    let tutor = validate::optional_text("tutor", input.tutor.as_deref(), limits::TUTOR, &mut e);
    let status_reason = validate::optional_text(
        "status_reason",
        input.status_reason.as_deref(),
        limits::REASON,
        &mut e,
    );
    let status = input.status.clone().unwrap_or_else(|| "open".to_owned());
    validate::choice("status", &status, &["open", "paused", "closed"], &mut e);
    if !e.is_empty() {
        return Err(e);
    }
    Ok(OpeningFields {
        external_ref,
        title,
        tasks,
        kind,
        sector: sector.to_lowercase(),
        programmes,
        lon: location.lon,
        lat: location.lat,
        seats,
        hours_per_week,
        start_date: start_date.expect("checked"),
        end_date,
        required_skills,
        wanted_skills,
        languages: languages
            .into_iter()
            .map(|(language, level)| LanguageRecord { language, level })
            .collect(),
        physical_demands,
        tutor,
        status,
        status_reason,
    })
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
        (_, _) => return Err(ApiError::field("organisation_id", "required for an admin")),
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
    state.invalidate_openings();
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
            "an opening cannot move to another organisation",
        ));
    }
    if principal.role == Role::Host {
        state.throttle.opening_write(&principal)?;
    }
    let fields = validate_input(&merge(as_input(&current), patch))?;
    let hold = hold_for(&principal, &current, &fields, &state.settings.candidates);
    let row = state
        .store
        .update_opening(id, &fields, &hold)
        .await?
        .ok_or(ApiError::NotFound("opening"))?;
    state.invalidate_openings();
    Ok(Json(row.into()))
}

/// What a write does to the version of the opening that candidates are computed against: an
/// admin's write counts at once; a host's change to programmes, physical demands or place is
/// held (and each further change starts the hold again), so that changing the opening and
/// reading the candidates again shows nothing new about anyone.
fn hold_for(
    principal: &Principal,
    current: &OpeningRow,
    fields: &OpeningFields,
    settings: &super::candidates::CandidateSettings,
) -> BasisHold {
    if principal.role != Role::Host {
        return BasisHold::Clear;
    }
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
        return BasisHold::Keep;
    }
    let now = time::OffsetDateTime::now_utc();
    BasisHold::Hold {
        basis: current.candidate_basis_at(now),
        until: now + settings.hold,
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
                e.push(FieldError::new(
                    "radius_km",
                    "must be more than 0 and at most 200",
                ));
            }
            Some((centre, r))
        }
        _ => {
            e.push(FieldError::new(
                "radius_km",
                "lon, lat and radius_km go together",
            ));
            None
        }
    };
    if !e.is_empty() {
        return Err(ApiError::Validation(e));
    }
    let organisation_id = match principal.role {
        Role::Host => {
            if q.organisation_id
                .is_some_and(|o| Some(o) != principal.organisation_id)
            {
                return Ok(Json(Page {
                    items: vec![],
                    next_cursor: None,
                }));
            }
            principal.organisation_id
        }
        _ => q.organisation_id,
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

impl From<SkillRecord> for SkillInput {
    fn from(s: SkillRecord) -> Self {
        SkillInput {
            label: s.label,
            code: s.code,
        }
    }
}
