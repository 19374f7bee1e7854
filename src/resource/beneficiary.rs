//! A beneficiary's file as people read and write it: the view, the input of a form, an API
//! body or a file line, and its checks.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::validate::{self, LanguageSkill, SkillInput};
use super::{FieldError, Location, LocationInput};
use crate::domain::limits;
use crate::store::{BeneficiaryFields, BeneficiaryRow, UserRow};

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
    /// The caseworker who follows the person (their référent), or `null`. Set with
    /// `PUT /v1/beneficiaries/{id}/referent`.
    pub referent: Option<Referent>,
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
            languages: r.languages.into_iter().map(LanguageSkill::from).collect(),
            health_limits: r.health_limits.0,
            refused_sectors: r.refused_sectors.0,
            status: r.status,
            referent: r.referent_user_id.map(|id| Referent {
                id,
                name: r.referent_name.unwrap_or_default(),
            }),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A user as a person's file names them: the référent, or who changed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Referent {
    /// The user's id.
    pub id: Uuid,
    /// The user's display name, or their email when they have none.
    pub name: String,
}

impl Referent {
    pub fn of(user: &UserRow) -> Self {
        Self {
            id: user.id,
            name: user_name(&user.display_name, &user.email),
        }
    }
}

/// The name people read for a user: the display name, or the email when there is none (the
/// store's queries say the same).
pub fn user_name(display_name: &str, email: &str) -> String {
    if display_name.is_empty() {
        email.to_owned()
    } else {
        display_name.to_owned()
    }
}

/// The message for a `referent_email` that names no user.
pub fn referent_unknown_email(email: &str) -> Msg {
    Msg::new("referent-unknown-email").text("email", email)
}

/// `?referent=me` asked with a token, which has no user.
pub fn referent_me_needs_a_user() -> Msg {
    Msg::new("referent-me-needs-a-user")
}

/// A `?referent=` value that is none of `me`, `none` or a user's id.
pub fn referent_filter_invalid(value: &str) -> Msg {
    Msg::new("referent-filter-invalid").text("given", value)
}

/// Why a user may not become a person's référent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferentProblem {
    /// Not a caseworker of the person's office (or no such user).
    NotOfOffice,
    /// A disabled user, who does not follow the person already.
    Disabled,
}

impl ReferentProblem {
    /// What a field error says. A référent who is not a caseworker of the person's office, or
    /// no user at all, gets the same message, so that trying ids reveals nothing about other
    /// offices.
    pub fn message(self) -> Msg {
        match self {
            ReferentProblem::NotOfOffice => Msg::new("referent-not-of-office"),
            ReferentProblem::Disabled => Msg::new("referent-disabled"),
        }
    }
}

/// Why `user` may not become the référent of a person of `office` whose référent is now
/// `current`, or `None` when they may: only a caseworker of the person's office follows them,
/// and a disabled user is not newly assigned (one who is already the référent stays until
/// someone else is). The API, the CSV import and the pages apply this one rule.
pub fn referent_problem(
    user: &UserRow,
    office: Uuid,
    current: Option<Uuid>,
) -> Option<ReferentProblem> {
    if user.role != "caseworker" || user.office_id != Some(office) {
        return Some(ReferentProblem::NotOfOffice);
    }
    if user.disabled_at.is_some() && current != Some(user.id) {
        return Some(ReferentProblem::Disabled);
    }
    None
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

pub fn as_input(r: &BeneficiaryRow) -> BeneficiaryInput {
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

pub fn merge(base: BeneficiaryInput, patch: BeneficiaryInput) -> BeneficiaryInput {
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

/// Every rule on a beneficiary's fields, as the list of everything wrong (the API, file imports,
/// forms).
pub fn check_input(
    input: &BeneficiaryInput,
    today: time::Date,
    country: Option<&str>,
) -> Result<BeneficiaryFields, Vec<FieldError>> {
    let mut e = Vec::new();
    let given_name = validate::required_name("given_name", input.given_name.as_deref(), &mut e);
    let family_name = validate::required_name("family_name", input.family_name.as_deref(), &mut e);
    let external_ref =
        validate::external_ref("external_ref", input.external_ref.as_deref(), &mut e);
    let birth_date = validate::optional_date("birth_date", input.birth_date.as_deref(), &mut e);
    if birth_date.is_some_and(|b| b > today) {
        e.push(FieldError::new("birth_date", Msg::new("field-in-future")));
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
                Msg::new("field-minutes-range")
                    .int("max", MAX_TRIP_MINUTES)
                    .int("given", m),
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
        e.push(FieldError::new(
            "waiting_since",
            Msg::new("field-in-future"),
        ));
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
        languages,
        health_limits,
        refused_sectors,
        status,
    })
}
