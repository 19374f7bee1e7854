//! Eligibility and scoring of one (person, opening) pair. Every hard rule that fails gives a
//! named [`Exclusion`]; a pair that passes gets integer points per [`Criterion`], whose sum is
//! its score. The optimiser's cost is `max_score - score`, so suggestions and the nightly run
//! rank by the very same numbers.

use serde::Serialize;

use super::model::{Beneficiary, MatchingConfig, Opening};
use super::skills::{NormalSkill, best_similarity};
use crate::domain::{CefrLevel, LanguageCode, PhysicalDemand, Programme, Sector};

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

    /// A sentence a caseworker understands.
    pub fn explanation(&self) -> String {
        match self {
            Exclusion::Programme { programme } => {
                format!("This opening does not take people of the {programme} programme.")
            }
            Exclusion::KindNotAllowed { kind, programme } => format!(
                "A {} post is not available to people of the {programme} programme.",
                kind.replace('_', " ")
            ),
            Exclusion::TooFar { minutes, limit } => format!(
                "The trip takes about {minutes} minutes, more than the {limit} minutes the person accepts."
            ),
            Exclusion::LanguageBelowLevel {
                language,
                needed,
                has: Some(has),
            } => format!("It needs {language} at {needed}; the person has {has}."),
            Exclusion::LanguageBelowLevel {
                language,
                needed,
                has: None,
            } => format!("It needs {language} at {needed}; the person does not speak it."),
            Exclusion::RequiredSkillMissing { skill } => {
                format!("It requires the skill \"{skill}\", which the person does not have.")
            }
            Exclusion::TooManyHours { needed, available } => {
                format!("It needs {needed} hours a week; the person can work {available}.")
            }
            Exclusion::EndsBeforeStart { end, earliest } => {
                format!("It ends on {end}, before the person can start ({earliest}).")
            }
            Exclusion::HealthLimit { demand } => format!(
                "It involves {}, which the person's health rules out.",
                demand.describe()
            ),
            Exclusion::RefusedSector { sector } => {
                format!("The person refuses the {sector} sector.")
            }
            Exclusion::NoSeatLeft => "Every seat is taken.".to_owned(),
            Exclusion::HostIntakeCapReached { cap } => {
                format!("The host has already taken {cap} new people this month, its cap.")
            }
        }
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

    fn level(&self, language: LanguageCode) -> Option<CefrLevel> {
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
    assess_with(p, o, po, config, seats, true, false, &mut |required, k| {
        let asked = if required {
            &po.required[k]
        } else {
            &po.wanted[k]
        };
        best_similarity(&p.skills, asked)
    })
}

/// [`assess`] with the person's similarity to the opening's `k`-th required (or wanted) skill
/// given by `similarity`, so that a caller can remember it across openings that ask for the same
/// skill. Without `all_reasons`, a pair that fails a cheap rule returns at once with that rule
/// (no distance, no text comparison). With `cheap_rules_passed`, the caller has checked the rules
/// that need no distance or text already (the search's packed copy of them), and they are not
/// read again from the opening's record.
// The search's hot path: plain arguments, no options struct built per pair.
#[allow(clippy::too_many_arguments)]
pub(crate) fn assess_with(
    p: &PreparedPerson<'_>,
    o: &Opening,
    po: &PreparedOpening,
    config: &MatchingConfig,
    seats: Seats,
    all_reasons: bool,
    cheap_rules_passed: bool,
    similarity: &mut dyn FnMut(bool, usize) -> f64,
) -> Result<Assessment, Vec<Exclusion>> {
    let mut why = Vec::new();
    if !cheap_rules_passed {
        check_cheap_rules(p, o, po, seats, &mut why);
    }
    if !all_reasons && !why.is_empty() {
        return Err(why);
    }
    // The trip needs a great-circle distance: with `all_reasons` it is named in rule order;
    // otherwise it waits until the language and skill rules have passed.
    let trip = |why: &mut Vec<Exclusion>| {
        let minutes =
            config.travel_minutes(p.person.home.distance_m(o.location), p.person.mobility);
        if minutes > f64::from(p.person.max_trip_minutes) {
            why.push(Exclusion::TooFar {
                minutes: minutes.round() as u32,
                limit: p.person.max_trip_minutes,
            });
        }
        minutes
    };
    let early_minutes = all_reasons.then(|| trip(&mut why));
    let mut margin: Option<u8> = None;
    let mut language_points_sum = 0.0;
    for need in &o.languages {
        match p.level(need.language) {
            Some(has) if has >= need.level => {
                let m = has.rank() - need.level.rank();
                margin = Some(margin.map_or(m, |x| x.min(m)));
                // Meeting the level earns half; each level above adds a quarter, up to two.
                language_points_sum += 0.5 + 0.25 * f64::from(m.min(2));
            }
            has => {
                why.push(Exclusion::LanguageBelowLevel {
                    language: need.language,
                    needed: need.level,
                    has,
                });
                if !all_reasons {
                    return Err(why);
                }
            }
        }
    }
    let mut skill_sum = 0.0;
    let mut skill_weight = 0.0;
    let asked = (0..po.required.len())
        .map(|k| (true, k))
        .chain((0..po.wanted.len()).map(|k| (false, k)));
    for (required, k) in asked {
        let best = similarity(required, k);
        if required && best < config.skill_match_threshold {
            why.push(Exclusion::RequiredSkillMissing {
                skill: o.required_skills[k].label.clone(),
            });
        }
        // A required skill counts twice as much as a wanted one.
        let w = if required { 2.0 } else { 1.0 };
        let floor = config.skill_similarity_floor.clamp(0.0, 0.99);
        skill_sum += w * ((best - floor) / (1.0 - floor)).clamp(0.0, 1.0);
        skill_weight += w;
        if !all_reasons && !why.is_empty() {
            return Err(why);
        }
    }
    let minutes = match early_minutes {
        Some(m) => m,
        None => trip(&mut why),
    };
    if !why.is_empty() {
        return Err(why);
    }
    let skill_match = (skill_weight > 0.0).then(|| skill_sum / skill_weight);
    let skills = match skill_match {
        Some(m) => (config.weight_skills as f64 * m).round() as i64,
        None => config.skills_points_when_none_asked,
    };
    let language = if o.languages.is_empty() {
        config.weight_language
    } else {
        (config.weight_language as f64 * language_points_sum / o.languages.len() as f64).round()
            as i64
    };
    let travel = travel_points(minutes, p.person.max_trip_minutes, config);
    let hours = (config.weight_hours as f64 * (o.hours_per_week / p.person.hours_per_week).min(1.0))
        .round() as i64;
    let waiting = waiting_points(p, config);
    Ok(Assessment {
        points: [skills, language, travel, hours, waiting],
        travel_minutes: minutes,
        skill_match,
        language_margin: margin,
    })
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

/// One criterion's share of a score, with a sentence that says why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionPart {
    pub criterion: Criterion,
    pub points: i64,
    pub explanation: String,
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
            let explanation = match criterion {
                Criterion::Skills => match a.skill_match {
                    None => "The opening asks for no particular skill.".to_owned(),
                    Some(m) => format!(
                        "The person's skills match {:.0}% of what the opening asks for.",
                        m * 100.0
                    ),
                },
                Criterion::Language => match a.language_margin {
                    None => "No language level is required: open to everyone.".to_owned(),
                    Some(0) => "The person meets the required language level exactly.".to_owned(),
                    Some(m) => format!(
                        "The person is {m} CEFR level{} above the required language level.",
                        if m == 1 { "" } else { "s" }
                    ),
                },
                Criterion::Travel => format!(
                    "About {:.0} minutes by {} (the person accepts up to {}).",
                    a.travel_minutes,
                    p.person.mobility.as_str().replace('_', " "),
                    p.person.max_trip_minutes
                ),
                Criterion::Hours => format!(
                    "{} hours a week of the {} the person can work.",
                    o.hours_per_week, p.person.hours_per_week
                ),
                Criterion::Waiting => format!(
                    "Waiting for {} days (full points from {} days).",
                    p.waiting_days, config.waiting_full_days
                ),
            };
            CriterionPart {
                criterion,
                points,
                explanation,
            }
        })
        .collect()
}
