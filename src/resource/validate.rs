//! Field validation shared by the resources: every check adds a [`FieldError`] naming the field
//! (a JSON path such as `languages[1].level`) instead of stopping at the first problem, so a
//! client fixes a form in one round trip.

use serde::{Deserialize, Serialize};

use super::{FieldError, Location, LocationInput};
use crate::gazetteer::{Gazetteer, ResolveError};
use crate::store::{LanguageRecord, SkillRecord};

use crate::domain::limits;
use crate::domain::{CefrLevel, Mobility, OpeningKind, PhysicalDemand, Programme};
use crate::i18n::Msg;

/// Opening kinds.
pub const OPENING_KINDS: &[&str] = OpeningKind::NAMES;
/// Benefit programmes.
pub const PROGRAMMES: &[&str] = Programme::NAMES;
/// Physical demands of an opening; a person's health limit of the same name excludes it.
pub const PHYSICAL_DEMANDS: &[&str] = PhysicalDemand::NAMES;
/// How a person travels.
pub const MOBILITIES: &[&str] = Mobility::NAMES;
/// CEFR levels, lowest first.
pub const CEFR_LEVELS: &[&str] = CefrLevel::NAMES;
/// ISO 639-1 codes accepted for languages.
pub use crate::domain::LANGUAGE_CODES;

/// A skill: free text plus an optional ROME (France) or ESCO code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillInput {
    /// 1 to 100 characters, e.g. "entretien espaces verts".
    pub label: String,
    /// e.g. ROME `A1203`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// A language an opening needs, with its minimum CEFR level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageRequirement {
    /// ISO 639-1, e.g. `fr`, `lb`, `de`, `nl`.
    pub language: String,
    /// `A1` to `C2`.
    pub min_level: String,
}

/// A language a person speaks, with their CEFR level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageSkill {
    /// ISO 639-1, e.g. `fr`, `lb`, `ar`.
    pub language: String,
    /// `A1` to `C2`.
    pub level: String,
}

pub fn missing<T: Default>(field: &str, e: &mut Vec<FieldError>) -> T {
    e.push(FieldError::required(field));
    T::default()
}

pub fn choice(field: &str, value: &str, allowed: &[&str], e: &mut Vec<FieldError>) -> bool {
    if allowed.contains(&value) {
        true
    } else {
        e.push(FieldError::new(
            field,
            Msg::new("field-not-one-of")
                .text("value", value)
                .text("allowed", allowed.join(", ")),
        ));
        false
    }
}

pub fn required_choice(
    field: &str,
    value: Option<&str>,
    allowed: &[&str],
    e: &mut Vec<FieldError>,
) -> String {
    match value {
        Some(v) => {
            choice(field, v, allowed, e);
            v.to_owned()
        }
        None => missing(field, e),
    }
}

/// A list of choices, each checked, duplicates removed, order kept; never longer than the
/// list of allowed values.
pub fn choices(
    field: &str,
    values: &[String],
    allowed: &[&str],
    e: &mut Vec<FieldError>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(m) = limits::count(values.len(), allowed.len()) {
        e.push(FieldError::new(field, m));
        return out;
    }
    for (i, v) in values.iter().enumerate() {
        if choice(&format!("{field}[{i}]"), v, allowed, e) && !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

/// A point given as coordinates (range-checked).
pub fn point(field: &str, value: Location, e: &mut Vec<FieldError>) -> Location {
    value.validate(field, e);
    value
}

/// A location given as `lon` + `lat`, or as a place name (`postcode` and/or `locality` with
/// `country`, which defaults to `default_country`) resolved by the embedded gazetteer. An
/// unknown or ambiguous place is an error on the sub-field at fault, naming the closest places.
pub fn location(
    field: &str,
    value: Option<&LocationInput>,
    default_country: Option<&str>,
    e: &mut Vec<FieldError>,
) -> Location {
    let fallback = Location { lon: 0.0, lat: 0.0 };
    let Some(v) = value else {
        e.push(FieldError::new(field, Msg::new("location-required")));
        return fallback;
    };
    let named = given(&v.postcode).is_some() || given(&v.locality).is_some();
    match (v.lon, v.lat) {
        (Some(lon), Some(lat)) => {
            if named {
                e.push(FieldError::new(field, Msg::new("location-both-given")));
            }
            point(field, Location { lon, lat }, e)
        }
        (Some(_), None) => {
            e.push(FieldError::new(
                format!("{field}.lat"),
                Msg::new("location-lat-required"),
            ));
            fallback
        }
        (None, Some(_)) => {
            e.push(FieldError::new(
                format!("{field}.lon"),
                Msg::new("location-lon-required"),
            ));
            fallback
        }
        (None, None) if named => {
            let Some(country) = given(&v.country).or(default_country) else {
                e.push(FieldError::new(
                    format!("{field}.country"),
                    Msg::new("location-country-required"),
                ));
                return fallback;
            };
            match Gazetteer::embedded().resolve(country, given(&v.postcode), given(&v.locality)) {
                Ok(place) => Location {
                    lon: place.lon,
                    lat: place.lat,
                },
                Err(err) => {
                    e.push(FieldError::new(
                        format!("{field}.{}", place_field(&err)),
                        err.message(),
                    ));
                    fallback
                }
            }
        }
        (None, None) => {
            e.push(FieldError::new(field, Msg::new("location-required")));
            fallback
        }
    }
}

/// A text given and not blank, trimmed.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Which part of a place name a resolution error is about.
fn place_field(err: &ResolveError) -> &'static str {
    match err {
        ResolveError::UnknownCountry(_) => "country",
        ResolveError::UnknownPostcode { .. } => "postcode",
        // A postcode shared by several places asks for the locality, and the reverse.
        ResolveError::Ambiguous { hint, .. } if *hint == "the locality" => "postcode",
        ResolveError::NothingGiven
        | ResolveError::LocalityRequired { .. }
        | ResolveError::UnknownLocality { .. }
        | ResolveError::Ambiguous { .. }
        | ResolveError::PostcodeLocalityMismatch { .. } => "locality",
    }
}

/// An office's or host's own reference: trimmed, empty means none, at most
/// [`limits::EXTERNAL_REF`] characters.
pub fn external_ref(field: &str, value: Option<&str>, e: &mut Vec<FieldError>) -> Option<String> {
    optional_text(field, value, limits::EXTERNAL_REF, e)
}

/// A free text that may be left out: trimmed, empty means none, at most `max` characters.
pub fn optional_text(
    field: &str,
    value: Option<&str>,
    max: usize,
    e: &mut Vec<FieldError>,
) -> Option<String> {
    let value = value.map(str::trim).filter(|r| !r.is_empty())?;
    if let Some(m) = limits::text(value, max) {
        e.push(FieldError::new(field, m));
    }
    Some(value.to_owned())
}

/// A free text that may be empty: trimmed, at most `max` characters.
pub fn text(field: &str, value: Option<&str>, max: usize, e: &mut Vec<FieldError>) -> String {
    optional_text(field, value, max, e).unwrap_or_default()
}

/// Sectors a person refuses: trimmed, lowercased, blanks dropped, each at most
/// [`limits::SECTOR`] characters, at most [`limits::REFUSED_SECTORS`] of them.
pub fn sectors(field: &str, values: &[String], e: &mut Vec<FieldError>) -> Vec<String> {
    if let Some(m) = limits::count(values.len(), limits::REFUSED_SECTORS) {
        e.push(FieldError::new(field, m));
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, s) in values.iter().enumerate() {
        if let Some(s) = optional_text(&format!("{field}[{i}]"), Some(s), limits::SECTOR, e) {
            out.push(s.to_lowercase());
        }
    }
    out
}

/// Hours per week: more than 0, at most 60.
pub fn hours(field: &str, value: Option<f64>, e: &mut Vec<FieldError>) -> f64 {
    match value {
        Some(h) if h > 0.0 && h <= 60.0 => h,
        Some(h) => {
            e.push(FieldError::new(
                field,
                Msg::new("field-hours-range").dec("given", h, 2),
            ));
            1.0
        }
        None => missing::<f64>(field, e).max(1.0),
    }
}

/// A date as ISO 8601 (`2026-12-01`) or as French spreadsheets write it (`01/12/2026`).
pub fn parse_date(value: &str) -> Option<time::Date> {
    let value = value.trim();
    let iso = time::macros::format_description!("[year]-[month]-[day]");
    let dmy = time::macros::format_description!("[day]/[month]/[year]");
    time::Date::parse(value, &iso)
        .or_else(|_| time::Date::parse(value, &dmy))
        .ok()
}

pub fn optional_date(
    field: &str,
    value: Option<&str>,
    e: &mut Vec<FieldError>,
) -> Option<time::Date> {
    let value = value?;
    let parsed = parse_date(value);
    if parsed.is_none() {
        e.push(FieldError::new(
            field,
            Msg::new("field-not-a-date").text("given", value),
        ));
    }
    parsed
}

pub fn required_date(
    field: &str,
    value: Option<&str>,
    e: &mut Vec<FieldError>,
) -> Option<time::Date> {
    if value.is_none() {
        e.push(FieldError::new(field, Msg::new("field-date-required")));
        return None;
    }
    optional_date(field, value, e)
}

/// Skills: labels trimmed, 1 to 100 characters; codes uppercase, letters and digits.
pub fn skills(
    field: &str,
    values: Option<&[SkillInput]>,
    e: &mut Vec<FieldError>,
) -> Vec<SkillRecord> {
    let mut out = Vec::new();
    let values = values.unwrap_or_default();
    if let Some(m) = limits::count(values.len(), limits::SKILLS) {
        e.push(FieldError::new(field, m));
        return out;
    }
    for (i, s) in values.iter().enumerate() {
        let label = s.label.trim();
        if label.is_empty() || limits::text(label, limits::SKILL_LABEL).is_some() {
            e.push(FieldError::new(
                format!("{field}[{i}].label"),
                Msg::new("field-length-range")
                    .int("min", 1)
                    .int("max", limits::SKILL_LABEL as i64),
            ));
        }
        let code = s
            .code
            .as_ref()
            .map(|c| c.trim().to_uppercase())
            .filter(|c| !c.is_empty());
        let well_formed = |c: &String| {
            c.len() <= 40
                && c.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '.' || ch == '-')
        };
        if code.as_ref().is_some_and(|c| !well_formed(c)) {
            e.push(FieldError::new(
                format!("{field}[{i}].code"),
                Msg::new("skill-code-invalid"),
            ));
        }
        out.push(SkillRecord {
            label: label.to_owned(),
            code,
        });
    }
    out
}

/// Languages with CEFR levels: a known ISO 639-1 code, a level A1..C2, each language once.
pub fn languages<'a>(
    field: &str,
    values: impl Iterator<Item = (&'a str, &'a str)>,
    level_field: &str,
    e: &mut Vec<FieldError>,
) -> Vec<LanguageRecord> {
    let mut out: Vec<LanguageRecord> = Vec::new();
    for (i, (language, level)) in values.enumerate() {
        if i == limits::LANGUAGES {
            e.push(FieldError::new(
                field,
                Msg::new("list-too-long")
                    .int("max", limits::LANGUAGES as i64)
                    .int("len", (i + 1) as i64),
            ));
            break;
        }
        let language = language.trim().to_lowercase();
        let level = level.trim().to_uppercase();
        if !LANGUAGE_CODES.contains(&language.as_str()) {
            e.push(FieldError::new(
                format!("{field}[{i}].language"),
                Msg::new("field-not-a")
                    .text("given", language.clone())
                    .msg("expected", Msg::new("expected-LanguageCode")),
            ));
        }
        if !CEFR_LEVELS.contains(&level.as_str()) {
            e.push(FieldError::new(
                format!("{field}[{i}].{level_field}"),
                Msg::new("field-not-a")
                    .text("given", level.clone())
                    .msg("expected", Msg::new("expected-CefrLevel")),
            ));
        }
        if out.iter().any(|r| r.language == language) {
            e.push(FieldError::new(
                format!("{field}[{i}].language"),
                Msg::new("field-listed-twice").text("given", language.clone()),
            ));
        }
        out.push(LanguageRecord { language, level });
    }
    out
}

/// Kilometres between two points along the great circle.
pub fn distance_km(a: Location, b: Location) -> f64 {
    use geo::{Distance, Haversine, Point};
    Haversine.distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat)) / 1000.0
}

/// A box that contains the circle of `radius_km` around `centre`: `(min_lon, min_lat, max_lon, max_lat)`.
pub fn bounding_box(centre: Location, radius_km: f64) -> (f64, f64, f64, f64) {
    // One degree of latitude is ~111.32 km everywhere; a degree of longitude shrinks with cos(lat).
    let dlat = radius_km / 111.32;
    let dlon = radius_km / (111.32 * centre.lat.to_radians().cos().max(0.01));
    (
        centre.lon - dlon,
        centre.lat - dlat,
        centre.lon + dlon,
        centre.lat + dlat,
    )
}

/// Checks a display name: trimmed, 1 to [`limits::NAME`] characters.
/// A required name: see [`validate_name`].
pub fn required_name(field: &str, value: Option<&str>, errors: &mut Vec<FieldError>) -> String {
    match value {
        Some(v) => validate_name(field, v, errors),
        None => missing(field, errors),
    }
}

pub fn validate_name(field: &str, value: &str, errors: &mut Vec<FieldError>) -> String {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        errors.push(FieldError::new(field, Msg::new("field-empty")));
    } else if let Some(m) = limits::text(trimmed, limits::NAME) {
        errors.push(FieldError::new(field, m));
    }
    trimmed.to_owned()
}

impl From<SkillRecord> for SkillInput {
    fn from(s: SkillRecord) -> Self {
        SkillInput {
            label: s.label,
            code: s.code,
        }
    }
}

impl From<LanguageRecord> for LanguageSkill {
    fn from(l: LanguageRecord) -> Self {
        LanguageSkill {
            language: l.language,
            level: l.level,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_in_iso_and_french_forms_and_nothing_else() {
        let d = time::macros::date!(2026 - 12 - 01);
        assert_eq!(parse_date("2026-12-01"), Some(d));
        assert_eq!(parse_date("01/12/2026"), Some(d));
        assert_eq!(
            parse_date("12/01/2026 "),
            Some(time::macros::date!(2026 - 01 - 12))
        );
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("31/02/2026"), None);
    }

    #[test]
    fn the_bounding_box_contains_the_circle() {
        let centre = Location {
            lon: 4.33,
            lat: 50.85,
        };
        let (a, b, c, d) = bounding_box(centre, 5.0);
        for (lon, lat) in [
            (a, centre.lat),
            (c, centre.lat),
            (centre.lon, b),
            (centre.lon, d),
        ] {
            let km = distance_km(centre, Location { lon, lat });
            assert!((km - 5.0).abs() < 0.05, "edge at {km} km");
        }
    }

    #[test]
    fn every_language_problem_is_reported_with_its_index() {
        let mut e = Vec::new();
        let out = languages(
            "languages",
            [("fr", "B1"), ("xx", "A3"), ("FR", "a2")].into_iter(),
            "level",
            &mut e,
        );
        assert_eq!(
            (out[0].language.as_str(), out[0].level.as_str()),
            ("fr", "B1")
        );
        let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "languages[1].language",
                "languages[1].level",
                "languages[2].language"
            ]
        );
    }
}
