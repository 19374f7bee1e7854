//! `/v1/placements`: proposals and their life cycle. The service proposes, people decide:
//! `proposed` → `accepted` (caseworker) → `confirmed` (host) → `active` → `ended`, or `declined`
//! (caseworker or host, with a reason) or `expired` (unanswered). Seats and the one-live-placement
//! rule are enforced by the store under concurrency; every change is audited.

use crate::i18n::Msg;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::auth::{Principal, Role};
use super::error::{ApiError, FieldError, Problem};
use super::extract::{ApiJson, ApiQuery, IdPath};
use super::validate;
use super::{AppState, Page, page_cursor, page_limit};
use crate::app::audit::{self, Action, Subject};
use crate::bridge;
use crate::domain::limits;
use crate::domain::placement::{Move, Party, PlacementState};
use crate::matching::Exclusion;
use crate::matching::evaluate::{PreparedOpening, PreparedPerson, Seats, assess};
use crate::resource::explain;
use crate::store::{
    BeneficiaryRow, NewPlacement, OpeningRow, PlacementFilter, PlacementRow, Transition,
};

/// A placement as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Placement {
    pub id: Uuid,
    pub beneficiary_id: Uuid,
    pub opening_id: Uuid,
    /// `proposed`, `accepted`, `confirmed`, `active`, `ended`, `declined` or `expired`.
    pub state: String,
    pub outcome: Option<String>,
    pub decline_reason: Option<String>,
    /// `caseworker`, `admin` or `rebalancing`.
    pub proposed_by: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub confirmed_on: Option<time::Date>,
    /// Hours worked so far (the Luxembourg fund pays per hour worked).
    pub hours_worked: f64,
    /// Codes of the soft rules a caseworker proposed despite (`travel_time`, `language_level`,
    /// `required_skill`, `hours`, `dates`, `refused_sector`); empty for hosts.
    pub overridden_rules: Vec<String>,
    /// Why; never shown to hosts.
    pub override_reason: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: time::OffsetDateTime,
}

impl From<PlacementRow> for Placement {
    fn from(r: PlacementRow) -> Self {
        Self {
            id: r.id,
            beneficiary_id: r.beneficiary_id,
            opening_id: r.opening_id,
            state: r.state,
            outcome: r.outcome,
            decline_reason: r.decline_reason,
            proposed_by: r.proposed_by,
            confirmed_on: r.confirmed_on,
            hours_worked: r.hours_worked,
            overridden_rules: r.overridden_rules.0,
            override_reason: r.override_reason,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

impl Placement {
    /// The view of `principal`: a host learns neither which of the person's rules were set aside
    /// nor why.
    fn for_principal(row: PlacementRow, principal: &Principal) -> Self {
        let mut view = Self::from(row);
        if principal.role == Role::Host {
            view.overridden_rules.clear();
            view.override_reason = None;
        }
        view
    }
}

/// Body of `POST /v1/placements`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlacement {
    pub beneficiary_id: Uuid,
    pub opening_id: Uuid,
    /// Needed to propose despite a soft rule (trip, language, skill, hours, dates, refused
    /// sector), which is then recorded; never enough for programme, kind of post or health.
    #[serde(default)]
    pub override_reason: Option<String>,
}

/// How a placement ended.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Completed,
    JobFound,
    Training,
    DroppedOut,
    Health,
    MovedAway,
    Other,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::JobFound => "job_found",
            Outcome::Training => "training",
            Outcome::DroppedOut => "dropped_out",
            Outcome::Health => "health",
            Outcome::MovedAway => "moved_away",
            Outcome::Other => "other",
        }
    }
}

/// Body of a transition. `decline` needs `reason`; `end` needs `outcome` and may take `reason`;
/// others take neither (422).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionBody {
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub outcome: Option<Outcome>,
}

/// Body of `POST /v1/placements/{id}/hours`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursBody {
    /// Hours worked to add, more than 0 and at most 60 at a time.
    pub hours: f64,
}

/// Query of the placement list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlacementQuery {
    pub beneficiary_id: Option<Uuid>,
    pub opening_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    /// One state, e.g. `proposed`.
    pub state: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The office of the person and the organisation of the opening: who may see a placement.
async fn scope(state: &AppState, p: &PlacementRow) -> Result<(Uuid, Uuid), ApiError> {
    let person = state
        .store
        .get_beneficiary(p.beneficiary_id)
        .await?
        .ok_or(ApiError::NotFound("placement"))?;
    let opening = state
        .store
        .get_opening(p.opening_id)
        .await?
        .ok_or(ApiError::NotFound("placement"))?;
    Ok((person.office_id, opening.organisation_id))
}

fn visible(principal: &Principal, office: Uuid, org: Uuid) -> bool {
    principal.sees_placement(office, org)
}

/// Propose a person for an opening (caseworker of the person's office, or admin).
#[utoipa::path(
    post, path = "/v1/placements", tag = "placements",
    request_body = CreatePlacement,
    responses(
        (status = 201, description = "Proposed", body = Placement),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "Not a caseworker or admin", body = Problem),
        (status = 404, description = "Person or opening not visible", body = Problem),
        (status = 409, description = "No seat left, or the person already has a live placement", body = Problem),
        (status = 422, description = "Invalid fields", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn create_placement(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<CreatePlacement>,
) -> Result<(StatusCode, Json<Placement>), ApiError> {
    principal.require(&[Role::Admin, Role::Caseworker])?;
    let person = state
        .store
        .get_beneficiary(body.beneficiary_id)
        .await?
        .filter(|b| principal.sees_office(b.office_id))
        .ok_or(ApiError::NotFound("beneficiary"))?;
    let opening = state
        .store
        .get_opening(body.opening_id)
        .await?
        .ok_or(ApiError::NotFound("opening"))?;
    let override_reason = {
        let mut e = Vec::new();
        let r = validate::optional_text(
            "override_reason",
            body.override_reason.as_deref(),
            limits::REASON,
            &mut e,
        );
        if !e.is_empty() {
            return Err(ApiError::Validation(e));
        }
        r
    };
    let overridden_rules =
        check_rules(&state, &person, &opening, override_reason.is_some()).await?;
    let row = state
        .store
        .create_placement(&NewPlacement {
            beneficiary_id: person.id,
            opening_id: opening.id,
            proposed_by: principal.role.as_str().to_owned(),
            override_reason,
            overridden_rules,
        })
        .await?;
    audit::record(
        &state.audit,
        &principal,
        Action::Create,
        Subject::placement(row.id, person.office_id, opening.organisation_id),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(Placement::for_principal(row, &principal)),
    ))
}

/// The rules a proposal by hand must pass, as suggestions do: programme, kind of post and health
/// always; the soft rules (trip, language, skill, hours, dates, refused sector) unless the
/// caseworker gives a reason (`overriding`). Seats are the store's to check, under its lock.
/// Returns the codes of the soft rules set aside.
async fn check_rules(
    state: &AppState,
    person: &BeneficiaryRow,
    opening: &OpeningRow,
    overriding: bool,
) -> Result<Vec<String>, ApiError> {
    let programme = state.matching().programme_of(person.office_id).await?;
    let candidate =
        bridge::beneficiary(person, programme, None).map_err(|e| ApiError::Internal(e.into()))?;
    let post = bridge::opening(opening, &bridge::Intake::new())
        .map_err(|e| ApiError::Internal(e.into()))?;
    let today = time::OffsetDateTime::now_utc().date();
    let failed = match assess(
        &PreparedPerson::new(&candidate, today),
        &post,
        &PreparedOpening::new(&post),
        &state.settings.matching,
        Seats::Ignore,
    ) {
        Ok(_) => Vec::new(),
        Err(why) => why,
    };
    let (soft, hard): (Vec<Exclusion>, Vec<Exclusion>) =
        failed.into_iter().partition(Exclusion::overridable);
    let mut errors: Vec<FieldError> = hard
        .iter()
        .map(|x| {
            FieldError::new(
                "opening_id",
                Msg::new("override-not-allowed")
                    .msg("rule", explain::exclusion(x))
                    .text("code", x.code()),
            )
        })
        .collect();
    if !soft.is_empty() && !overriding {
        errors.extend(soft.iter().map(|x| {
            FieldError::new(
                "override_reason",
                Msg::new("override-reason-needed")
                    .msg("rule", explain::exclusion(x))
                    .text("code", x.code()),
            )
        }));
    }
    if soft.is_empty() && hard.is_empty() && overriding {
        errors.push(FieldError::new(
            "override_reason",
            Msg::new("override-nothing-to-set-aside"),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(soft.iter().map(|x| x.code().to_owned()).collect())
}

/// One placement (the person's caseworker, the opening's host, or admin).
#[utoipa::path(
    get, path = "/v1/placements/{id}", tag = "placements",
    params(("id" = Uuid, Path, description = "Placement id")),
    responses(
        (status = 200, description = "The placement", body = Placement),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 404, description = "Not visible to the caller", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn get_placement(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<Placement>, ApiError> {
    principal.require(&[Role::Admin, Role::Caseworker, Role::Host])?;
    let row = state
        .store
        .get_placement(id)
        .await?
        .ok_or(ApiError::NotFound("placement"))?;
    let (office, org) = scope(&state, &row).await?;
    if !visible(&principal, office, org) {
        return Err(ApiError::NotFound("placement"));
    }
    answer_audited(&state, &principal, Action::Read, row, office, org).await
}

/// List placements for a person, an opening or an organisation, within the caller's tenant.
#[utoipa::path(
    get, path = "/v1/placements", tag = "placements",
    params(PlacementQuery),
    responses(
        (status = 200, description = "A page of placements", body = Page<Placement>),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "A scheduler token", body = Problem),
        (status = 422, description = "Invalid query", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn list_placements(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(q): ApiQuery<PlacementQuery>,
) -> Result<Json<Page<Placement>>, ApiError> {
    principal.require(&[Role::Admin, Role::Caseworker, Role::Host])?;
    let limit = page_limit(q.limit)?;
    let after = page_cursor(q.cursor.as_deref())?;
    if let Some(s) = &q.state
        && !PLACEMENT_STATES.contains(&s.as_str())
    {
        return Err(ApiError::field(
            "state",
            Msg::new("field-not-one-of")
                .text("value", s.clone())
                .text("allowed", PLACEMENT_STATES.join(", ")),
        ));
    }
    // The tenant bound always applies, whatever the query says.
    let Some(organisation_id) = principal.organisation_filter(q.organisation_id) else {
        return Ok(Json(Page::empty()));
    };
    let filter = PlacementFilter {
        beneficiary_id: q.beneficiary_id,
        opening_id: q.opening_id,
        organisation_id,
        office_id: principal.office_bound(),
        state: q.state,
    };
    let rows = state
        .store
        .list_placements(&filter, after, limit + 1)
        .await?;
    // Each placement listed is a read of who is placed where: audited like a single read.
    let mut events = Vec::with_capacity(rows.len());
    for row in rows.iter().take(limit as usize) {
        let (office, org) = scope(&state, row).await?;
        events.push(
            audit::submit(
                &state.audit,
                &principal,
                Action::Read,
                Subject::placement(row.id, office, org),
            )
            .await?,
        );
    }
    for event in events {
        event.confirmed().await?;
    }
    Ok(Json(Page::from_rows(
        rows,
        limit,
        |r| r.id,
        |r| Placement::for_principal(r, &principal),
    )))
}

/// Every placement state.
pub const PLACEMENT_STATES: &[&str] = PlacementState::NAMES;

/// The roles that may make `m`: an admin, and the parties who decide it.
fn roles_for(m: Move) -> Vec<Role> {
    let mut roles = vec![Role::Admin];
    for party in m.decided_by() {
        roles.push(match party {
            Party::Office => Role::Caseworker,
            Party::Host => Role::Host,
        });
    }
    roles
}

/// Move a placement: `accept`, `confirm`, `start`, `end` (with `outcome`) or `decline` (with
/// `reason`).
#[utoipa::path(
    post, path = "/v1/placements/{id}/{transition}", tag = "placements",
    params(
        ("id" = Uuid, Path, description = "Placement id"),
        ("transition" = String, Path, description = "accept, confirm, start, end or decline"),
    ),
    request_body(content = TransitionBody, description = "Optional; `reason` for decline, `outcome` for end"),
    responses(
        (status = 200, description = "The placement after the change", body = Placement),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 403, description = "This role may not make this change", body = Problem),
        (status = 404, description = "Not visible, or no such transition", body = Problem),
        (status = 409, description = "Illegal from the current state (named), or the host's intake cap is reached", body = Problem),
        (status = 422, description = "Missing reason or outcome, or one given to a transition that takes none", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn transition_placement(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, name)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Result<Json<Placement>, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound("placement"))?;
    let step: Move = name.parse().map_err(|_| ApiError::NotFound("transition"))?;
    // The body is optional: `accept` needs none, `decline` and `end` need one.
    let body: TransitionBody = if body.iter().all(u8::is_ascii_whitespace) {
        TransitionBody::default()
    } else {
        super::extract::parse_json(&body)?
    };
    let row = state
        .store
        .get_placement(id)
        .await?
        .ok_or(ApiError::NotFound("placement"))?;
    let (office, org) = scope(&state, &row).await?;
    if !visible(&principal, office, org) {
        return Err(ApiError::NotFound("placement"));
    }
    principal.require(&roles_for(step))?;

    let mut errors = step.check_fields(body.reason.as_deref(), body.outcome.is_some());
    let reason = validate::optional_text(
        "reason",
        body.reason.as_deref(),
        limits::REASON,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let transition = Transition {
        to: step.to().as_str(),
        from: step.from_names(),
        outcome: body.outcome.map(|o| o.as_str().to_owned()),
        decline_reason: reason,
        today: time::OffsetDateTime::now_utc().date(),
        check_intake: step.counts_intake(),
    };
    let updated = state
        .store
        .transition_placement(id, &transition)
        .await?
        .ok_or(ApiError::NotFound("placement"))?;
    answer_audited(&state, &principal, Action::Transition, updated, office, org).await
}

/// The most hours a placement can have worked by `today`: its opening's weekly hours for each
/// week, the current one included, since it started (the later of its confirmation and its
/// opening's start; today when neither is known or both lie ahead).
fn max_hours_so_far(
    row: &PlacementRow,
    opening_start: time::Date,
    hours_per_week: f64,
    today: time::Date,
) -> f64 {
    let started = row
        .confirmed_on
        .map_or(opening_start, |c| c.max(opening_start))
        .min(today);
    let weeks = (today - started).whole_days() / 7 + 1;
    weeks as f64 * hours_per_week
}

/// Record hours worked on an active placement, within its weekly hours times the weeks since it
/// started.
#[utoipa::path(
    post, path = "/v1/placements/{id}/hours", tag = "placements",
    params(("id" = Uuid, Path, description = "Placement id")),
    request_body = HoursBody,
    responses(
        (status = 200, description = "The placement with its new total", body = Placement),
        (status = 401, description = "Missing or invalid token", body = Problem),
        (status = 404, description = "Not visible", body = Problem),
        (status = 409, description = "The placement is not active", body = Problem),
        (status = 422, description = "Hours out of range, or more than the placement can have worked so far", body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn record_hours(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<HoursBody>,
) -> Result<Json<Placement>, ApiError> {
    principal.require(&[Role::Admin, Role::Caseworker, Role::Host])?;
    if !(body.hours > 0.0 && body.hours <= 60.0) {
        return Err(ApiError::field(
            "hours",
            Msg::new("field-hours-range").dec("given", body.hours, 2),
        ));
    }
    let row = state
        .store
        .get_placement(id)
        .await?
        .ok_or(ApiError::NotFound("placement"))?;
    let (office, org) = scope(&state, &row).await?;
    if !visible(&principal, office, org) {
        return Err(ApiError::NotFound("placement"));
    }
    let opening = state
        .store
        .get_opening(row.opening_id)
        .await?
        .ok_or(ApiError::NotFound("placement"))?;
    let today = time::OffsetDateTime::now_utc().date();
    let max_total = max_hours_so_far(&row, opening.start_date, opening.hours_per_week, today);
    let updated = state
        .store
        .add_placement_hours(id, body.hours, max_total)
        .await?
        .ok_or(ApiError::NotFound("placement"))?;
    answer_audited(&state, &principal, Action::Update, updated, office, org).await
}

/// Records that `principal` did `action` to the placement `row` (of the person's `office` and
/// the opening's organisation `org`), then answers with it as `principal` may see it.
async fn answer_audited(
    state: &AppState,
    principal: &Principal,
    action: Action,
    row: PlacementRow,
    office: Uuid,
    org: Uuid,
) -> Result<Json<Placement>, ApiError> {
    audit::record(
        &state.audit,
        principal,
        action,
        Subject::placement(row.id, office, org),
    )
    .await?;
    Ok(Json(Placement::for_principal(row, principal)))
}
