//! The inputs of the matching core and its configuration. Everything the core needs arrives in
//! these structs; nothing is read from a clock, a file or the environment.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{
    LanguageLevel, LonLat, Mobility, OpeningKind, PhysicalDemand, Programme, Skill,
};

/// Where a person stands now, for the stability rules of the nightly run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CurrentState {
    /// Proposed (or accepted/confirmed but not started): may be moved, at a penalty.
    Proposed,
    /// Accepted, confirmed or at work: never moved.
    Active,
}

/// A person's current placement or proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentPlacement {
    pub opening_id: Uuid,
    pub state: CurrentState,
}

/// A person waiting for (or holding) a placement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Beneficiary {
    pub id: Uuid,
    pub programme: Programme,
    pub office_id: Uuid,
    pub home: LonLat,
    pub mobility: Mobility,
    /// Longest one-way trip the person accepts.
    ///
    /// # Units
    /// Minutes.
    pub max_trip_minutes: u32,
    #[serde(default)]
    pub languages: Vec<LanguageLevel>,
    #[serde(default)]
    pub skills: Vec<Skill>,
    /// Hours per week the person can work.
    pub hours_per_week: f64,
    pub earliest_start: time::Date,
    /// Physical demands the person's health rules out.
    #[serde(default)]
    pub health_limits: Vec<PhysicalDemand>,
    /// Sectors the person refuses (lowercase).
    #[serde(default)]
    pub refused_sectors: Vec<String>,
    pub waiting_since: time::Date,
    #[serde(default)]
    pub current: Option<CurrentPlacement>,
}

/// A post offered by a host organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Opening {
    pub id: Uuid,
    pub organisation_id: Uuid,
    #[serde(default)]
    pub title: String,
    pub kind: OpeningKind,
    #[serde(default)]
    pub sector: String,
    /// Programmes whose people may take it.
    pub programmes: Vec<Programme>,
    pub location: LonLat,
    pub seats: u32,
    /// Seats held by live placements, the person's own included.
    #[serde(default)]
    pub seats_taken: u32,
    pub hours_per_week: f64,
    pub start_date: time::Date,
    #[serde(default)]
    pub end_date: Option<time::Date>,
    #[serde(default)]
    pub required_skills: Vec<Skill>,
    #[serde(default)]
    pub wanted_skills: Vec<Skill>,
    /// Minimum level per language.
    #[serde(default)]
    pub languages: Vec<LanguageLevel>,
    #[serde(default)]
    pub physical_demands: Vec<PhysicalDemand>,
    /// The host's cap on new people per month, if any.
    #[serde(default)]
    pub host_monthly_cap: Option<u32>,
    /// New people the host already took this month.
    #[serde(default)]
    pub host_intake_this_month: u32,
}

impl Opening {
    /// Seats not held by anyone.
    pub fn free_seats(&self) -> u32 {
        self.seats.saturating_sub(self.seats_taken)
    }
}

/// Weights, speeds and thresholds of matching. One place for every default, each with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MatchingConfig {
    /// Most points the skills criterion gives: skills are the first thing a host looks at.
    pub weight_skills: i64,
    /// Most points for language: low French or Luxembourgish is a main barrier, so an opening
    /// that asks for no language, or one the person masters well, is worth much.
    pub weight_language: i64,
    /// Most points for a short trip: transport is a named barrier in every source.
    pub weight_travel: i64,
    /// Most points for hours that use the person's availability.
    pub weight_hours: i64,
    /// Most points for waiting time: people who have waited longer come first.
    pub weight_waiting: i64,
    /// Days of waiting that earn the full waiting points (one year).
    pub waiting_full_days: i64,
    /// Points an opening with no skill demand gets: open to everyone, but a skill match is better.
    pub skills_points_when_none_asked: i64,
    /// Similarity (0..1) from which a person's skill counts as the one asked; below it a required
    /// skill is missing. Jaro-Winkler on normalised words: 0.85 accepts plurals and typos.
    pub skill_match_threshold: f64,
    /// Similarity (0..1) below which two skills count as unrelated: Jaro-Winkler gives about 0.5
    /// to any two French phrases, so points are scaled from this floor up to 1.
    pub skill_similarity_floor: f64,
    /// Road and path distance over straight-line distance.
    pub detour_factor: f64,
    /// Door-to-door speeds per mode, waits and changes included.
    ///
    /// # Units
    /// Kilometres per hour.
    pub speed_walk_kmh: f64,
    pub speed_bike_kmh: f64,
    pub speed_public_transport_kmh: f64,
    pub speed_car_kmh: f64,
    /// Cost of leaving a person unassigned, above any assignment's cost so that placing someone
    /// always beats leaving the seat empty.
    pub unassigned_cost: i64,
    /// Extra cost of moving a person's current proposal elsewhere (or withdrawing it).
    pub move_penalty: i64,
    /// Most proposals a nightly run may move or withdraw; none when `None`.
    pub max_moves: Option<u32>,
    /// Candidates per person in the first LP; the dual prices then bring in any other pair
    /// that improves the optimum.
    pub candidates_per_person: usize,
}

impl Default for MatchingConfig {
    fn default() -> Self {
        Self {
            weight_skills: 400,
            weight_language: 200,
            weight_travel: 300,
            weight_hours: 100,
            weight_waiting: 100,
            waiting_full_days: 365,
            skills_points_when_none_asked: 250,
            skill_match_threshold: 0.85,
            skill_similarity_floor: 0.6,
            detour_factor: 1.3,
            speed_walk_kmh: 4.5,
            speed_bike_kmh: 14.0,
            speed_public_transport_kmh: 18.0,
            speed_car_kmh: 40.0,
            unassigned_cost: 1_200,
            move_penalty: 150,
            max_moves: None,
            candidates_per_person: 8,
        }
    }
}

impl MatchingConfig {
    /// Highest possible score: the sum of the weights.
    pub fn max_score(&self) -> i64 {
        self.weight_skills
            + self.weight_language
            + self.weight_travel
            + self.weight_hours
            + self.weight_waiting
    }

    /// Door-to-door speed of a mode.
    ///
    /// # Units
    /// Kilometres per hour.
    pub fn speed_kmh(&self, mobility: Mobility) -> f64 {
        match mobility {
            Mobility::Walk => self.speed_walk_kmh,
            Mobility::Bike => self.speed_bike_kmh,
            Mobility::PublicTransport => self.speed_public_transport_kmh,
            Mobility::Car => self.speed_car_kmh,
        }
    }

    /// Travel time for a straight-line distance.
    ///
    /// # Units
    /// `metres` in metres; the result in minutes.
    pub fn travel_minutes(&self, metres: f64, mobility: Mobility) -> f64 {
        metres / 1000.0 * self.detour_factor / self.speed_kmh(mobility) * 60.0
    }

    /// The farthest straight-line distance a person can reach within their trip limit.
    ///
    /// # Units
    /// Metres.
    pub fn reach_m(&self, b: &Beneficiary) -> f64 {
        f64::from(b.max_trip_minutes) / 60.0 * self.speed_kmh(b.mobility) / self.detour_factor
            * 1000.0
    }
}
