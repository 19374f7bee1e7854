//! What people read and write, whatever the door: the view of each resource, the input that an
//! API body, a file line or a form fills, and every check on it (one error per bad field,
//! named by its JSON path). The API, the CSV import and export and the pages all use these, so
//! a rule is written once. Below `api` and `transfer`, above `store`, `domain` and `gazetteer`.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

pub mod beneficiary;
pub mod candidate;
pub mod explain;
pub mod opening;
pub mod organisation;
pub mod validate;

pub use crate::domain::FieldError;

/// A point on the map, WGS84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// Longitude, -180 to 180.
    pub lon: f64,
    /// Latitude, -90 to 90.
    pub lat: f64,
}

impl Location {
    /// Adds an error per coordinate out of range (catches swapped or projected coordinates).
    pub fn validate(&self, field: &str, errors: &mut Vec<FieldError>) {
        if !(-180.0..=180.0).contains(&self.lon) || !self.lon.is_finite() {
            errors.push(FieldError::new(
                format!("{field}.lon"),
                Msg::new("field-longitude-range").dec("given", self.lon, 6),
            ));
        }
        if !(-90.0..=90.0).contains(&self.lat) || !self.lat.is_finite() {
            errors.push(FieldError::new(
                format!("{field}.lat"),
                Msg::new("field-latitude-range").dec("given", self.lat, 6),
            ));
        }
    }
}

/// Where something is, as a client gives it: WGS84 `lon` and `lat`, or a place name (`postcode`
/// and/or `locality`, with `country`) that the embedded gazetteer turns into coordinates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationInput {
    /// Longitude, -180 to 180 (with `lat`).
    #[serde(default)]
    pub lon: Option<f64>,
    /// Latitude, -90 to 90 (with `lon`).
    #[serde(default)]
    pub lat: Option<f64>,
    /// e.g. `1080`, `L-4001`, `75011`; a number is accepted too.
    #[serde(default, deserialize_with = "string_or_number")]
    #[schema(value_type = Option<String>)]
    pub postcode: Option<String>,
    /// Town or village, e.g. `Molenbeek-Saint-Jean`, `Esch-sur-Alzette`.
    #[serde(default)]
    pub locality: Option<String>,
    /// `LU`, `BE` or `FR` (or the country's name); defaults to the office's country.
    #[serde(default)]
    pub country: Option<String>,
}

impl From<Location> for LocationInput {
    fn from(l: Location) -> Self {
        Self {
            lon: Some(l.lon),
            lat: Some(l.lat),
            ..Default::default()
        }
    }
}

/// A postcode typed as a JSON number (`1080`) is read as its digits.
fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Number(u64),
    }
    Ok(Option::<Raw>::deserialize(d)?.map(|raw| match raw {
        Raw::Text(s) => s,
        Raw::Number(n) => n.to_string(),
    }))
}
