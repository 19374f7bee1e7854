//! Plain value types of the domain with validating constructors: once you hold a [`CefrLevel`],
//! a [`LanguageCode`] or a [`LonLat`], it is valid. No I/O here. The string forms (`as_str`,
//! [`std::str::FromStr`]) are the ones the API, the database and CSV files use.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::i18n::Msg;

pub mod limits;

/// One invalid field: which one (a JSON path such as `languages[1].level`, or a file's column)
/// and what is wrong, as a message each reader gets in their language. Every check adds one
/// instead of stopping at the first problem.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub message: Msg,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: Msg) -> Self {
        Self {
            field: field.into(),
            message,
        }
    }

    /// The field is missing.
    pub fn required(field: impl Into<String>) -> Self {
        Self::new(field, Msg::new("field-required"))
    }
}

/// Normalises a place name for comparison: lowercase, accents stripped, any punctuation
/// (hyphens, apostrophes, dots, slashes) read as a space, "st"/"ste" read as "saint"/"sainte".
/// "Molenbeek-St-Jean", "molenbeek saint jean" and "MOLENBEEK-SAINT-JEAN" are the same name.
pub fn normalize(name: &str) -> String {
    let mut plain = String::with_capacity(name.len());
    for c in unicode_normalization::UnicodeNormalization::nfd(name) {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            plain.extend(c.to_lowercase());
        } else {
            plain.push(' ');
        }
    }
    let mut out = String::with_capacity(plain.len());
    for word in plain.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(match word {
            "st" => "saint",
            "ste" => "sainte",
            other => other,
        });
    }
    out
}

/// The countries the service covers: which programmes, rules and place names apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Country {
    #[serde(rename = "LU")]
    Lu,
    #[serde(rename = "BE")]
    Be,
    #[serde(rename = "FR")]
    Fr,
}

impl Country {
    pub const ALL: [Country; 3] = [Country::Lu, Country::Be, Country::Fr];
    /// Every string form, in order.
    pub const NAMES: &'static [&'static str] = &["LU", "BE", "FR"];

    /// ISO 3166-1 alpha-2 code.
    pub fn code(self) -> &'static str {
        match self {
            Country::Lu => "LU",
            Country::Be => "BE",
            Country::Fr => "FR",
        }
    }

    /// The string form used by the API, the database and files (the ISO code).
    pub fn as_str(self) -> &'static str {
        self.code()
    }

    /// A generous bounding box of the metropolitan territory: (lon_min, lon_max, lat_min, lat_max).
    pub fn bounds(self) -> (f64, f64, f64, f64) {
        match self {
            Country::Lu => (5.7, 6.6, 49.4, 50.2),
            Country::Be => (2.5, 6.5, 49.4, 51.6),
            Country::Fr => (-5.3, 9.7, 41.3, 51.2),
        }
    }

    /// Whether (lon, lat) lies inside [`Country::bounds`].
    pub fn contains(self, lon: f64, lat: f64) -> bool {
        let (lon_min, lon_max, lat_min, lat_max) = self.bounds();
        (lon_min..=lon_max).contains(&lon) && (lat_min..=lat_max).contains(&lat)
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Country {
    type Err = ParseError;

    /// Accepts the ISO code in any case and the usual names in French, Dutch, German, English and
    /// Luxembourgish ("Belgique", "België", "Luxemburg", "Lëtzebuerg", …).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let folded = normalize(s);
        match folded.as_str() {
            "lu"
            | "lux"
            | "luxembourg"
            | "luxemburg"
            | "letzebuerg"
            | "grand duche de luxembourg" => Ok(Country::Lu),
            "be" | "bel" | "belgique" | "belgie" | "belgium" | "belgien" => Ok(Country::Be),
            "fr" | "fra" | "france" | "frankreich" | "frankrijk" => Ok(Country::Fr),
            _ => Err(ParseError {
                given: s.trim().to_owned(),
                expected: COUNTRY_EXPECTED,
                expected_id: "expected-Country",
            }),
        }
    }
}

/// The value of `all` named `given`, `names` holding their names in the same order; otherwise a
/// message that lists them (for command-line choices: a territory, a file kind, a format).
pub fn one_of<T: Copy>(given: &str, all: &[T], names: &[&str]) -> Result<T, String> {
    match names.iter().position(|name| *name == given) {
        Some(i) => Ok(all[i]),
        None => Err(format!("'{given}' is not one of: {}", names.join(", "))),
    }
}

/// A value that is not one of the allowed ones: names what was given and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{given}' is not {expected}")]
pub struct ParseError {
    pub given: String,
    pub expected: &'static str,
    /// The message naming what is allowed (`expected-CefrLevel`, …).
    pub expected_id: &'static str,
}

/// What a country, a language code and a sector must be, in English.
const COUNTRY_EXPECTED: &str = "a country (LU, BE or FR)";
const LANGUAGE_CODE_EXPECTED: &str = "a known ISO 639-1 language code (e.g. fr, lb, de, nl, en)";
const SECTOR_EXPECTED: &str = "a sector name (1 to 60 letters, digits, spaces, - _ & ' /)";

/// The message id of a [`ParseError`]'s `expected`, from its English text: serde carries a
/// parse error as text only, and the API answers it in the reader's language.
pub fn expected_id(expected: &str) -> Option<&'static str> {
    [
        (CefrLevel::EXPECTED, "expected-CefrLevel"),
        (Language::EXPECTED, "expected-Language"),
        (Mobility::EXPECTED, "expected-Mobility"),
        (Programme::EXPECTED, "expected-Programme"),
        (OpeningKind::EXPECTED, "expected-OpeningKind"),
        (PhysicalDemand::EXPECTED, "expected-PhysicalDemand"),
        (
            placement::PlacementState::EXPECTED,
            "expected-PlacementState",
        ),
        (placement::Move::EXPECTED, "expected-Move"),
        (COUNTRY_EXPECTED, "expected-Country"),
        (LANGUAGE_CODE_EXPECTED, "expected-LanguageCode"),
        (SECTOR_EXPECTED, "expected-Sector"),
    ]
    .into_iter()
    .find(|(text, _)| *text == expected)
    .map(|(_, id)| id)
}

impl ParseError {
    /// What a person reads: "'X' is not a CEFR level (A1, …)", in their language.
    pub fn message(&self) -> Msg {
        Msg::new("field-not-a")
            .text("given", self.given.clone())
            .msg("expected", Msg::new(self.expected_id))
    }
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, $expected:literal, { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "&'static str")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every string form, in order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];
            /// What a value must be, in English (logs, and [`expected_id`]).
            pub const EXPECTED: &'static str = $expected;

            /// The string form used by the API, the database and files.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl FromStr for $name {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, ParseError> {
                match s.trim() {
                    $($text => Ok($name::$variant),)+
                    other => Err(ParseError {
                        given: other.to_owned(),
                        expected: $expected,
                        expected_id: concat!("expected-", stringify!($name)),
                    }),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = ParseError;
            fn try_from(s: String) -> Result<Self, ParseError> {
                s.parse()
            }
        }

        impl From<$name> for &'static str {
            fn from(v: $name) -> &'static str {
                v.as_str()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// A CEFR language level; `A1 < A2 < B1 < B2 < C1 < C2`.
    CefrLevel, "a CEFR level (A1, A2, B1, B2, C1 or C2)", {
        A1 => "A1", A2 => "A2", B1 => "B1", B2 => "B2", C1 => "C1", C2 => "C2",
    }
);

impl CefrLevel {
    /// 0 for A1 up to 5 for C2.
    pub fn rank(self) -> u8 {
        self as u8
    }
}

pub use crate::i18n::Language;

string_enum!(
    /// How a person travels to work.
    Mobility, "a mobility (walk, bike, public_transport or car)", {
        Walk => "walk", Bike => "bike", PublicTransport => "public_transport", Car => "car",
    }
);

string_enum!(
    /// The benefit programme a person belongs to, which decides which openings are allowed.
    Programme, "a programme (revis, cpas_ris or rsa)", {
        /// Luxembourg: revenu d'inclusion sociale.
        Revis => "revis",
        /// Belgium: CPAS revenu d'intégration.
        CpasRis => "cpas_ris",
        /// France: revenu de solidarité active.
        Rsa => "rsa",
    }
);

string_enum!(
    /// What kind of post an opening is.
    OpeningKind, "an opening kind (public_utility_work, article_60, article_61 or immersion)", {
        /// Luxembourg travaux d'utilité publique, French activity with a partner.
        PublicUtilityWork => "public_utility_work",
        /// Belgium article 60§7: the CPAS employs and places the person with a user.
        Article60 => "article_60",
        /// Belgium article 61: a private employer with a tutoring premium.
        Article61 => "article_61",
        /// A short immersion.
        Immersion => "immersion",
    }
);

impl OpeningKind {
    /// Article 60 and 61 are Belgian CPAS measures: only CPAS beneficiaries may take them.
    pub fn allowed_for(self, programme: Programme) -> bool {
        match self {
            OpeningKind::Article60 | OpeningKind::Article61 => programme == Programme::CpasRis,
            OpeningKind::PublicUtilityWork | OpeningKind::Immersion => true,
        }
    }
}

string_enum!(
    /// A physical demand of an opening; a person's health limit with the same name rules it out.
    PhysicalDemand, "a physical demand (heavy_lifting, standing_all_day, outdoor_work, night_work, driving, work_at_height or repetitive_motion)", {
        HeavyLifting => "heavy_lifting",
        StandingAllDay => "standing_all_day",
        OutdoorWork => "outdoor_work",
        NightWork => "night_work",
        Driving => "driving",
        WorkAtHeight => "work_at_height",
        RepetitiveMotion => "repetitive_motion",
    }
);

impl PhysicalDemand {
    /// A sentence for explanations.
    pub fn describe(self) -> &'static str {
        match self {
            PhysicalDemand::HeavyLifting => "heavy lifting",
            PhysicalDemand::StandingAllDay => "standing all day",
            PhysicalDemand::OutdoorWork => "outdoor work",
            PhysicalDemand::NightWork => "night work",
            PhysicalDemand::Driving => "driving",
            PhysicalDemand::WorkAtHeight => "work at height",
            PhysicalDemand::RepetitiveMotion => "repetitive motion",
        }
    }
}

/// ISO 639-1 codes accepted: the languages of the three countries and of the main communities
/// their offices serve. Extend the list rather than accept free text.
pub const LANGUAGE_CODES: &[&str] = &[
    "af", "am", "ar", "bg", "bn", "bs", "ca", "cs", "da", "de", "el", "en", "es", "et", "fa", "fi",
    "fr", "he", "hi", "hr", "hu", "hy", "id", "it", "ja", "ka", "kk", "ko", "ku", "lb", "lt", "lv",
    "mk", "mn", "nl", "no", "pl", "ps", "pt", "ro", "ru", "sk", "sl", "so", "sq", "sr", "sv", "sw",
    "ta", "th", "ti", "tr", "uk", "ur", "uz", "vi", "wo", "zh",
];

/// An ISO 639-1 language code, lowercase (`fr`, `lb`, `de`, `nl`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LanguageCode([u8; 2]);

impl LanguageCode {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII by construction")
    }
}

impl FromStr for LanguageCode {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let lower = s.trim().to_ascii_lowercase();
        if LANGUAGE_CODES.contains(&lower.as_str()) {
            let b = lower.as_bytes();
            Ok(LanguageCode([b[0], b[1]]))
        } else {
            Err(ParseError {
                given: s.trim().to_owned(),
                expected: LANGUAGE_CODE_EXPECTED,
                expected_id: "expected-LanguageCode",
            })
        }
    }
}

impl TryFrom<String> for LanguageCode {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        s.parse()
    }
}

impl From<LanguageCode> for String {
    fn from(c: LanguageCode) -> String {
        c.as_str().to_owned()
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A language with a level: what a person speaks, or the minimum an opening needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageLevel {
    pub language: LanguageCode,
    pub level: CefrLevel,
}

/// A point in WGS84, longitude first so that it cannot be swapped with latitude silently.
///
/// # Units
/// Degrees; longitude in -180..=180, latitude in -90..=90.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawLonLat", into = "RawLonLat")]
pub struct LonLat {
    lon: f64,
    lat: f64,
}

#[derive(Serialize, Deserialize)]
struct RawLonLat {
    lon: f64,
    lat: f64,
}

/// A coordinate out of range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LonLatError {
    #[error("longitude must be between -180 and 180, got {0}")]
    Longitude(f64),
    #[error("latitude must be between -90 and 90, got {0}")]
    Latitude(f64),
}

impl LonLat {
    pub fn new(lon: f64, lat: f64) -> Result<Self, LonLatError> {
        if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
            return Err(LonLatError::Longitude(lon));
        }
        if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
            return Err(LonLatError::Latitude(lat));
        }
        Ok(Self { lon, lat })
    }

    pub fn lon(self) -> f64 {
        self.lon
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    /// Great-circle distance.
    ///
    /// # Units
    /// Metres.
    pub fn distance_m(self, other: LonLat) -> f64 {
        use geo::{Distance, Haversine, Point};
        Haversine.distance(
            Point::new(self.lon, self.lat),
            Point::new(other.lon, other.lat),
        )
    }
}

impl TryFrom<RawLonLat> for LonLat {
    type Error = LonLatError;
    fn try_from(r: RawLonLat) -> Result<Self, LonLatError> {
        LonLat::new(r.lon, r.lat)
    }
}

impl From<LonLat> for RawLonLat {
    fn from(p: LonLat) -> Self {
        RawLonLat {
            lon: p.lon,
            lat: p.lat,
        }
    }
}

/// A skill: free text, plus an optional ROME (France) or ESCO code that matches exactly.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Skill {
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

impl Skill {
    pub fn new(label: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            code: None,
        }
    }

    pub fn with_code(label: impl Into<String>, code: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            code: Some(code.into()),
        }
    }
}

/// A sector of activity (`green spaces`, `cleaning`, `catering`…): free text from the host,
/// compared without case or extra spaces, so that a person who refuses "Cleaning" is not offered
/// an opening in "cleaning ".
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sector(String);

/// Longest sector name accepted.
pub const SECTOR_MAX_CHARS: usize = 60;

impl Sector {
    /// The comparable form of a sector name: trimmed, lowercase, inner spaces collapsed.
    pub fn normalise(text: &str) -> String {
        text.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Sector {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let n = Sector::normalise(s);
        let ok = !n.is_empty()
            && n.chars().count() <= SECTOR_MAX_CHARS
            && n.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '&' | '\'' | '/'));
        if ok {
            Ok(Sector(n))
        } else {
            Err(ParseError {
                given: s.trim().to_owned(),
                expected: SECTOR_EXPECTED,
                expected_id: "expected-Sector",
            })
        }
    }
}

impl TryFrom<String> for Sector {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        s.parse()
    }
}

impl From<Sector> for String {
    fn from(s: Sector) -> String {
        s.0
    }
}

impl fmt::Display for Sector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A character no text field takes, in the API, CSV imports or forms: C0 controls but tab and
/// line breaks, DEL and C1 controls. PostgreSQL refuses NUL outright, and the others forge log
/// lines and exported cells.
pub fn is_refused_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

// After `string_enum!`, which it uses.
pub mod placement;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cefr_levels_order_from_a1_to_c2_and_refuse_anything_else() {
        assert!(CefrLevel::A1 < CefrLevel::A2 && CefrLevel::C1 < CefrLevel::C2);
        assert_eq!("B2".parse::<CefrLevel>(), Ok(CefrLevel::B2));
        let err = "A3".parse::<CefrLevel>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "'A3' is not a CEFR level (A1, A2, B1, B2, C1 or C2)"
        );
        assert_eq!(CefrLevel::C2.rank(), 5);
    }

    #[test]
    fn language_codes_are_lowercased_and_checked_against_iso_639_1() {
        assert_eq!("LB".parse::<LanguageCode>().unwrap().as_str(), "lb");
        assert!("xx".parse::<LanguageCode>().is_err());
        assert!("fra".parse::<LanguageCode>().is_err());
        let json: LanguageCode = serde_json::from_str("\"nl\"").unwrap();
        assert_eq!(json.to_string(), "nl");
    }

    #[test]
    fn coordinates_out_of_range_are_refused_by_name() {
        assert!(LonLat::new(6.13, 49.61).is_ok());
        assert_eq!(LonLat::new(200.0, 49.0), Err(LonLatError::Longitude(200.0)));
        assert_eq!(LonLat::new(6.0, -91.0), Err(LonLatError::Latitude(-91.0)));
        assert!(serde_json::from_str::<LonLat>(r#"{"lon": 6.1, "lat": 95}"#).is_err());
    }

    #[test]
    fn esch_to_luxembourg_city_is_about_15_km() {
        let esch = LonLat::new(5.9806, 49.4958).unwrap();
        let luxembourg = LonLat::new(6.1296, 49.6116).unwrap();
        let km = esch.distance_m(luxembourg) / 1000.0;
        assert!((15.0..17.5).contains(&km), "{km}");
    }

    #[test]
    fn article_60_is_for_cpas_beneficiaries_only() {
        assert!(OpeningKind::Article60.allowed_for(Programme::CpasRis));
        assert!(!OpeningKind::Article60.allowed_for(Programme::Revis));
        assert!(OpeningKind::PublicUtilityWork.allowed_for(Programme::Rsa));
    }

    #[test]
    fn sectors_compare_without_case_or_extra_spaces_and_refuse_junk() {
        let a: Sector = "  Green   Spaces ".parse().unwrap();
        assert_eq!(a.as_str(), "green spaces");
        assert_eq!(a, "green spaces".parse().unwrap());
        assert!("".parse::<Sector>().is_err());
        assert!("<script>".parse::<Sector>().is_err());
        assert!("x".repeat(61).parse::<Sector>().is_err());
        let json: Sector = serde_json::from_str("\"Soins & aide\"").unwrap();
        assert_eq!(serde_json::to_string(&json).unwrap(), "\"soins & aide\"");
    }

    #[test]
    fn enums_round_trip_through_their_string_form() {
        for m in Mobility::ALL {
            assert_eq!(m.as_str().parse::<Mobility>(), Ok(*m));
        }
        for d in PhysicalDemand::ALL {
            assert_eq!(
                serde_json::to_string(d).unwrap(),
                format!("\"{}\"", d.as_str())
            );
        }
    }
}
