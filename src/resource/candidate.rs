//! What a host reads of the people proposed for an opening: pseudonymised, no name, address,
//! health or benefit data.

use serde::Serialize;

use super::validate::{LanguageSkill, SkillInput};

/// A person proposed to a host, pseudonymised: no name, address, health or benefit data.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Candidate {
    /// Means nothing outside this opening and this time window: it changes every window and
    /// cannot be computed from any id.
    pub candidate_ref: String,
    pub score: i64,
    pub skills: Vec<SkillInput>,
    pub languages: Vec<LanguageSkill>,
    /// `under 15 min`, `15-30 min`, `30-45 min`, `45-60 min` or `over 60 min`.
    pub travel_time_band: String,
}

/// The candidates of an opening.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CandidateList {
    pub items: Vec<Candidate>,
    /// Why the list is empty when it is not for want of people: `held` (a new opening, or a
    /// change still held), `too_few` (fewer eligible people than the service shows) or
    /// `no_office_served` (an admin has not said whose people this host may see).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withheld: Option<&'static str>,
    /// Until when a held change keeps the list as it was.
    #[serde(
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub held_until: Option<time::OffsetDateTime>,
}
