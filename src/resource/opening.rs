//! An opening as people read and write it: the view, the input, and its checks.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::validate::{self, LanguageRequirement, SkillInput};
use super::{FieldError, Location, LocationInput};
use crate::domain::limits;
use crate::store::{OpeningFields, OpeningRow};

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
pub fn as_input(r: &OpeningRow) -> OpeningInput {
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

pub fn merge(base: OpeningInput, patch: OpeningInput) -> OpeningInput {
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

/// Validates every field of an opening, one error per bad field (the API and file imports).
pub fn check_input(input: &OpeningInput) -> Result<OpeningFields, Vec<FieldError>> {
    let mut e = Vec::new();
    let external_ref =
        validate::external_ref("external_ref", input.external_ref.as_deref(), &mut e);
    let title = validate::required_name("title", input.title.as_deref(), &mut e);
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
            Msg::new("opening-programme-required"),
        ));
    }
    let location = validate::location("location", input.location.as_ref(), None, &mut e);
    let seats = match input.seats {
        Some(s) if s >= 0 => s,
        Some(s) => {
            e.push(FieldError::new(
                "seats",
                Msg::new("field-not-negative").int("given", s),
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
            Msg::new("opening-ends-before-start")
                .date("end", end)
                .date("start", start),
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
        languages,
        physical_demands,
        tutor,
        status,
        status_reason,
    })
}
