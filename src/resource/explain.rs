//! Explanations in words. The matching core says why with codes and figures (an
//! [`Exclusion`], a criterion's [`CriterionFacts`], a rebalancing [`Outcome`]); this module
//! writes the sentences a caseworker reads, and the JSON shapes that carry them (the answer of
//! `placematch suggest`, the lines of a stored rebalancing report). Every door that shows an
//! explanation goes through here, so the words are written once; today in English, and the
//! languages issue renders the same codes in French, Dutch and German.

use serde::Serialize;
use uuid::Uuid;

use crate::matching::evaluate::CriterionFacts;
use crate::matching::rebalance::{
    EXPLAINED_NEAREST, MoveReason, Outcome, PersonResult, Unassigned, WithdrawReason,
};
use crate::matching::{Criterion, Exclusion, Suggestions};

/// A sentence a caseworker understands for a rule that excludes an opening.
pub fn exclusion(e: &Exclusion) -> String {
    match e {
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

/// The sentence that says why a criterion has its points.
pub fn criterion(facts: &CriterionFacts) -> String {
    match *facts {
        CriterionFacts::Skills { matched: None } => {
            "The opening asks for no particular skill.".to_owned()
        }
        CriterionFacts::Skills { matched: Some(m) } => format!(
            "The person's skills match {:.0}% of what the opening asks for.",
            m * 100.0
        ),
        CriterionFacts::Language { margin: None } => {
            "No language level is required: open to everyone.".to_owned()
        }
        CriterionFacts::Language { margin: Some(0) } => {
            "The person meets the required language level exactly.".to_owned()
        }
        CriterionFacts::Language { margin: Some(m) } => format!(
            "The person is {m} CEFR level{} above the required language level.",
            if m == 1 { "" } else { "s" }
        ),
        CriterionFacts::Travel {
            minutes,
            mobility,
            limit,
        } => format!(
            "About {minutes:.0} minutes by {} (the person accepts up to {limit}).",
            mobility.as_str().replace('_', " "),
        ),
        CriterionFacts::Hours { asked, available } => {
            format!("{asked} hours a week of the {available} the person can work.")
        }
        CriterionFacts::Waiting { days, full_from } => {
            format!("Waiting for {days} days (full points from {full_from} days).")
        }
    }
}

/// Why a proposal moves, as the withdrawal reason and the report say it.
pub fn moved(why: &MoveReason) -> String {
    match why {
        MoveReason::CurrentNoLongerFits => {
            "the current opening no longer fits the rules".to_owned()
        }
        MoveReason::SeatNeeded => {
            "same score; its seat is needed by someone who fits it better".to_owned()
        }
        MoveReason::Gains(gains) => {
            let gains: Vec<String> = gains
                .iter()
                .map(|(c, d)| format!("{} {d:+}", c.as_str()))
                .collect();
            format!(
                "points per criterion, new minus current: {}",
                gains.join(", ")
            )
        }
    }
}

/// Why a proposal is withdrawn with nothing in its place.
pub fn withdrawn(why: WithdrawReason) -> String {
    match why {
        WithdrawReason::NoLongerFits => {
            "the opening no longer fits the rules (closed, paused, or the file changed)".to_owned()
        }
        WithdrawReason::SeatNeeded => "its seat went to people with a better fit, and no other \
                                       opening fits better than leaving it"
            .to_owned(),
    }
}

/// Why a person is left without a proposal.
pub fn unassigned(reason: &Unassigned) -> String {
    match reason {
        Unassigned::NoEligibleOpening { rules, .. } if rules.is_empty() => {
            "No opening is within reach of the person's trip limit.".to_owned()
        }
        Unassigned::NoEligibleOpening { rules, looked_at } => {
            let named: Vec<String> = rules
                .iter()
                .map(|(code, n)| format!("{code} ({n} openings)"))
                .collect();
            let among = if *looked_at >= EXPLAINED_NEAREST {
                format!(" among the {looked_at} nearest")
            } else {
                String::new()
            };
            format!(
                "No opening within reach passes the hard rules; most often{among}: {}.",
                named.join(", ")
            )
        }
        Unassigned::OutCompeted {
            decided_by, margin, ..
        } => format!(
            "Its best opening went to someone with a better fit: {} decided ({margin:+} points for them).",
            decided_by.as_str()
        ),
        Unassigned::NoSeatLeft { .. } => "Its eligible openings have no seat left for a new \
                                          person (seats or the host's monthly cap)."
            .to_owned(),
    }
}

/// One rule that excluded an opening: its code and its sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonView {
    pub code: &'static str,
    pub explanation: String,
}

impl ReasonView {
    pub fn new(e: &Exclusion) -> Self {
        Self {
            code: e.code(),
            explanation: exclusion(e),
        }
    }
}

/// One criterion's points and the sentence that says why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartView {
    pub criterion: Criterion,
    pub points: i64,
    pub explanation: String,
}

/// A suggested opening as `placematch suggest` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuggestionView {
    pub opening_id: Uuid,
    pub score: i64,
    pub breakdown: Vec<PartView>,
    pub seats_left: u32,
}

/// An excluded opening as `placematch suggest` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExcludedView {
    pub opening_id: Uuid,
    pub reasons: Vec<ReasonView>,
}

/// Suggestions for one person, in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuggestionsView {
    pub items: Vec<SuggestionView>,
    pub excluded: Vec<ExcludedView>,
}

impl SuggestionsView {
    pub fn new(found: &Suggestions) -> Self {
        Self {
            items: found
                .items
                .iter()
                .map(|s| SuggestionView {
                    opening_id: s.opening_id,
                    score: s.score,
                    breakdown: s
                        .breakdown
                        .iter()
                        .map(|p| PartView {
                            criterion: p.criterion,
                            points: p.points,
                            explanation: criterion(&p.facts),
                        })
                        .collect(),
                    seats_left: s.seats_left,
                })
                .collect(),
            excluded: found
                .excluded
                .iter()
                .map(|x| ExcludedView {
                    opening_id: x.opening_id,
                    reasons: x.reasons.iter().map(ReasonView::new).collect(),
                })
                .collect(),
        }
    }
}

/// One line of a rebalancing report, as it is stored and served.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonResultView {
    pub beneficiary_id: Uuid,
    #[serde(flatten)]
    pub outcome: OutcomeView,
}

/// What the run proposes for one person, in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum OutcomeView {
    New {
        opening_id: Uuid,
        score: i64,
    },
    Kept {
        opening_id: Uuid,
        score: i64,
    },
    Moved {
        from: Uuid,
        to: Uuid,
        score: i64,
        why: String,
    },
    Withdrawn {
        from: Uuid,
        why: String,
    },
    Unassigned {
        reason: UnassignedView,
    },
}

/// Why a person is left without a proposal, in words. A person whose openings have no seat
/// left is `out_competed`, decided by `skills`, as reports have always said.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UnassignedView {
    NoEligibleOpening {
        explanation: String,
    },
    OutCompeted {
        opening_id: Uuid,
        decided_by: Criterion,
        explanation: String,
    },
}

impl PersonResultView {
    pub fn new(r: &PersonResult) -> Self {
        let outcome = match &r.outcome {
            Outcome::New { opening_id, score } => OutcomeView::New {
                opening_id: *opening_id,
                score: *score,
            },
            Outcome::Kept { opening_id, score } => OutcomeView::Kept {
                opening_id: *opening_id,
                score: *score,
            },
            Outcome::Moved {
                from,
                to,
                score,
                why,
            } => OutcomeView::Moved {
                from: *from,
                to: *to,
                score: *score,
                why: moved(why),
            },
            Outcome::Withdrawn { from, why } => OutcomeView::Withdrawn {
                from: *from,
                why: withdrawn(*why),
            },
            Outcome::Unassigned { reason } => {
                let explanation = unassigned(reason);
                OutcomeView::Unassigned {
                    reason: match reason {
                        Unassigned::NoEligibleOpening { .. } => {
                            UnassignedView::NoEligibleOpening { explanation }
                        }
                        Unassigned::OutCompeted {
                            opening_id,
                            decided_by,
                            ..
                        } => UnassignedView::OutCompeted {
                            opening_id: *opening_id,
                            decided_by: *decided_by,
                            explanation,
                        },
                        Unassigned::NoSeatLeft { opening_id } => UnassignedView::OutCompeted {
                            opening_id: *opening_id,
                            decided_by: Criterion::Skills,
                            explanation,
                        },
                    },
                }
            }
        };
        Self {
            beneficiary_id: r.beneficiary_id,
            outcome,
        }
    }
}
