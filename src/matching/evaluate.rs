//! Eligibility and scoring of one (person, opening) pair. Every hard rule that fails gives a
//! named [`Exclusion`]; a pair that passes gets integer points per [`Criterion`], whose sum is
//! its score. The optimiser's cost is `max_score - score`, so suggestions and the nightly run
//! rank by the very same numbers.

use serde::Serialize;

use super::model::{Beneficiary, MatchingConfig, Opening};
use super::skills::{NormalSkill, best_similarity};
use crate::domain::{
    CefrLevel, LanguageCode, LanguageLevel, LonLat, Mobility, PhysicalDemand, Programme, Sector,
};

/// A scored criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    Skills,
    Language,
    Travel,
    Hours,
    Waiting,
}

impl Criterion {
    /// In breakdown order.
    pub const ALL: [Criterion; 5] = [
        Criterion::Skills,
        Criterion::Language,
        Criterion::Travel,
        Criterion::Hours,
        Criterion::Waiting,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::Skills => "skills",
            Criterion::Language => "language",
            Criterion::Travel => "travel",
            Criterion::Hours => "hours",
            Criterion::Waiting => "waiting",
        }
    }
}

/// A hard rule that rules an opening out for a person.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Exclusion {
    /// The opening is not open to the person's programme.
    Programme { programme: Programme },
    /// The kind of post is reserved to another programme (article 60/61: CPAS only).
    KindNotAllowed { kind: String, programme: Programme },
    /// The trip is longer than the person accepts.
    TooFar { minutes: u32, limit: u32 },
    /// A language is missing or below the minimum level.
    LanguageBelowLevel {
        language: LanguageCode,
        needed: CefrLevel,
        has: Option<CefrLevel>,
    },
    /// A required skill is missing.
    RequiredSkillMissing { skill: String },
    /// More hours per week than the person can work.
    TooManyHours { needed: f64, available: f64 },
    /// The opening ends before the person can start.
    EndsBeforeStart {
        end: time::Date,
        earliest: time::Date,
    },
    /// A physical demand the person's health rules out.
    HealthLimit { demand: PhysicalDemand },
    /// A sector the person refuses.
    RefusedSector { sector: String },
    /// Every seat is held.
    NoSeatLeft,
    /// The host took as many new people this month as its cap allows.
    HostIntakeCapReached { cap: u32 },
}

impl Exclusion {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Exclusion::Programme { .. } => "programme",
            Exclusion::KindNotAllowed { .. } => "kind_not_allowed",
            Exclusion::TooFar { .. } => "travel_time",
            Exclusion::LanguageBelowLevel { .. } => "language_level",
            Exclusion::RequiredSkillMissing { .. } => "required_skill",
            Exclusion::TooManyHours { .. } => "hours",
            Exclusion::EndsBeforeStart { .. } => "dates",
            Exclusion::HealthLimit { .. } => "health",
            Exclusion::RefusedSector { .. } => "refused_sector",
            Exclusion::NoSeatLeft => "no_seat_left",
            Exclusion::HostIntakeCapReached { .. } => "host_intake_cap",
        }
    }

    /// Whether a caseworker may propose despite it, with a recorded reason: the person's own
    /// limits and the post's wishes, never the programme, the kind of post, health, seats or
    /// the host's cap.
    pub fn overridable(&self) -> bool {
        matches!(
            self,
            Exclusion::TooFar { .. }
                | Exclusion::LanguageBelowLevel { .. }
                | Exclusion::RequiredSkillMissing { .. }
                | Exclusion::TooManyHours { .. }
                | Exclusion::EndsBeforeStart { .. }
                | Exclusion::RefusedSector { .. }
        )
    }
}

/// A person prepared once for many evaluations.
#[derive(Debug, Clone)]
pub struct PreparedPerson<'a> {
    pub person: &'a Beneficiary,
    pub skills: Vec<NormalSkill>,
    /// Days waited, clamped at 0.
    pub waiting_days: i64,
    /// The day the person could start: today or later.
    pub available_from: time::Date,
    /// Refused sectors in their comparable form ([`Sector::normalise`]).
    pub refused_sectors: Vec<String>,
}

impl<'a> PreparedPerson<'a> {
    pub fn new(person: &'a Beneficiary, today: time::Date) -> Self {
        Self {
            person,
            skills: person.skills.iter().map(NormalSkill::new).collect(),
            waiting_days: (today - person.waiting_since).whole_days().max(0),
            available_from: person.earliest_start.max(today),
            refused_sectors: person
                .refused_sectors
                .iter()
                .map(|s| Sector::normalise(s))
                .collect(),
        }
    }

    pub(crate) fn level(&self, language: LanguageCode) -> Option<CefrLevel> {
        self.person
            .languages
            .iter()
            .find(|l| l.language == language)
            .map(|l| l.level)
    }
}

/// An opening prepared once for many evaluations.
#[derive(Debug, Clone)]
pub struct PreparedOpening {
    pub required: Vec<NormalSkill>,
    pub wanted: Vec<NormalSkill>,
    pub sector: String,
}

impl PreparedOpening {
    pub fn new(opening: &Opening) -> Self {
        Self {
            required: opening
                .required_skills
                .iter()
                .map(NormalSkill::new)
                .collect(),
            wanted: opening.wanted_skills.iter().map(NormalSkill::new).collect(),
            sector: Sector::normalise(&opening.sector),
        }
    }
}

/// The numbers behind a pair's score, enough to explain it.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Points per criterion, in [`Criterion::ALL`] order.
    pub points: [i64; 5],
    /// # Units
    /// Minutes.
    pub travel_minutes: f64,
    /// Mean best similarity over asked skills; `None` when none are asked.
    pub skill_match: Option<f64>,
    /// Smallest margin in CEFR levels over the asked languages; `None` when none are asked.
    pub language_margin: Option<u8>,
}

impl Assessment {
    pub fn score(&self) -> i64 {
        self.points.iter().sum()
    }

    /// The optimiser's cost: lower is better, never negative.
    pub fn cost(&self, config: &MatchingConfig) -> i64 {
        config.max_score() - self.score()
    }
}

/// How seats count in an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seats {
    /// A full opening (or a host at its cap) is excluded, unless it holds the person's own
    /// placement: suggestions for one person.
    Check { is_current: bool },
    /// Seats are left to the optimiser's capacity rows: the nightly run, where seats held by
    /// proposals may change hands.
    Ignore,
}

/// Checks every rule (cheapest first) and scores the pair; `Err` lists every rule that fails.
pub fn assess(
    p: &PreparedPerson<'_>,
    o: &Opening,
    po: &PreparedOpening,
    config: &MatchingConfig,
    seats: Seats,
) -> Result<Assessment, Vec<Exclusion>> {
    assess_by(p, o, po, config, seats, &mut |_, _, asked| {
        best_similarity(&p.skills, asked)
    })
}

/// [`assess`] with the person's similarity to the opening's `k`-th required (`true`) or wanted
/// skill given by `similarity`, so that a caller can remember it across openings that ask for the
/// same skill.
pub(crate) fn assess_by(
    p: &PreparedPerson<'_>,
    o: &Opening,
    po: &PreparedOpening,
    config: &MatchingConfig,
    seats: Seats,
    similarity: &mut dyn FnMut(bool, usize, &NormalSkill) -> f64,
) -> Result<Assessment, Vec<Exclusion>> {
    let mut why = Vec::new();
    check_cheap_rules(p, o, po, seats, &mut why);
    let minutes = trip_minutes(p, o.location, config);
    if minutes > f64::from(p.person.max_trip_minutes) {
        why.push(Exclusion::TooFar {
            minutes: minutes.round() as u32,
            limit: p.person.max_trip_minutes,
        });
    }
    let mut languages = LanguageSum::default();
    for need in &o.languages {
        let has = p.level(need.language);
        if !languages.add(has, need.level) {
            why.push(Exclusion::LanguageBelowLevel {
                language: need.language,
                needed: need.level,
                has,
            });
        }
    }
    let mut skills = SkillSum::default();
    let asked = (po.required.iter().enumerate().map(|(k, s)| (true, k, s)))
        .chain(po.wanted.iter().enumerate().map(|(k, s)| (false, k, s)));
    for (required, k, asked) in asked {
        if !skills.add(similarity(required, k, asked), required, config) {
            why.push(Exclusion::RequiredSkillMissing {
                skill: o.required_skills[k].label.clone(),
            });
        }
    }
    if !why.is_empty() {
        return Err(why);
    }
    Ok(finish(
        p,
        config,
        o.hours_per_week,
        o.languages.len(),
        languages,
        skills,
        minutes,
    ))
}

/// What scoring reads of an opening once its cheap rules have passed: the full record's fields,
/// or a search's packed copy of them.
pub(crate) struct OpeningFacts<'a> {
    pub location: LonLat,
    pub hours_per_week: f64,
    /// Minimum level per language.
    pub languages: &'a [LanguageLevel],
    /// How many required skills, then wanted ones, `similarity` is asked about.
    pub required: usize,
    pub wanted: usize,
}

/// [`assess`] for a pair whose rules that need no distance or text (`check_cheap_rules`) the
/// caller has checked already: `None` as soon as one rule fails (no reasons, no distance when a
/// language or skill rule fails first). The person's similarity to the opening's `k`-th required
/// (or wanted) skill comes from `similarity`, so that a caller can remember it across openings
/// that ask for the same skill. The same steps as [`assess`] in the same order, so an `Ok` is
/// bit for bit the same.
pub(crate) fn score_passed(
    p: &PreparedPerson<'_>,
    o: &OpeningFacts<'_>,
    config: &MatchingConfig,
    mut similarity: impl FnMut(bool, usize) -> f64,
) -> Option<Assessment> {
    let mut languages = LanguageSum::default();
    for need in o.languages {
        if !languages.add(p.level(need.language), need.level) {
            return None;
        }
    }
    let mut skills = SkillSum::default();
    let asked = (0..o.required)
        .map(|k| (true, k))
        .chain((0..o.wanted).map(|k| (false, k)));
    for (required, k) in asked {
        if !skills.add(similarity(required, k), required, config) {
            return None;
        }
    }
    let minutes = trip_minutes(p, o.location, config);
    if minutes > f64::from(p.person.max_trip_minutes) {
        return None;
    }
    Some(finish(
        p,
        config,
        o.hours_per_week,
        o.languages.len(),
        languages,
        skills,
        minutes,
    ))
}

/// Trip time from the person's home to `location`.
///
/// # Units
/// Minutes.
fn trip_minutes(p: &PreparedPerson<'_>, location: LonLat, config: &MatchingConfig) -> f64 {
    config.travel_minutes(p.person.home.distance_m(location), p.person.mobility)
}

/// The language criterion so far, over the asked languages in order.
#[derive(Default)]
struct LanguageSum {
    /// Smallest margin in CEFR levels.
    margin: Option<u8>,
    points: f64,
}

impl LanguageSum {
    /// Adds one asked language; false when the person is below the level.
    fn add(&mut self, has: Option<CefrLevel>, needed: CefrLevel) -> bool {
        match has {
            Some(has) if has >= needed => {
                let m = has.rank() - needed.rank();
                self.margin = Some(self.margin.map_or(m, |x| x.min(m)));
                // Meeting the level earns half; each level above adds a quarter, up to two.
                self.points += 0.5 + 0.25 * f64::from(m.min(2));
                true
            }
            _ => false,
        }
    }
}

/// The skills criterion so far, over the asked skills in order (required ones first).
#[derive(Default)]
struct SkillSum {
    sum: f64,
    weight: f64,
}

impl SkillSum {
    /// Adds one asked skill the person matches at `best`; false when it is required and missing.
    fn add(&mut self, best: f64, required: bool, config: &MatchingConfig) -> bool {
        // A required skill counts twice as much as a wanted one.
        let w = if required { 2.0 } else { 1.0 };
        let floor = config.skill_similarity_floor.clamp(0.0, 0.99);
        self.sum += w * ((best - floor) / (1.0 - floor)).clamp(0.0, 1.0);
        self.weight += w;
        !(required && best < config.skill_match_threshold)
    }
}

/// The points of a pair that passed every rule.
fn finish(
    p: &PreparedPerson<'_>,
    config: &MatchingConfig,
    hours_per_week: f64,
    asked_languages: usize,
    languages: LanguageSum,
    skills: SkillSum,
    minutes: f64,
) -> Assessment {
    let skill_match = (skills.weight > 0.0).then(|| skills.sum / skills.weight);
    let skill_points = match skill_match {
        Some(m) => (config.weight_skills as f64 * m).round() as i64,
        None => config.skills_points_when_none_asked,
    };
    let language = if asked_languages == 0 {
        config.weight_language
    } else {
        (config.weight_language as f64 * languages.points / asked_languages as f64).round() as i64
    };
    let travel = travel_points(minutes, p.person.max_trip_minutes, config);
    let hours = (config.weight_hours as f64 * (hours_per_week / p.person.hours_per_week).min(1.0))
        .round() as i64;
    let waiting = waiting_points(p, config);
    Assessment {
        points: [skill_points, language, travel, hours, waiting],
        travel_minutes: minutes,
        skill_match,
        language_margin: languages.margin,
    }
}

/// Travel points of a trip of `minutes` for a person who accepts `limit` minutes: full for no
/// trip, none at the limit or beyond. Never rises with the trip, which suggestions rely on.
pub(crate) fn travel_points(minutes: f64, limit: u32, config: &MatchingConfig) -> i64 {
    let limit = f64::from(limit.max(1));
    ((config.weight_travel as f64 * (1.0 - minutes / limit)).round() as i64).max(0)
}

/// Waiting points of a person: the same for every opening.
pub(crate) fn waiting_points(p: &PreparedPerson<'_>, config: &MatchingConfig) -> i64 {
    config.weight_waiting * p.waiting_days.min(config.waiting_full_days)
        / config.waiting_full_days.max(1)
}

/// The rules that need no distance or text comparison.
fn check_cheap_rules(
    p: &PreparedPerson<'_>,
    o: &Opening,
    po: &PreparedOpening,
    seats: Seats,
    why: &mut Vec<Exclusion>,
) {
    let person = p.person;
    if !o.programmes.contains(&person.programme) {
        why.push(Exclusion::Programme {
            programme: person.programme,
        });
    }
    if !o.kind.allowed_for(person.programme) {
        why.push(Exclusion::KindNotAllowed {
            kind: o.kind.as_str().to_owned(),
            programme: person.programme,
        });
    }
    if o.hours_per_week > person.hours_per_week + 1e-9 {
        why.push(Exclusion::TooManyHours {
            needed: o.hours_per_week,
            available: person.hours_per_week,
        });
    }
    if let Some(end) = o.end_date
        && end < p.available_from
    {
        why.push(Exclusion::EndsBeforeStart {
            end,
            earliest: p.available_from,
        });
    }
    for demand in &o.physical_demands {
        if person.health_limits.contains(demand) {
            why.push(Exclusion::HealthLimit { demand: *demand });
        }
    }
    if !po.sector.is_empty() && p.refused_sectors.contains(&po.sector) {
        why.push(Exclusion::RefusedSector {
            sector: po.sector.clone(),
        });
    }
    if seats == (Seats::Check { is_current: false }) {
        if o.free_seats() == 0 {
            why.push(Exclusion::NoSeatLeft);
        }
        if let Some(cap) = o.host_monthly_cap
            && o.host_intake_this_month >= cap
        {
            why.push(Exclusion::HostIntakeCapReached { cap });
        }
    }
}

/// One criterion's share of a score, with the facts its points rest on. The sentence that
/// says why is written from these at the edge (the core gives codes and figures, not words).
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionPart {
    pub criterion: Criterion,
    pub points: i64,
    pub facts: CriterionFacts,
}

/// What a criterion's points rest on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CriterionFacts {
    /// The person's skills match this share (0 to 1) of what the opening asks for; `None`
    /// when it asks for no particular skill.
    Skills { matched: Option<f64> },
    /// The smallest margin in CEFR levels over the asked languages; `None` when none is asked.
    Language { margin: Option<u8> },
    /// The trip by the person's mobility, and the most the person accepts.
    ///
    /// # Units
    /// Minutes.
    Travel {
        minutes: f64,
        mobility: Mobility,
        limit: u32,
    },
    /// Hours a week the opening asks, and those the person can work.
    Hours { asked: f64, available: f64 },
    /// Days the person has waited, and the days from which waiting has full points.
    Waiting { days: i64, full_from: i64 },
}

/// The breakdown of an assessment: one part per criterion, adding up to the score.
pub fn explain(
    a: &Assessment,
    p: &PreparedPerson<'_>,
    o: &Opening,
    config: &MatchingConfig,
) -> Vec<CriterionPart> {
    Criterion::ALL
        .iter()
        .zip(a.points)
        .map(|(&criterion, points)| {
            let facts = match criterion {
                Criterion::Skills => CriterionFacts::Skills {
                    matched: a.skill_match,
                },
                Criterion::Language => CriterionFacts::Language {
                    margin: a.language_margin,
                },
                Criterion::Travel => CriterionFacts::Travel {
                    minutes: a.travel_minutes,
                    mobility: p.person.mobility,
                    limit: p.person.max_trip_minutes,
                },
                Criterion::Hours => CriterionFacts::Hours {
                    asked: o.hours_per_week,
                    available: p.person.hours_per_week,
                },
                Criterion::Waiting => CriterionFacts::Waiting {
                    days: p.waiting_days,
                    full_from: config.waiting_full_days,
                },
            };
            CriterionPart {
                criterion,
                points,
                facts,
            }
        })
        .collect()
}
